import { openSync, closeSync, read, constants as C } from 'node:fs';
import { open as openP } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { FlintError } from '../../electron/core/errors';
import { applyPlanToChunk, type PatchPlan } from '../../electron/core/iso/plan';
import type { ByteSource } from '../../electron/core/iso/byte-source';
import { readEmbeddedIgnition } from '../../electron/core/iso/inspect';
import { SpeedMeter } from '../../electron/core/progress';
import { WriteErrorCode } from '../../electron/core/write/codes';
import type { WriteEvent } from '../../electron/core/write/events';
import { alignedBlock, BLOCK_SIZE } from './aligned';
import { ioError } from './errors';
import type { WrittenDigest } from './stream';

const readP = promisify(read);

async function readFully(fd: number, buf: Buffer, len: number, pos: number, device: string): Promise<void> {
  let done = 0;
  while (done < len) {
    let n: number;
    try {
      ({ bytesRead: n } = await readP(fd, buf, done, len - done, pos + done));
    } catch (err) {
      throw ioError(err, device, pos + done, 'reading');
    }
    if (n <= 0) throw ioError(Object.assign(new Error('device ended early'), { code: 'ENXIO' }), device, pos + done, 'reading');
    done += n;
  }
}

/**
 * Reads the first `plan.imageSize` bytes of the device back (O_DIRECT when the kernel allows, the
 * caller has dropped the device's page cache either way) and compares them block by block with
 * the hashes taken while writing. A difference is located to the exact byte by rebuilding that
 * block from the source and the plan: VERIFY_MISMATCH "at byte N".
 */
export async function verifyDevice(
  device: string,
  raw: string,
  image: string,
  plan: PatchPlan,
  digest: WrittenDigest,
  signal: AbortSignal,
  emit: (e: WriteEvent) => void,
): Promise<void> {
  const total = plan.imageSize;
  let fd = -1;
  let buf: Buffer | null = null;
  if (C.O_DIRECT) {
    try {
      fd = openSync(raw, C.O_RDONLY | C.O_DIRECT);
      buf = alignedBlock(fd);
      if (!buf) {
        closeSync(fd);
        fd = -1;
      }
    } catch {
      fd = -1;
    }
  }
  if (fd < 0) {
    try {
      fd = openSync(raw, C.O_RDONLY);
    } catch (err) {
      throw ioError(err, device, 0, 'reading');
    }
    buf = Buffer.allocUnsafeSlow(BLOCK_SIZE);
  }
  const block = buf!;
  const meter = new SpeedMeter();
  let last = 0;
  try {
    for (let k = 0, pos = 0; pos < total; k++, pos += BLOCK_SIZE) {
      if (signal.aborted) throw new FlintError(WriteErrorCode.CANCELLED, `verifying ${device} was cancelled; the stick was fully written but not verified`);
      const len = Math.min(BLOCK_SIZE, total - pos);
      // O_DIRECT needs sector multiples: read a little more at the end, compare only `len`.
      const readLen = Math.min(BLOCK_SIZE, Math.ceil(len / 4096) * 4096);
      await readTolerant(fd, block, len, readLen, pos, device);
      const h = createHash('sha256').update(block.subarray(0, len)).digest('hex');
      if (h !== digest.blockHashes[k]) {
        const at = await firstDifference(image, plan, pos, block.subarray(0, len));
        throw new FlintError(
          WriteErrorCode.VERIFY_MISMATCH,
          `verification failed: ${device} holds different bytes at byte ${at}; the stick may be failing or counterfeit`,
        );
      }
      const now = Date.now();
      const speed = meter.update(pos + len);
      if (now - last >= 250 || pos + len >= total) {
        last = now;
        emit({ type: 'progress', device, phase: 'verify', bytes: pos + len, total, ...(speed > 0 ? { speed: Math.round(speed) } : {}) });
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Reads `readLen` bytes, or just `len` when the device ends before the padded length. */
async function readTolerant(fd: number, buf: Buffer, len: number, readLen: number, pos: number, device: string): Promise<void> {
  try {
    await readFully(fd, buf, readLen, pos, device);
  } catch (err) {
    if (readLen === len) throw err;
    await readFully(fd, buf, len, pos, device);
  }
}

/** The absolute offset of the first byte where `actual` (device bytes at `pos`) differs from source+plan. */
export async function firstDifference(image: string, plan: PatchPlan, pos: number, actual: Uint8Array): Promise<number> {
  const fh = await openP(image, 'r');
  try {
    const expected = Buffer.alloc(actual.length);
    await fh.read(expected, 0, actual.length, pos);
    applyPlanToChunk(plan, expected, pos);
    for (let i = 0; i < actual.length; i++) if (expected[i] !== actual[i]) return pos + i;
    return pos;
  } finally {
    await fh.close();
  }
}

/** A ByteSource over the first `size` bytes of a device (plain reads; page cache already dropped). */
export async function deviceSource(raw: string, size: number): Promise<ByteSource & { close(): Promise<void> }> {
  const fh = await openP(raw, 'r');
  return {
    size,
    async read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > size) {
        throw new FlintError('READ_OUT_OF_BOUNDS', `reading ${length} bytes at ${offset} runs past the ${size}-byte image on ${raw}`);
      }
      const out = Buffer.alloc(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fh.read(out, done, length - done, offset + done);
        if (bytesRead === 0) throw new FlintError('READ_SHORT', `unexpected end of ${raw} at byte ${offset + done}`);
        done += bytesRead;
      }
      return new Uint8Array(out.buffer, out.byteOffset, out.length);
    },
    close: () => fh.close(),
  };
}

/**
 * Reads the Ignition config embedded in the image now on the device and returns its SHA-256 (the
 * proof the stick carries the config); null when the image embeds none or is not a live ISO.
 */
export async function readBackIgnition(raw: string, size: number): Promise<{ sha256: string | null; note?: string }> {
  const src = await deviceSource(raw, size);
  try {
    const ign = await readEmbeddedIgnition(src);
    if (!ign) return { sha256: null, note: 'the image embeds no Ignition config' };
    return { sha256: createHash('sha256').update(ign).digest('hex') };
  } catch (err) {
    return { sha256: null, note: `no Ignition config could be read back: ${(err as Error).message}` };
  } finally {
    await src.close();
  }
}
