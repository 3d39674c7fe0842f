import { crc32 } from 'node:zlib';
import { type DecodeBudget, spend } from './limits';

/**
 * A small .xz decoder in TypeScript for small streams (an embed area's archive is a few hundred
 * bytes to a few KiB). liblzma's WebAssembly build costs about 10 ms of CPU before its first byte
 * (instantiating the module, then compiling each function it runs), which was the largest part of
 * `flint iso ignition show` after Node's own start; this decoder costs well under a millisecond for
 * such a stream. It handles what Flint and coreos-installer write (one LZMA2 filter, CRC32 or no
 * check) and returns null for anything else (other filters or checks), which compression.ts then
 * decodes with liblzma; corrupt input throws. Formats: the .xz file format 1.1.0 (tukaani.org,
 * xz-file-format.txt: §2.1.1 stream header, §3 blocks, §5.3.1 the LZMA2 filter) and LZMA2/LZMA as
 * xz-embedded implements them (linux/lib/xz/xz_dec_lzma2.c).
 */

const LZMA2_FILTER = 0x21;
const CHECK_NONE = 0;
const CHECK_CRC32 = 1;
const STREAM_HEADER = 12;

/** Thrown for input this decoder finds invalid. */
class XzSmallError extends Error {}
const fail = (what: string): never => {
  throw new XzSmallError(what);
};

/** Reads a multibyte integer (xz-file-format §1.2) at `at`; returns value and next offset. */
function vli(buf: Uint8Array, at: number, end: number): [number, number] {
  let v = 0;
  for (let i = 0; i < 9; i++) {
    if (at + i >= end) fail('truncated block header');
    const b = buf[at + i]!;
    v += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return [v, at + i + 1];
  }
  return fail('multibyte integer too long');
}

/** The LZMA range decoder and model (xz_dec_lzma2.c: struct rc_dec, struct lzma_dec). */
class Lzma {
  private probs = new Uint16Array(0);
  // offsets of each probability array inside `probs`
  private readonly isMatch = 0;
  private readonly isRep = 192;
  private readonly isRepG0 = 204;
  private readonly isRepG1 = 216;
  private readonly isRepG2 = 228;
  private readonly isRep0Long = 240;
  private readonly distSlot = 432; // 4 x 64
  private readonly distSpecial = 688; // 114
  private readonly distAlign = 802; // 16
  private readonly matchLen = 818; // 2 + 2 x 16 x 8 + 256 = 514
  private readonly repLen = 1332;
  private readonly literal = 1846;
  private lc = 0;
  private lp = 0;
  private pb = 0;
  private state = 0;
  private reps = [0, 0, 0, 0];
  private range = 0;
  private code = 0;
  private in: Uint8Array = new Uint8Array(0);
  private inPos = 0;
  private inEnd = 0;

  /** New lc/lp/pb from an LZMA2 properties byte (xz_dec_lzma2.c lzma_props). */
  setProps(p: number): void {
    if (p > 224) fail('invalid LZMA properties');
    this.pb = Math.floor(p / 45);
    p %= 45;
    this.lp = Math.floor(p / 9);
    this.lc = p % 9;
    if (this.lc + this.lp > 4) fail('invalid LZMA properties');
    this.probs = new Uint16Array(this.literal + (0x300 << (this.lc + this.lp)));
  }

  resetState(): void {
    this.probs.fill(1024);
    this.state = 0;
    this.reps = [0, 0, 0, 0];
  }

  /** Starts the range decoder on `packed` bytes of `buf` at `at` (five init bytes, the first zero). */
  start(buf: Uint8Array, at: number, packed: number): void {
    if (packed < 5 || buf[at] !== 0) fail('invalid range coder start');
    this.in = buf;
    this.inEnd = at + packed;
    this.code = ((buf[at + 1]! << 24) | (buf[at + 2]! << 16) | (buf[at + 3]! << 8) | buf[at + 4]!) >>> 0;
    this.range = 0xffffffff;
    this.inPos = at + 5;
  }

