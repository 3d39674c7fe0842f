import { crc32, inflateRawSync, gzipSync } from 'node:zlib';
import {
  LZMA_CHECK_CRC32,
  LZMA_FINISH,
  LZMA_OK,
  LZMA_RUN,
  LZMA_STREAM_END,
  WasmLzmaStream,
  code,
  copyFromWasm,
  copyToWasm,
  end,
  getModule,
  initModule,
  xzAsync,
  type LZMAModule,
} from 'node-liblzma/wasm';
import { FlintError } from '../errors';
import { liblzmaWasm } from './liblzma-wasm';
import { XzSmallError, unxzSmall } from './xz-small';
import { type DecodeBudget, MIN_DECODED_BYTES, decodeBudget, decodedTooLarge, spend } from './limits';

/** gzip member magic. */
export const GZIP_MAGIC = [0x1f, 0x8b];
/** .xz stream header magic. */
export const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
/** zstd frame magic. */
export const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

const XZ_HEADER = 12;
const XZ_FOOTER = 12;
const GZIP_OS_BYTE = 9;
const GZIP_OS_UNKNOWN = 0xff;

/** True when `buf` has `magic` at `at`. */
export function hasMagic(buf: Uint8Array, at: number, magic: number[]): boolean {
  if (at + magic.length > buf.length) return false;
  return magic.every((b, i) => buf[at + i] === b);
}

/** True for a zstd frame or a zstd skippable frame (magic 0x184D2A50..5F, little-endian). */
export function isZstd(buf: Uint8Array, at: number): boolean {
  if (hasMagic(buf, at, ZSTD_MAGIC)) return true;
  return at + 4 <= buf.length && (buf[at] & 0xf0) === 0x50 && buf[at + 1] === 0x2a && buf[at + 2] === 0x4d && buf[at + 3] === 0x18;
}

/**
 * Inputs up to this size are compressed with preset 0. Its 256 KiB dictionary covers such an input
 * whole, and its encoder needs about 1.5 MiB where preset 6 needs 94 MiB: in liblzma's WebAssembly
 * build, growing and clearing that memory is most of the time a small config takes (tens of ms
 * per call, on every `flint write` and `iso customize`). The output is a few percent larger at
 * most, and an input this small can never outgrow an embed area because of it: even incompressible
 * bytes stay below 64 KiB plus xz's framing, a quarter of the smallest Ignition embed area
 * (262144 bytes). Readers accept any preset: coreos-installer decodes any valid xz stream in the
 * area (docs/live-iso-format.md §5.1, §5.3), and the kernel's XZ Embedded needs only the CRC32
 * check and a dictionary no larger than preset 6's (preset 0's is 256 KiB).
 */
export const XZ_FAST_PRESET_MAX_BYTES = 64 * 1024;

/**
 * Loads liblzma's WebAssembly module once, from the bytes liblzmaWasm() gives. node-liblzma 4's
 * Emscripten glue (lib/wasm/liblzma.js) finds its binary only through `fetch` or a `wasmBinary`
 * it is given, never on disk under Node, so every use below goes through here first; later calls
 * of initModule (inside xzAsync too) return the cached instance (lib/wasm/bindings.js).
 */
export async function loadLiblzma(): Promise<void> {
  await initModule(async () => {
    const [{ default: createLZMA }, wasmBinary] = await Promise.all([import('node-liblzma/wasm/liblzma.js'), liblzmaWasm()]);
    return createLZMA({ wasmBinary });
  });
}

/**
 * Compresses to .xz with the CRC32 integrity check (the kernel's XZ decoder rejects CRC64).
 * Preset 0 for small inputs (see XZ_FAST_PRESET_MAX_BYTES), else preset 6 (8 MiB dictionary,
 * which keeps the kernel's allocation at boot small).
 */
