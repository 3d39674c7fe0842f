import { lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { posix } from 'node:path';
import { type JsonObject, isObject, jsonPath } from '../types';
import { makeDataUrl } from './dataurl';
import { type Collected, type Ctx, issue } from './walk';
import type { ButaneParams } from './yaml';

/**
 * `storage.trees`: every file and symlink under a local directory becomes a `storage.files` or
 * `storage.links` entry, as Butane 0.25 does it (base/v0_x/translate.go `processTrees` and
 * `walkTree`): entries in lexical order, a file keeps a mode the config already gives it (else
 * 0644, or 0755 when any execute bit is set), an existing entry without contents is filled, and a
 * path the config already fills or uses for another kind of node is an error. Symlinks are copied
 * as links, never followed; anything else (sockets, devices) is refused.
 */

interface Nodes {
  files: JsonObject[];
  directories: JsonObject[];
  links: JsonObject[];
}

function nodesOf(config: JsonObject): Nodes {
  const st = (isObject(config.storage) ? config.storage : (config.storage = {})) as JsonObject;
  const list = (k: keyof Nodes): JsonObject[] => {
    if (!Array.isArray(st[k])) st[k] = [];
    return st[k] as JsonObject[];
  };
  return { files: list('files'), directories: list('directories'), links: list('links') };
}

const inside = (p: string, base: string): boolean => {
  const r = relative(base, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/** Adds the files and links of each tree to `config` (modified in place). */
export function applyTrees(ctx: Ctx, config: JsonObject, c: Collected): void {
  const trees = Array.isArray(c.value) ? c.value : [];
  if (trees.length === 0) return;
  if (!ctx.filesDir) {
    issue(ctx, c.node, 'BUTANE_NO_FILES_DIR', c.path, 'storage.trees reads local directories: give a files directory (--files-dir DIR)', {
      reason: 'trees',
    });
    return;
  }
  const base = resolve(ctx.filesDir);
  const nodes = nodesOf(config);
  trees.forEach((t, i) => {
    const at = `${c.path}[${i}]`;
    const tree = isObject(t) ? t : {};
    const local = typeof tree.local === 'string' ? tree.local : '';
    if (local === '')
      return void issue(ctx, c.node, 'BUTANE_TREE', `${at}.local`, 'a tree needs local (a directory under the files directory)', {
        reason: 'no-local',
      });
    const src = resolve(base, local);
    let real: string;
    try {
      real = realpathSync(src);
      if (isAbsolute(local) || !inside(src, base) || !inside(real, realpathSync(base)))
        return void issue(ctx, c.node, 'BUTANE_LOCAL_ESCAPE', `${at}.local`, `local directory "${local}" is outside the files directory`, {
          reason: 'directory',
          local,
        });
      if (!statSync(real).isDirectory())
        return void issue(ctx, c.node, 'BUTANE_TREE', `${at}.local`, `"${local}" is not a directory`, {
          reason: 'not-directory',
          local,
        });
    } catch (err) {
      return void issue(
        ctx,
        c.node,
        'BUTANE_LOCAL_READ',
        `${at}.local`,
        `cannot read local directory "${local}": ${(err as Error).message}`,
        { reason: 'directory', local, detail: (err as Error).message },
      );
    }
    const dest = typeof tree.path === 'string' && tree.path !== '' ? tree.path : '/';
    const where = { path: at, ...ctx.y.at(c.node) };
    const fail = (message: string, params: ButaneParams): undefined => issue(ctx, c.node, 'BUTANE_TREE', at, message, params);
    const visit = (dir: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const file = join(dir, name);
        const target = posix.join(dest, relative(real, file).split(/[\\/]/).join('/'));
        const st = lstatSync(file);
        ctx.y.count(c.node);
        if (st.isDirectory()) visit(file);
        else if (st.isFile()) addFile(target, file, st.mode);
        else if (st.isSymbolicLink()) addLink(target, readlinkSync(file).split('\\').join('/'));
        else fail(`${target}: trees may only hold files, directories and symlinks`, { reason: 'node-kind', path: target });
      }
    };
    const taken = (path: string): boolean => [...nodes.files, ...nodes.directories, ...nodes.links].some((n) => n.path === path);
    const addFile = (path: string, from: string, mode: number): void => {
      let idx = nodes.files.findIndex((f) => f.path === path);
      let entry = nodes.files[idx];
      if (entry && isObject(entry.contents) && entry.contents.source)
        return void fail(`${path} already has contents in this config`, { reason: 'contents', path });
      if (!entry) {
        if (taken(path)) return void fail(`${path} is already in this config as another kind of node`, { reason: 'other-kind', path });
        entry = { path };
        idx = nodes.files.push(entry) - 1;
        ctx.where.set(jsonPath('$.storage.files', idx), where);
      }
      const contents = isObject(entry.contents) ? entry.contents : {};
      const user = typeof contents.compression === 'string' && contents.compression !== '' ? contents.compression : undefined;
      const url = makeDataUrl(new Uint8Array(readFileSync(from)), user);
      entry.contents = { ...contents, source: url.source, ...(url.compression !== undefined ? { compression: url.compression } : {}) };
      if (entry.mode === undefined) entry.mode = mode & 0o111 ? 0o755 : 0o644;
    };
    const addLink = (path: string, target: string): void => {
      let entry = nodes.links.find((l) => l.path === path);
      if (entry?.target) return void fail(`${path} already has a link target in this config`, { reason: 'link-target', path });
      if (!entry) {
        if (taken(path)) return void fail(`${path} is already in this config as another kind of node`, { reason: 'other-kind', path });
        entry = { path };
        ctx.where.set(jsonPath('$.storage.links', nodes.links.push(entry) - 1), where);
      }
      entry.target = target;
    };
    try {
      visit(real);
    } catch (err) {
      if (err instanceof Error && err.name === 'ButaneError') throw err;
      fail(`cannot read local directory "${local}": ${(err as Error).message}`, {
        reason: 'read',
        local,
        detail: (err as Error).message,
      });
    }
  });
}
