import { ERROR_CODES, type IoDoing } from '../../../contract/error-codes';
import { FlintError, codedError } from '../../errors';

const VANISHED = new Set(['ENODEV', 'ENXIO', 'ENOENT', 'ESHUTDOWN', 'ENOMEDIUM']);

/** Maps an errno from writing or reading `device` at byte `offset` to a catalogued error. */
export function ioError(err: unknown, device: string, offset: number, doing: 'writing' | 'reading'): FlintError {
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
  if (code === 'EROFS' || code === 'EPERM' || code === 'EACCES') {
    return codedError(
      ERROR_CODES.WRITE_READ_ONLY,
      { device, description: device },
      `${device} refused ${doing} at byte ${offset}; is it write-protected?`,
      [msg],
    );
  }
  return codedError(
    ERROR_CODES.WRITE_IO_ERROR,
    { device, offset, doing },
    `I/O error ${doing} ${device} at byte ${offset}; the stick may be failing, try another one`,
    [msg],
  );
}

/** Maps an error from opening a target to a catalogued error. */
export function openError(err: unknown, device: string): FlintError {
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
    return codedError(
      ERROR_CODES.WRITE_NOT_AUTHORIZED,
      { device },
      `not allowed to open ${device} for writing; the writer must run as administrator`,
      [msg],
    );
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
