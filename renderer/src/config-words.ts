/**
 * The app's words for the findings of a config check (electron/contract/config-issues.ts): the
 * live-boot traps, the errors of the JSON, the spec version and the schema, Ignition's semantic
 * rules and the Butane translation, in the language of the app (i18n catalogues, `configIssues.*`).
 * The CLI prints the core's English message instead.
 */
import type { ConfigIssueParams, DuplicateWhat, UrlProblem } from '../../electron/contract/config-issues';
import { formatNumber } from './format';
import { tr as t } from './i18n';
import type { MessageKey } from './i18n/keys';

/* Each wording reads its parameters through `str`/`num`/`oneOf`, which throw on a missing,
   mistyped or unknown one, so a finding from another version of the core shows the core's own
   sentence instead of a sentence with holes. */

type ConfigWords = { [C in keyof ConfigIssueParams]: (p: Readonly<Record<string, unknown>>) => string };

function str(p: Readonly<Record<string, unknown>>, key: string): string {
  const v = p[key];
  if (typeof v !== 'string') throw new TypeError(`parameter ${key} is not text`);
  return v;
}

function num(p: Readonly<Record<string, unknown>>, key: string): number {
  const v = p[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`parameter ${key} is not a number`);
  return v;
}

/** An optional text parameter: absent is undefined, anything but text is an error. */
function optStr(p: Readonly<Record<string, unknown>>, key: string): string | undefined {
  return p[key] === undefined ? undefined : str(p, key);
}

/** A text parameter that must be one of `choices` (a `reason` or a `what`); anything else is an error. */
function oneOf<T extends string>(p: Readonly<Record<string, unknown>>, key: string, choices: readonly T[]): T {
  const v = str(p, key);
  if (!(choices as readonly string[]).includes(v)) throw new TypeError(`parameter ${key} is not one of ${choices.join(', ')}`);
  return v as T;
}

/** The app's name for the kind of entry a DUPLICATE finding repeats (semantics.ts `duplicates`). */
const DUPLICATE_WHAT: Record<DuplicateWhat, MessageKey> = {
  'http-header': 'configIssues.duplicateWhat.httpHeader',
  path: 'configIssues.duplicateWhat.path',
  disk: 'configIssues.duplicateWhat.disk',
  'partition-label': 'configIssues.duplicateWhat.partitionLabel',
  'partition-number': 'configIssues.duplicateWhat.partitionNumber',
  raid: 'configIssues.duplicateWhat.raid',
  luks: 'configIssues.duplicateWhat.luks',
  filesystem: 'configIssues.duplicateWhat.filesystem',
  unit: 'configIssues.duplicateWhat.unit',
  dropin: 'configIssues.duplicateWhat.dropin',
  user: 'configIssues.duplicateWhat.user',
  group: 'configIssues.duplicateWhat.group',
};

/** The app's words for the rule of Go's url.Parse a URL breaks (electron/core/ignition/go-url.ts). */
const URL_PROBLEMS: Record<UrlProblem, MessageKey> = {
  'control-character': 'configIssues.urlProblem.controlCharacter',
  'missing-scheme': 'configIssues.urlProblem.missingScheme',
  'colon-in-first-segment': 'configIssues.urlProblem.colonInFirstSegment',
  escape: 'configIssues.urlProblem.escape',
  'host-character': 'configIssues.urlProblem.hostCharacter',
  'host-bracket': 'configIssues.urlProblem.hostBracket',
  port: 'configIssues.urlProblem.port',
  userinfo: 'configIssues.urlProblem.userinfo',
};

const DATA_URL_REASONS: Record<ConfigIssueParams['DATA_URL_INVALID']['reason'], MessageKey> = {
  'no-comma': 'configIssues.DATA_URL_NO_COMMA',
  'media-type': 'configIssues.DATA_URL_MEDIA_TYPE',
  escape: 'configIssues.DATA_URL_ESCAPE',
  character: 'configIssues.DATA_URL_CHARACTER',
  'not-base64': 'configIssues.DATA_URL_NOT_BASE64',
};

