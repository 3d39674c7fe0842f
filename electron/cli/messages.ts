/**
 * The CLI's wording of the catalogued errors and warnings (electron/contract/error-codes.ts): one
 * sentence from the code and its parameters, naming the flags a terminal user has. Codes outside
 * the catalogue keep the core's message (coreos-installer's wording where Flint mirrors it).
 */
import type { ErrorParams, PxeOptionId, WarningValue } from '../contract/error-codes';
import { formatBytes } from '../core/drives/format';
import type { FlintErrorValue } from '../core/errors';
import type { ConfigWarnings } from '../core/flash/config-gate';

/** The flag of each network boot option a managed karg points to. */
const PXE_FLAGS: Record<PxeOptionId, string> = {
  ignitionUrl: 'use --ignition-url',
  ignitionEmbedded: 'use --ignition-embedded',
  ignitionInitrd: 'use --ignition-initrd',
  rootfsUrl: 'use --rootfs-url',
  rootfsInitrd: 'use --rootfs-initrd',
  initrds: 'the initrds come from --rootfs-initrd, --ignition-initrd and --ignition-embedded',
  bootif: 'PXELINUX adds BOOTIF= itself (IPAPPEND 2)',
  always: 'it is always on the command line',
};

type Wording = { [C in keyof ErrorParams]?: (p: ErrorParams[C]) => string };

/**
 * The CLI's sentence for each catalogued code whose core message does not fit a terminal user
 * (it names a flag or command, or a stage in the CLI's words). Causes are printed after it.
 */
const WORDING: Wording = {
  WRITE_TARGET_NOT_FOUND: (p) => `${p.device} is not a whole disk on this machine (unplugged, or a partition?); see flint drives --all`,
  WRITE_LOOP_NOT_ALLOWED: (p) => `${p.device} is a loop device; pass --allow-loop to write to it`,
  WRITE_TARGET_CHANGED: (p) => `${p.device} is no longer the drive you picked (${p.changes.join('; ')}); see flint drives`,
  WRITE_INTERNAL_UNCONFIRMED: (p) =>
    p.typed
      ? `${p.device} is an internal disk and the name given does not match; to write it anyway pass --confirm-internal '${p.name}'`
      : `${p.device} (${p.description}) is an internal disk, not a USB stick or SD card; to write it anyway pass --confirm-internal '${p.name}'`,
  WRITE_ACCESS_DENIED: (p) =>
    p.hint === 'windows-volume'
      ? `Windows refused access to ${p.device}: a volume of it is still mounted, or security software (Controlled Folder Access) blocks raw disk writes`
      : p.hint === 'macos-privacy'
        ? `macOS refused access to ${p.device}: allow your terminal under System Settings > Privacy & Security > Removable Volumes (or Full Disk Access)`
        : `access to ${p.device} was refused; run flint as root`,
  WRITE_CANCELLED: (p) =>
    p.stage === 'before-write'
      ? `${p.device}: cancelled before writing; the stick was not touched`
      : p.stage === 'verifying'
        ? `${p.device}: cancelled while verifying; it was fully written but not verified`
        : p.wiped
          ? `${p.device}: cancelled; its first MiB was wiped so it cannot pass for a good stick`
          : `${p.device}: cancelled while writing; it is partly written and will not boot`,
  KARG_CONTROL_CHAR: (p) => `kernel argument '${p.arg}' contains the control character ${p.char}; give each argument with its own flag`,
  KARG_MANAGED: (p) => `invalid kernel argument '${p.arg}': Flint sets ${p.key} itself: ${PXE_FLAGS[p.option]}`,
  PXE_NO_ROOTFS_URL: () => 'the rootfs URL is unknown: give --rootfs-url URL or an http(s) --base-url, or use --rootfs-initrd',
  FLASH_NO_TARGET: () => 'No target device given: name the stick with --target DEVICE',
  FLEET_TARGET_COUNT: (p) =>
    `${p.rows} machine${p.rows === 1 ? '' : 's'} selected but ${p.targets} --target${p.targets === 1 ? '' : 's'} given: ` +
    'give one --target per machine, or choose this batch with --rows (e.g. --rows 1-4)',
  FLEET_ROW_UNKNOWN: (p) => `--rows names "${p.row}", which is no machine of the manifest (rows 1-${p.rows}, or machine names)`,
  FLEET_FLAG_CONFLICT: (p) =>
    p.flag === '--rows'
      ? '--rows picks machines of a --fleet manifest; give --fleet FILE'
      : `${p.flag} is per machine: set it in the --fleet manifest`,
  REFRESH_NOT_LIVE: (p) => `${p.device} holds no CoreOS live image, so there is nothing to refresh; write one with flint burn`,
  REFRESH_NO_STREAM: (p) => `${p.device} holds ${p.volumeId}, which belongs to no stream; name one with --stream`,
  REFRESH_NO_ARCH: (p) => `the architecture of the image on ${p.device} is unknown, so its newer release cannot be chosen`,
  RESTORE_BAD_LABEL: (p) =>
    p.problem === 'empty'
      ? 'the --label is empty'
      : p.problem === 'too-long'
        ? `the label "${p.label}" is too long: ${p.filesystem === 'fat32' ? 'FAT32' : 'exFAT'} keeps at most ${p.max} characters`
        : `the label "${p.label}" contains '${p.char}', which ${p.filesystem === 'fat32' ? 'FAT32 (plain ASCII, no "*+,./:;<=>?[\\]|)' : 'exFAT'} does not allow`,
  NETWORK_UNREACHABLE: (p) => `cannot reach ${p.host}: no network or DNS; set --base-url to a site mirror or --proxy`,
  PROXY_UNREACHABLE: (p) => `cannot reach the proxy ${p.proxy}: check --proxy (or HTTPS_PROXY/HTTP_PROXY), or add ${p.host} to NO_PROXY`,
  PROXY_REFUSED: (p) =>
    `the proxy ${p.proxy} refused to connect to ${p.host} (it answered ${p.status}); check --proxy or ask for ${p.host} to be allowed`,
  PROXY_AUTH_REQUIRED: (p) => `the proxy ${p.proxy} asks for credentials: pass them as --proxy http://USER:PASSWORD@HOST:PORT`,
  DOWNLOAD_SIGNATURE_UNKNOWN_KEY: (p) =>
    `${p.artifact} is signed by key ${p.keyId}, which is not a trusted key; nothing was downloaded: ` +
    'if this mirror signs with its own key, pass its public key with --keyring FILE',
};

