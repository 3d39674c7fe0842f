/**
 * The app's wording of errors, warnings and endings, in one place: a sentence from each catalogued
 * code and its parameters (electron/contract/error-codes.ts), in the app's terms (its buttons and
 * choices, never CLI flags). Codes outside the catalogue show the core's message. Every function
 * here is a pure map from values to English, so this module can become a message catalogue.
 */
import type { ErrorParams, PxeOptionId, RestoreStep, WarningParams } from '../../electron/contract/error-codes';
import type { DriveInfo, ErrorValue, FlashEnding, TargetResult } from '../../electron/contract/api';
import { formatDriveSize } from './format';

/** The app's name for each network boot option a managed kernel argument points to. */
const PXE_CHOICES: Record<PxeOptionId, string> = {
  ignitionUrl: 'use the Ignition choice "By URL"',
  ignitionEmbedded: 'use the Ignition choice "Embedded"',
  ignitionInitrd: 'use the Ignition choice "Separate initrd"',
  rootfsUrl: 'use the root filesystem choice "By URL"',
  rootfsInitrd: 'use the root filesystem choice "As an initrd"',
  initrds: 'the initrds follow from the root filesystem and Ignition choices',
  bootif: 'PXELINUX adds it itself',
  always: 'it is always on the command line',
};

type Words = { [C in keyof ErrorParams]?: (p: ErrorParams[C]) => string };
type WarningWords = { [C in keyof WarningParams]: (p: WarningParams[C]) => string };

/** What a restore was doing when a tool failed (electron/core/write/restore). */
const RESTORE_STEPS: Record<RestoreStep, string> = {
  wipe: 'erasing the old partition tables',
  partition: 'making the new partition',
  format: 'formatting it',
  check: 'reading the new file system back',
};

const size = (n: number) => formatDriveSize(n);
const at = (offset: number | undefined) => (offset === undefined ? '' : ` at byte ${offset.toLocaleString('en')}`);

