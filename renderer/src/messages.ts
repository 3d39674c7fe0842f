/**
 * The app's wording of errors, warnings and endings, in one place: a sentence from each catalogued
 * code and its parameters (electron/contract/error-codes.ts), in the app's terms (its buttons and
 * choices, never CLI flags), in the language in use (renderer/src/i18n). Codes outside the
 * catalogue show the core's message.
 */
import type { AccessHint, ErrorParams, PxeOptionId, RestoreStep, StaticIpReason, WarningParams } from '../../electron/contract/error-codes';
import type { DriveInfo, ErrorValue, FlashEnding, TargetResult } from '../../electron/contract/api';
import type { FleetProblem, FleetProblemParams } from '../../electron/contract/fleet-problems';
import { configIssueText } from './config-words';
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
