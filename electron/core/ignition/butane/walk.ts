import { readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { type Node, isMap, isScalar, isSeq } from 'yaml';
import { type JsonObject, appendAll, jsonPath } from '../types';
import { type DataUrl, escapeDataUrl, makeDataUrl } from './dataurl';
import { type Field, type Shape, jsonKey } from './spec';
import type { ButaneIssue, ButaneParams, ButaneYaml } from './yaml';

/**
 * The Butane walker: turns the YAML tree into Ignition JSON field by field along the shapes of
 * spec.ts, recording every problem with its YAML line (never stopping at the first) and where
 * each produced JSON path comes from.
 */

/** Who the config is for: the live system (ISO/PXE) or the installed system (--dest-ignition). */
export type ButaneTarget = 'live' | 'installed';

/** A section kept aside for translation after the walk (installed systems only). */
export interface Collected {
  value: unknown;
  node: Node;
  path: string;
}

/** State of one translation. */
export interface Ctx {
  y: ButaneYaml;
  minor: number;
  version: string;
  target: ButaneTarget;
  filesDir?: string;
  errors: ButaneIssue[];
  warnings: ButaneIssue[];
  mounts: { fs: JsonObject; path: string; jp: string; line: number; column: number }[];
  /** boot_device, grub and storage.trees as walked (translated after the rest). */
  collected: Partial<Record<NonNullable<Field['collect']>, Collected>>;
  /** Where each produced JSON path comes from in the YAML (for Ignition validation errors). */
  where: Map<string, { path: string; line: number; column: number }>;
  /** Data URLs already made for inline texts (see dataUrlOf). */
  dataUrls: Map<string, DataUrl>;
}

/** Records a problem at `node`; returns undefined so callers can `return issue(...)`. */
export function issue(
  ctx: Ctx,
  node: Node | null | undefined,
  code: string,
  path: string,
  message: string,
  params: ButaneParams,
  warning = false,
): undefined {
  (warning ? ctx.warnings : ctx.errors).push({ code, path, message, params, ...ctx.y.at(node) });
  return undefined;
}

function isNull(node: Node | null | undefined): boolean {
  return node == null || (isScalar(node) && node.value === null);
}

/** Go's strconv.ParseInt(s, 0, 64), as the Go YAML decoder applies it to plain integers. */
function parseGoInt(src: string): number | null {
  const s = src.replace(/_/g, '');
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$/.exec(s);
  if (!m) return null;
  const body = m[2];
  let v: number;
  if (/^0[xX]/.test(body)) v = parseInt(body.slice(2), 16);
  else if (/^0[bB]/.test(body)) v = parseInt(body.slice(2), 2);
  else if (/^0[oO]/.test(body)) v = parseInt(body.slice(2), 8);
  else if (body.length > 1 && body.startsWith('0')) v = parseInt(body.slice(1), 8);
  else v = parseInt(body, 10);
  return m[1] === '-' ? -v : v;
}

/** A mode nobody is surprised by: owner can read, group has no more than owner, other no more than group. */
function typicalMode(m: number): boolean {
  if (m === 0) return true;
  const [u, g, o] = [(m >> 6) & 7, (m >> 3) & 7, m & 7];
  return m <= 0o7777 && (m & 0o7000) === 0 && (u & 4) !== 0 && (g & ~u) === 0 && (o & ~g) === 0;
}

function scalar(ctx: Ctx, node: Node, kind: 'string' | 'int' | 'bool', path: string): unknown {
  if (!isScalar(node))
    return issue(
      ctx,
      node,
      'BUTANE_TYPE',
      path,
      `must be a ${kind === 'int' ? 'number' : kind === 'bool' ? 'boolean' : 'string'}, not a ${isMap(node) ? 'mapping' : 'list'}`,
      {
        reason: 'scalar',
        expected: kind === 'int' ? 'number' : kind === 'bool' ? 'boolean' : 'string',
        actual: isMap(node) ? 'mapping' : 'list',
      },
    );
  const src = typeof node.source === 'string' ? node.source : String(node.value);
  const plain = node.type === 'PLAIN';
  if (kind === 'string') return typeof node.value === 'string' ? node.value : src;
  if (kind === 'bool') {
    if (plain && /^(true|yes|on|y)$/i.test(src)) return true;
    if (plain && /^(false|no|off|n)$/i.test(src)) return false;
    return issue(ctx, node, 'BUTANE_TYPE', path, `"${src}" is not a boolean (use true or false)`, {
      reason: 'boolean',
      value: src,
    });
  }
  const n = plain ? parseGoInt(src) : null;
  if (n === null) return issue(ctx, node, 'BUTANE_TYPE', path, `"${src}" is not an integer`, { reason: 'integer', value: src });
  if (path.endsWith('.mode') && /^[1-7][0-7]{2,3}$/.test(src) && !typicalMode(n) && typicalMode(parseInt(src, 8))) {
    issue(ctx, node, 'BUTANE_DECIMAL_MODE', path, `mode ${src} is decimal; did you mean 0${src} (octal)?`, { mode: src }, true);
  }
  return n;
}

export function readLocal(ctx: Ctx, node: Node, rel: string, path: string): Uint8Array | undefined {
  if (!ctx.filesDir)
    return issue(ctx, node, 'BUTANE_NO_FILES_DIR', path, `local file "${rel}" needs a files directory (--files-dir DIR)`, {
      reason: 'file',
      local: rel,
    });
  const base = resolve(ctx.filesDir);
  const file = resolve(base, rel);
  const inside = (p: string, b: string): boolean => {
    const r = relative(b, p);
    return r !== '' && !r.startsWith('..') && !isAbsolute(r);
  };
  if (isAbsolute(rel) || !inside(file, base))
    return issue(ctx, node, 'BUTANE_LOCAL_ESCAPE', path, `local file "${rel}" is outside the files directory`, {
      reason: 'file',
      local: rel,
    });
  try {
    if (!inside(realpathSync(file), realpathSync(base)))
      return issue(ctx, node, 'BUTANE_LOCAL_ESCAPE', path, `local file "${rel}" resolves outside the files directory`, {
        reason: 'file-link',
        local: rel,
      });
    return new Uint8Array(readFileSync(file));
  } catch (err) {
    return issue(ctx, node, 'BUTANE_LOCAL_READ', path, `cannot read local file "${rel}": ${(err as Error).message}`, {
      reason: 'file',
      local: rel,
      detail: (err as Error).message,
    });
  }
}

const RESOURCE_FIELDS = new Map<string, Record<string, Field>>();

/** The fields of a resource whose compression and inline appear in the given minor versions. */
function resourceFields(shape: { compression: number; inline: number }): Record<string, Field> {
  const key = `${shape.compression}/${shape.inline}`;
  let fields = RESOURCE_FIELDS.get(key);
  if (!fields) {
    fields = {
      source: { shape: 'string' },
      inline: { shape: 'string', since: shape.inline },
      local: { shape: 'string', since: 1 },
      compression: { shape: 'string', since: shape.compression },
      http_headers: {
        shape: { kind: 'list', of: { kind: 'object', fields: { name: { shape: 'string' }, value: { shape: 'string' } } } },
        since: 1,
      },
      verification: { shape: { kind: 'object', fields: { hash: { shape: 'string' } } } },
    };
    RESOURCE_FIELDS.set(key, fields);
  }
  return fields;
}

const utf8 = new TextEncoder();

function resourceOf(
  ctx: Ctx,
  node: Node,
  shape: { compression: number; inline: number },
  path: string,
  jp: string,
): JsonObject | undefined {
  if (!isMap(node)) return issue(ctx, node, 'BUTANE_TYPE', path, 'must be a mapping (source, inline or local ...)', { reason: 'resource' });
  const fields = resourceFields(shape);
  const raw = objectOf(ctx, node, fields, path, jp);
  if (!raw) return undefined;
  const { inline, local, ...out } = raw as JsonObject & { inline?: string; local?: string };
  const given = ['source', 'inline', 'local'].filter((k) => raw[k] !== undefined);
  if (given.length > 1)
    return issue(ctx, node, 'BUTANE_EXCLUSIVE', path, `${given.join(' and ')} are mutually exclusive`, {
      reason: 'fields',
      fields: given.join(', '),
    });
  let bytes: Uint8Array | undefined;
  if (inline !== undefined) bytes = utf8.encode(inline);
  if (local !== undefined) {
    const localNode = node.items.find((p) => isScalar(p.key) && p.key.value === 'local')?.value as Node;
    bytes = readLocal(ctx, localNode, local, `${path}.local`);
    if (!bytes) return undefined;
  }
  if (bytes) {
    const user = typeof out.compression === 'string' && out.compression !== '' ? out.compression : undefined;
    // fcos 1.0.0 (Butane's base/v0_1 translateFileContents) always writes a percent-encoded
    // `data:,` URL and leaves compression alone; later versions pick the shortest encoding
    const url = ctx.minor === 0 ? { source: 'data:,' + escapeDataUrl(bytes), compression: undefined } : dataUrlOf(ctx, bytes, user, inline);
    out.source = url.source;
    const from = ctx.where.get(jsonPath(jp, inline !== undefined ? 'inline' : 'local'));
    if (from) ctx.where.set(jsonPath(jp, 'source'), from);
    if (url.compression !== undefined) out.compression = url.compression;
  }
  return out;
}

/**
 * makeDataUrl (which gzips) once per distinct inline text: an alias repeats the same text, and
 * compressing it again for every repetition would make aliases a cheap way to burn CPU.
 */
function dataUrlOf(ctx: Ctx, bytes: Uint8Array, user: string | undefined, inline: string | undefined): DataUrl {
  if (inline === undefined) return makeDataUrl(bytes, user);
  const key = `${user ?? ''}\0${inline}`;
  let url = ctx.dataUrls.get(key);
  if (!url) ctx.dataUrls.set(key, (url = makeDataUrl(bytes, user)));
  return url;
}

export function objectOf(ctx: Ctx, node: Node, fields: Record<string, Field>, path: string, jp: string): JsonObject | undefined {
  if (!isMap(node)) return issue(ctx, node, 'BUTANE_TYPE', path, 'must be a mapping', { reason: 'mapping' });
  const out: JsonObject = {};
  for (const pair of ctx.y.pairsOf(node)) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : '?';
    const here = `${path}.${key}`;
    const field = fields[key];
    const jhere = field ? jsonPath(jp, jsonKey(key, field)) : here;
    if (!ctx.where.has(jhere)) ctx.where.set(jhere, { path: here, ...ctx.y.at(keyNode) });
    if (!field) {
      issue(
        ctx,
        keyNode,
        'BUTANE_UNKNOWN_FIELD',
        here,
        `unknown or unsupported field "${key}" in Butane fcos ${ctx.version} (check the spelling; Flint does not translate it)`,
        { field: key, version: ctx.version },
      );
      continue;
    }
    if (field.unsupported) {
      issue(ctx, keyNode, 'BUTANE_UNSUPPORTED', here, field.unsupported, { reason: 'field', field: key });
      continue;
    }
    if (field.installedOnly && ctx.target === 'live') {
      // spec.ts: storage.trees is refused for the live system outright, the others are asked for in --dest-ignition
      issue(ctx, keyNode, 'BUTANE_UNSUPPORTED', here, field.installedOnly, {
        reason: field.collect === 'trees' ? 'trees' : 'installed-only',
        field: key,
      });
      continue;
    }
    if ((field.since ?? 0) > ctx.minor) {
      issue(
        ctx,
        keyNode,
        'BUTANE_FIELD_VERSION',
        here,
        `field "${key}" needs Butane fcos 1.${field.since}.0 or newer (this config is ${ctx.version})`,
        { reason: 'field', field: key, since: `1.${field.since}.0`, version: ctx.version },
      );
      continue;
    }
    const valueNode = ctx.y.deref(pair.value as Node | null);
    if (isNull(valueNode)) continue;
    const value = walk(ctx, valueNode as Node, field.shape, here, jhere);
    if (value === undefined) continue;
    if (field.collect) {
      ctx.collected[field.collect] = { value, node: keyNode, path: here };
      continue;
    }
    if (key === 'with_mount_unit') {
      if (value === true) ctx.mounts.push({ fs: out, path, jp, ...ctx.y.at(keyNode) });
      continue;
    }
    if (field.json === '') continue;
    const jk = jsonKey(key, field);
    if (jk in out) {
      if (Array.isArray(out[jk]) && Array.isArray(value)) out[jk] = [...(out[jk] as unknown[]), ...value];
      else
        issue(ctx, keyNode, 'BUTANE_EXCLUSIVE', here, `"${key}" conflicts with another field that sets ${jk}`, {
          reason: 'json',
          field: key,
          json: jk,
        });
      continue;
    }
    out[jk] = value;
  }
  return out;
}

