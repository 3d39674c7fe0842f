import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { FlintError } from '../errors';
import { type DecodeBudget, MIN_DECODED_BYTES, decodeBudget, decodedTooLarge, spend } from './limits';

// RFC 8878 (Zstandard) frame layout, as far as needed to find where a frame ends.
const MAGIC_LEN = 4;
const FHD_FCS_FLAG_SHIFT = 6;
const FHD_SINGLE_SEGMENT = 0x20;
const FHD_CHECKSUM = 0x04;
const FHD_DICT_ID_MASK = 0x03;
const DICT_ID_SIZES = [0, 1, 2, 4];
const FCS_SIZES = [0, 2, 4, 8]; // flag 0 means 1 byte when Single_Segment is set
const BLOCK_HEADER = 3;
const BLOCK_RAW = 0;
const BLOCK_RLE = 1;
const BLOCK_RESERVED = 3;
const CHECKSUM_LEN = 4;
const SKIPPABLE_HEADER = 8;

function corrupt(why: string): FlintError {
  return new FlintError('ZSTD_CORRUPT', 'truncated or corrupt zstd frame', [why]);
}

/** True for the 4-byte magic of a zstd skippable frame (0x184D2A50..0x184D2A5F, little-endian). */
function isSkippable(buf: Uint8Array, at: number): boolean {
  return at + 4 <= buf.length && (buf[at] & 0xf0) === 0x50 && buf[at + 1] === 0x2a && buf[at + 2] === 0x4d && buf[at + 3] === 0x18;
}

/**
 * Length in bytes of the zstd frame (or skippable frame) that starts at `start`, found by walking
 * the frame header and block headers without decompressing. Throws `ZSTD_CORRUPT` when the frame
 * runs past the end of `buf` or uses the reserved block type.
 */
export function zstdFrameLength(buf: Uint8Array, start: number): number {
  const need = (p: number, n: number, what: string) => {
    if (p + n > buf.length) throw corrupt(`${what} at byte ${p} runs past the end`);
  };
  if (isSkippable(buf, start)) {
    need(start, SKIPPABLE_HEADER, 'skippable frame header');
    const size = (buf[start + 4] | (buf[start + 5] << 8) | (buf[start + 6] << 16) | (buf[start + 7] << 24)) >>> 0;
    need(start + SKIPPABLE_HEADER, size, 'skippable frame');
    return SKIPPABLE_HEADER + size;
  }
  let p = start + MAGIC_LEN;
  need(p, 1, 'frame header');
  const fhd = buf[p++];
  const single = (fhd & FHD_SINGLE_SEGMENT) !== 0;
  const fcsFlag = fhd >> FHD_FCS_FLAG_SHIFT;
  const headerRest = (single ? 0 : 1) + DICT_ID_SIZES[fhd & FHD_DICT_ID_MASK] + (fcsFlag === 0 ? (single ? 1 : 0) : FCS_SIZES[fcsFlag]);
  need(p, headerRest, 'frame header');
  p += headerRest;
  for (;;) {
    need(p, BLOCK_HEADER, 'block header');
    const h = buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16);
    p += BLOCK_HEADER;
    const last = (h & 1) === 1;
    const type = (h >> 1) & 3;
    const size = h >>> 3;
    if (type === BLOCK_RESERVED) throw corrupt(`reserved block type at byte ${p - BLOCK_HEADER}`);
    const stored = type === BLOCK_RLE ? 1 : size;
    need(p, stored, type === BLOCK_RAW ? 'raw block' : 'block');
    p += stored;
    if (last) break;
  }
  if (fhd & FHD_CHECKSUM) {
    need(p, CHECKSUM_LEN, 'content checksum');
    p += CHECKSUM_LEN;
  }
  return p - start;
}

/**
 * The Frame_Content_Size a zstd frame header declares (RFC 8878 §3.1.1.1.4), or null when the
 * frame does not say (or is a skippable frame).
 */
export function zstdContentSize(buf: Uint8Array, start: number): number | null {
  if (isSkippable(buf, start) || start + MAGIC_LEN >= buf.length) return null;
  const fhd = buf[start + MAGIC_LEN]!;
  const single = (fhd & FHD_SINGLE_SEGMENT) !== 0;
  const flag = fhd >> FHD_FCS_FLAG_SHIFT;
  const size = flag === 0 ? (single ? 1 : 0) : FCS_SIZES[flag]!;
  if (size === 0) return null;
  const at = start + MAGIC_LEN + 1 + (single ? 0 : 1) + DICT_ID_SIZES[fhd & FHD_DICT_ID_MASK]!;
  if (at + size > buf.length) return null;
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + buf[at + i]!;
  return size === 2 ? v + 256 : v; // the 2-byte form is offset by 256
}

type ZstdSync = (b: Uint8Array, o?: { maxOutputLength?: number }) => Buffer;

/**
 * Decompresses one zstd frame, drawing its output from `budget` (default: MIN_DECODED_BYTES for
 * this frame alone): a frame that declares more is refused before decoding, and decoding stops at
 * the budget otherwise. Uses node:zlib's zstd decoder when the runtime has it (Node >= 22.15, so
 * the Electron app), else the `zstd` command-line tool; throws `ZSTD_UNSUPPORTED` naming both
 * when neither is there.
 */
export function zstdDecompress(frame: Uint8Array, budget: DecodeBudget = decodeBudget(MIN_DECODED_BYTES, 'a zstd frame')): Uint8Array {
  const declared = zstdContentSize(frame, 0);
  if (declared !== null && declared > budget.remaining) throw decodedTooLarge(budget);
  const cap = Math.max(1, budget.remaining);
  const native = (zlib as unknown as { zstdDecompressSync?: ZstdSync }).zstdDecompressSync;
  let out: Uint8Array;
  if (native) {
    try {
      out = new Uint8Array(native(frame, { maxOutputLength: cap }));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw decodedTooLarge(budget);
      throw corrupt((err as Error).message);
    }
  } else {
    // the tool is killed as soon as its output passes maxBuffer; node:child_process (and the
    // net and stream modules it loads) is required here, not at the top: reading an ISO whose
    // archives are not zstd never needs it, and `flint iso ignition show` starts faster without
    const { spawnSync } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
    const r = spawnSync('zstd', ['-dc', '-q'], { input: frame, maxBuffer: cap });
    const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') {
      throw new FlintError('ZSTD_UNSUPPORTED', 'this initramfs is zstd-compressed and no zstd decoder is available', [
        'run Flint on Node >= 22.15 (the desktop app does) or install the zstd tool (Debian: apt-get install zstd)',
      ]);
    }
    if (code === 'ENOBUFS') throw decodedTooLarge(budget);
    if (r.error || r.status !== 0) throw corrupt(r.error?.message ?? r.stderr.toString().trim());
    out = new Uint8Array(r.stdout);
  }
  spend(budget, out.length);
  return out;
}
