/**
 * The app's wording of errors, warnings and endings, in one place: a sentence from each catalogued
 * code and its parameters (electron/contract/error-codes.ts), in the app's terms (its buttons and
 * choices, never CLI flags), in the language in use (renderer/src/i18n). Codes outside the
 * catalogue show the core's message.
 */
import type { AccessHint, ErrorParams, PxeOptionId, RestoreStep, StaticIpReason, WarningParams } from '../../electron/contract/error-codes';
import type { DriveInfo, ErrorValue, FlashEnding, TargetResult } from '../../electron/contract/api';
import type { ConfigIssueParams, DuplicateWhat, UrlProblem } from '../../electron/contract/config-issues';
import type { FleetProblem, FleetProblemParams } from '../../electron/contract/fleet-problems';
import { formatDriveSize, formatNumber } from './format';
import { tr as t } from './i18n';
import type { MessageKey } from './i18n/keys';

/** The app's name for each network boot option a managed kernel argument points to. */
const PXE_CHOICES: Record<PxeOptionId, MessageKey> = {
  ignitionUrl: 'errors.pxeChoice.ignitionUrl',
  ignitionEmbedded: 'errors.pxeChoice.ignitionEmbedded',
  ignitionInitrd: 'errors.pxeChoice.ignitionInitrd',
  rootfsUrl: 'errors.pxeChoice.rootfsUrl',
  rootfsInitrd: 'errors.pxeChoice.rootfsInitrd',
  initrds: 'errors.pxeChoice.initrds',
  bootif: 'errors.pxeChoice.bootif',
  always: 'errors.pxeChoice.always',
};

/** The app's name for what a stick was doing when it reported an I/O error. */
const DOING: Record<ErrorParams['WRITE_IO_ERROR']['doing'], MessageKey> = {
  opening: 'errors.doing.opening',
  writing: 'errors.doing.writing',
  reading: 'errors.doing.reading',
};

/** What a restore was doing when a tool failed (electron/core/write/restore). */
const RESTORE_STEPS: Record<RestoreStep, MessageKey> = {
  wipe: 'errors.restoreStep.wipe',
  partition: 'errors.restoreStep.partition',
  format: 'errors.restoreStep.format',
  check: 'errors.restoreStep.check',
};

/** Why a system refused access to a raw disk, and where to fix it. */
const ACCESS_HINTS: Record<AccessHint, MessageKey> = {
  'windows-volume': 'errors.WRITE_ACCESS_DENIED.windowsVolume',
  'macos-privacy': 'errors.WRITE_ACCESS_DENIED.macosPrivacy',
  permission: 'errors.WRITE_ACCESS_DENIED.permission',
};

/** Why a static IP setting was refused. */
const STATIC_IP_REASONS: Record<StaticIpReason, MessageKey> = {
  format: 'errors.STATIC_IP_INVALID.format',
  address: 'errors.STATIC_IP_INVALID.address',
  gateway: 'errors.STATIC_IP_INVALID.gateway',
  dns: 'errors.STATIC_IP_INVALID.dns',
  interface: 'errors.STATIC_IP_INVALID.interface',
  'needs-address': 'errors.STATIC_IP_INVALID.needsAddress',
  'needs-gateway': 'errors.STATIC_IP_INVALID.needsGateway',
};

const fsName = (f: 'fat32' | 'exfat') => (f === 'fat32' ? 'FAT32' : 'exFAT');

/**
 * Messages of the codes the renderer makes itself (checks it runs before asking the core) and of
 * the bridge client's transport failures: the same rule, a code and its words.
 */
export const APP_CODES = {
  PATH_EMPTY: 'errors.PATH_EMPTY',
  PORT_INVALID: 'errors.PORT_INVALID',
  WRONG_FILE: 'errors.WRONG_FILE',
} as const satisfies Record<string, MessageKey>;

type Words = { [C in keyof ErrorParams]: (p: ErrorParams[C]) => string };
type WarningWords = { [C in keyof WarningParams]: (p: WarningParams[C]) => string };

const size = (n: number) => formatDriveSize(n);

