import { FlintError } from '../errors';
import { readCpio, writeCpio, type CpioMember } from './cpio';
import { GZIP_MAGIC, XZ_MAGIC, gunzipAt, hasMagic, isZstd, unxzAt, xzCrc32 } from './compression';

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

async function decodeArchives(bytes: Uint8Array, map: Map<string, Uint8Array>): Promise<void> {
  let pos = 0;
  for (;;) {
    while (pos < bytes.length && bytes[pos] === 0) pos++;
    if (pos >= bytes.length) return;
    if (hasMagic(bytes, pos, GZIP_MAGIC) || hasMagic(bytes, pos, XZ_MAGIC)) {
      const { data, consumed } = hasMagic(bytes, pos, XZ_MAGIC) ? await unxzAt(bytes, pos) : gunzipAt(bytes, pos);
      const { members, end } = readCpio(data, 0);
      mergeInto(map, members);
      for (let i = end; i < data.length; i++) {
        if (data[i] !== 0) throw new FlintError('EMBED_CORRUPT', 'found trailing garbage inside compressed archive');
      }
      pos += consumed;
    } else if (isZstd(bytes, pos)) {
      throw new FlintError('ZSTD_UNSUPPORTED', 'zstd-compressed archive found; this version of Flint cannot decompress zstd (Node 20 has no zstd decoder)');
    } else {
      const { members, end } = readCpio(bytes, pos);
      mergeInto(map, members);
      pos = end;
    }
  }
}

/**
 * Decodes an embed area (spec §4.2): an all-zero area has no members; otherwise a sequence of
 * gzip/xz/uncompressed newc archives separated by zeros. Regular files only; later copies win.
 */
export async function decodeEmbedArea(bytes: Uint8Array): Promise<CpioMember[]> {
  const map = new Map<string, Uint8Array>();
  try {
    await decodeArchives(bytes, map);
  } catch (err) {
    const e = err instanceof FlintError ? err : new FlintError('EMBED_CORRUPT', (err as Error).message);
    throw new FlintError('EMBED_CORRUPT', 'decoding initrd embed area', [e.message, ...e.causes]);
  }
  return [...map]
    .map(([path, data]) => ({ path, data }))
    .sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
}
