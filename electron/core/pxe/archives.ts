import { FlintError } from '../errors';
import { GZIP_MAGIC, XZ_MAGIC, ZSTD_MAGIC, gunzipAt, hasMagic, isZstd, unxzAt } from '../codecs/compression';
import { readCpio, type CpioMember } from '../codecs/cpio';
import { initrdBudget } from '../codecs/limits';
import { zstdDecompress, zstdFrameLength } from '../codecs/zstd';

const CPIO_MAGIC_PREFIX = [0x30, 0x37, 0x30, 0x37, 0x30]; // "07070" (newc 070701 / crc 070702)

/** Reads every newc archive in `data` from `pos` on (zero padding between them), as the kernel does. */
function readArchiveRun(data: Uint8Array, pos: number, into: Map<string, Uint8Array>, where: string): void {
  for (;;) {
    while (pos < data.length && data[pos] === 0) pos++;
    if (pos >= data.length) return;
    if (!hasMagic(data, pos, CPIO_MAGIC_PREFIX)) {
      throw new FlintError('PXE_INITRAMFS_CORRUPT', 'found trailing garbage inside compressed archive', [`${where}, byte ${pos}`]);
    }
    const { members, end } = readCpio(data, pos);
    for (const m of members) {
      into.delete(m.path);
      into.set(m.path, m.data);
    }
    pos = end;
  }
}

/**
 * Reads a whole initrd the way the kernel unpacks it: a sequence of uncompressed, gzip, xz or zstd
 * newc archives, separated by zero padding. Returns the regular files (a later copy of a path
 * replaces an earlier one). Real Fedora CoreOS initramfs images are zstd-compressed (see
 * zstdDecompress for what that needs); the Ignition/network archives Flint appends are xz.
 */
export async function readInitrdMembers(bytes: Uint8Array): Promise<CpioMember[]> {
  const map = new Map<string, Uint8Array>();
  // everything decompressed from this initrd draws from one budget (codecs/limits.ts)
  const budget = initrdBudget(bytes.length);
  let pos = 0;
  let index = 0;
  while (pos < bytes.length) {
    if (bytes[pos] === 0) {
      pos++;
      continue;
    }
    const where = `archive ${++index} at byte ${pos}`;
    if (hasMagic(bytes, pos, XZ_MAGIC)) {
      const { data, consumed } = await unxzAt(bytes, pos, budget);
      readArchiveRun(data, 0, map, where);
      pos += consumed;
    } else if (hasMagic(bytes, pos, GZIP_MAGIC)) {
      const { data, consumed } = gunzipAt(bytes, pos, budget);
      readArchiveRun(data, 0, map, where);
      pos += consumed;
    } else if (isZstd(bytes, pos)) {
      // consecutive frames form one stream (multi-threaded encoders split it): join their output
      const parts: Uint8Array[] = [];
      while (pos < bytes.length && isZstd(bytes, pos)) {
        const len = zstdFrameLength(bytes, pos);
        if (hasMagic(bytes, pos, ZSTD_MAGIC)) parts.push(zstdDecompress(bytes.subarray(pos, pos + len), budget));
        pos += len;
      }
      readArchiveRun(parts.length === 1 ? parts[0] : Buffer.concat(parts), 0, map, where);
    } else {
      const { members, end } = readCpio(bytes, pos);
      for (const m of members) {
        map.delete(m.path);
        map.set(m.path, m.data);
      }
      pos = end;
    }
  }
  return [...map].map(([path, data]) => ({ path, data }));
}
