/**
 * What an errno from a raw device means, per system. Node names Windows errors by libuv's mapping
 * (src/win/error.c uv_translate_sys_error): ERROR_ACCESS_DENIED is EACCES, ERROR_SHARING_VIOLATION
 * EBUSY, ERROR_WRITE_PROTECT EROFS, and anything libuv does not know (ERROR_NOT_READY, a device
 * gone mid-request) UNKNOWN.
 */
import { ERROR_CODES, type AccessHint, type IoDoing } from '../../../contract/error-codes';
import { FlintError, codedError } from '../../errors';

const VANISHED = new Set(['ENODEV', 'ENXIO', 'ENOENT', 'ESHUTDOWN', 'ENOMEDIUM']);

/**
 * Errors worth retrying, as etcher-sdk lists them (lib/errors.ts isTransientError): a disk that
 * Windows briefly holds or re-enumerates after `diskpart clean`, a macOS disk between unmount and
 * open, a Linux device still settling. When retries run out the real error is reported, never a
 * blanket "unplugged".
 */
const TRANSIENT: Partial<Record<NodeJS.Platform, Set<string>>> = {
  linux: new Set(['EIO', 'EBUSY']),
  darwin: new Set(['ENXIO', 'EBUSY']),
  win32: new Set(['ENOENT', 'UNKNOWN', 'EBUSY']),
};

/** True when `err` is worth retrying on `platform`. */
export function isTransient(err: unknown, platform: NodeJS.Platform): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return !!code && !!TRANSIENT[platform]?.has(code);
}

/** Why a system refuses access to a raw disk it lets an administrator open (see WRITE_ACCESS_DENIED). */
function accessHint(platform: NodeJS.Platform): AccessHint {
  if (platform === 'win32') return 'windows-volume';
  if (platform === 'darwin') return 'macos-privacy';
  return 'permission';
}

function accessDenied(device: string, doing: IoDoing, platform: NodeJS.Platform, msg: string, offset?: number): FlintError {
  const hint = accessHint(platform);
  const why =
    hint === 'windows-volume'
      ? 'Windows refused access: a volume of the disk is still mounted, or security software (Controlled Folder Access) blocks raw writes'
      : hint === 'macos-privacy'
        ? 'macOS refused access: allow Flint under Privacy & Security (Removable Volumes or Full Disk Access)'
        : 'the system refused access';
  return codedError(
    ERROR_CODES.WRITE_ACCESS_DENIED,
    { device, doing, hint, ...(offset !== undefined ? { offset } : {}) },
    `${device}: ${why}`,
    [msg],
  );
}

/** Maps an errno from writing or reading `device` at byte `offset` to a catalogued error. */
export function ioError(
  err: unknown,
  device: string,
  offset: number,
  doing: 'writing' | 'reading',
  platform = process.platform,
): FlintError {
  if (err instanceof FlintError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const msg = (err as Error).message ?? String(err);
  if (VANISHED.has(code)) {
    return codedError(
      ERROR_CODES.WRITE_DEVICE_VANISHED,
      { device, offset, doing },
      `${device} disappeared while ${doing} at byte ${offset}; was it unplugged?`,
      [msg],
    );
  }
  if (code === 'ENOSPC') {
    return codedError(
      ERROR_CODES.WRITE_IO_ERROR,
      { device, offset, doing, noSpace: true },
      `I/O error ${doing} ${device} at byte ${offset}: the device has no room there (a counterfeit or failing stick?)`,
      [msg],
    );
  }
  // only EROFS (Windows: ERROR_WRITE_PROTECT) says the medium is write-protected
  if (code === 'EROFS') {
    return codedError(
      ERROR_CODES.WRITE_READ_ONLY,
      { device, description: device },
      `${device} refused ${doing} at byte ${offset}: it is write-protected`,
      [msg],
    );
  }
  if (code === 'EPERM' || code === 'EACCES') return accessDenied(device, doing, platform, msg, offset);
  return codedError(
    ERROR_CODES.WRITE_IO_ERROR,
    { device, offset, doing },
    `I/O error ${doing} ${device} at byte ${offset}; the stick may be failing, try another one`,
    [msg],
  );
}

/** Maps an error from opening a target to a catalogued error. */
export function openError(err: unknown, device: string, platform = process.platform): FlintError {
  if (err instanceof FlintError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const msg = (err as Error).message ?? String(err);
  const doing: IoDoing = 'opening';
  if (code === 'EBUSY') {
    return codedError(
      ERROR_CODES.WRITE_DEVICE_BUSY,
      { device },
      `${device} is busy: another program holds it open or a partition is still in use`,
      [msg],
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    // on Linux that is a missing right; elsewhere the helper is already administrator
    if (platform === 'linux') {
      return codedError(
        ERROR_CODES.WRITE_NOT_AUTHORIZED,
        { device },
        `not allowed to open ${device} for writing; the writer must run as administrator`,
        [msg],
      );
    }
    return accessDenied(device, doing, platform, msg);
  }
  if (code === 'EROFS') {
    return codedError(
      ERROR_CODES.WRITE_READ_ONLY,
      { device, description: device },
      `${device} is read-only; check its write-protect switch`,
      [msg],
    );
  }
  if (VANISHED.has(code))
    return codedError(ERROR_CODES.WRITE_DEVICE_VANISHED, { device, doing }, `${device} is gone; was it unplugged?`, [msg]);
  return codedError(ERROR_CODES.WRITE_IO_ERROR, { device, offset: 0, doing }, `could not open ${device}`, [msg]);
}

/** Any error of a target as a FlintError (unknown errors keep their message under INTERNAL). */
export function asFlint(err: unknown): FlintError {
  return err instanceof FlintError ? err : new FlintError('INTERNAL', (err as Error)?.message ?? String(err));
}
