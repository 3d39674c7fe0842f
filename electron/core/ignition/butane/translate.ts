import { readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { type Document, LineCounter, type Node, type Pair, type ParsedNode, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { FlintError } from '../../errors';
import { mergeConfig } from '../merge';
import { schemaIssues } from '../schema';
import { semanticIssues } from '../semantics';
import { type ConfigIssue, type JsonObject, appendAll, isObject, jsonPath } from '../types';
import { makeDataUrl } from './dataurl';
import { mountUnit } from './mount-units';
import { BUTANE_ROOT, FCOS_TO_IGNITION, type Field, type Shape, jsonKey } from './spec';

/** A problem in a Butane config: an issue with the YAML path, line and column it comes from. */
export interface ButaneIssue extends ConfigIssue {
  line: number;
  column: number;
}

/** Thrown when a Butane config cannot be translated; `issues` lists every problem found. */
export class ButaneError extends FlintError {
  readonly issues: ButaneIssue[];
  constructor(issues: ButaneIssue[]) {
    const first = issues[0];
    const line = (i: ButaneIssue): string => `line ${i.line}: ${i.path}: ${i.message}`;
    const more = issues.slice(1, 5).map(line);
    if (issues.length > 5) more.push(`(and ${issues.length - 5} more)`);
    super(first.code, line(first), more);
    this.name = 'ButaneError';
    this.issues = issues;
  }
}

/** Options of `translateButane`. */
export interface ButaneOptions {
  /** Directory that `local`, `contents_local` and `ssh_authorized_keys_local` paths are relative to. */
  filesDir?: string;
}

/** Result of `translateButane`: the Ignition config, its spec version, and non-fatal warnings. */
export interface ButaneResult {
  config: JsonObject;
  ignitionVersion: string;
  warnings: ButaneIssue[];
}

interface Ctx {
  doc?: Document;
  minor: number;
  version: string;
  filesDir?: string;
  lines: LineCounter;
  errors: ButaneIssue[];
  warnings: ButaneIssue[];
  mounts: { fs: JsonObject; path: string; line: number; column: number }[];
  /** Where each produced JSON path comes from in the YAML (for Ignition validation errors). */
  where: Map<string, { path: string; line: number; column: number }>;
}

function at(ctx: Ctx, node: Node | null | undefined): { line: number; column: number } {
  const pos = node?.range ? ctx.lines.linePos(node.range[0]) : { line: 1, col: 1 };
  return { line: pos.line, column: pos.col };
}

function issue(ctx: Ctx, node: Node | null | undefined, code: string, path: string, message: string, warning = false): undefined {
  (warning ? ctx.warnings : ctx.errors).push({ code, path, message, ...at(ctx, node) });
  return undefined;
}

/** Follows a YAML alias (`*name`) to the node it names. */
function deref(ctx: Ctx, node: Node | null | undefined): Node | null | undefined {
  return node && isAlias(node) && ctx.doc ? ((node.resolve(ctx.doc) as Node | undefined) ?? null) : node;
}

/** A mapping's pairs with `<<` merge keys expanded (explicit keys win, as in Go's YAML decoder). */
function pairsOf(ctx: Ctx, node: Node): Pair[] {
  if (!isMap(node)) return [];
  const isMerge = (p: Pair): boolean => isScalar(p.key) && (p.key.value === '<<' || typeof p.key.value === 'symbol');
  const own = node.items.filter((p) => !isMerge(p));
  const seen = new Set(own.map((p) => (isScalar(p.key) ? String(p.key.value) : '?')));
  const merged: Pair[] = [];
  for (const p of node.items) {
    if (!isMerge(p)) continue;
    const v = deref(ctx, p.value as Node);
    const sources = v && isSeq(v) ? v.items.map((i) => deref(ctx, i as Node)) : [v];
    for (const src of sources) {
      for (const q of src ? pairsOf(ctx, src) : []) {
        const k = isScalar(q.key) ? String(q.key.value) : '?';
        if (!seen.has(k)) {
          seen.add(k);
          merged.push(q);
        }
      }
    }
  }
  return [...own, ...merged];
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
    );
  const src = typeof node.source === 'string' ? node.source : String(node.value);
  const plain = node.type === 'PLAIN';
  if (kind === 'string') return typeof node.value === 'string' ? node.value : src;
  if (kind === 'bool') {
    if (plain && /^(true|yes|on|y)$/i.test(src)) return true;
    if (plain && /^(false|no|off|n)$/i.test(src)) return false;
    return issue(ctx, node, 'BUTANE_TYPE', path, `"${src}" is not a boolean (use true or false)`);
  }
  const n = plain ? parseGoInt(src) : null;
  if (n === null) return issue(ctx, node, 'BUTANE_TYPE', path, `"${src}" is not an integer`);
  if (path.endsWith('.mode') && /^[1-7][0-7]{2,3}$/.test(src) && !typicalMode(n) && typicalMode(parseInt(src, 8))) {
    issue(ctx, node, 'BUTANE_DECIMAL_MODE', path, `mode ${src} is decimal; did you mean 0${src} (octal)?`, true);
  }
  return n;
}

function readLocal(ctx: Ctx, node: Node, rel: string, path: string): Uint8Array | undefined {
  if (!ctx.filesDir) return issue(ctx, node, 'BUTANE_NO_FILES_DIR', path, `local file "${rel}" needs a files directory (--files-dir DIR)`);
  const base = resolve(ctx.filesDir);
  const file = resolve(base, rel);
  const inside = (p: string, b: string): boolean => {
    const r = relative(b, p);
    return r !== '' && !r.startsWith('..') && !isAbsolute(r);
  };
  if (isAbsolute(rel) || !inside(file, base))
    return issue(ctx, node, 'BUTANE_LOCAL_ESCAPE', path, `local file "${rel}" is outside the files directory`);
  try {
    if (!inside(realpathSync(file), realpathSync(base)))
      return issue(ctx, node, 'BUTANE_LOCAL_ESCAPE', path, `local file "${rel}" resolves outside the files directory`);
    return new Uint8Array(readFileSync(file));
  } catch (err) {
    return issue(ctx, node, 'BUTANE_LOCAL_READ', path, `cannot read local file "${rel}": ${(err as Error).message}`);
  }
}

function resourceOf(
  ctx: Ctx,
  node: Node,
  shape: { compression: number; inline: number },
  path: string,
  jp: string,
): JsonObject | undefined {
  if (!isMap(node)) return issue(ctx, node, 'BUTANE_TYPE', path, 'must be a mapping (source, inline or local ...)');
  const fields: Record<string, Field> = {
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
  const raw = objectOf(ctx, node, fields, path, jp);
  if (!raw) return undefined;
  const { inline, local, ...out } = raw as JsonObject & { inline?: string; local?: string };
  const given = ['source', 'inline', 'local'].filter((k) => raw[k] !== undefined);
  if (given.length > 1) return issue(ctx, node, 'BUTANE_EXCLUSIVE', path, `${given.join(' and ')} are mutually exclusive`);
  let bytes: Uint8Array | undefined;
  if (inline !== undefined) bytes = new TextEncoder().encode(inline);
  if (local !== undefined) {
    const localNode = node.items.find((p) => isScalar(p.key) && p.key.value === 'local')?.value as Node;
    bytes = readLocal(ctx, localNode, local, `${path}.local`);
    if (!bytes) return undefined;
  }
  if (bytes) {
    const user = typeof out.compression === 'string' && out.compression !== '' ? out.compression : undefined;
    const url = makeDataUrl(bytes, user);
    out.source = url.source;
    const from = ctx.where.get(jsonPath(jp, inline !== undefined ? 'inline' : 'local'));
    if (from) ctx.where.set(jsonPath(jp, 'source'), from);
    if (url.compression !== undefined) out.compression = url.compression;
  }
  return out;
}

function objectOf(ctx: Ctx, node: Node, fields: Record<string, Field>, path: string, jp: string): JsonObject | undefined {
  if (!isMap(node)) return issue(ctx, node, 'BUTANE_TYPE', path, 'must be a mapping');
  const out: JsonObject = {};
  for (const pair of pairsOf(ctx, node)) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : '?';
    const here = `${path}.${key}`;
    const field = fields[key];
    const jhere = field ? jsonPath(jp, jsonKey(key, field)) : here;
    if (!ctx.where.has(jhere)) ctx.where.set(jhere, { path: here, ...at(ctx, keyNode) });
    if (!field) {
      issue(
        ctx,
        keyNode,
        'BUTANE_UNKNOWN_FIELD',
        here,
        `unknown or unsupported field "${key}" in Butane fcos ${ctx.version} (check the spelling; Flint does not translate it)`,
      );
      continue;
    }
    if (field.unsupported) {
      issue(ctx, keyNode, 'BUTANE_UNSUPPORTED', here, field.unsupported);
      continue;
    }
    if ((field.since ?? 0) > ctx.minor) {
      issue(
        ctx,
        keyNode,
        'BUTANE_FIELD_VERSION',
        here,
        `field "${key}" needs Butane fcos 1.${field.since}.0 or newer (this config is ${ctx.version})`,
      );
      continue;
    }
    const valueNode = deref(ctx, pair.value as Node | null);
    if (isNull(valueNode)) continue;
    const value = walk(ctx, valueNode as Node, field.shape, here, jhere);
    if (value === undefined) continue;
    if (key === 'with_mount_unit') {
      if (value === true) ctx.mounts.push({ fs: out, path, ...at(ctx, keyNode) });
      continue;
    }
    if (field.json === '') continue;
    const jk = jsonKey(key, field);
    if (jk in out) {
      if (Array.isArray(out[jk]) && Array.isArray(value)) out[jk] = [...(out[jk] as unknown[]), ...value];
      else issue(ctx, keyNode, 'BUTANE_EXCLUSIVE', here, `"${key}" conflicts with another field that sets ${jk}`);
      continue;
    }
    out[jk] = value;
  }
  return out;
}

function walk(ctx: Ctx, node: Node, shape: Shape, path: string, jp: string): unknown {
  if (shape === 'string' || shape === 'int' || shape === 'bool') return scalar(ctx, node, shape, path);
  if (shape === 'strings') {
    if (!isSeq(node)) return issue(ctx, node, 'BUTANE_TYPE', path, 'must be a list of strings');
    return node.items.map((it, i) => scalar(ctx, deref(ctx, it as Node) as Node, 'string', `${path}[${i}]`)).filter((v) => v !== undefined);
  }
  if (shape.kind === 'object') return objectOf(ctx, node, shape.fields, path, jp);
  if (shape.kind === 'list') {
    if (!isSeq(node)) return issue(ctx, node, 'BUTANE_TYPE', path, 'must be a list');
    return node.items
      .map((it, i) => {
        ctx.where.set(`${jp}[${i}]`, { path: `${path}[${i}]`, ...at(ctx, it as Node) });
        return walk(ctx, deref(ctx, it as Node) as Node, shape.of, `${path}[${i}]`, `${jp}[${i}]`);
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
  (names as string[]).forEach((rel, i) => appendAll(keys, (decode(rel, `${path}[${i}]`) ?? '').split(/\r?\n/).filter((l) => l !== '')));
  return keys;
}

function addMountUnits(ctx: Ctx, config: JsonObject): JsonObject {
  if (ctx.mounts.length === 0) return config;
  const luks = isObject(config.storage) && Array.isArray(config.storage.luks) ? (config.storage.luks as JsonObject[]) : [];
  const units: JsonObject[] = [];
  for (const m of ctx.mounts) {
    const { device, format, path, mountOptions } = m.fs as { device?: string; format?: string; path?: string; mountOptions?: string[] };
    if (!device || !format) {
      ctx.errors.push({
        code: 'BUTANE_MOUNT_UNIT',
        path: `${m.path}.format`,
        message: 'with_mount_unit needs device and format',
        line: m.line,
        column: m.column,
      });
      continue;
    }
    if (format === 'swap' && ctx.minor < 4) {
      ctx.errors.push({
        code: 'BUTANE_FIELD_VERSION',
        path: `${m.path}.with_mount_unit`,
        message: 'swap units from with_mount_unit need Butane fcos 1.4.0 or newer',
        line: m.line,
        column: m.column,
      });
      continue;
    }
    if (format !== 'swap' && !path) {
      ctx.errors.push({
        code: 'BUTANE_MOUNT_UNIT',
        path: `${m.path}.path`,
        message: 'with_mount_unit needs a path to mount the filesystem at',
        line: m.line,
        column: m.column,
      });
      continue;
    }
    const name = /^\/dev\/(?:mapper\/|disk\/by-id\/dm-name-)(.+)$/.exec(device)?.[1];
    const remote =
      !!name && luks.some((l) => l.name === name && isObject(l.clevis) && Array.isArray(l.clevis.tang) && l.clevis.tang.length > 0);
    units.push(mountUnit({ device, format, path, mountOptions, remote }));
  }
  return mergeConfig({ systemd: { units } }, config);
}

/**
 * Runs Ignition's schema and semantic rules on the translated config (as Butane does) and reports
 * each problem at the YAML line the offending JSON entry came from.
 */
function checkOutput(ctx: Ctx, config: JsonObject, version: string): void {
  for (const i of [...schemaIssues(config, version), ...semanticIssues(config, version).errors]) {
    let p = i.path;
    let from = ctx.where.get(p);
    while (!from && p !== '$' && p.length > 0) {
      p = p.replace(/(\.[^.[\]]+|\[[^\]]*\])$/, '');
      from = ctx.where.get(p);
      if (p === '$') break;
    }
    const loc = from ?? { path: '$', line: 1, column: 1 };
    ctx.errors.push({
      code: i.code,
      path: loc.path,
      line: loc.line,
      column: loc.column,
      message: loc.path === i.path ? i.message : `${i.message} (in the Ignition output at ${i.path})`,
    });
  }
}

/** Drops empty objects and lists (Butane omits them) and sorts keys for stable output. */
function tidy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(tidy);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort()) {
    const t = tidy(v[k]);
    if ((Array.isArray(t) && t.length === 0) || (isObject(t) && Object.keys(t).length === 0)) continue;
    out[k] = t;
  }
  return out;
}

/**
 * Translates a Butane config (variant `fcos`, versions 1.0.0 to 1.6.0) to the Ignition config
 * Butane would produce (spec 3.0.0 to 3.5.0). Every field Flint does not support, and every
 * type or version error, is reported with its YAML line; throws a ButaneError listing them all.
 */
export function translateButane(text: string, opts: ButaneOptions = {}): ButaneResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, merge: true });
  const base = {
    doc,
    lines,
    errors: [] as ButaneIssue[],
    warnings: [] as ButaneIssue[],
    mounts: [],
    where: new Map(),
    filesDir: opts.filesDir,
  };
  if (doc.errors.length) {
    const e = doc.errors[0];
    const pos = lines.linePos(e.pos[0]);
    throw new ButaneError([
      { code: 'BUTANE_YAML', path: '$', message: `not valid YAML: ${e.message.split('\n')[0]}`, line: pos.line, column: pos.col },
    ]);
  }
  const root = doc.contents as ParsedNode | null;
  const pre: Ctx = { ...base, minor: 99, version: '?' };
  if (!root || !isMap(root))
    throw new ButaneError([
      { code: 'BUTANE_TYPE', path: '$', message: 'a Butane config must be a YAML mapping with variant and version', ...at(pre, root) },
    ]);
  const get = (k: string): Node | undefined => root.items.find((p) => isScalar(p.key) && p.key.value === k)?.value as Node | undefined;
  const variantNode = get('variant');
  const versionNode = get('version');
  const variant = variantNode && isScalar(variantNode) ? String(variantNode.value) : undefined;
  const version = versionNode && isScalar(versionNode) ? String(versionNode.source ?? versionNode.value) : undefined;
  if (variant !== 'fcos') {
    throw new ButaneError([
      {
        code: 'BUTANE_VARIANT',
        path: '$.variant',
        message: variant ? `variant "${variant}" is not supported; Flint translates variant fcos` : 'missing "variant: fcos"',
        ...at(pre, variantNode ?? root),
      },
    ]);
  }
  const ignitionVersion = version ? FCOS_TO_IGNITION[version] : undefined;
  if (!version || !ignitionVersion) {
    throw new ButaneError([
      {
        code: 'BUTANE_VERSION',
        path: '$.version',
        message: version
          ? `Butane fcos version "${version}" is not supported (use ${Object.keys(FCOS_TO_IGNITION).join(', ')})`
          : 'missing "version" (e.g. 1.5.0)',
        ...at(pre, versionNode ?? root),
      },
    ]);
  }
  const ctx: Ctx = { ...base, minor: Number(version.split('.')[1]), version };
  const rootShape = BUTANE_ROOT as Extract<Shape, { kind: 'object' }>;
  const fields: Record<string, Field> = {
    ...rootShape.fields,
    variant: { shape: 'string', json: '' },
    version: { shape: 'string', json: '' },
  };
  const body = objectOf(ctx, root, fields, '$', '$') ?? {};
  let config: JsonObject = { ...body, ignition: { ...(isObject(body.ignition) ? body.ignition : {}), version: ignitionVersion } };
  if (ctx.errors.length === 0) checkOutput(ctx, config, ignitionVersion);
  config = addMountUnits(ctx, config);
  config.ignition = { ...(config.ignition as JsonObject), version: ignitionVersion };
  if (ctx.errors.length) throw new ButaneError(ctx.errors);
  return { config: tidy(config) as JsonObject, ignitionVersion, warnings: ctx.warnings };
}