export async function xzCrc32(data: Uint8Array): Promise<Uint8Array> {
  const preset = data.length <= XZ_FAST_PRESET_MAX_BYTES ? 0 : 6;
  await loadLiblzma();
  return new Uint8Array(await xzAsync(data, { preset, check: LZMA_CHECK_CRC32 }));
}

/**
 * Finds the length of the .xz stream that starts at `start` by locating its footer (magic `YZ`,
 * flags equal to the header's, valid CRC32). Returns -1 when no footer is found.
 */
export function xzStreamLength(buf: Uint8Array, start: number): number {
  const flags0 = buf[start + 6];
  const flags1 = buf[start + 7];
  for (let p = start + XZ_HEADER; p + XZ_FOOTER <= buf.length; p += 4) {
    if (buf[p + 10] !== 0x59 || buf[p + 11] !== 0x5a || buf[p + 8] !== flags0 || buf[p + 9] !== flags1) continue;
    const stored = (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0;
    if (crc32(buf.subarray(p + 4, p + 10)) === stored) return p + XZ_FOOTER - start;
  }
  return -1;
}

/**
 * Streams up to this many compressed bytes (an embed area's archive: a config and a few files) are
 * decoded by xz-small.ts, which needs no WebAssembly start; larger ones (initramfs images, the
 * minimal ISO data) by liblzma, which is faster per byte once loaded.
 */
const XZ_SMALL_MAX_BYTES = 256 * 1024;

/** Output is taken from liblzma in pieces of this size, so the budget is checked as it grows. */
const XZ_OUT_CHUNK = 256 * 1024;
/** Most memory the xz decoder may use (its dictionary): preset 9 needs 65 MiB, Flint writes preset 6 (9 MiB). */
const XZ_MEMLIMIT = 128 * 1024 * 1024;

/**
 * Starts liblzma's .xz stream decoder (lzma_stream_decoder, liblzma's src/liblzma/api/lzma/
 * container.h) with a memory limit. node-liblzma 4.0.2's WASM build was linked without BigInt
 * integration, so Emscripten split the 64-bit `memlimit` argument into two 32-bit halves (low,
 * high) and its export takes four arguments, where node-liblzma's own decoderInit passes three
 * (a BigInt, which that export cannot take). The arity says which ABI the installed build has.
 */
function streamDecoderInit(m: LZMAModule, stream: WasmLzmaStream, memlimit: number): void {
  const decoder = m._lzma_stream_decoder as unknown as (...args: (number | bigint)[]) => number;
  let ret: number;
  if (decoder.length === 4) ret = decoder(stream.ptr, memlimit % 2 ** 32, Math.floor(memlimit / 2 ** 32), 0);
  else if (decoder.length === 3) ret = decoder(stream.ptr, BigInt(memlimit), 0);
  else throw new Error(`liblzma's lzma_stream_decoder takes ${decoder.length} arguments (expected 3 or 4)`);
  if (ret !== LZMA_OK) throw new Error(`liblzma error ${ret} starting the decoder`);
}

/** Decodes one .xz stream, stopping with DECOMPRESSED_TOO_LARGE as soon as the output passes the budget. */
async function unxzBounded(input: Uint8Array, budget: DecodeBudget): Promise<Uint8Array> {
  await loadLiblzma();
  const m = getModule();
  const stream = new WasmLzmaStream(m);
  streamDecoderInit(m, stream, XZ_MEMLIMIT);
  const inPtr = copyToWasm(m, input);
  const outPtr = copyToWasm(m, new Uint8Array(XZ_OUT_CHUNK));
  const chunks: Uint8Array[] = [];
  try {
    stream.setInput(inPtr, input.length);
    for (;;) {
      stream.setOutput(outPtr, XZ_OUT_CHUNK);
      const ret = code(stream, stream.availIn === 0 ? LZMA_FINISH : LZMA_RUN);
      const produced = XZ_OUT_CHUNK - stream.availOut;
      if (produced > 0) {
        spend(budget, produced);
        chunks.push(copyFromWasm(m, outPtr, produced));
      }
      if (ret === LZMA_STREAM_END) break;
      if (ret !== LZMA_OK) throw new Error(`liblzma error ${ret}`);
    }
  } finally {
    m._free(inPtr);
    m._free(outPtr);
    end(stream);
    stream.free();
  }
  return chunks.length === 1 ? chunks[0]! : new Uint8Array(Buffer.concat(chunks));
}

/**
 * Decompresses the .xz stream at `start`; returns its bytes and the compressed length. The output
 * is drawn from `budget` (default: MIN_DECODED_BYTES for this stream alone).
 */
export async function unxzAt(
  buf: Uint8Array,
  start: number,
  budget: DecodeBudget = decodeBudget(MIN_DECODED_BYTES, 'an xz stream'),
): Promise<{ data: Uint8Array; consumed: number }> {
  const len = xzStreamLength(buf, start);
  if (len < 0) throw new FlintError('XZ_CORRUPT', 'truncated or corrupt xz stream', [`no stream footer after byte ${start}`]);
  const stream = buf.subarray(start, start + len);
  if (len <= XZ_SMALL_MAX_BYTES) {
    const before = budget.remaining;
    try {
      const data = unxzSmall(stream, budget);
      if (data) return { data, consumed: len };
    } catch (err) {
      if (!(err instanceof XzSmallError)) throw err;
      // liblzma has the last word on a stream the small decoder refuses (and words the error)
      budget.remaining = before;
    }
  }
  try {
    return { data: await unxzBounded(stream, budget), consumed: len };
  } catch (err) {
    if (err instanceof FlintError) throw err;
    throw new FlintError('XZ_CORRUPT', 'corrupt xz stream', [(err as Error).message]);
  }
}

/**
 * Decompresses the gzip member at `start` (RFC 1952); returns its bytes and compressed length.
 * The output is drawn from `budget` (default: MIN_DECODED_BYTES for this member alone).
 */
export function gunzipAt(
  buf: Uint8Array,
  start: number,
  budget: DecodeBudget = decodeBudget(MIN_DECODED_BYTES, 'a gzip member'),
): { data: Uint8Array; consumed: number } {
  const FLG = buf[start + 3];
  let p = start + 10;
  const need = (n: number) => {
    if (p + n > buf.length) throw new FlintError('GZIP_CORRUPT', 'truncated gzip header');
  };
  if (buf[start + 2] !== 8) throw new FlintError('GZIP_CORRUPT', 'unknown gzip compression method');
  if (FLG & 4) {
    need(2);
    p += 2 + (buf[p] | (buf[p + 1] << 8));
  }
  for (const bit of [8, 16]) {
    if (FLG & bit) {
      while (p < buf.length && buf[p] !== 0) p++;
      p++;
    }
  }
  if (FLG & 2) p += 2;
  need(0);
  try {
    // zlib stops at maxOutputLength (ERR_BUFFER_TOO_LARGE) instead of growing its buffer further
    const r = inflateRawSync(buf.subarray(p), { info: true, maxOutputLength: Math.max(1, budget.remaining) }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    spend(budget, r.buffer.length);
    const end = p + r.engine.bytesWritten + 8;
    if (end > buf.length) throw new Error('missing gzip trailer');
    return { data: new Uint8Array(r.buffer), consumed: end - start };
  } catch (err) {
    if (err instanceof FlintError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw decodedTooLarge(budget);
    throw new FlintError('GZIP_CORRUPT', 'corrupt gzip stream', [(err as Error).message]);
  }
}

/**
 * gzip at maximum compression with the header coreos-installer writes: mtime 0 and OS byte 255
 * (node writes 03 on Unix).
 */
export function gzipLikeCoreosInstaller(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(gzipSync(data, { level: 9 }));
  out[GZIP_OS_BYTE] = GZIP_OS_UNKNOWN;
  return out;
}
