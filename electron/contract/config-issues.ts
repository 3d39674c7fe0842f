/**
 * What an Ignition config check finds (electron/core/ignition: validate.ts, schema.ts, lint.ts),
 * as values: each finding has a code and parameters, and each front end words it (the CLI prints
 * the core's English `message`; the app words the code in its language, renderer/src/messages.ts
 * `configIssueText`). Codes not listed here (the semantic rules, Butane) keep the core's message.
 */

/** What a DUPLICATE finding of semantics.ts `duplicates` compares: the kind of entry repeated. */
export type DuplicateWhat =
  | 'http-header'
  | 'path'
  | 'disk'
  | 'partition-label'
  | 'partition-number'
  | 'raid'
  | 'luks'
  | 'filesystem'
  | 'unit'
  | 'dropin'
  | 'user'
  | 'group';

/** The parameters of every config finding the app words itself. */
export interface ConfigIssueParams {
  // JSON and spec version (validate.ts)
  JSON_BOM: Record<string, never>;
  /** `detail` is the JSON parser's own text; without it the JSON is valid but not an object. */
  JSON_INVALID: { detail?: string };
  VERSION_MISSING: Record<string, never>;
  VERSION_2X: { version: string };
  /** `known` lists the spec versions Flint knows; `experimental` is 1 for a `-experimental` spec. */
  VERSION_UNKNOWN: { version: string; known: string; experimental: number };
  /** Sizes in bytes: the config as embedded (cpio + xz) and the ISO's embed area. */
  CONFIG_TOO_LARGE: { size: number; capacity: number };
  // the official schema (schema.ts)
  SCHEMA_REQUIRED: { field: string };
  /** JSON type names joined by " | ". */
  SCHEMA_TYPE: { types: string };
  /** The allowed values as JSON, joined by ", ". */
  SCHEMA_ENUM: { allowed: string };
  /** The schema keyword that failed and the validator's English detail, when it gave one. */
  SCHEMA: { keyword: string; detail?: string };
  UNKNOWN_KEY: { key: string; version: string };
  // live-boot traps (lint.ts)
  LIVE_WIPE_TABLE: Record<string, never>;
  LIVE_UNSTABLE_DEVICE: { device: string };
  LIVE_WIPE_PARTITION_ENTRY: Record<string, never>;
  LIVE_RAID: { name: string };
  LIVE_LUKS_NO_KEYFILE: { name: string };
  LIVE_WIPE_VOLUME: { name: string };
  LIVE_WIPE_FILESYSTEM: { device: string };
  /** The mount point and the systemd mount unit that would mount it on every boot. */
  LIVE_FS_NOT_MOUNTED: { path: string; unit: string };
  /** `mount` is the persistent filesystem the path is on; absent when it is in the live image. */
  LIVE_FILE_NO_OVERWRITE: { path: string; mount?: string };
  LIVE_LINK_NO_OVERWRITE: { path: string; mount?: string };
  LIVE_APPEND_PERSISTENT: { path: string; mount: string };
  /** `source` is cut to 80 characters; `host` is empty when the URL names none; `plain` is 1 for
   * http/tftp without a verification hash. */
  LIVE_REMOTE_SOURCE: { source: string; host: string; plain: number };
  LIVE_KERNEL_ARGUMENTS: Record<string, never>;
}
