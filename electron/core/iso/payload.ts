import { FlintError } from '../errors';
import { writeCpio, type CpioMember } from '../codecs/cpio';
import { xzCrc32 } from '../codecs/compression';
import { firstNonZero, readInitrd } from '../codecs/initrd';
import { embedAreaBudget } from '../codecs/limits';

/**
 * Builds the compressed embed payload: one newc cpio archive of `members` compressed as .xz with
 * the CRC32 check (docs/live-iso-format.md §5.2, §5.3). Returns only the compressed bytes.
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
  return firstNonZero(bytes, 0) === bytes.length;
}

/**
 * Decodes a non-zero embed area with the one initrd reader (docs/live-iso-format.md §5.1); any
 * failure is EMBED_CORRUPT `decoding initrd embed area`, as coreos-installer words it
 * (src/live/embed.rs). An all-zero area holds no members: callers check isAllZero first.
 * Everything decompressed draws from one budget tied to the area's size (codecs/limits.ts): more
 * is DECOMPRESSED_TOO_LARGE.
 */
export async function decodeEmbedArea(bytes: Uint8Array): Promise<CpioMember[]> {
  return readInitrd(bytes, { code: 'EMBED_CORRUPT', message: 'decoding initrd embed area' }, embedAreaBudget(bytes.length));
}