  /**
   * True when the chunk's compressed bytes were used exactly and the coder ended cleanly (the
   * encoder's flush leaves one normalization for after the last bit).
   */
  finished(): boolean {
    if (this.range < 0x1000000 && this.inPos < this.inEnd) this.normalize();
    return this.inPos === this.inEnd && this.code === 0;
  }

  private normalize(): void {
    if (this.range < 0x1000000) {
      if (this.inPos >= this.inEnd) fail('compressed chunk ends early');
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.in[this.inPos++]!) >>> 0;
    }
  }

  private bit(i: number): number {
    this.normalize();
    const p = this.probs[i]!;
    const bound = (this.range >>> 11) * p;
    if (this.code < bound) {
      this.range = bound;
      this.probs[i] = p + ((2048 - p) >>> 5);
      return 0;
    }
    this.range -= bound;
    this.code -= bound;
    this.probs[i] = p - (p >>> 5);
    return 1;
  }

  private tree(base: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this.bit(base + m);
    return m - (1 << bits);
  }

  private reverse(base: number, bits: number): number {
    let m = 1;
    let sym = 0;
    for (let i = 0; i < bits; i++) {
      const b = this.bit(base + m);
      m = (m << 1) | b;
      sym |= b << i;
    }
    return sym;
  }

  private direct(bits: number): number {
    let v = 0;
    for (let i = 0; i < bits; i++) {
      this.normalize();
      this.range >>>= 1;
      let b = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        b = 1;
      }
      v = v * 2 + b;
    }
    return v;
  }

  /** A match length minus two (xz_dec_lzma2.c lzma_len). */
  private len(base: number, posState: number): number {
    if (this.bit(base) === 0) return this.tree(base + 2 + posState * 8, 3);
    if (this.bit(base + 1) === 0) return 8 + this.tree(base + 2 + 128 + posState * 8, 3);
    return 16 + this.tree(base + 2 + 256, 8);
  }

  /** A match distance minus one (xz_dec_lzma2.c lzma_match). */
  private distance(len: number): number {
    const slot = this.tree(this.distSlot + Math.min(len, 3) * 64, 6);
    if (slot < 4) return slot;
    const bits = (slot >>> 1) - 1;
    let dist = (2 | (slot & 1)) * 2 ** bits;
    if (slot < 14) return dist + this.reverse(this.distSpecial + dist - slot - 1, bits);
    dist += this.direct(bits - 4) * 16;
    return dist + this.reverse(this.distAlign, 4);
  }

  /**
   * Decodes `size` bytes into `out` at `pos`; `start` is where the dictionary began (its last
   * reset), so positions and distances count from there.
   */
  decode(out: Uint8Array, pos: number, size: number, start: number): void {
    const end = pos + size;
    const pbMask = (1 << this.pb) - 1;
    const lpMask = (1 << this.lp) - 1;
    let [rep0, rep1, rep2, rep3] = this.reps as [number, number, number, number];
    let state = this.state;
    while (pos < end) {
      const posState = (pos - start) & pbMask;
      if (this.bit(this.isMatch + (state << 4) + posState) === 0) {
        const prev = pos > start ? out[pos - 1]! : 0;
        const base = this.literal + 0x300 * ((((pos - start) & lpMask) << this.lc) + (prev >>> (8 - this.lc)));
        let sym = 1;
        if (state >= 7) {
          if (pos - start <= rep0) fail('distance beyond the dictionary');
          let match = out[pos - rep0 - 1]!;
          while (sym < 0x100) {
            const mb = (match >>> 7) & 1;
            match <<= 1;
            const b = this.bit(base + 0x100 + (mb << 8) + sym);
            sym = (sym << 1) | b;
            if (b !== mb) break;
          }
        }
        while (sym < 0x100) sym = (sym << 1) | this.bit(base + sym);
        out[pos++] = sym & 0xff;
        state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      let len: number;
      if (this.bit(this.isRep + state) === 0) {
        rep3 = rep2;
        rep2 = rep1;
        rep1 = rep0;
        len = this.len(this.matchLen, posState);
        state = state < 7 ? 7 : 10;
        rep0 = this.distance(len);
      } else {
        if (this.bit(this.isRepG0 + state) === 0) {
          if (this.bit(this.isRep0Long + (state << 4) + posState) === 0) {
            if (pos - start <= rep0) fail('distance beyond the dictionary');
            state = state < 7 ? 9 : 11;
            out[pos] = out[pos - rep0 - 1]!;
            pos++;
            continue;
          }
        } else {
          let dist: number;
          if (this.bit(this.isRepG1 + state) === 0) dist = rep1;
          else {
            if (this.bit(this.isRepG2 + state) === 0) dist = rep2;
            else {
              dist = rep3;
              rep3 = rep2;
            }
            rep2 = rep1;
          }
          rep1 = rep0;
          rep0 = dist;
        }
        len = this.len(this.repLen, posState);
        state = state < 7 ? 8 : 11;
      }
      // rep0 >= 2^32 - 1 is LZMA's end marker, which LZMA2 does not allow
      if (pos - start <= rep0) fail('distance beyond the dictionary');
      let n = len + 2;
      if (n > end - pos) fail('match runs past the chunk');
      for (; n > 0; n--, pos++) out[pos] = out[pos - rep0 - 1]!;
    }
    this.reps = [rep0, rep1, rep2, rep3];
    this.state = state;
  }
}

