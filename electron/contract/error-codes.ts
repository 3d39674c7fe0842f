/**
 * The error and warning codes (and the endings) of the flash pipeline (target safety, writing, the config gate,
 * kernel arguments, the flash job, network boot options, fleet manifests, the network and downloads,
 * refreshing and restoring sticks) and the parameters each one carries.
 *
 * One catalogue for every layer: the core and the writer helper raise these codes with their
 * parameters (electron/core/errors.ts `codedError`), the values cross the helper's JSON protocol
 * and the IPC contract unchanged, and each front end words them: the CLI in
 * electron/cli/messages.ts, the app in renderer/src/messages.ts. A code is a protocol constant, so
 * this file imports nothing but the contract's own fleet-problems.ts, and every layer may read it.
 */

import type { FleetProblem } from './fleet-problems';

export type { FleetProblem, FleetProblemCode } from './fleet-problems';

/** Where in a drive operation an I/O error struck. */
export type IoDoing = 'opening' | 'writing' | 'reading';

/**
 * Why a system refused an administrator access to a raw disk: Windows (a volume still mounted, or
 * security software), macOS (privacy settings), or a plain permission (Linux without root).
 */
export type AccessHint = 'windows-volume' | 'macos-privacy' | 'permission';

/** Which part of a job a cancel interrupted. */
export type CancelStage = 'before-write' | 'writing' | 'verifying';

/** One problem of an Ignition or Butane config, as the config gate reports it. */
export interface ConfigProblem {
  code: string;
  /** JSON path of the entry (`$` = the whole config); a Butane problem's message starts with its YAML line. */
  path?: string;
  message: string;
  /** The finding's variable parts (config-issues.ts `ConfigIssueParams`); a Butane one's YAML `line` too. */
  params?: Readonly<Record<string, unknown>>;
}

/**
 * Options of the network boot generator a managed kernel argument points to; each front end
 * names them its own way (`--ignition-url` in the CLI, the Ignition choice "By URL" in the app).
 */
export type PxeOptionId =
  'ignitionUrl' | 'ignitionEmbedded' | 'ignitionInitrd' | 'rootfsUrl' | 'rootfsInitrd' | 'initrds' | 'bootif' | 'always';

/**
 * How one stick's flash ended, the same in every front end (each words it): `verified`; `written`
 * (verification off); `not-written` (refused or failed before any byte reached it);
 * `cancelled-before-write` (untouched); `cancelled-wiped` (cancelled while writing, first MiB
 * wiped); `cancelled-partial` (cancelled while writing, wiping failed); `cancelled-unverified`
 * (fully written, cancelled while verifying); `failed` (at a byte offset the result names).
 */
export type FlashEnding =
  | 'verified'
  | 'written'
  | 'not-written'
  | 'cancelled-before-write'
  | 'cancelled-wiped'
  | 'cancelled-partial'
  | 'cancelled-unverified'
  | 'failed';

/** Why a stick was not ejected although ejecting was asked for. */
export type EjectSkip = 'loop' | 'no-tool' | 'windows';

/** Why a static IP setting was refused (electron/core/ignition/field-settings.ts, electron/app/field-settings.ts). */
export type StaticIpReason = 'format' | 'address' | 'gateway' | 'dns' | 'interface' | 'needs-address' | 'needs-gateway';

/** The file system a restored stick gets: FAT32 up to 32 GiB, exFAT above. */
export type RestoreFilesystem = 'fat32' | 'exfat';

/** A step of restoring a stick to a normal drive. */
export type RestoreStep = 'wipe' | 'partition' | 'format' | 'check';

/** What is wrong with a volume label. */
export type LabelProblem = 'empty' | 'too-long' | 'character';

