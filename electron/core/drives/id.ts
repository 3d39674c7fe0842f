import { createHash } from 'node:crypto';

/** A stable id for a device: the same stick in the same port keeps its id across listings. */
export function driveId(device: string, serial: string, size: number): string {
  return createHash('sha256').update(`${device}\0${serial}\0${size}`).digest('hex').slice(0, 16);
}