/**
 * Codes whose CLI sentence says everything a terminal user can act on: their causes (the
 * operating system's words, such as "getaddrinfo ENOTFOUND host") are not printed after it.
 */
const SAYS_ALL = new Set<string>([
  'NETWORK_UNREACHABLE',
  'PROXY_UNREACHABLE',
  'PROXY_REFUSED',
  'PROXY_AUTH_REQUIRED',
  'DOWNLOAD_SIGNATURE_UNKNOWN_KEY',
]);

/** The CLI's sentence for an error value (catalogued: from code and parameters; else its message). */
export function cliMessage(e: FlintErrorValue): string {
  const word = (WORDING as Record<string, ((p: unknown) => string) | undefined>)[e.code];
  return word && e.params ? word(e.params) : e.message;
}

/** The causes printed after an error's sentence (none when the sentence says it all). */
export function cliCauses(e: FlintErrorValue): string[] {
  return e.params && SAYS_ALL.has(e.code) ? [] : (e.causes ?? []);
}

/** The CLI's sentence for a warning. */
export function cliWarning(w: WarningValue): string {
  switch (w.code) {
    case 'LARGE_DRIVE':
      return `${w.params.device} is ${formatBytes(w.params.size)}, larger than a usual USB stick; make sure it is the right disk`;
    case 'EJECT_FAILED':
      return `${w.params.device} was written but could not be ejected (${w.params.detail}); unmount it before pulling it out`;
    case 'EJECT_SKIPPED':
      return w.params.why === 'loop'
        ? `${w.params.device} is a loop device: nothing to eject`
        : w.params.why === 'windows'
          ? `${w.params.device} was flushed; remove it with "Safely Remove Hardware" before pulling it out`
          : `${w.params.device} was not ejected: neither eject nor udisksctl is installed`;
    default:
      return w.message;
  }
}

/** Prints config warnings (live-boot traps) and karg warnings on stderr, one line each. */
export function printWarnings(
  configWarnings: ConfigWarnings[],
  warnings: WarningValue[] = [],
  out: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): void {
  for (const c of configWarnings) {
    for (const w of c.warnings) out(`Warning: ${c.file}: ${w.path ? `${w.path}: ` : ''}${w.message} [${w.code}]`);
  }
  for (const w of warnings) out(`Warning: ${cliWarning(w)}`);
}