/* Butane findings (electron/core/ignition/butane): the core's message starts with the YAML line
   (electron/core/flash/config-gate.ts `butaneProblem`), so every wording does too. A YAML
   parser's or the system's own detail stays English inside the sentence. */

/** The Butane sentence `key` with `vars`, after its YAML line. */
function butane(p: Readonly<Record<string, unknown>>, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = t(key, vars);
  return t('configIssues.butane.atLine', { line: num(p, 'line'), text });
}

const BUTANE_KINDS: Record<NonNullable<ConfigIssueParams['BUTANE_TYPE']['expected' | 'actual']>, MessageKey> = {
  number: 'configIssues.butane.kind.number',
  boolean: 'configIssues.butane.kind.boolean',
  string: 'configIssues.butane.kind.string',
  mapping: 'configIssues.butane.kind.mapping',
  list: 'configIssues.butane.kind.list',
};
const butaneKind = (p: Readonly<Record<string, unknown>>, key: string): string =>
  t(BUTANE_KINDS[oneOf(p, key, Object.keys(BUTANE_KINDS) as (keyof typeof BUTANE_KINDS)[])]);

const BUTANE_WORDS: Pick<ConfigWords, Extract<keyof ConfigIssueParams, `BUTANE_${string}`>> = {
  BUTANE_TYPE: (p) => {
    const reason = oneOf(p, 'reason', ['root', 'scalar', 'boolean', 'integer', 'resource', 'mapping', 'strings', 'list']);
    if (reason === 'scalar')
      return butane(p, 'configIssues.butane.TYPE_SCALAR', { expected: butaneKind(p, 'expected'), actual: butaneKind(p, 'actual') });
    if (reason === 'boolean') return butane(p, 'configIssues.butane.TYPE_BOOLEAN', { value: str(p, 'value') });
    if (reason === 'integer') return butane(p, 'configIssues.butane.TYPE_INTEGER', { value: str(p, 'value') });
    const keys = {
      root: 'configIssues.butane.TYPE_ROOT',
      resource: 'configIssues.butane.TYPE_RESOURCE',
      mapping: 'configIssues.butane.TYPE_MAPPING',
      strings: 'configIssues.butane.TYPE_STRINGS',
      list: 'configIssues.butane.TYPE_LIST',
    } as const;
    return butane(p, keys[reason]);
  },
  BUTANE_VARIANT: (p) =>
    oneOf(p, 'reason', ['missing', 'unsupported']) === 'missing'
      ? butane(p, 'configIssues.butane.VARIANT_MISSING')
      : butane(p, 'configIssues.butane.VARIANT', { variant: str(p, 'variant') }),
  BUTANE_VERSION: (p) =>
    oneOf(p, 'reason', ['missing', 'unsupported']) === 'missing'
      ? butane(p, 'configIssues.butane.VERSION_MISSING')
      : butane(p, 'configIssues.butane.VERSION', { version: str(p, 'version'), known: str(p, 'known') }),
  BUTANE_YAML: (p) => butane(p, 'configIssues.butane.YAML', { detail: str(p, 'detail') }),
  BUTANE_MULTIPLE_DOCUMENTS: (p) => butane(p, 'configIssues.butane.MULTIPLE_DOCUMENTS'),
  BUTANE_DUPLICATE_KEY: (p) => butane(p, 'configIssues.butane.DUPLICATE_KEY', { key: str(p, 'key'), first: num(p, 'first') }),
  BUTANE_TOO_LARGE: (p) => butane(p, 'configIssues.butane.TOO_LARGE', { budget: formatNumber(num(p, 'budget')) }),
  BUTANE_ALIAS_LOOP: (p) => butane(p, 'configIssues.butane.ALIAS_LOOP'),
  BUTANE_MOUNT_UNIT: (p) => {
    const reason = oneOf(p, 'reason', ['device-format', 'outside', 'no-path']);
    if (reason === 'outside')
      return butane(p, 'configIssues.butane.MOUNT_UNIT_OUTSIDE', { version: str(p, 'version'), path: str(p, 'path') });
    return butane(p, reason === 'no-path' ? 'configIssues.butane.MOUNT_UNIT_NO_PATH' : 'configIssues.butane.MOUNT_UNIT_DEVICE_FORMAT');
  },
  BUTANE_FIELD_VERSION: (p) => {
    const vars = { since: str(p, 'since'), version: str(p, 'version') };
    return oneOf(p, 'reason', ['field', 'swap']) === 'swap'
      ? butane(p, 'configIssues.butane.FIELD_VERSION_SWAP', vars)
      : butane(p, 'configIssues.butane.FIELD_VERSION', { ...vars, field: str(p, 'field') });
  },
  BUTANE_UNKNOWN_FIELD: (p) => butane(p, 'configIssues.butane.UNKNOWN_FIELD', { field: str(p, 'field'), version: str(p, 'version') }),
  BUTANE_UNSUPPORTED: (p) => {
    const reason = oneOf(p, 'reason', ['field', 'installed-only', 'trees', 'layout']);
    if (reason === 'layout') return butane(p, 'configIssues.butane.UNSUPPORTED_LAYOUT', { layout: str(p, 'layout') });
    const keys = {
      field: 'configIssues.butane.UNSUPPORTED',
      'installed-only': 'configIssues.butane.UNSUPPORTED_INSTALLED_ONLY',
      trees: 'configIssues.butane.UNSUPPORTED_TREES',
    } as const;
    return butane(p, keys[reason], { field: str(p, 'field') });
  },
  BUTANE_DECIMAL_MODE: (p) => butane(p, 'configIssues.butane.DECIMAL_MODE', { mode: str(p, 'mode') }),
  BUTANE_NO_FILES_DIR: (p) =>
    oneOf(p, 'reason', ['file', 'trees']) === 'trees'
      ? butane(p, 'configIssues.butane.NO_FILES_DIR_TREES')
      : butane(p, 'configIssues.butane.NO_FILES_DIR', { local: str(p, 'local') }),
  BUTANE_LOCAL_ESCAPE: (p) => {
    const keys = {
      file: 'configIssues.butane.LOCAL_ESCAPE',
      'file-link': 'configIssues.butane.LOCAL_ESCAPE_LINK',
      directory: 'configIssues.butane.LOCAL_ESCAPE_DIRECTORY',
    } as const;
    return butane(p, keys[oneOf(p, 'reason', ['file', 'file-link', 'directory'])], { local: str(p, 'local') });
  },
  BUTANE_LOCAL_READ: (p) =>
    butane(
      p,
      oneOf(p, 'reason', ['file', 'directory']) === 'directory'
        ? 'configIssues.butane.LOCAL_READ_DIRECTORY'
        : 'configIssues.butane.LOCAL_READ',
      {
        local: str(p, 'local'),
        detail: str(p, 'detail'),
      },
    ),
  BUTANE_EXCLUSIVE: (p) =>
    oneOf(p, 'reason', ['fields', 'json']) === 'json'
      ? butane(p, 'configIssues.butane.EXCLUSIVE_JSON', { field: str(p, 'field'), json: str(p, 'json') })
      : butane(p, 'configIssues.butane.EXCLUSIVE', { fields: str(p, 'fields') }),
  BUTANE_BOOT_DEVICE: (p) =>
    oneOf(p, 'reason', ['layout', 'mirror']) === 'mirror'
      ? butane(p, 'configIssues.butane.BOOT_DEVICE_MIRROR')
      : butane(p, 'configIssues.butane.BOOT_DEVICE_LAYOUT', { layout: str(p, 'layout'), allowed: str(p, 'allowed') }),
  BUTANE_GRUB_USER: (p) =>
    butane(
      p,
      oneOf(p, 'reason', ['name', 'password']) === 'name' ? 'configIssues.butane.GRUB_USER_NAME' : 'configIssues.butane.GRUB_USER_PASSWORD',
    ),
  BUTANE_TREE: (p) => {
    const reason = oneOf(p, 'reason', ['no-local', 'not-directory', 'read', 'node-kind', 'contents', 'other-kind', 'link-target']);
    if (reason === 'no-local') return butane(p, 'configIssues.butane.TREE_NO_LOCAL');
    if (reason === 'not-directory') return butane(p, 'configIssues.butane.TREE_NOT_DIRECTORY', { local: str(p, 'local') });
    if (reason === 'read') return butane(p, 'configIssues.butane.TREE_READ', { local: str(p, 'local'), detail: str(p, 'detail') });
    const keys = {
      'node-kind': 'configIssues.butane.TREE_NODE_KIND',
      contents: 'configIssues.butane.TREE_CONTENTS',
      'other-kind': 'configIssues.butane.TREE_OTHER_KIND',
      'link-target': 'configIssues.butane.TREE_LINK_TARGET',
    } as const;
    return butane(p, keys[reason], { path: str(p, 'path') });
  },
};

