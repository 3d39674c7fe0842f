/**
 * What an Ignition config check finds (electron/core/ignition: validate.ts, schema.ts, lint.ts and
 * the semantic rules of semantics*.ts) and what the Butane translation refuses
 * (electron/core/ignition/butane), as values: each finding has a code and parameters, and each
 * front end words it (the CLI prints the core's English `message`; the app words the code in its
 * language, renderer/src/config-words.ts `configIssueText`). Codes not listed here keep the core's
 * message.
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

/** Which rule of Go's url.Parse a URL breaks (electron/core/ignition/go-url.ts), for URL_INVALID. */
export type UrlProblem =
  'control-character' | 'missing-scheme' | 'colon-in-first-segment' | 'escape' | 'host-character' | 'host-bracket' | 'port' | 'userinfo';

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
  // Ignition's own semantic rules (semantics.ts, semantics-storage.ts, semantics-network.ts)
  /** `what` is `device` for a disk or RAID member (semantics-storage.ts), `path` for the other paths. */
  PATH_NOT_ABSOLUTE: { path: string; what: 'path' | 'device' };
  PATH_NOT_SIMPLIFIED: { path: string };
  /** `path` lies under `link`, a link the same config creates. */
  PATH_THROUGH_LINK: { path: string; link: string };
  /**
   * `url` is cut to 60 characters. For `parse`: `detail` is Go's own error text (what Ignition
   * prints), `problem` the rule it names and `value` the JSON-quoted part at fault (an escape, a
   * character, a port), when it names one.
   */
  URL_INVALID: { reason: 'parse' | 'unescaped'; url: string; detail?: string; problem?: UrlProblem; value?: string };
  /** `allowed` lists the schemes of the config's spec version, joined by ", " (`unsupported` only). */
  URL_SCHEME: { reason: 'unsupported' | 'tang'; url: string; allowed?: string };
  /** `position` is the 0-based index of the broken %-escape in the URL; `char` is the JSON-quoted character. */
  DATA_URL_INVALID: {
    reason: 'no-comma' | 'media-type' | 'escape' | 'character' | 'not-base64';
    media?: string;
    position?: number;
    char?: string;
  };
  HTTP_HEADERS_SCHEME: Record<string, never>;
  VERIFICATION_NO_SOURCE: Record<string, never>;
  COMPRESSION: { compression: string };
  /** `sha256` is 1 when the spec version accepts sha256 hashes too (3.1.0 on). */
  HASH_FUNCTION: { name: string; sha256: number };
  /** `digits` is the hex length the hash function needs. */
  HASH_SIZE: { name: string; digits: number };
  HASH_NOT_HEX: { name: string };
  /**
   * `entry`: two entries of a list share a key (`what`, defined first at JSON path `first`);
   * `list`: a user lists the same SSH key or group twice (`value` JSON-quoted); `kernel-argument`:
   * an argument repeats in one list (`first`); `kernel-argument-conflict`: it is in both lists.
   */
  DUPLICATE: {
    reason: 'entry' | 'list' | 'kernel-argument' | 'kernel-argument-conflict';
    value: string;
    what?: DuplicateWhat;
    first?: string;
  };
  /** The mode as the config gives it (a decimal number). */
  MODE_INVALID: { mode: number };
  MODE_SPECIAL_BITS: Record<string, never>;
  OVERWRITE_NO_SOURCE: Record<string, never>;
  LINK_TARGET: Record<string, never>;
  UNIT_NAME: { name: string };
  DROPIN_NAME: Record<string, never>;
  /** `unsupported`: `format` is not one of `allowed`; `missing`: `fields` (joined by ", ") need a format. */
  FS_FORMAT: { reason: 'unsupported' | 'missing'; format?: string; allowed?: string; fields?: string };
  /** `max` is the longest label mkfs of `format` accepts; `length` is the label's. */
  FS_LABEL: { format: string; max: number; label: string; length: number };
  GUID_INVALID: { value: string };
  PARTITION_LABEL: Record<string, never>;
  PARTITION_UNMATCHABLE: Record<string, never>;
  /**
   * `unnumbered-sibling`: a deleted partition next to one without a number (disk.go);
   * `number-only`: a deleted partition with more than a number (`remove` lists the extra fields).
   */
  PARTITION_SHOULD_EXIST: { reason: 'unnumbered-sibling' | 'number-only'; remove?: string };
  RAID_LEVEL: { level: string };
  LUKS_NAME: { name: string };
  LUKS_DEVICE: Record<string, never>;
  CLEVIS_CUSTOM: Record<string, never>;
  TANG_THUMBPRINT: Record<string, never>;
  TANG_ADVERTISEMENT: Record<string, never>;
  /** `url` is cut to 60 characters. */
  PROXY_SCHEME: { url: string };
  PROXY_INSECURE: Record<string, never>;
  // the Butane translation (electron/core/ignition/butane); every one also has the YAML `line`
  /**
   * `root`: the config is not a mapping; `scalar`: a value of kind `expected` (number, boolean,
   * string) is an `actual` mapping or list; `boolean`/`integer`: `value` (the YAML source) is not
   * one; `resource`/`mapping`/`strings`/`list`: the value is not of that shape.
   */
  BUTANE_TYPE: ButaneLine & {
    reason: 'root' | 'scalar' | 'boolean' | 'integer' | 'resource' | 'mapping' | 'strings' | 'list';
    expected?: 'number' | 'boolean' | 'string';
    actual?: 'mapping' | 'list';
    value?: string;
  };
  BUTANE_VARIANT: ButaneLine & { reason: 'missing' | 'unsupported'; variant?: string };
  /** `known` lists the Butane fcos versions Flint translates, joined by ", ". */
  BUTANE_VERSION: ButaneLine & { reason: 'missing' | 'unsupported'; version?: string; known?: string };
  /** `detail` is the YAML parser's own (English) text. */
  BUTANE_YAML: ButaneLine & { detail: string };
  BUTANE_MULTIPLE_DOCUMENTS: ButaneLine;
  /** `line` is the repeated key's, `first` the line that defined it first. */
  BUTANE_DUPLICATE_KEY: ButaneLine & { key: string; first: number };
  /** `budget` is how many YAML nodes a translation may visit. */
  BUTANE_TOO_LARGE: ButaneLine & { budget: number };
  BUTANE_ALIAS_LOOP: ButaneLine;
  /** `device-format`: device or format missing; `outside`: `path` not under /etc or /var (fcos `version`); `no-path`. */
  BUTANE_MOUNT_UNIT: ButaneLine & { reason: 'device-format' | 'outside' | 'no-path'; version?: string; path?: string };
  /** `field`: `field` needs fcos `since`; `swap`: a swap mount unit does. `version` is the config's. */
  BUTANE_FIELD_VERSION: ButaneLine & { reason: 'field' | 'swap'; field?: string; since: string; version: string };
  BUTANE_UNKNOWN_FIELD: ButaneLine & { field: string; version: string };
  /**
   * `field`: Flint does not translate `field`; `installed-only`: `field` belongs in the config for
   * the installed system; `trees`: storage.trees in a live config; `layout`: an IBM Z boot_device layout.
   */
  BUTANE_UNSUPPORTED: ButaneLine & { reason: 'field' | 'installed-only' | 'trees' | 'layout'; field?: string; layout?: string };
  /** `mode` as written (decimal digits that look octal). */
  BUTANE_DECIMAL_MODE: ButaneLine & { mode: string };
  /** `file`: `local` names a file; `trees`: storage.trees needs the directory. */
  BUTANE_NO_FILES_DIR: ButaneLine & { reason: 'file' | 'trees'; local?: string };
  /** `file-link`: the file resolves (through a link) outside the files directory. */
  BUTANE_LOCAL_ESCAPE: ButaneLine & { reason: 'file' | 'file-link' | 'directory'; local: string };
  /** `detail` is the system's own (English) error text. */
  BUTANE_LOCAL_READ: ButaneLine & { reason: 'file' | 'directory'; local: string; detail: string };
  /** `fields`: `fields` (joined by ", ") exclude each other; `json`: `field` sets Ignition's `json` a second time. */
  BUTANE_EXCLUSIVE: ButaneLine & { reason: 'fields' | 'json'; fields?: string; field?: string; json?: string };
  /** `layout`: `layout` is not one of `allowed` (joined by ", "); `mirror`: one mirror device. */
  BUTANE_BOOT_DEVICE: ButaneLine & { reason: 'layout' | 'mirror'; layout?: string; allowed?: string };
  BUTANE_GRUB_USER: ButaneLine & { reason: 'name' | 'password' };
  /**
   * `no-local`, `not-directory` (`local`), `read` (`local`, the system's `detail`); and for the
   * entry at `path` a tree would write: `node-kind`, `contents`, `other-kind`, `link-target`.
   */
  BUTANE_TREE: ButaneLine & {
    reason: 'no-local' | 'not-directory' | 'read' | 'node-kind' | 'contents' | 'other-kind' | 'link-target';
    local?: string;
    path?: string;
    detail?: string;
  };
}

/** The YAML line every Butane finding carries (electron/core/flash/config-gate.ts adds it). */
interface ButaneLine {
  line: number;
}
