import { createHash } from 'node:crypto';
import { ERROR_CODES } from '../../../contract/error-codes';
import { FlintError, codedError } from '../../errors';
import { applyPlanToChunk, type PatchPlan } from '../../iso/plan';
import type { ByteSource } from '../../iso/byte-source';
import { readEmbeddedIgnition } from '../../iso/inspect';
import { SpeedMeter } from '../../progress';
import type { WriteEvent } from '../events';
import { BLOCK_SIZE, alignDown } from './aligned';
import { PlannedSource } from './planned-source';
import { alignUp, type DeviceIo } from './raw-device';

/** One device to read back: its name and how to open it for whole-sector reads. */
export interface VerifyTarget {
  device: string;
  open: () => Promise<DeviceIo>;
  /** A plan of its own instead of the job's (one config per stick). */
  plan?: PatchPlan;
}

/**
 * Result of the read-back: the SHA-256 of each device's expected bytes (image + its plan), of the
 * pristine image (read on the way), and each failing device's error.
 */
export interface VerifyOutcome {
  sha256: Map<string, string>;
  sourceSha256: string;
  failed: Map<string, FlintError>;
}

/**
 * Reads every target back (O_DIRECT on Linux; the raw node elsewhere; the caller has dropped the
 * devices' page cache either way) in lock-step with the expected bytes (source + plan, the source
 * re-read once for all targets; a target with a plan of its own gets it laid over a copy) and
 * compares them byte for byte: a difference is VERIFY_MISMATCH "at byte N". Reads are whole
 * sectors: the last one is read in full and compared up to the image's end. The SHA-256 of each
 * plan's expected bytes is computed on the way; for a device that matched, it is the SHA-256 of
 * what the device holds.
 */
export async function verifyAll(
  image: string,
  plan: PatchPlan,
  targets: VerifyTarget[],
  signal: AbortSignal,
  emit: (e: WriteEvent) => void,
  measuredSourceSha256?: string | null,
): Promise<VerifyOutcome> {
  const total = plan.imageSize;
  const failed = new Map<string, FlintError>();
  const open = new Map<string, OpenDevice>();
  for (const t of targets) {
    try {
      const io = await t.open();
      open.set(t.device, { io, blocks: [io.buffer(BLOCK_SIZE), io.buffer(BLOCK_SIZE)], meter: new SpeedMeter(), last: 0 });
    } catch (err) {
      failed.set(t.device, err as FlintError);
    }
  }
  const planOf = (t: VerifyTarget) => t.plan ?? plan;
  const plans = [...new Set(targets.map(planOf))];
  const hashes = new Map(plans.map((p) => [p, createHash('sha256')]));
  const only = plans.length === 1 ? plans[0]! : null;
  // with one empty plan the pristine bytes are the expected ones: one hash serves both; the write
  // pass may have measured them already (measuredSourceSha256), or they are not wanted (null: then
  // sourceSha256 holds the first plan's digest and means nothing)
  const pristine = measuredSourceSha256 !== undefined || (only && only.writes.length === 0) ? undefined : createHash('sha256');
  // two sets of buffers: block k+1 is read (devices and source) while block k is hashed and compared
  const expected = [Buffer.allocUnsafeSlow(BLOCK_SIZE), Buffer.allocUnsafeSlow(BLOCK_SIZE)];
  // several plans: `expected` holds the pristine block, each plan is laid over a copy in `scratch`
  const scratch = only ? null : Buffer.allocUnsafeSlow(BLOCK_SIZE);
  const live = () => targets.filter((t) => open.has(t.device) && !failed.has(t.device));
  const src = await PlannedSource.open(image, only ?? { imageSize: total, writes: [] });
  /** Starts reading block `pos` into buffer set `k`: the source (fed to `pristine` in order) and every live device. */
  const readBlock = (pos: number, k: number) => {
    const len = Math.min(BLOCK_SIZE, total - pos);
    const reads = live().map((t) => {
      const o = open.get(t.device)!;
      return o.io.read(o.blocks[k], 0, alignUp(len, o.io.sectorSize), pos).then(
        () => ({ t, o, k }),
        (err) => {
          failed.set(t.device, err as FlintError);
          return null;
        },
      );
    });
    const source = src.readInto(expected[k], pos, len, pristine);
    source.catch(() => undefined); // awaited in turn; this only keeps an early failure from going unhandled
    return { pos, len, k, source, reads: Promise.all(reads) };
  };
  let next: ReturnType<typeof readBlock> | null = null;
  try {
    if (total > 0 && live().length > 0) next = readBlock(0, 0);
    while (next && !signal.aborted) {
      const cur = next;
      next = null;
      // the device reads settle (they never reject) before a source error ends the pass
      const settled = await cur.reads;
      await cur.source;
      const { pos, len, k } = cur;
      if (pos + len < total && live().length > 0 && !signal.aborted) next = readBlock(pos + len, 1 - k);
      for (const p of plans) {
        let want = expected[k].subarray(0, len);
        if (scratch && p.writes.some((w) => w.offset < pos + len && w.offset + w.bytes.length > pos)) {
          expected[k].copy(scratch, 0, 0, len);
          want = scratch.subarray(0, len);
          applyPlanToChunk(p, want, pos);
        }
        hashes.get(p)!.update(want);
        compareBlock(
          settled.filter((r) => r !== null && planOf(r.t) === p && !failed.has(r.t.device)),
          want,
          pos,
          total,
          failed,
          emit,
        );
      }
      if (live().length === 0) break;
    }
  } finally {
    // a read started ahead must end before its descriptor is closed
    if (next) await Promise.allSettled([next.source, next.reads]);
    await src.close();
    for (const o of open.values()) o.io.close();
  }
  if (signal.aborted) {
    for (const t of live()) {
      failed.set(
        t.device,
        codedError(
          ERROR_CODES.WRITE_CANCELLED,
          { device: t.device, stage: 'verifying', wiped: false },
          `verifying ${t.device} was cancelled; the stick was fully written but not verified`,
        ),
      );
    }
  }
  const digests = new Map(plans.map((p) => [p, hashes.get(p)!.digest('hex')]));
  const sha256 = new Map(targets.map((t) => [t.device, digests.get(planOf(t))!]));
  return { sha256, sourceSha256: measuredSourceSha256 ?? pristine?.digest('hex') ?? digests.get(plans[0]!)!, failed };
}