/** Decodes the LZMA2 data of one block at `at`; returns the bytes and the offset after the data. */
function lzma2(buf: Uint8Array, at: number, end: number, budget: DecodeBudget, expected: number | null): [Uint8Array, number] {
  const lzma = new Lzma();
  let out = new Uint8Array(expected ?? 64 * 1024);
  let pos = 0;
  let start = 0;
  let needDictReset = true;
  let needProps = true;
  const room = (n: number) => {
    if (pos + n <= out.length) return;
    const next = new Uint8Array(Math.max(out.length * 2, pos + n));
    next.set(out.subarray(0, pos));
    out = next;
  };
  for (;;) {
    if (at >= end) fail('LZMA2 data ends early');
    const c = buf[at++]!;
    if (c === 0) break;
    if (c === 1 || c === 2) {
      if (at + 2 > end) fail('LZMA2 data ends early');
      const size = ((buf[at]! << 8) | buf[at + 1]!) + 1;
      at += 2;
      if (c === 1) {
        start = pos;
        needDictReset = false;
      } else if (needDictReset) fail('LZMA2 chunk without a dictionary reset');
      if (at + size > end) fail('LZMA2 data ends early');
      spend(budget, size);
      room(size);
      out.set(buf.subarray(at, at + size), pos);
      pos += size;
      at += size;
      continue;
    }
    if (c < 0x80) fail('invalid LZMA2 control byte');
    if (at + 4 > end) fail('LZMA2 data ends early');
    const size = (c & 0x1f) * 65536 + ((buf[at]! << 8) | buf[at + 1]!) + 1;
    const packed = ((buf[at + 2]! << 8) | buf[at + 3]!) + 1;
    at += 4;
    const reset = (c >>> 5) & 3;
    if (reset === 3) {
      start = pos;
      needDictReset = false;
    } else if (needDictReset) fail('LZMA2 chunk without a dictionary reset');
    if (reset >= 2) {
      if (at >= end) fail('LZMA2 data ends early');
      lzma.setProps(buf[at++]!);
      needProps = false;
    } else if (needProps) fail('LZMA2 chunk without properties');
    if (reset >= 1) lzma.resetState();
    if (at + packed > end) fail('LZMA2 data ends early');
    spend(budget, size);
    room(size);
    lzma.start(buf, at, packed);
    lzma.decode(out, pos, size, start);
    if (!lzma.finished()) fail('LZMA2 chunk size mismatch');
    pos += size;
    at += packed;
  }
  return [out.subarray(0, pos), at];
}

const le32 = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

/**
 * Checks the index at `at` (up to the stream footer at `end`) against the blocks decoded
 * (§4: indicator, record count, unpadded and uncompressed size per block, padding, CRC32) and the
 * footer's backward size (§2.1.2.2).
 */