const ERRORS: Words = {
  WRITE_TARGET_NOT_FOUND: (p) => t('errors.WRITE_TARGET_NOT_FOUND', { device: p.device }),
  WRITE_TARGET_TWICE: (p) => t('errors.WRITE_TARGET_TWICE', { device: p.device }),
  WRITE_SYSTEM_DEVICE: (p) => t('errors.WRITE_SYSTEM_DEVICE', { device: p.device, reasons: p.reasons.join(', ') }),
  WRITE_READ_ONLY: (p) => t('errors.WRITE_READ_ONLY', { device: p.device }),
  WRITE_TOO_SMALL: (p) => t('errors.WRITE_TOO_SMALL', { device: p.device, size: size(p.size), needed: size(p.needed) }),
  WRITE_LOOP_NOT_ALLOWED: (p) => t('errors.WRITE_LOOP_NOT_ALLOWED', { device: p.device }),
  WRITE_TARGET_CHANGED: (p) => t('errors.WRITE_TARGET_CHANGED', { device: p.device }),
  WRITE_LARGE_UNCONFIRMED: (p) => t('errors.WRITE_LARGE_UNCONFIRMED', { device: p.device, size: size(p.size) }),
  WRITE_INTERNAL_UNCONFIRMED: (p) =>
    p.typed
      ? t('errors.WRITE_INTERNAL_UNCONFIRMED.mismatch', { device: p.device, name: p.name })
      : t('errors.WRITE_INTERNAL_UNCONFIRMED.untyped', { device: p.device, name: p.name }),
  WRITE_ACCESS_DENIED: (p) => t(ACCESS_HINTS[p.hint], { device: p.device }),
  WRITE_DEVICE_BUSY: (p) =>
    p.mountpoint
      ? t('errors.WRITE_DEVICE_BUSY.mounted', { device: p.device, mountpoint: p.mountpoint })
      : t('errors.WRITE_DEVICE_BUSY.other', { device: p.device }),
  WRITE_NOT_AUTHORIZED: () => t('errors.WRITE_NOT_AUTHORIZED'),
  WRITE_IO_ERROR: (p) => {
    const at = p.offset === undefined ? undefined : formatNumber(p.offset);
    if (p.noSpace)
      return at === undefined
        ? t('errors.WRITE_IO_ERROR.noSpace', { device: p.device })
        : t('errors.WRITE_IO_ERROR.noSpaceAt', { device: p.device, offset: at });
    const doing = t(DOING[p.doing]);
    return at === undefined
      ? t('errors.WRITE_IO_ERROR.failing', { device: p.device, doing })
      : t('errors.WRITE_IO_ERROR.failingAt', { device: p.device, doing, offset: at });
  },
  WRITE_DEVICE_VANISHED: (p) =>
    p.offset === undefined
      ? t('errors.WRITE_DEVICE_VANISHED.plain', { device: p.device })
      : t('errors.WRITE_DEVICE_VANISHED.at', { device: p.device, offset: formatNumber(p.offset) }),
  WRITE_VERIFY_MISMATCH: (p) => t('errors.WRITE_VERIFY_MISMATCH', { device: p.device, offset: formatNumber(p.offset) }),
  WRITE_IGNITION_MISMATCH: (p) => t('errors.WRITE_IGNITION_MISMATCH', { device: p.device }),
  WRITE_CANCELLED: (p) =>
    p.stage === 'before-write'
      ? t('errors.WRITE_CANCELLED.beforeWrite', { device: p.device })
      : p.stage === 'verifying'
        ? t('errors.WRITE_CANCELLED.verifying', { device: p.device })
        : p.wiped
          ? t('errors.WRITE_CANCELLED.wiped', { device: p.device })
          : t('errors.WRITE_CANCELLED.partial', { device: p.device }),
  WRITE_JOB_INVALID: () => t('errors.WRITE_JOB_INVALID'),
  WRITE_HELPER_FAILED: (p) =>
    p.lastOffset !== undefined
      ? t('errors.WRITE_HELPER_FAILED.after', { bytes: formatNumber(p.lastOffset) })
      : t('errors.WRITE_HELPER_FAILED.plain'),
  WRITE_SOURCE_ERROR: (p) =>
    p.offset === undefined
      ? t('errors.WRITE_SOURCE_ERROR.plain', { image: p.image })
      : t('errors.WRITE_SOURCE_ERROR.at', { image: p.image, offset: formatNumber(p.offset) }),
  WRITE_UNSUPPORTED_PLATFORM: (p) => t('errors.WRITE_UNSUPPORTED_PLATFORM', { platform: p.platform }),
  CONFIG_INVALID: (p) => t('errors.CONFIG_INVALID', { file: p.file, count: p.errors.length }),
  KARG_EMPTY: () => t('errors.KARG_EMPTY'),
  KARG_CONTROL_CHAR: (p) => t('errors.KARG_CONTROL_CHAR', { arg: p.arg, char: p.char }),
  KARG_NOT_ASCII: (p) => t('errors.KARG_NOT_ASCII', { arg: p.arg, char: p.char }),
  KARG_BOOTLOADER_CHAR: (p) => t('errors.KARG_BOOTLOADER_CHAR', { arg: p.arg, char: p.char.length > 1 ? `"${p.char}"` : `'${p.char}'` }),
  KARG_UNBALANCED_QUOTE: (p) => t('errors.KARG_UNBALANCED_QUOTE', { arg: p.arg }),
  KARG_MANAGED: (p) => t('errors.KARG_MANAGED', { key: p.key, why: t(PXE_CHOICES[p.option]) }),
  KARGS_TOO_LARGE: (p) => t('errors.KARGS_TOO_LARGE', { bytes: formatNumber(p.bytes), limit: formatNumber(p.limit - 1) }),
  PXE_CMDLINE_TOO_LONG: (p) => t('errors.PXE_CMDLINE_TOO_LONG', { bytes: formatNumber(p.bytes), limit: formatNumber(p.limit) }),
  PXE_NO_ROOTFS_URL: () => t('errors.PXE_NO_ROOTFS_URL'),
  FLASH_NO_TARGET: () => t('errors.FLASH_NO_TARGET'),
  FLASH_NOT_CONFIRMED: (p) => t('errors.FLASH_NOT_CONFIRMED', { devices: p.devices.join(', ') }),
  FLASH_BAD_SOURCE: () => t('errors.FLASH_BAD_SOURCE'),
  FLASH_ISO_NOT_FOUND: (p) => t('errors.FLASH_ISO_NOT_FOUND', { path: p.path }),
  FLASH_ISO_NOT_FILE: (p) => t('errors.FLASH_ISO_NOT_FILE', { path: p.path }),
  FLASH_INPUT_UNREADABLE: (p) => t('errors.FLASH_INPUT_UNREADABLE', { path: p.path }),
  FLASH_CANCELLED: () => t('errors.FLASH_CANCELLED'),
  FLASH_TARGET_FAILED: (p) => t('errors.FLASH_TARGET_FAILED', { count: p.failed, total: formatNumber(p.total) }),
  FLASH_BUSY: () => t('errors.FLASH_BUSY'),
  FLASH_NOT_RUNNING: () => t('errors.FLASH_NOT_RUNNING'),
  REFRESH_NOT_LIVE: (p) => t('errors.REFRESH_NOT_LIVE', { device: p.device }),
  REFRESH_NO_STREAM: (p) => t('errors.REFRESH_NO_STREAM', { device: p.device, volumeId: p.volumeId }),
  REFRESH_NO_ARCH: (p) => t('errors.REFRESH_NO_ARCH', { device: p.device }),
  RESTORE_BAD_LABEL: (p) =>
    p.problem === 'empty'
      ? t('errors.RESTORE_BAD_LABEL.empty')
      : p.problem === 'too-long'
        ? t('errors.RESTORE_BAD_LABEL.tooLong', { label: p.label, filesystem: fsName(p.filesystem), max: p.max })
        : t('errors.RESTORE_BAD_LABEL.character', { label: p.label, filesystem: fsName(p.filesystem), char: p.char ?? '' }),
  RESTORE_TOOL_FAILED: (p) => t('errors.RESTORE_TOOL_FAILED', { device: p.device, tool: p.tool, step: t(RESTORE_STEPS[p.step]) }),
  RESTORE_NO_PARTITION: (p) => t('errors.RESTORE_NO_PARTITION', { device: p.device, partition: p.partition }),
  RESTORE_CHECK_FAILED: (p) => t('errors.RESTORE_CHECK_FAILED', { partition: p.partition, found: p.found, expected: p.expected }),
  WRITE_NO_ELEVATION_TOOL: (p) => t('errors.WRITE_NO_ELEVATION_TOOL', { tool: p.tool }),
  NETWORK_UNREACHABLE: (p) => t('errors.NETWORK_UNREACHABLE', { host: p.host }),
  PROXY_BAD_URL: (p) => t('errors.PROXY_BAD_URL', { proxy: p.proxy }),
  PROXY_UNREACHABLE: (p) => t('errors.PROXY_UNREACHABLE', { proxy: p.proxy }),
  PROXY_REFUSED: (p) => t('errors.PROXY_REFUSED', { proxy: p.proxy, host: p.host, status: p.status }),
  PROXY_AUTH_REQUIRED: (p) => t('errors.PROXY_AUTH_REQUIRED', { proxy: p.proxy }),
  STREAM_NOT_FOUND: (p) =>
    p.production
      ? t('errors.STREAM_NOT_FOUND.notOnMirror', { stream: p.stream })
      : t('errors.STREAM_NOT_FOUND.noSuchStream', { stream: p.stream, streams: p.streams.join(', ') }),
  DOWNLOAD_SIGNATURE_UNKNOWN_KEY: (p) => t('errors.DOWNLOAD_SIGNATURE_UNKNOWN_KEY', { artifact: p.artifact, keyId: p.keyId }),
  IMAGE_CHANGED: (p) => t('errors.IMAGE_CHANGED', { path: p.path }),
  STATIC_IP_INVALID: (p) => t(STATIC_IP_REASONS[p.reason], { value: p.value, family: p.family, address: p.address }),
  SSH_KEY_INVALID: (p) => (p.key ? t('errors.SSH_KEY_INVALID.notKey', { key: p.key }) : t('errors.SSH_KEY_INVALID.none')),
  HOSTNAME_INVALID: (p) => t('errors.HOSTNAME_INVALID', { hostname: p.hostname }),
  TIMEZONE_INVALID: (p) =>
    p.reason === 'unknown'
      ? t('errors.TIMEZONE_INVALID.unknown', { timezone: p.timezone })
      : t('errors.TIMEZONE_INVALID.syntax', { timezone: p.timezone }),
  FLEET_INVALID: (p) => t('errors.FLEET_INVALID', { file: p.file, count: p.problems.length }),
  FLEET_TARGET_COUNT: (p) => t('errors.FLEET_TARGET_COUNT', { rows: p.rows, count: p.targets }),
  FLEET_ROW_UNKNOWN: (p) => t('errors.FLEET_ROW_UNKNOWN', { row: p.row, count: p.rows }),
  FLEET_FLAG_CONFLICT: (p) => t('errors.FLEET_FLAG_CONFLICT', { flag: p.flag }),
};