const ERRORS: Words = {
  WRITE_TARGET_NOT_FOUND: (p) => `${p.device} is gone; plug it in again or pick another drive`,
  WRITE_TARGET_TWICE: (p) => `${p.device} is picked twice`,
  WRITE_SYSTEM_DEVICE: (p) => `${p.device} holds this computer's system (${p.reasons.join(', ')}); Flint never writes to it`,
  WRITE_READ_ONLY: (p) => `${p.device} is write-protected; slide its lock switch or pick another drive`,
  WRITE_TOO_SMALL: (p) => `${p.device} is too small: it holds ${size(p.size)}, the image needs ${size(p.needed)}`,
  WRITE_LOOP_NOT_ALLOWED: (p) => `${p.device} is a loop device, not a stick`,
  WRITE_TARGET_CHANGED: (p) => `${p.device} is no longer the drive you picked (was it swapped?); look at the drive list again`,
  WRITE_LARGE_UNCONFIRMED: (p) => `${p.device} is ${size(p.size)}, larger than a USB stick usually is; confirm it in the dialog`,
  WRITE_INTERNAL_UNCONFIRMED: (p) =>
    p.typed
      ? `The name typed for ${p.device} does not match "${p.name}"; nothing was written`
      : `${p.device} is an internal disk, not a USB stick or SD card; tick it and type its name "${p.name}" to write it anyway`,
  WRITE_ACCESS_DENIED: (p) =>
    p.hint === 'windows-volume'
      ? `Windows refused access to ${p.device}: a volume of it is still in use, or security software (Controlled Folder Access) blocks writing to disks`
      : p.hint === 'macos-privacy'
        ? `macOS refused access to ${p.device}: allow Flint under System Settings > Privacy & Security > Removable Volumes`
        : `Access to ${p.device} was refused`,
  WRITE_DEVICE_BUSY: (p) =>
    p.mountpoint
      ? `${p.device} is in use: ${p.mountpoint} could not be unmounted; close the programs using it`
      : `${p.device} is in use by another program`,
  WRITE_NOT_AUTHORIZED: () => 'Writing needs administrator rights, and the password prompt was cancelled or refused',
  WRITE_IO_ERROR: (p) =>
    p.noSpace
      ? `${p.device} has no room${at(p.offset)}: it may be counterfeit or failing`
      : `${p.device} reported an error while ${p.doing}${at(p.offset)}; the stick may be failing, try another one`,
  WRITE_DEVICE_VANISHED: (p) => `${p.device} is gone${at(p.offset)}; was it unplugged?`,
  WRITE_VERIFY_MISMATCH: (p) => `${p.device} holds different bytes than were written${at(p.offset)}; it may be failing or counterfeit`,
  WRITE_IGNITION_MISMATCH: (p) => `The config read back from ${p.device} is not the one that was written; the stick may be failing`,
  WRITE_CANCELLED: (p) =>
    p.stage === 'before-write'
      ? `${p.device} was not touched`
      : p.stage === 'verifying'
        ? `${p.device} was written but not verified`
        : p.wiped
          ? `${p.device} was partly written; its start was wiped so it will not boot`
          : `${p.device} was partly written and will not boot`,
  WRITE_HELPER_FAILED: (p) =>
    `The writer stopped unexpectedly${p.lastOffset !== undefined ? ` after ${p.lastOffset.toLocaleString('en')} bytes` : ''}; write the stick again`,
  WRITE_SOURCE_ERROR: (p) => `The image ${p.image} could not be read${at(p.offset)}`,
  WRITE_UNSUPPORTED_PLATFORM: (p) => `Flint cannot write drives on ${p.platform}`,
  CONFIG_INVALID: (p) =>
    `${p.file} has ${p.errors.length === 1 ? 'an error' : `${p.errors.length} errors`}; fix ${p.errors.length === 1 ? 'it' : 'them'} before writing`,
  KARG_EMPTY: () => 'An empty kernel argument was given',
  KARG_CONTROL_CHAR: (p) => `"${p.arg}" contains an invisible control character (${p.char}); type the arguments on one line`,
  KARG_NOT_ASCII: (p) => `"${p.arg}" contains ${p.char}; only plain ASCII characters reach the kernel unchanged`,
  KARG_BOOTLOADER_CHAR: (p) =>
    `"${p.arg}" contains ${p.char.length > 1 ? `"${p.char}"` : `'${p.char}'`}, which the boot loader would change before the kernel sees it`,
  KARG_UNBALANCED_QUOTE: (p) => `"${p.arg}" opens a double quote that is never closed`,
  KARG_MANAGED: (p) => `Flint sets ${p.key} itself: ${PXE_CHOICES[p.option]}`,
  KARGS_TOO_LARGE: (p) => `The kernel arguments take ${p.bytes} bytes; the image has room for ${p.limit - 1}`,
  PXE_CMDLINE_TOO_LONG: (p) => `The kernel command line would be ${p.bytes} bytes; the kernel keeps at most ${p.limit}`,
  PXE_NO_ROOTFS_URL: () => 'The root filesystem URL is unknown: type an http(s) base URL, or load the root filesystem as an initrd',
  FLASH_NO_TARGET: () => 'Pick at least one drive',
  FLASH_CANCELLED: () => 'Cancelled; nothing was written',
  FLASH_BUSY: () => 'Sticks are already being written; wait or cancel',
  FLASH_NOT_RUNNING: () => 'That flash is no longer running',
  FLASH_ISO_NOT_FOUND: (p) => `The image ${p.path} cannot be read`,
  REFRESH_NOT_LIVE: (p) => `${p.device} holds no CoreOS live image, so there is nothing to update; write one instead`,
  REFRESH_NO_STREAM: (p) => `${p.device} holds ${p.volumeId}, which belongs to no stream, so Flint cannot tell which release is newer`,
  REFRESH_NO_ARCH: (p) => `The architecture of the image on ${p.device} is unknown, so its newer release cannot be chosen`,
  RESTORE_BAD_LABEL: (p) =>
    p.problem === 'empty'
      ? 'Type a label for the stick'
      : p.problem === 'too-long'
        ? `The label "${p.label}" is too long: ${p.filesystem === 'fat32' ? 'FAT32' : 'exFAT'} keeps at most ${p.max} characters`
        : `The label "${p.label}" contains '${p.char}', which ${p.filesystem === 'fat32' ? 'FAT32' : 'exFAT'} does not allow`,
  RESTORE_TOOL_FAILED: (p) => `${p.device} could not be restored: ${p.tool} failed (${RESTORE_STEPS[p.step]})`,
  RESTORE_NO_PARTITION: (p) =>
    `The system did not show ${p.partition} after ${p.device} was partitioned; unplug and replug it, then try again`,
  RESTORE_CHECK_FAILED: (p) => `${p.partition} holds ${p.found} after restoring, not ${p.expected}; the stick may be failing`,
  WRITE_NO_ELEVATION_TOOL: (p) =>
    `Writing needs administrator rights and ${p.tool} is not installed; install polkit, or start Flint as root`,
  NETWORK_UNREACHABLE: (p) =>
    `Cannot reach ${p.host}: this computer has no network or cannot look up names; connect it, or use a site mirror`,
  PROXY_BAD_URL: (p) => `The proxy "${p.proxy}" is not an http:// or https:// address`,
  PROXY_UNREACHABLE: (p) => `Cannot reach the proxy ${p.proxy}; check the proxy setting`,
  PROXY_REFUSED: (p) => `The proxy ${p.proxy} refused to connect to ${p.host} (it answered ${p.status})`,
  PROXY_AUTH_REQUIRED: (p) => `The proxy ${p.proxy} asks for a user name and password; give them in the proxy address`,
  STREAM_NOT_FOUND: (p) =>
    p.production ? `The mirror has no "${p.stream}" stream` : `There is no stream "${p.stream}"; the streams are ${p.streams.join(', ')}`,
  DOWNLOAD_SIGNATURE_UNKNOWN_KEY: (p) =>
    `${p.artifact} is signed by a key Flint does not trust (${p.keyId}); nothing was downloaded. Add the mirror's public key to the trusted keys`,
  IMAGE_CHANGED: (p) => `${p.path} changed on disk since it was verified; download it again`,
};

