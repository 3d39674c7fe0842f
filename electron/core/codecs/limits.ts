import { FlintError } from '../errors';

/**
 * How many decompressed bytes Flint accepts from data it did not make (an ISO's embed area, a PXE
 * initrd, a stick). A compressed frame can claim any output size: 33 KB of zstd expand to
 * gigabytes of zeros. Every decompression draws from a budget tied to what the container can
 * really hold, and stops with DECOMPRESSED_TOO_LARGE the moment it would pass it.
 *
 * - Embed area (coreos/igninfo.json, 256 KiB in every FCOS live ISO since 2020): the live
 *   initramfs unpacks it into RAM at boot. Real contents (config.ign, network keyfiles) compress
 *   by 3-30x; the budget is 256x the area, and at least 64 MiB.
 * - Initrd (PXE initramfs, `pxe ignition unwrap`): an FCOS live initramfs is about 100 MB of
 *   zstd/xz data that unpacks 3-5x; the budget is 16x the initrd, and at least 64 MiB.
 */

const MIB = 1024 * 1024;
/** Smallest budget, for small areas and wrapped one-file initrds. */
export const MIN_DECODED_BYTES = 64 * MIB;
/** Decompressed bytes allowed per byte of an embed area. */
export const EMBED_AREA_RATIO = 256;
/** Decompressed bytes allowed per byte of an initrd. */
export const INITRD_RATIO = 16;

/** What is left to decompress from one container; shared by every archive in it. */
export interface DecodeBudget {
  /** Bytes that may still be produced. */
  remaining: number;
  /** The whole budget (for the error message). */
  readonly limit: number;
  /** What the bytes come from, e.g. "the embed area". */
  readonly what: string;
}

/** A budget of `limit` bytes for `what`. */
export function decodeBudget(limit: number, what: string): DecodeBudget {
  return { remaining: limit, limit, what };
}

/** The budget for an embed area of `areaLength` bytes. */
export function embedAreaBudget(areaLength: number): DecodeBudget {
  return decodeBudget(Math.max(MIN_DECODED_BYTES, EMBED_AREA_RATIO * areaLength), 'the embed area');
}

/** The budget for an initrd of `length` bytes. */
export function initrdBudget(length: number): DecodeBudget {
  return decodeBudget(Math.max(MIN_DECODED_BYTES, INITRD_RATIO * length), 'the initrd');
}

/** The error for a decompression that would pass its budget. */
export function decodedTooLarge(b: DecodeBudget): FlintError {
  return new FlintError('DECOMPRESSED_TOO_LARGE', `${b.what} decompresses to more than ${b.limit} bytes; it is corrupt or hostile`);
}

/** Takes `n` produced bytes from the budget; throws DECOMPRESSED_TOO_LARGE when they do not fit. */
export function spend(b: DecodeBudget, n: number): void {
  if (n > b.remaining) throw decodedTooLarge(b);
  b.remaining -= n;
}
