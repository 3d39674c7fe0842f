import { FlintError } from '../errors';
import { readCpio, writeCpio, type CpioMember } from '../codecs/cpio';
import { GZIP_MAGIC, XZ_MAGIC, ZSTD_MAGIC, gunzipAt, hasMagic, isZstd, unxzAt, xzCrc32 } from '../codecs/compression';
import { type DecodeBudget, embedAreaBudget } from '../codecs/limits';
import { zstdDecompress, zstdFrameLength } from '../codecs/zstd';

/**
 * Builds the compressed embed payload: one newc cpio archive of `members` compressed as .xz with
 * the CRC32 check (spec §4.3). Returns only the compressed bytes.
 */
export async function buildEmbedPayload(members: CpioMember[]): Promise<Uint8Array> {
  return xzCrc32(writeCpio(members));
}

/**
 * The full contents of an embed area of `areaLength` bytes for `members`: all zeros when there
 * are none, else the payload followed by zeros. Throws when the compressed payload does not fit.
 */
export async function encodeEmbedArea(members: CpioMember[], areaLength: number): Promise<Uint8Array> {
  const area = new Uint8Array(areaLength);
  if (members.length === 0) return area;
  const payload = await buildEmbedPayload(members);
  if (payload.length > areaLength) {
    throw new FlintError('EMBED_TOO_LARGE', `Compressed initramfs is too large: ${payload.length} > ${areaLength}`);
  }
  area.set(payload);
  return area;
}

/** True when every byte is zero (a pristine, "not customized" area). */
export function isAllZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

function mergeInto(map: Map<string, Uint8Array>, members: CpioMember[]): void {
  for (const m of members) {
    map.delete(m.path);
    map.set(m.path, m.data);
  }
}

async function decodeArchives(bytes: Uint8Array, map: Map<string, Uint8Array>, budget: DecodeBudget): Promise<void> {
  let pos = 0;
  for (;;) {
    while (pos < bytes.length && bytes[pos] === 0) pos++;
    if (pos >= bytes.length) return;
    let compressed: { data: Uint8Array; consumed: number } | null = null;
    if (hasMagic(bytes, pos, XZ_MAGIC)) compressed = await unxzAt(bytes, pos, budget);
    else if (hasMagic(bytes, pos, GZIP_MAGIC)) compressed = gunzipAt(bytes, pos, budget);
    else if (isZstd(bytes, pos)) {
      // zstd: node:zlib on Node >= 22.15 (the Electron app), else the zstd tool, else a clear error.
      // One archive may span consecutive frames (multi-threaded zstd), so they are joined.
      const parts: Uint8Array[] = [];
      let p = pos;
      while (isZstd(bytes, p)) {
        const len = zstdFrameLength(bytes, p);
        if (hasMagic(bytes, p, ZSTD_MAGIC)) parts.push(zstdDecompress(bytes.subarray(p, p + len), budget));
        p += len;
      }
      if (parts.length === 0) {
        pos = p; // only skippable frames
        continue;
      }
      compressed = { data: Buffer.concat(parts), consumed: p - pos };
    }
    if (compressed) {
      const { data, consumed } = compressed;
      const { members, end } = readCpio(data, 0);
      mergeInto(map, members);
      for (let i = end; i < data.length; i++) {
        if (data[i] !== 0) throw new FlintError('EMBED_CORRUPT', 'found trailing garbage inside compressed archive');
      }
      pos += consumed;
    } else {
      const { members, end } = readCpio(bytes, pos);
      mergeInto(map, members);
      pos = end;
    }
  }
}

/**
 * Decodes an embed area (spec §4.2): an all-zero area has no members; otherwise a sequence of
 * gzip/xz/zstd/uncompressed newc archives separated by zeros. Regular files only; later copies
 * win. zstd needs Node >= 22.15 or the zstd tool (electron/core/codecs/zstd.ts), else it is a clear
 * error. Everything decompressed draws from one budget tied to the area's size
 * (codecs/limits.ts): more is DECOMPRESSED_TOO_LARGE.
 */
export async function decodeEmbedArea(bytes: Uint8Array): Promise<CpioMember[]> {
  const map = new Map<string, Uint8Array>();
  try {
    await decodeArchives(bytes, map, embedAreaBudget(bytes.length));
  } catch (err) {
    const e = err instanceof FlintError ? err : new FlintError('EMBED_CORRUPT', (err as Error).message);
    const code = e.code === 'DECOMPRESSED_TOO_LARGE' ? e.code : 'EMBED_CORRUPT';
    throw new FlintError(code, 'decoding initrd embed area', [e.message, ...e.causes]);
  }
  return [...map].map(([path, data]) => ({ path, data })).sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
}