const WARNINGS: WarningWords = {
  LARGE_DRIVE: (p) => `${p.device} is ${size(p.size)}, larger than a USB stick usually is`,
  EJECT_FAILED: (p) => `${p.device} could not be ejected (${p.detail}); eject it from the system before pulling it out`,
  EJECT_SKIPPED: (p) =>
    p.why === 'loop'
      ? `${p.device} is a loop device: nothing to eject`
      : p.why === 'windows'
        ? `Use "Safely Remove Hardware" before pulling ${p.device} out`
        : `${p.device} was not ejected (no eject tool on this system); eject it before pulling it out`,
  PARTITIONS_NOT_REREAD: (p) => `The system did not re-read the partitions of ${p.device}; unplug and replug it to see them`,
  NO_CONFIG_READ_BACK: (p) => `The config could not be read back from ${p.device}`,
  KARG_ALREADY_DEFAULT: (p) => `${p.arg} is already on the image's command line; adding it again changes nothing`,
  KARG_OVERRIDES_DEFAULT: (p) => `${p.arg} replaces the image's ${p.previous} (the kernel uses the last one)`,
  KARG_REPEATED: (p) => `${p.arg} repeats ${p.previous}; the kernel uses the last one`,
};

/** The app's sentence for an error (or warning) value. */
export function errorText(e: ErrorValue): string {
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
    if (Array.isArray(p.errors)) return p.errors.map((x) => (x.path ? `${x.path}: ${x.message}` : x.message));
  }
  // a catalogued sentence already names what its causes would repeat
  return e.params && (ERRORS as Record<string, unknown>)[e.code] ? [] : (e.causes ?? []);
}

/** How a stick's flash ended, in a few words (the result's badge and first line). */
export function endingTitle(ending: FlashEnding): string {
  const titles: Record<FlashEnding, string> = {
    verified: 'Written and verified',
    written: 'Written (not verified)',
    'not-written': 'Not written',
    'cancelled-before-write': 'Cancelled before writing',
    'cancelled-wiped': 'Cancelled, first MiB wiped',
    'cancelled-partial': 'Cancelled, partly written',
    'cancelled-unverified': 'Cancelled while verifying',
    failed: 'Failed',
  };
  return titles[ending];
}

/** The sentence under a stick's result: why it failed, what state it is in. */
export function endingText(r: TargetResult): string {
  switch (r.ending) {
    case 'verified':
      return 'Every byte was read back and matches.';
    case 'written':
      return 'Written; it was not read back.';
    case 'cancelled-before-write':
      return 'The stick was not touched.';
    case 'cancelled-wiped':
      return 'Its first MiB was wiped so it will not boot half-written; write it again.';
    case 'cancelled-partial':
      return 'It is partly written and will not boot; write it again.';
    case 'cancelled-unverified':
      return 'It was fully written but not read back.';
    case 'failed':
      return `Failed at byte ${(r.failedAt ?? 0).toLocaleString('en')}: ${r.error ? errorText(r.error) : 'unknown error'}${r.wiped ? ' (its first MiB was wiped)' : ''}`;
    case 'not-written':
      return r.error ? errorText(r.error) : 'It was not written.';
  }
}

/** What a stick is doing within a phase, when it is not the bulk of it (writing, verifying). */
export function stepText(step: string | undefined): string | null {
  const steps: Record<string, string> = {
    check: 'Checking it is still the drive you picked…',
    unmount: 'Unmounting…',
    flush: 'Flushing to the stick…',
    wipe: 'Wiping its start…',
    ignition: 'Reading the config back…',
    eject: 'Ejecting…',
  };
  return step ? (steps[step] ?? null) : null;
}

/** Why a drive cannot be picked, or null when it can. */
export function refusalText(d: DriveInfo): string | null {
  return d.refusal ? errorText(d.refusal) : null;
}
