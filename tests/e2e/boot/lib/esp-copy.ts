// Adapted from the --esp-boot mode of the Flint team's reference script boot-check.sh.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

/** Sector of the El Torito boot record volume descriptor. */
const BOOT_RECORD_SECTOR = 17;
const SECTOR = 2048;
/** Primary volume descriptor: volume space size (u32le, sectors) at this offset. */
const PVD_SPACE_SIZE = 16 * SECTOR + 80;
/** MBR partition table. */
const MBR_TABLE = 446;
const MBR_ENTRY = 16;
const EL_TORITO_ID = 'CD001\x01EL TORITO SPECIFICATION';

function readAt(fd: number, offset: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  const n = readSync(fd, b, 0, length, offset);
  if (n !== length) throw new Error(`short read at ${offset}`);
  return b;
}

/**
 * Copies the part of `image` (ISO file or stick) that the ISO volume and its MBR partitions span
 * into `out`, with the El Torito boot record disabled, so UEFI firmware must boot the hybrid ESP
 * partition as many PCs do with USB sticks (OVMF otherwise prefers El Torito, on disks too).
 */
export function espOnlyCopy(image: string, out: string): number {
  const fd = openSync(image, 'r');
  let end: number;
  let data: Buffer;
  try {
    const br = readAt(fd, BOOT_RECORD_SECTOR * SECTOR + 1, EL_TORITO_ID.length).toString('latin1');
    if (br !== EL_TORITO_ID) throw new Error(`no El Torito boot record in ${image}`);
    end = readAt(fd, PVD_SPACE_SIZE, 4).readUInt32LE(0) * SECTOR;
    const mbr = readAt(fd, MBR_TABLE, 4 * MBR_ENTRY);
    for (let i = 0; i < 4; i++) {
      const first = mbr.readUInt32LE(i * MBR_ENTRY + 8);
      const count = mbr.readUInt32LE(i * MBR_ENTRY + 12);
      end = Math.max(end, (first + count) * 512);
    }
    data = readAt(fd, 0, end);
  } finally {
    closeSync(fd);
  }
  data[BOOT_RECORD_SECTOR * SECTOR + 7] = 'X'.charCodeAt(0); // "EL TORITO" → "XL TORITO"
  const o = openSync(out, 'w');
  try {
    writeSync(o, data);
  } finally {
    closeSync(o);
  }
  return end;
}