const WARNINGS: WarningWords = {
  LARGE_DRIVE: (p) => t('warnings.LARGE_DRIVE', { device: p.device, size: size(p.size) }),
  EJECT_FAILED: (p) => t('warnings.EJECT_FAILED', { device: p.device, detail: p.detail }),
  EJECT_SKIPPED: (p) =>
    p.why === 'loop'
      ? t('warnings.EJECT_SKIPPED.loop', { device: p.device })
      : p.why === 'windows'
        ? t('warnings.EJECT_SKIPPED.windows', { device: p.device })
        : t('warnings.EJECT_SKIPPED.noTool', { device: p.device }),
  PARTITIONS_NOT_REREAD: (p) => t('warnings.PARTITIONS_NOT_REREAD', { device: p.device }),
  NO_CONFIG_READ_BACK: (p) => t('warnings.NO_CONFIG_READ_BACK', { device: p.device }),
  KARG_ALREADY_DEFAULT: (p) => t('warnings.KARG_ALREADY_DEFAULT', { arg: p.arg }),
  KARG_OVERRIDES_DEFAULT: (p) => t('warnings.KARG_OVERRIDES_DEFAULT', { arg: p.arg, previous: p.previous }),
  KARG_REPEATED: (p) => t('warnings.KARG_REPEATED', { arg: p.arg, previous: p.previous }),
};