/** The parameters of every code in the catalogue. */
export interface ErrorParams {
  // target safety (electron/core/drives/target-safety.ts)
  WRITE_TARGET_NOT_FOUND: { device: string };
  WRITE_TARGET_TWICE: { device: string };
  WRITE_SYSTEM_DEVICE: { device: string; description: string; reasons: string[] };
  WRITE_READ_ONLY: { device: string; description: string };
  WRITE_TOO_SMALL: { device: string; description: string; size: number; needed: number };
  WRITE_LOOP_NOT_ALLOWED: { device: string };
  WRITE_TARGET_CHANGED: { device: string; changes: string[] };
  WRITE_LARGE_UNCONFIRMED: { device: string; size: number; limit: number };
  /** An internal disk without its typed name (`typed` false) or with another name typed. */
  WRITE_INTERNAL_UNCONFIRMED: { device: string; description: string; name: string; typed: boolean };
  WRITE_DEVICE_BUSY: { device: string; mountpoint?: string };
  // writing (electron/core/write)
  WRITE_NOT_AUTHORIZED: { device?: string };
  WRITE_ACCESS_DENIED: { device: string; doing: IoDoing; hint: AccessHint; offset?: number };
  /** The tool that asks for administrator rights (pkexec, from polkit) is not installed. */
  WRITE_NO_ELEVATION_TOOL: { tool: string };
  WRITE_IO_ERROR: { device: string; offset: number; doing: IoDoing; noSpace?: boolean };
  WRITE_DEVICE_VANISHED: { device: string; offset?: number; doing?: IoDoing };
  WRITE_VERIFY_MISMATCH: { device: string; offset: number };
  WRITE_IGNITION_MISMATCH: { device: string; expected: string | null; found: string | null };
  WRITE_CANCELLED: { device: string; stage: CancelStage; wiped: boolean };
  WRITE_JOB_INVALID: { reason: string };
  WRITE_HELPER_FAILED: { exitCode: number | null; signal: string | null; lastOffset?: number };
  WRITE_SOURCE_ERROR: { image: string; offset?: number };
  WRITE_UNSUPPORTED_PLATFORM: { platform: string };
  // the config gate (electron/core/flash/config-gate.ts)
  CONFIG_INVALID: { file: string; errors: ConfigProblem[] };
  // kernel arguments (electron/core/kargs/rules.ts)
  KARG_EMPTY: { arg: string };
  KARG_CONTROL_CHAR: { arg: string; char: string };
  KARG_NOT_ASCII: { arg: string; char: string };
  KARG_BOOTLOADER_CHAR: { arg: string; char: string };
  KARG_UNBALANCED_QUOTE: { arg: string };
  KARG_MANAGED: { arg: string; key: string; option: PxeOptionId };
  KARGS_TOO_LARGE: { bytes: number; limit: number };
  PXE_CMDLINE_TOO_LONG: { bytes: number; limit: number };
  // the flash job (electron/core/flash)
  FLASH_NO_TARGET: Record<string, never>;
  FLASH_NOT_CONFIRMED: { devices: string[] };
  FLASH_BAD_SOURCE: { problem: 'both' | 'none' | 'stream-only-flags' };
  FLASH_ISO_NOT_FOUND: { path: string };
  FLASH_ISO_NOT_FILE: { path: string };
  FLASH_INPUT_UNREADABLE: { path: string; what: string };
  FLASH_CANCELLED: Record<string, never>;
  FLASH_TARGET_FAILED: { failed: number; total: number };
  FLASH_BUSY: Record<string, never>;
  FLASH_NOT_RUNNING: Record<string, never>;
  // network boot options (electron/core/pxe/config.ts)
  PXE_NO_ROOTFS_URL: Record<string, never>;
  // field settings (electron/core/ignition/field-settings.ts); `value` is the text refused
  STATIC_IP_INVALID: { reason: StaticIpReason; value: string; family?: number; address?: string };
  /** `key`: the start of the line that is no public key; empty when no key was given at all. */
  SSH_KEY_INVALID: { key: string };
  HOSTNAME_INVALID: { hostname: string };
  TIMEZONE_INVALID: { timezone: string; reason: 'syntax' | 'unknown' };
  // fleets (electron/core/fleet)
  FLEET_INVALID: { file: string; problems: FleetProblem[] };
  FLEET_TARGET_COUNT: { rows: number; targets: number };
  FLEET_ROW_UNKNOWN: { row: string; rows: number };
  FLEET_FLAG_CONFLICT: { flag: string };
  // refreshing a stick to its stream's newest release (electron/core/flash/refresh.ts)
  REFRESH_NOT_LIVE: { device: string };
  REFRESH_NO_STREAM: { device: string; volumeId: string };
  REFRESH_NO_ARCH: { device: string };
  // making a stick a normal drive again (electron/core/write/restore)
  RESTORE_BAD_LABEL: { label: string; filesystem: RestoreFilesystem; problem: LabelProblem; max: number; char?: string };
  RESTORE_TOOL_FAILED: { device: string; tool: string; step: RestoreStep };
  RESTORE_NO_PARTITION: { device: string; partition: string };
  RESTORE_CHECK_FAILED: { device: string; partition: string; expected: string; found: string };
  // the network (electron/core/stream/http.ts, proxy.ts): `proxy` is the proxy URL without credentials
  NETWORK_UNREACHABLE: { host: string; url: string };
  PROXY_BAD_URL: { proxy: string };
  PROXY_UNREACHABLE: { proxy: string; host: string };
  PROXY_REFUSED: { proxy: string; host: string; status: number };
  PROXY_AUTH_REQUIRED: { proxy: string };
  // stream metadata and downloads (electron/core/stream/metadata.ts, download.ts)
  /** `production`: the name is one of `streams`, which this mirror does not carry; else no stream has that name. */
  STREAM_NOT_FOUND: { stream: string; streams: string[]; url: string; production: boolean; suggestion?: string };
  DOWNLOAD_SIGNATURE_UNKNOWN_KEY: { artifact: string; keyId: string; url: string };
  /** An image whose SHA-256 and signature were checked has changed on disk since. */
  IMAGE_CHANGED: { path: string };
}