export function walk(ctx: Ctx, node: Node, shape: Shape, path: string, jp: string): unknown {
  ctx.y.count(node);
  if (shape === 'string' || shape === 'int' || shape === 'bool') return scalar(ctx, node, shape, path);
  if (shape === 'strings') {
    if (!isSeq(node)) return issue(ctx, node, 'BUTANE_TYPE', path, 'must be a list of strings', { reason: 'strings' });
    return node.items
      .map((it, i) => {
        ctx.where.set(`${jp}[${i}]`, { path: `${path}[${i}]`, ...ctx.y.at(it as Node) });
        return scalar(ctx, ctx.y.deref(it as Node) as Node, 'string', `${path}[${i}]`);
      })
      .filter((v) => v !== undefined);
  }
  if (shape.kind === 'object') return objectOf(ctx, node, shape.fields, path, jp);
  if (shape.kind === 'list') {
    if (!isSeq(node)) return issue(ctx, node, 'BUTANE_TYPE', path, 'must be a list', { reason: 'list' });
    return node.items
      .map((it, i) => {
        ctx.where.set(`${jp}[${i}]`, { path: `${path}[${i}]`, ...ctx.y.at(it as Node) });
        return walk(ctx, ctx.y.deref(it as Node) as Node, shape.of, `${path}[${i}]`, `${jp}[${i}]`);
      })
      .filter((v) => v !== undefined);
  }
  if (shape.kind === 'resource') return resourceOf(ctx, node, shape, path, jp);
  // custom: contents_local (one file as a string) or ssh_authorized_keys_local (keys, one a line)
  const names = walk(ctx, node, shape.of, path, jp);
  if (names === undefined) return undefined;
  const decode = (rel: string, p: string): string | undefined => {
    const bytes = readLocal(ctx, node, rel, p);
    return bytes && new TextDecoder().decode(bytes);
  };
  if (shape.name === 'contents_local') return decode(names as string, path);
  const keys: string[] = [];
  (names as string[]).forEach((rel, i) =>
    appendAll(
      keys,
      (decode(rel, `${path}[${i}]`) ?? '').split(/\r?\n/).filter((l) => l !== ''),
    ),
  );
  return keys;
}
