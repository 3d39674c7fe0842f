import { spawnSync } from 'node:child_process';
import * as zlib from 'node:zlib';
import { FlintError } from '../errors';

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

type ZstdSync = (b: Uint8Array) => Buffer;

/**
 * Decompresses one zstd frame. Uses node:zlib's zstd decoder when the runtime has it (Node
 * >= 22.15, so the Electron app), else the `zstd` command-line tool; throws `ZSTD_UNSUPPORTED`
 * naming both when neither is there.
 */
export function zstdDecompress(frame: Uint8Array): Uint8Array {
  const native = (zlib as unknown as { zstdDecompressSync?: ZstdSync }).zstdDecompressSync;
  if (native) {
    try {
      return new Uint8Array(native(frame));
    } catch (err) {
      throw corrupt((err as Error).message);
    }
  }
  const r = spawnSync('zstd', ['-dc', '-q'], { input: frame, maxBuffer: 4 * 1024 ** 3 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new FlintError('ZSTD_UNSUPPORTED', 'this initramfs is zstd-compressed and no zstd decoder is available', [
      'run Flint on Node >= 22.15 (the desktop app does) or install the zstd tool (Debian: apt-get install zstd)',
    ]);
  }
  if (r.error || r.status !== 0) throw corrupt(r.error?.message ?? r.stderr.toString().trim());
  return new Uint8Array(r.stdout);
}