/** The parameters of every warning in the catalogue (a written stick with a warning is still good). */
export interface WarningParams {
  LARGE_DRIVE: { device: string; size: number; limit: number };
  EJECT_FAILED: { device: string; detail: string };
  EJECT_SKIPPED: { device: string; why: EjectSkip };
  PARTITIONS_NOT_REREAD: { device: string };
  NO_CONFIG_READ_BACK: { device: string; detail?: string };
  KARG_ALREADY_DEFAULT: { arg: string };
  KARG_OVERRIDES_DEFAULT: { arg: string; previous: string };
  KARG_REPEATED: { arg: string; previous: string };
}

/** A code of the catalogue. */
export type ErrorCode = keyof ErrorParams;
/** A warning code of the catalogue. */
export type WarningCode = keyof WarningParams;

/** Every error code, by name (for `switch` and comparisons without string literals). */
export const ERROR_CODES = {
  WRITE_TARGET_NOT_FOUND: 'WRITE_TARGET_NOT_FOUND',
  WRITE_TARGET_TWICE: 'WRITE_TARGET_TWICE',
  WRITE_SYSTEM_DEVICE: 'WRITE_SYSTEM_DEVICE',
  WRITE_READ_ONLY: 'WRITE_READ_ONLY',
  WRITE_TOO_SMALL: 'WRITE_TOO_SMALL',
  WRITE_LOOP_NOT_ALLOWED: 'WRITE_LOOP_NOT_ALLOWED',
  WRITE_TARGET_CHANGED: 'WRITE_TARGET_CHANGED',
  WRITE_LARGE_UNCONFIRMED: 'WRITE_LARGE_UNCONFIRMED',
  WRITE_INTERNAL_UNCONFIRMED: 'WRITE_INTERNAL_UNCONFIRMED',
  WRITE_DEVICE_BUSY: 'WRITE_DEVICE_BUSY',
  WRITE_NOT_AUTHORIZED: 'WRITE_NOT_AUTHORIZED',
  WRITE_ACCESS_DENIED: 'WRITE_ACCESS_DENIED',
  WRITE_NO_ELEVATION_TOOL: 'WRITE_NO_ELEVATION_TOOL',
  WRITE_IO_ERROR: 'WRITE_IO_ERROR',
  WRITE_DEVICE_VANISHED: 'WRITE_DEVICE_VANISHED',
  WRITE_VERIFY_MISMATCH: 'WRITE_VERIFY_MISMATCH',
  WRITE_IGNITION_MISMATCH: 'WRITE_IGNITION_MISMATCH',
  WRITE_CANCELLED: 'WRITE_CANCELLED',
  WRITE_JOB_INVALID: 'WRITE_JOB_INVALID',
  WRITE_HELPER_FAILED: 'WRITE_HELPER_FAILED',
  WRITE_SOURCE_ERROR: 'WRITE_SOURCE_ERROR',
  WRITE_UNSUPPORTED_PLATFORM: 'WRITE_UNSUPPORTED_PLATFORM',
  CONFIG_INVALID: 'CONFIG_INVALID',
  KARG_EMPTY: 'KARG_EMPTY',
  KARG_CONTROL_CHAR: 'KARG_CONTROL_CHAR',
  KARG_NOT_ASCII: 'KARG_NOT_ASCII',
  KARG_BOOTLOADER_CHAR: 'KARG_BOOTLOADER_CHAR',
  KARG_UNBALANCED_QUOTE: 'KARG_UNBALANCED_QUOTE',
  KARG_MANAGED: 'KARG_MANAGED',
  KARGS_TOO_LARGE: 'KARGS_TOO_LARGE',
  PXE_CMDLINE_TOO_LONG: 'PXE_CMDLINE_TOO_LONG',
  FLASH_NO_TARGET: 'FLASH_NO_TARGET',
  FLASH_NOT_CONFIRMED: 'FLASH_NOT_CONFIRMED',
  FLASH_BAD_SOURCE: 'FLASH_BAD_SOURCE',
  FLASH_ISO_NOT_FOUND: 'FLASH_ISO_NOT_FOUND',
  FLASH_ISO_NOT_FILE: 'FLASH_ISO_NOT_FILE',
  FLASH_INPUT_UNREADABLE: 'FLASH_INPUT_UNREADABLE',
  FLASH_CANCELLED: 'FLASH_CANCELLED',
  FLASH_TARGET_FAILED: 'FLASH_TARGET_FAILED',
  FLASH_BUSY: 'FLASH_BUSY',
  FLASH_NOT_RUNNING: 'FLASH_NOT_RUNNING',
  PXE_NO_ROOTFS_URL: 'PXE_NO_ROOTFS_URL',
  STATIC_IP_INVALID: 'STATIC_IP_INVALID',
  SSH_KEY_INVALID: 'SSH_KEY_INVALID',
  HOSTNAME_INVALID: 'HOSTNAME_INVALID',
  TIMEZONE_INVALID: 'TIMEZONE_INVALID',
  FLEET_INVALID: 'FLEET_INVALID',
  FLEET_TARGET_COUNT: 'FLEET_TARGET_COUNT',
  FLEET_ROW_UNKNOWN: 'FLEET_ROW_UNKNOWN',
  FLEET_FLAG_CONFLICT: 'FLEET_FLAG_CONFLICT',
  REFRESH_NOT_LIVE: 'REFRESH_NOT_LIVE',
  REFRESH_NO_STREAM: 'REFRESH_NO_STREAM',
  REFRESH_NO_ARCH: 'REFRESH_NO_ARCH',
  RESTORE_BAD_LABEL: 'RESTORE_BAD_LABEL',
  RESTORE_TOOL_FAILED: 'RESTORE_TOOL_FAILED',
  RESTORE_NO_PARTITION: 'RESTORE_NO_PARTITION',
  RESTORE_CHECK_FAILED: 'RESTORE_CHECK_FAILED',
  NETWORK_UNREACHABLE: 'NETWORK_UNREACHABLE',
  PROXY_BAD_URL: 'PROXY_BAD_URL',
  PROXY_UNREACHABLE: 'PROXY_UNREACHABLE',
  PROXY_REFUSED: 'PROXY_REFUSED',
  PROXY_AUTH_REQUIRED: 'PROXY_AUTH_REQUIRED',
  STREAM_NOT_FOUND: 'STREAM_NOT_FOUND',
  DOWNLOAD_SIGNATURE_UNKNOWN_KEY: 'DOWNLOAD_SIGNATURE_UNKNOWN_KEY',
  IMAGE_CHANGED: 'IMAGE_CHANGED',
} as const satisfies { [C in ErrorCode]: C };

/** Every warning code, by name. */
export const WARNING_CODES = {
  LARGE_DRIVE: 'LARGE_DRIVE',
  EJECT_FAILED: 'EJECT_FAILED',
  EJECT_SKIPPED: 'EJECT_SKIPPED',
  PARTITIONS_NOT_REREAD: 'PARTITIONS_NOT_REREAD',
  NO_CONFIG_READ_BACK: 'NO_CONFIG_READ_BACK',
  KARG_ALREADY_DEFAULT: 'KARG_ALREADY_DEFAULT',
  KARG_OVERRIDES_DEFAULT: 'KARG_OVERRIDES_DEFAULT',
  KARG_REPEATED: 'KARG_REPEATED',
} as const satisfies { [C in WarningCode]: C };

/** A warning as a value: code, parameters and a plain English message (logs, fallbacks). */
export type WarningValue = {
  [C in WarningCode]: { code: C; params: WarningParams[C]; message: string };
}[WarningCode];