const CONFIG_WORDS: ConfigWords = {
  JSON_BOM: () => t('configIssues.JSON_BOM'),
  JSON_INVALID: (p) => {
    const detail = optStr(p, 'detail');
    return detail === undefined ? t('configIssues.JSON_NOT_OBJECT') : t('configIssues.JSON_INVALID', { detail });
  },
  VERSION_MISSING: () => t('configIssues.VERSION_MISSING'),
  VERSION_2X: (p) => t('configIssues.VERSION_2X', { version: str(p, 'version') }),
  VERSION_UNKNOWN: (p) =>
    num(p, 'experimental')
      ? t('configIssues.VERSION_EXPERIMENTAL', { version: str(p, 'version'), known: str(p, 'known') })
      : t('configIssues.VERSION_UNKNOWN', { version: str(p, 'version'), known: str(p, 'known') }),
  CONFIG_TOO_LARGE: (p) =>
    t('configIssues.CONFIG_TOO_LARGE', { size: formatNumber(num(p, 'size')), capacity: formatNumber(num(p, 'capacity')) }),
  SCHEMA_REQUIRED: (p) => t('configIssues.SCHEMA_REQUIRED', { field: str(p, 'field') }),
  SCHEMA_TYPE: (p) => t('configIssues.SCHEMA_TYPE', { types: str(p, 'types') }),
  SCHEMA_ENUM: (p) => t('configIssues.SCHEMA_ENUM', { allowed: str(p, 'allowed') }),
  SCHEMA: (p) => {
    const detail = optStr(p, 'detail');
    const keyword = str(p, 'keyword');
    return detail === undefined ? t('configIssues.SCHEMA', { keyword }) : t('configIssues.SCHEMA_DETAIL', { keyword, detail });
  },
  UNKNOWN_KEY: (p) => t('configIssues.UNKNOWN_KEY', { key: str(p, 'key'), version: str(p, 'version') }),
  LIVE_WIPE_TABLE: () => t('configIssues.LIVE_WIPE_TABLE'),
  LIVE_UNSTABLE_DEVICE: (p) => t('configIssues.LIVE_UNSTABLE_DEVICE', { device: str(p, 'device') }),
  LIVE_WIPE_PARTITION_ENTRY: () => t('configIssues.LIVE_WIPE_PARTITION_ENTRY'),
  LIVE_RAID: (p) => t('configIssues.LIVE_RAID', { name: str(p, 'name') }),
  LIVE_LUKS_NO_KEYFILE: (p) => t('configIssues.LIVE_LUKS_NO_KEYFILE', { name: str(p, 'name') }),
  LIVE_WIPE_VOLUME: (p) => t('configIssues.LIVE_WIPE_VOLUME', { name: str(p, 'name') }),
  LIVE_WIPE_FILESYSTEM: (p) => t('configIssues.LIVE_WIPE_FILESYSTEM', { device: str(p, 'device') }),
  LIVE_FS_NOT_MOUNTED: (p) => t('configIssues.LIVE_FS_NOT_MOUNTED', { path: str(p, 'path'), unit: str(p, 'unit') }),
  LIVE_FILE_NO_OVERWRITE: (p) => noOverwrite(p),
  LIVE_LINK_NO_OVERWRITE: (p) => noOverwrite(p),
  LIVE_APPEND_PERSISTENT: (p) => t('configIssues.LIVE_APPEND_PERSISTENT', { path: str(p, 'path'), mount: str(p, 'mount') }),
  LIVE_REMOTE_SOURCE: (p) => {
    const source = str(p, 'source');
    const host = str(p, 'host');
    const base = host ? t('configIssues.LIVE_REMOTE_SOURCE', { source, host }) : t('configIssues.LIVE_REMOTE_SOURCE_NO_HOST', { source });
    return num(p, 'plain') ? `${base} ${t('configIssues.LIVE_REMOTE_PLAIN')}` : base;
  },
  LIVE_KERNEL_ARGUMENTS: () => t('configIssues.LIVE_KERNEL_ARGUMENTS'),
  PATH_NOT_ABSOLUTE: (p) =>
    oneOf(p, 'what', ['path', 'device']) === 'device'
      ? t('configIssues.PATH_NOT_ABSOLUTE_DEVICE', { path: str(p, 'path') })
      : t('configIssues.PATH_NOT_ABSOLUTE', { path: str(p, 'path') }),
  PATH_NOT_SIMPLIFIED: (p) => t('configIssues.PATH_NOT_SIMPLIFIED', { path: str(p, 'path') }),
  PATH_THROUGH_LINK: (p) => t('configIssues.PATH_THROUGH_LINK', { path: str(p, 'path'), link: str(p, 'link') }),
  URL_INVALID: (p) => {
    if (oneOf(p, 'reason', ['parse', 'unescaped']) === 'unescaped') return t('configIssues.URL_UNESCAPED', { url: str(p, 'url') });
    // Go's own text (`detail`) is what Ignition prints; the app words the rule it names instead
    const problem = t(URL_PROBLEMS[oneOf(p, 'problem', Object.keys(URL_PROBLEMS) as UrlProblem[])], { value: optStr(p, 'value') });
    return t('configIssues.URL_INVALID', { url: str(p, 'url'), problem });
  },
  URL_SCHEME: (p) =>
    oneOf(p, 'reason', ['unsupported', 'tang']) === 'tang'
      ? t('configIssues.URL_SCHEME_TANG', { url: str(p, 'url') })
      : t('configIssues.URL_SCHEME', { url: str(p, 'url'), allowed: str(p, 'allowed') }),
  DATA_URL_INVALID: (p) => {
    const reason = oneOf(p, 'reason', Object.keys(DATA_URL_REASONS) as (keyof typeof DATA_URL_REASONS)[]);
    if (reason === 'media-type') return t(DATA_URL_REASONS[reason], { media: str(p, 'media') });
    if (reason === 'escape') return t(DATA_URL_REASONS[reason], { position: num(p, 'position') });
    if (reason === 'character') return t(DATA_URL_REASONS[reason], { char: str(p, 'char') });
    return t(DATA_URL_REASONS[reason]);
  },
  HTTP_HEADERS_SCHEME: () => t('configIssues.HTTP_HEADERS_SCHEME'),
  VERIFICATION_NO_SOURCE: () => t('configIssues.VERIFICATION_NO_SOURCE'),
  COMPRESSION: (p) => t('configIssues.COMPRESSION', { compression: str(p, 'compression') }),
  HASH_FUNCTION: (p) =>
    num(p, 'sha256')
      ? t('configIssues.HASH_FUNCTION', { name: str(p, 'name') })
      : t('configIssues.HASH_FUNCTION_SHA512', { name: str(p, 'name') }),
  HASH_SIZE: (p) => t('configIssues.HASH_SIZE', { name: str(p, 'name'), digits: num(p, 'digits') }),
  HASH_NOT_HEX: (p) => t('configIssues.HASH_NOT_HEX', { name: str(p, 'name') }),
  DUPLICATE: (p) => {
    const reason = oneOf(p, 'reason', ['entry', 'list', 'kernel-argument', 'kernel-argument-conflict']);
    const value = str(p, 'value');
    if (reason === 'list') return t('configIssues.DUPLICATE_LIST', { value });
    if (reason === 'kernel-argument-conflict') return t('configIssues.DUPLICATE_KERNEL_CONFLICT', { value });
    if (reason === 'kernel-argument') return t('configIssues.DUPLICATE_KERNEL_ARGUMENT', { value, first: str(p, 'first') });
    const what = t(DUPLICATE_WHAT[oneOf(p, 'what', Object.keys(DUPLICATE_WHAT) as DuplicateWhat[])]);
    return t('configIssues.DUPLICATE', { what, value, first: str(p, 'first') });
  },
  MODE_INVALID: (p) => t('configIssues.MODE_INVALID', { mode: num(p, 'mode') }),
  MODE_SPECIAL_BITS: () => t('configIssues.MODE_SPECIAL_BITS'),
  OVERWRITE_NO_SOURCE: () => t('configIssues.OVERWRITE_NO_SOURCE'),
  LINK_TARGET: () => t('configIssues.LINK_TARGET'),
  UNIT_NAME: (p) => t('configIssues.UNIT_NAME', { name: str(p, 'name') }),
  DROPIN_NAME: () => t('configIssues.DROPIN_NAME'),
  FS_FORMAT: (p) =>
    oneOf(p, 'reason', ['unsupported', 'missing']) === 'missing'
      ? t('configIssues.FS_FORMAT_MISSING', { fields: str(p, 'fields') })
      : t('configIssues.FS_FORMAT', { format: str(p, 'format'), allowed: str(p, 'allowed') }),
  FS_LABEL: (p) =>
    t('configIssues.FS_LABEL', { format: str(p, 'format'), max: num(p, 'max'), label: str(p, 'label'), length: num(p, 'length') }),
  GUID_INVALID: (p) => t('configIssues.GUID_INVALID', { value: str(p, 'value') }),
  PARTITION_LABEL: () => t('configIssues.PARTITION_LABEL'),
  PARTITION_UNMATCHABLE: () => t('configIssues.PARTITION_UNMATCHABLE'),
  PARTITION_SHOULD_EXIST: (p) => {
    if (oneOf(p, 'reason', ['unnumbered-sibling', 'number-only']) === 'unnumbered-sibling')
      return t('configIssues.PARTITION_SHOULD_EXIST_SIBLING');
    const remove = optStr(p, 'remove');
    return remove === undefined ? t('configIssues.PARTITION_SHOULD_EXIST') : t('configIssues.PARTITION_SHOULD_EXIST_REMOVE', { remove });
  },
  RAID_LEVEL: (p) => t('configIssues.RAID_LEVEL', { level: str(p, 'level') }),
  LUKS_NAME: (p) => t('configIssues.LUKS_NAME', { name: str(p, 'name') }),
  LUKS_DEVICE: () => t('configIssues.LUKS_DEVICE'),
  CLEVIS_CUSTOM: () => t('configIssues.CLEVIS_CUSTOM'),
  TANG_THUMBPRINT: () => t('configIssues.TANG_THUMBPRINT'),
  TANG_ADVERTISEMENT: () => t('configIssues.TANG_ADVERTISEMENT'),
  PROXY_SCHEME: (p) => t('configIssues.PROXY_SCHEME', { url: str(p, 'url') }),
  PROXY_INSECURE: () => t('configIssues.PROXY_INSECURE'),
  ...BUTANE_WORDS,
};

/** A file or link without `overwrite: true`: on persistent storage it fails from the second boot on. */
function noOverwrite(p: Readonly<Record<string, unknown>>): string {
  const path = str(p, 'path');
  const mount = optStr(p, 'mount');
  return mount === undefined
    ? t('configIssues.LIVE_NO_OVERWRITE_IMAGE', { path })
    : t('configIssues.LIVE_NO_OVERWRITE_PERSISTENT', { path, mount });
}

/** Whether the app words config finding `code` itself. */
function isConfigIssueCode(code: string): code is keyof ConfigIssueParams {
  return Object.hasOwn(CONFIG_WORDS, code);
}

/**
 * The app's sentence for one finding of a config check, in the language in use; the core's
 * message when the app does not know the code or its parameters do not fit (never a blank).
 */
export function configIssueText(issue: { code: string; message: string; params?: Readonly<Record<string, unknown>> }): string {
  if (!isConfigIssueCode(issue.code) || !issue.params) return issue.message;
  try {
    return CONFIG_WORDS[issue.code](issue.params);
  } catch {
    // parameters from another version of the core: its own sentence is the safer choice
    return issue.message;
  }
}
