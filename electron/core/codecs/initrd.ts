import { FlintError } from '../errors';
import { GZIP_MAGIC, XZ_MAGIC, ZSTD_MAGIC, gunzipAt, hasMagic, isZstd, unxzAt } from './compression';
import { readCpio, type CpioMember } from './cpio';
import { initrdBudget, type DecodeBudget } from './limits';
import { zstdDecompress, zstdFrameLength } from './zstd';

/** How a caller names a failure to read its initrd: its error code and the outermost message. */
export interface InitrdFailure {
  code: string;
  message: string;
}

const DEFAULT_FAILURE: InitrdFailure = { code: 'INITRD_CORRUPT', message: 'reading initrd' };

/** One compressed stream: its decompressed bytes (null for skippable zstd frames only) and its length. */
interface Stream {
  data: Uint8Array | null;
  consumed: number;
}

/**
 * Decompresses the gzip, xz or zstd stream at `pos`, or returns null for an uncompressed archive.
 * Consecutive zstd frames are one stream (multi-threaded encoders split it), as coreos-installer's
 * src/io/zstd.rs reads them. Every decompression goes through the codec functions.
 */
async function decompressAt(bytes: Uint8Array, pos: number, budget: DecodeBudget): Promise<Stream | null> {
  if (hasMagic(bytes, pos, XZ_MAGIC)) return unxzAt(bytes, pos, budget);
  if (hasMagic(bytes, pos, GZIP_MAGIC)) return gunzipAt(bytes, pos, budget);
  if (!isZstd(bytes, pos)) return null;
  const parts: Uint8Array[] = [];
  let p = pos;
  while (isZstd(bytes, p)) {
    const len = zstdFrameLength(bytes, p);
    if (hasMagic(bytes, p, ZSTD_MAGIC)) parts.push(zstdDecompress(bytes.subarray(p, p + len), budget));
    p += len;
  }
  const data = parts.length === 0 ? null : parts.length === 1 ? parts[0] : Buffer.concat(parts);
  return { data, consumed: p - pos };
}

const ZERO_PAGE = new Uint8Array(4096);

/**
 * The offset of the first non-zero byte at or after `from` (bytes.length when there is none). An
 * embed area is mostly zeros after its archive (256 KiB for a config of a few hundred bytes): whole
 * pages are compared natively, since a byte loop over them costs ~10 ms before V8 optimizes it,
 * a tenth of `flint iso ignition show`.
 */
export function firstNonZero(bytes: Uint8Array, from: number): number {
  let pos = from;
  while (pos + ZERO_PAGE.length <= bytes.length && Buffer.compare(bytes.subarray(pos, pos + ZERO_PAGE.length), ZERO_PAGE) === 0) {
    pos += ZERO_PAGE.length;
  }
  while (pos < bytes.length && bytes[pos] === 0) pos++;
  return pos;
}

function onlyZeros(bytes: Uint8Array, from: number): boolean {
  return firstNonZero(bytes, from) === bytes.length;
}

/**
 * Reads an initrd (docs/live-iso-format.md §5.1): archives one after another, each a newc cpio
 * archive either uncompressed or inside one gzip, xz or zstd stream, with zero padding between
 * them. A compressed stream holds one archive and nothing but zeros after its trailer. Only regular
 * files are kept, a later copy of a path replacing an earlier one; the result is sorted by path.
 * These are the rules of coreos-installer's one reader, Initrd::from_reader (src/io/initrd.rs),
 * which serves both the ISO embed area and the PXE initramfs; Flint uses this one for both too.
 *
 * Everything decompressed draws from one `budget` (codecs/limits.ts; by default the initrd budget
 * for `bytes.length`): more is DECOMPRESSED_TOO_LARGE.
 *
 * A failure is a FlintError with `failure.code`, `failure.message` as its message and the cause
 * plus the archive's position as its causes. A zstd stream without a decoder keeps its own code,
 * ZSTD_UNSUPPORTED, and its advice; a stream that passes the budget keeps DECOMPRESSED_TOO_LARGE.
 */
export async function readInitrd(
  bytes: Uint8Array,
  failure: InitrdFailure = DEFAULT_FAILURE,
  budget: DecodeBudget = initrdBudget(bytes.length),
): Promise<CpioMember[]> {
  const files = new Map<string, Uint8Array>();
  const keep = (members: CpioMember[]) => {
    for (const m of members) files.set(m.path, m.data);
  };
  let pos = 0;
  let index = 0;
  for (;;) {
    pos = firstNonZero(bytes, pos);
    if (pos >= bytes.length) break;
    const where = `archive ${++index} at byte ${pos}`;
    try {
      const stream = await decompressAt(bytes, pos, budget);
      if (stream === null) {
        const { members, end } = readCpio(bytes, pos);
        keep(members);
        pos = end;
        continue;
      }
      if (stream.data !== null) {
        const { members, end } = readCpio(stream.data, 0);
        keep(members);
        if (!onlyZeros(stream.data, end)) throw new FlintError(failure.code, 'found trailing garbage inside compressed archive');
      }
      pos += stream.consumed;
    } catch (err) {
      if (err instanceof FlintError && err.code === 'ZSTD_UNSUPPORTED') throw err;
      const e = err instanceof FlintError ? err : new FlintError(failure.code, (err as Error).message);
      const code = e.code === 'DECOMPRESSED_TOO_LARGE' ? e.code : failure.code;
      throw new FlintError(code, failure.message, [e.message, ...e.causes, where]);
    }
  }
  return [...files]
    .map(([path, data]) => ({ path, data }))
    .sort((a, b) => Buffer.compare(Buffer.from(a.path, 'utf8'), Buffer.from(b.path, 'utf8')));
}