/** Whether the app words `code` itself (the core's catalogue, its warnings and the renderer's own codes). */
export function hasWords(code: string): boolean {
  return code in ERRORS || code in WARNINGS || code in APP_CODES;
}

/** The app's sentence for an error (or warning) value. */
export function errorText(e: ErrorValue): string {
  const own = (APP_CODES as Record<string, MessageKey | undefined>)[e.code];
  if (own) return t(own, e.params);
  const word =
    (ERRORS as Record<string, ((p: unknown) => string) | undefined>)[e.code] ??
    (WARNINGS as Record<string, ((p: unknown) => string) | undefined>)[e.code];
  if (!word || !e.params) return e.message;
  try {
    return word(e.params);
  } catch {
    // parameters from another version of the core: its own sentence is the safer choice
    return e.message;
  }
}

/** Lines worth showing under an error's sentence: an invalid config's every error, else its causes. */
export function errorDetails(e: ErrorValue): string[] {
  if (e.code === 'CONFIG_INVALID' && e.params) {
    const p = e.params as ErrorParams['CONFIG_INVALID'];
    // each error worded like the config report's (configIssueText: the core's message when it cannot)
    if (Array.isArray(p.errors)) return p.errors.map((x) => (x.path ? `${x.path}: ${configIssueText(x)}` : configIssueText(x)));
  }
  if (e.code === 'FLEET_INVALID' && e.params) {
    const p = e.params as ErrorParams['FLEET_INVALID'];
    if (Array.isArray(p.problems)) return p.problems.map((x) => t('errors.fleetLine', { line: x.line, message: fleetProblemText(x) }));
  }
  // a catalogued sentence already names what its causes would repeat
  return e.params && e.code in ERRORS ? [] : (e.causes ?? []);
}

