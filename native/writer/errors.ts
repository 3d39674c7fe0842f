import { FlintError } from '../../electron/core/errors';
import { WriteErrorCode } from '../../electron/core/write/codes';

const VANISHED = new Set(['ENODEV', 'ENXIO', 'ENOENT', 'ESHUTDOWN', 'ENOMEDIUM']);

/** Maps an errno from writing or reading `device` at byte `offset` to an actionable FlintError. */
export function ioError(err: unknown, device: string, offset: number, doing: 'writing' | 'reading'): FlintError {
  if (err instanceof FlintError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const msg = (err as Error).message ?? String(err);
  if (VANISHED.has(code)) {
    return new FlintError(WriteErrorCode.DEVICE_VANISHED, `${device} disappeared while ${doing} at byte ${offset}; was it unplugged?`, [
      msg,
    ]);
  }
  if (code === 'ENOSPC') {
    return new FlintError(
      WriteErrorCode.IO_ERROR,
      `I/O error ${doing} ${device} at byte ${offset}: the device has no room there (a counterfeit or failing stick?)`,
      [msg],
    );
  }
  if (code === 'EROFS' || code === 'EPERM' || code === 'EACCES') {
    return new FlintError(WriteErrorCode.READ_ONLY, `${device} refused ${doing} at byte ${offset}; is it write-protected?`, [msg]);
  }
  return new FlintError(
    WriteErrorCode.IO_ERROR,
    `I/O error ${doing} ${device} at byte ${offset}; the stick may be failing, try another one`,
    [msg],
  );
}

/** Maps an error from opening a target to an actionable FlintError. */
export function openError(err: unknown, device: string): FlintError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const msg = (err as Error).message ?? String(err);
  if (code === 'EBUSY') {
    return new FlintError(WriteErrorCode.DEVICE_BUSY, `${device} is busy: another program holds it open or a partition is still in use`, [
      msg,
    ]);
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new FlintError(
      WriteErrorCode.NOT_AUTHORIZED,
      `not allowed to open ${device} for writing; the writer must run as administrator`,
      [msg],
    );
  }
  if (code === 'EROFS') return new FlintError(WriteErrorCode.READ_ONLY, `${device} is read-only; check its write-protect switch`, [msg]);
  if (VANISHED.has(code)) return new FlintError(WriteErrorCode.DEVICE_VANISHED, `${device} is gone; was it unplugged?`, [msg]);
  return new FlintError(WriteErrorCode.IO_ERROR, `could not open ${device}`, [msg]);
}

/** The error of a cancelled target. */
export function cancelledError(device: string, wiped: boolean): FlintError {
  return new FlintError(
    WriteErrorCode.CANCELLED,
    wiped
      ? `writing ${device} was cancelled; its first MiB was wiped so it cannot pass for a good stick`
      : `writing ${device} was cancelled`,
  );
}