/** An open device during the read-back. */
interface OpenDevice {
  io: DeviceIo;
  /** Two read buffers, used in turn. */
  blocks: [Buffer, Buffer];
  meter: SpeedMeter;
  last: number;
}

/** Compares the blocks read from devices with `want`; a difference fails that device with its offset. */
function compareBlock(
  reads: ({ t: VerifyTarget; o: OpenDevice; k: number } | null)[],
  want: Buffer,
  pos: number,
  total: number,
  failed: Map<string, FlintError>,
  emit: (e: WriteEvent) => void,
): void {
  const len = want.length;
  for (const r of reads) {
    if (!r) continue;
    const got = r.o.blocks[r.k].subarray(0, len);
    if (!got.equals(want)) {
      let i = 0;
      while (got[i] === want[i]) i++;
      failed.set(
        r.t.device,
        codedError(
          ERROR_CODES.WRITE_VERIFY_MISMATCH,
          { device: r.t.device, offset: pos + i },
          `verification failed: ${r.t.device} holds different bytes at byte ${pos + i}; the stick may be failing or counterfeit`,
        ),
      );
      continue;
    }
    const now = Date.now();
    const speed = r.o.meter.update(pos + len);
    if (now - r.o.last >= 250 || pos + len >= total) {
      r.o.last = now;
      emit({
        type: 'progress',
        device: r.t.device,
        phase: 'verify',
        bytes: pos + len,
        total,
        ...(speed > 0 ? { speed: Math.round(speed) } : {}),
      });
    }
  }
}

/**
 * A ByteSource over the first `size` bytes of a device that reads only whole sectors: a request
 * for any range reads the sectors covering it and returns the asked bytes (rdisk and
 * PhysicalDrive refuse anything else). The last sector read is cached, since the ISO readers ask
 * for small neighbouring ranges.
 */
export function sectorSource(io: DeviceIo, size: number): ByteSource {
  const ss = io.sectorSize;
  let cache: { start: number; data: Buffer } | null = null;
  return {
    size,
    async read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > size) {
        throw new FlintError('READ_OUT_OF_BOUNDS', `reading ${length} bytes at ${offset} runs past the ${size}-byte image on ${io.device}`);
      }
      if (cache && offset >= cache.start && offset + length <= cache.start + cache.data.length) {
        return new Uint8Array(cache.data.subarray(offset - cache.start, offset - cache.start + length));
      }
      const start = alignDown(offset, ss);
      const end = alignUp(offset + length, ss);
      const buf = io.buffer(Math.max(end - start, ss));
      await io.read(buf, 0, end - start, start);
      cache = { start, data: buf.subarray(0, end - start) };
      return new Uint8Array(buf.subarray(offset - start, offset - start + length));
    },
  };
}

/**
 * Reads the Ignition config embedded in the image now on the device and returns its SHA-256 (the
 * proof the stick carries the config); null when the image embeds none. `problem` says why it
 * could not be read (then sha256 is null too).
 */
export async function readBackIgnition(open: () => Promise<DeviceIo>, size: number): Promise<{ sha256: string | null; problem?: string }> {
  let io: DeviceIo;
  try {
    io = await open();
  } catch (err) {
    return { sha256: null, problem: `no Ignition config could be read back: ${(err as Error).message}` };
  }
  try {
    const ign = await readEmbeddedIgnition(sectorSource(io, size));
    return { sha256: ign ? createHash('sha256').update(ign).digest('hex') : null };
  } catch (err) {
    return { sha256: null, problem: `no Ignition config could be read back: ${(err as Error).message}` };
  } finally {
    io.close();
  }
}