const ENDING_TITLES: Record<FlashEnding, MessageKey> = {
  verified: 'endings.title.verified',
  written: 'endings.title.written',
  'not-written': 'endings.title.notWritten',
  'cancelled-before-write': 'endings.title.cancelledBeforeWrite',
  'cancelled-wiped': 'endings.title.cancelledWiped',
  'cancelled-partial': 'endings.title.cancelledPartial',
  'cancelled-unverified': 'endings.title.cancelledUnverified',
  failed: 'endings.title.failed',
};

/** How a stick's flash ended, in a few words (the result's badge and first line). */
export function endingTitle(ending: FlashEnding): string {
  return t(ENDING_TITLES[ending]);
}

/** The sentence under a stick's result: why it failed, what state it is in. */
export function endingText(r: TargetResult): string {
  switch (r.ending) {
    case 'verified':
      return t('endings.text.verified');
    case 'written':
      return t('endings.text.written');
    case 'cancelled-before-write':
      return t('endings.text.cancelledBeforeWrite');
    case 'cancelled-wiped':
      return t('endings.text.cancelledWiped');
    case 'cancelled-partial':
      return t('endings.text.cancelledPartial');
    case 'cancelled-unverified':
      return t('endings.text.cancelledUnverified');
    case 'failed': {
      const params = { offset: formatNumber(r.failedAt ?? 0), why: r.error ? errorText(r.error) : t('endings.text.unknownError') };
      return r.wiped ? t('endings.text.failedWiped', params) : t('endings.text.failed', params);
    }
    case 'not-written':
      return r.error ? errorText(r.error) : t('endings.text.notWritten');
  }
}

const STEPS: Record<string, MessageKey> = {
  check: 'flash.stepOf.check',
  unmount: 'flash.stepOf.unmount',
  flush: 'flash.stepOf.flush',
  wipe: 'flash.stepOf.wipe',
  ignition: 'flash.stepOf.ignition',
  eject: 'flash.stepOf.eject',
};

/** What a stick is doing within a phase, when it is not the bulk of it (writing, verifying). */
export function stepText(step: string | undefined): string | null {
  const key = step ? STEPS[step] : undefined;
  return key ? t(key) : null;
}

/** Why a drive cannot be picked, or null when it can. */
export function refusalText(d: DriveInfo): string | null {
  return d.refusal ? errorText(d.refusal) : null;
}

/* Fleet manifest problems (electron/contract/fleet-problems.ts): a problem with a field's value
   carries that field's error code, worded by the catalogue above. */

type FleetWords = { [C in keyof FleetProblemParams]: (p: FleetProblemParams[C]) => string };

