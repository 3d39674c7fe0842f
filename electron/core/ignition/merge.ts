import { type JsonObject, isObject } from './types';

/**
 * Merges a config fragment into a config with Ignition's merge semantics (the rules Ignition
 * uses for `ignition.config.merge`): objects merge field by field with the fragment winning;
 * lists of entries are keyed (files/directories/links by `path`, units/drop-ins/users/groups/
 * RAID/LUKS/HTTP headers by `name`, disks/filesystems by `device`, partitions by `number` or else
 * `label`, CAs and merged configs by `source`, Tang servers by `url`): a matching entry is merged
 * in place, a new one is appended; lists of strings are unions, except `append` and mkfs/mount/
 * cryptsetup option lists, which are concatenated. A path appearing as a different node kind
 * (file vs link vs directory) replaces the base's entry; a header without value removes the
 * base's header; a kernel argument moves between shouldExist and shouldNotExist.
 * `ignition.version` becomes the newer of the two. Neither input is modified.
 */
export function mergeConfig(base: JsonObject, fragment: JsonObject): JsonObject {
  const merged = mergeValue(base, fragment, '') as JsonObject;
  const bv = versionOf(base);
  const fv = versionOf(fragment);
  if (bv || fv) {
    const ign = isObject(merged.ignition) ? merged.ignition : {};
    merged.ignition = { ...ign, version: newer(bv, fv) };
  }
  dropShadowedNodes(merged, fragment);
  dropOverriddenKernelArguments(merged, fragment);
  return merged;
}

const KEYS: Record<string, (o: JsonObject) => unknown> = {
  files: (o) => o.path,
  directories: (o) => o.path,
  links: (o) => o.path,
  units: (o) => o.name,
  dropins: (o) => o.name,
  users: (o) => o.name,
  groups: (o) => o.name,
  raid: (o) => o.name,
  luks: (o) => o.name,
  httpHeaders: (o) => o.name,
  disks: (o) => o.device,
  filesystems: (o) => o.device,
  partitions: (o) => (typeof o.number === 'number' && o.number !== 0 ? `#${o.number}` : o.label),
  certificateAuthorities: (o) => o.source,
  merge: (o) => o.source,
  tang: (o) => o.url,
};

function versionOf(c: JsonObject): string | undefined {
  return isObject(c.ignition) && typeof c.ignition.version === 'string' ? c.ignition.version : undefined;
}

function newer(a?: string, b?: string): string {
  if (!a || !b) return (a ?? b) as string;
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) > (pb[i] ?? 0) ? a : b;
  return a;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function mergeValue(base: unknown, child: unknown, key: string): unknown {
  if (child === undefined || child === null) return clone(base);
  if (isObject(base) && isObject(child)) {
    const out: JsonObject = clone(base);
    for (const [k, v] of Object.entries(child)) out[k] = mergeValue(base[k], v, k);
    return out;
  }
  if (Array.isArray(base) && Array.isArray(child)) return mergeList(base, child, key);
  return clone(child);
}

// lists Ignition concatenates without matching entries (IgnoreDuplicates in its config types)
const APPENDED = new Set(['append', 'options', 'mountOptions', 'openOptions']);

function mergeList(base: unknown[], child: unknown[], key: string): unknown[] {
  if (APPENDED.has(key)) return [...clone(base), ...clone(child)];
  const out = clone(base);
  const keyOf = KEYS[key];
  for (const item of child) {
    if (!isObject(item)) {
      if (!out.some((x) => JSON.stringify(x) === JSON.stringify(item))) out.push(clone(item));
      continue;
    }
    const k = keyOf?.(item);
    const at = k === undefined ? -1 : out.findIndex((x) => isObject(x) && keyOf?.(x) === k);
    // an HTTP header without a value in the child removes the parent's header
    if (key === 'httpHeaders' && (item.value === undefined || item.value === null)) {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    if (at >= 0) out[at] = mergeValue(out[at], item, '');
    else out.push(clone(item));
  }
  return out;
}

/** Removes base entries whose path the fragment defines as another node kind. */
function dropShadowedNodes(merged: JsonObject, fragment: JsonObject): void {
  const st = isObject(merged.storage) ? merged.storage : null;
  const fst = isObject(fragment.storage) ? fragment.storage : null;
  if (!st || !fst) return;
  const kinds = ['files', 'directories', 'links'] as const;
  for (const kind of kinds) {
    const paths = new Set((Array.isArray(fst[kind]) ? (fst[kind] as unknown[]) : []).filter(isObject).map((n) => n.path));
    for (const other of kinds) {
      if (other === kind || !Array.isArray(st[other])) continue;
      st[other] = (st[other] as unknown[]).filter((n) => !(isObject(n) && paths.has(n.path)));
    }
  }
}

/** A kernel argument the fragment lists in the other kernelArguments list leaves the base's list. */
function dropOverriddenKernelArguments(merged: JsonObject, fragment: JsonObject): void {
  const ka = isObject(merged.kernelArguments) ? merged.kernelArguments : null;
  const fka = isObject(fragment.kernelArguments) ? fragment.kernelArguments : null;
  if (!ka || !fka) return;
  for (const [mine, other] of [
    ['shouldExist', 'shouldNotExist'],
    ['shouldNotExist', 'shouldExist'],
  ]) {
    const child = new Set(Array.isArray(fka[other]) ? (fka[other] as unknown[]) : []);
    if (Array.isArray(ka[mine])) ka[mine] = (ka[mine] as unknown[]).filter((a) => !child.has(a));
  }
}
