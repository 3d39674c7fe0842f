/** One finding about an Ignition config: a stable code, the JSON path of the entry, a message. */
export interface ConfigIssue {
  /** Stable machine-readable code, e.g. `LIVE_WIPE_FILESYSTEM`, `SCHEMA`. */
  code: string;
  /** JSON path of the offending entry, e.g. `$.storage.filesystems[0].wipeFilesystem` (`$` = whole config). */
  path: string;
  /** What is wrong and what to do about it, for a person. */
  message: string;
  /**
   * What the message names (device, unit, path, version, sizes...), as plain values, so a front
   * end can word the finding in its own language; electron/contract/config-issues.ts lists them.
   */
  params?: Readonly<Record<string, string | number>>;
}

/** Outcome of `validateIgnition`: errors make the config unusable, warnings are live-boot traps. */
export interface ValidationReport {
  /** True when there are no errors (warnings allowed). */
  ok: boolean;
  /** The spec version the config declares (`ignition.version`), or null when it has none. */
  version: string | null;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  /** Size of the config as Flint embeds it (cpio + xz), when measured. */
  compressedSize?: number;
  /** Size of the ISO's Ignition embed area the compressed size is compared with. */
  capacity?: number;
}

/** A file produced for the ISO engine (e.g. a NetworkManager keyfile): a base name and its bytes. */
export interface NamedFile {
  name: string;
  data: Uint8Array;
}

/** A parsed JSON object (an Ignition config or a fragment of one). */
export type JsonObject = { [key: string]: unknown };

/** Appends a property or index to a JSON path (`$.a` + `b` → `$.a.b`, + 0 → `$.a[0]`). */
export function jsonPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

/** True for a plain (non-array, non-null) object. */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Appends `items` to `target` one by one: `push(...items)` passes every item as an argument and
 * overflows the call stack for very long lists (a config with 100,000+ files).
 */
export function appendAll<T>(target: T[], items: readonly T[]): T[] {
  for (const it of items) target.push(it);
  return target;
}