const WORDS: FleetWords = {
  FLEET_CSV_UNCLOSED_QUOTE: (p) => t('fleetProblems.FLEET_CSV_UNCLOSED_QUOTE', { start: p.start }),
  FLEET_CSV_TEXT_AFTER_QUOTE: () => t('fleetProblems.FLEET_CSV_TEXT_AFTER_QUOTE'),
  FLEET_CSV_STRAY_QUOTE: () => t('fleetProblems.FLEET_CSV_STRAY_QUOTE'),
  FLEET_YAML_SYNTAX: (p) => t('fleetProblems.FLEET_YAML_SYNTAX', { detail: p.detail }),
  FLEET_YAML_SECOND_DOCUMENT: () => t('fleetProblems.FLEET_YAML_SECOND_DOCUMENT'),
  FLEET_YAML_TOP_KEY: (p) => t('fleetProblems.FLEET_YAML_TOP_KEY', { key: p.key }),
  FLEET_YAML_NOT_LIST: () => t('fleetProblems.FLEET_YAML_NOT_LIST'),
  FLEET_YAML_NOT_MAPPING: () => t('fleetProblems.FLEET_YAML_NOT_MAPPING'),
  FLEET_YAML_ALIAS: () => t('fleetProblems.FLEET_YAML_ALIAS'),
  FLEET_YAML_NOT_TEXT: (p) => t('fleetProblems.FLEET_YAML_NOT_TEXT', { key: p.key }),
  FLEET_UNKNOWN_FIELD: (p) => t('fleetProblems.FLEET_UNKNOWN_FIELD', { name: p.name, known: p.known }),
  FLEET_UNKNOWN_COLUMN: (p) => t('fleetProblems.FLEET_UNKNOWN_COLUMN', { name: p.name, known: p.known }),
  FLEET_COLUMN_TWICE: (p) => t('fleetProblems.FLEET_COLUMN_TWICE', { column: p.column }),
  FLEET_NO_NAME_COLUMN: () => t('fleetProblems.FLEET_NO_NAME_COLUMN'),
  FLEET_FIELD_COUNT: (p) => t('fleetProblems.FLEET_FIELD_COUNT', { fields: p.fields, count: p.columns }),
  FLEET_NO_MACHINES: () => t('fleetProblems.FLEET_NO_MACHINES'),
  FLEET_TOO_MANY: (p) => t('fleetProblems.FLEET_TOO_MANY', { max: p.max }),
  FLEET_NAME_MISSING: () => t('fleetProblems.FLEET_NAME_MISSING'),
  FLEET_NAME_INVALID: (p) => t('fleetProblems.FLEET_NAME_INVALID', { name: p.name }),
  FLEET_GATEWAY_MISSING: (p) => t('fleetProblems.FLEET_GATEWAY_MISSING', { ip: p.ip }),
  FLEET_ADDRESS_MISSING: () => t('fleetProblems.FLEET_ADDRESS_MISSING'),
  FLEET_MAC_INVALID: (p) => t('fleetProblems.FLEET_MAC_INVALID', { mac: p.mac }),
  FLEET_MAC_MULTICAST: (p) => t('fleetProblems.FLEET_MAC_MULTICAST', { mac: p.mac }),
  FLEET_DUPLICATE: (p) => t('fleetProblems.FLEET_DUPLICATE', { value: p.value, line: p.line, name: p.name }),
};

/** Whether the app words fleet problem `code` itself. */
export function isFleetProblemCode(code: string): code is keyof FleetProblemParams {
  return code in WORDS;
}

/** The app's sentence for one fleet problem (without its line), falling back to the core's message. */
export function fleetProblemText(p: FleetProblem): string {
  if (isFleetProblemCode(p.code)) {
    try {
      return (WORDS[p.code] as (x: unknown) => string)(p.params ?? {});
    } catch {
      // parameters from another version of the core: its own sentence is the safer choice
      return p.message;
    }
  }
  return errorText({ code: p.code, message: p.message, params: p.params });
}

/* Findings of a config check (electron/contract/config-issues.ts): the live-boot traps, the
   errors of the JSON, the spec version and the schema, Ignition's semantic rules and the Butane
   translation. Each wording
   reads its parameters through `str`/`num`/`oneOf`, which throw on a missing, mistyped or unknown
   one, so a finding from another version of the core shows the core's own sentence instead of a
   sentence with holes. */

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