function checkIndex(buf: Uint8Array, at: number, end: number, records: [number, number][]): void {
  if ((le32(buf, end + 4) + 1) * 4 !== end - at) fail('index size differs from the footer');
  if (crc32(buf.subarray(at, end - 4)) !== le32(buf, end - 4)) fail('index CRC32 mismatch');
  const [count, first] = vli(buf, at + 1, end - 4);
  let p = first;
  if (count !== records.length) fail('index lists another number of blocks');
  for (const [unpadded, size] of records) {
    let u: number;
    let n: number;
    [u, p] = vli(buf, p, end - 4);
    [n, p] = vli(buf, p, end - 4);
    if (u !== unpadded || n !== size) fail('index differs from the blocks');
  }
  while (p < end - 4) if (buf[p++] !== 0) fail('non-zero index padding');
}

/**
 * Decodes the .xz stream `buf` (exactly one stream, its length found by xzStreamLength). Returns
 * null when the stream uses something this decoder leaves to liblzma; throws on invalid input.
 */
export function unxzSmall(buf: Uint8Array, budget: DecodeBudget): Uint8Array | null {
  if (buf.length < STREAM_HEADER * 2) fail('truncated stream');
  const check = buf[7]! & 0x0f;
  if (buf[6] !== 0 || (check !== CHECK_NONE && check !== CHECK_CRC32)) return null;
  const checkSize = check === CHECK_CRC32 ? 4 : 0;
  const end = buf.length - STREAM_HEADER; // the stream footer
  const blocks: Uint8Array[] = [];
  const records: [number, number][] = [];
  let at = STREAM_HEADER;
  for (;;) {
    if (at >= end) fail('stream ends before its index');
    if (buf[at] === 0) break;
    const headerSize = (buf[at]! + 1) * 4;
    const h = at;
    if (h + headerSize > end) fail('truncated block header');
    const stored =
      (buf[h + headerSize - 4]! | (buf[h + headerSize - 3]! << 8) | (buf[h + headerSize - 2]! << 16) | (buf[h + headerSize - 1]! << 24)) >>>
      0;
    if (crc32(buf.subarray(h, h + headerSize - 4)) !== stored) fail('block header CRC32 mismatch');
    const flags = buf[h + 1]!;
    if ((flags & 0x3c) !== 0) return null;
    if ((flags & 0x03) !== 0) return null; // more than one filter (e.g. a BCJ filter before LZMA2)
    const hEnd = h + headerSize - 4;
    let p = h + 2;
    let compressed: number | null = null;
    let uncompressed: number | null = null;
    if (flags & 0x40) [compressed, p] = vli(buf, p, hEnd);
    if (flags & 0x80) [uncompressed, p] = vli(buf, p, hEnd);
    const [id, afterId] = vli(buf, p, hEnd);
    const [propsSize, afterSize] = vli(buf, afterId, hEnd);
    p = afterSize;
    if (id !== LZMA2_FILTER) return null;
    if (propsSize !== 1 || p + 1 > hEnd || buf[p]! > 40) fail('invalid LZMA2 filter properties');
    at = h + headerSize;
    const [data, after] = lzma2(buf, at, end, budget, uncompressed);
    if (compressed !== null && after - at !== compressed) fail('block compressed size mismatch');
    if (uncompressed !== null && data.length !== uncompressed) fail('block uncompressed size mismatch');
    records.push([after - h + checkSize, data.length]);
    at = after;
    while ((at - h) % 4 !== 0) if (buf[at++] !== 0) fail('non-zero block padding');
    if (at + checkSize > end) fail('truncated block check');
    if (check === CHECK_CRC32) {
      if (crc32(data) !== le32(buf, at)) fail('CRC32 mismatch');
    }
    at += checkSize;
    blocks.push(data);
  }
  checkIndex(buf, at, end, records);
  return blocks.length === 1 ? blocks[0]! : new Uint8Array(Buffer.concat(blocks));
}

export { XzSmallError };
