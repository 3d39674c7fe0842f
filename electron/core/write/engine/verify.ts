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
 * Result of the read-back: the SHA-256 of each device's expected bytes when all devices share one
 * plan (none when they differ, see verifyAll), of the pristine image when it was read to the end,
 * and each failing device's error.
 */
export interface VerifyOutcome {
  sha256: Map<string, string>;
  sourceSha256?: string;
  failed: Map<string, FlintError>;
}

/** One block in flight: the devices' reads into their buffers and the source's read into `expected[slot]`. */
interface BlockReads {
  pos: number;
  len: number;
  slot: number;
  reads: Promise<{ t: VerifyTarget; o: OpenDevice } | null>[];
  source: Promise<void>;
}

/**
 * Reads every target back (O_DIRECT on Linux; the raw node elsewhere; the caller has dropped the
 * devices' page cache either way) in lock-step with the expected bytes (source + plan, the source
 * re-read once for all targets; a target with a plan of its own gets it laid over a copy) and
 * compares them byte for byte: a difference is VERIFY_MISMATCH "at byte N". Reads are whole
 * sectors: the last one is read in full and compared up to the image's end. Block k+1 is being
 * read from every device while block k is compared, so the devices stream while the CPU works.
 *
 * Hashing: the pristine image once (unless the write pass measured it: measuredSourceSha256, or it
 * is known: null) and, when every target gets the same bytes, those bytes once
 * (for a device that matched, the SHA-256 of what it holds). Targets with different plans (a
 * fleet, each stick its own config) are compared byte for byte but get no hash of their own:
 * eight sticks would cost eight SHA-256 passes over the whole image, the CPU time that bounded how
 * many sticks one machine writes at once, while the comparison already proves every byte and the
 * config read back from each stick names what differs.
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
  /** Position of the block each failure was found in: a later block's failure does not hide an earlier mismatch. */
  const failedIn = new Map<string, number>();
  const fail = (device: string, err: FlintError, pos: number) => {
    if ((failedIn.get(device) ?? Infinity) <= pos) return;
    failed.set(device, err);
    failedIn.set(device, pos);
  };
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
  // one plan for all: its bytes are hashed (with no writes they are the pristine ones)
  const only = plans.length === 1 ? plans[0]! : null;
  const planHash = only && only.writes.length > 0 ? createHash('sha256') : null;
  // the write pass may have measured the pristine image already (measuredSourceSha256), or it is
  // known (null: a verified download); with one empty plan its hash is still the plan's
  const pristine = measuredSourceSha256 !== undefined && !(only && only.writes.length === 0) ? null : createHash('sha256');
  const expected = [Buffer.allocUnsafeSlow(BLOCK_SIZE), Buffer.allocUnsafeSlow(BLOCK_SIZE)];
  const scratch = Buffer.allocUnsafeSlow(BLOCK_SIZE);
  const live = () => targets.filter((t) => open.has(t.device) && !failed.has(t.device));
  const src = await PlannedSource.open(image, { imageSize: total, writes: [] });
  let checked = 0;

  const start = (pos: number, slot: number): BlockReads => {
    const len = Math.min(BLOCK_SIZE, total - pos);
    const reads = live().map((t) => {
      const o = open.get(t.device)!;
      return o.io.read(o.blocks[slot]!, 0, alignUp(len, o.io.sectorSize), pos).then(
        () => ({ t, o }),
        (err) => {
          fail(t.device, err as FlintError, pos);
          return null;
        },
      );
    });
    const source = src.readInto(expected[slot]!, pos, len);
    // awaited in check(); a failure while the previous block is checked must not go unhandled
    void source.catch(() => undefined);
    return { pos, len, slot, reads, source };
  };

  const check = async (b: BlockReads): Promise<void> => {
    await b.source;
    const settled = await Promise.all(b.reads);
    const pristineBlock = expected[b.slot]!.subarray(0, b.len);
    pristine?.update(pristineBlock);
    for (const p of plans) {
      let want = pristineBlock;
      if (p.writes.some((w) => w.offset < b.pos + b.len && w.offset + w.bytes.length > b.pos)) {
        pristineBlock.copy(scratch, 0, 0, b.len);
        want = scratch.subarray(0, b.len);
        applyPlanToChunk(p, want, b.pos);
      }
      if (p === only) planHash?.update(want);
      compareBlock(
        settled.filter((r) => r !== null && planOf(r.t) === p && (failedIn.get(r.t.device) ?? Infinity) >= b.pos),
        b.slot,
        want,
        b.pos,
        total,
        fail,
        emit,
      );
    }
    checked += b.len;
  };

  // block k is compared while block k+1 is being read; a block leaves the list once compared
  const inFlight: BlockReads[] = [];
  try {
    for (let pos = 0, k = 0; ; pos += BLOCK_SIZE, k++) {
      const more = pos < total && live().length > 0 && !signal.aborted;
      if (more) inFlight.push(start(pos, k % 2));
      if (inFlight.length > (more ? 1 : 0)) {
        await check(inFlight[0]!);
        inFlight.shift();
      }
      if (!more && inFlight.length === 0) break;
    }
  } finally {
    // nothing may still be reading into a buffer when the devices close
    await Promise.allSettled(inFlight.flatMap((b) => [b.source, ...b.reads]));
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
  const pristineSha256 = pristine && checked === total ? pristine.digest('hex') : undefined;
  const sourceSha256 =
    checked !== total ? undefined : measuredSourceSha256 === undefined ? pristineSha256 : (measuredSourceSha256 ?? undefined);
  const planSha256 = !only ? undefined : planHash ? planHash.digest('hex') : pristineSha256;
  const sha256 = new Map<string, string>();
  if (planSha256) for (const t of targets) sha256.set(t.device, planSha256);
  return { sha256, ...(sourceSha256 ? { sourceSha256 } : {}), failed };
}

/** An open device during the read-back: two blocks, one being read while the other is compared. */
interface OpenDevice {
  io: DeviceIo;
  blocks: Buffer[];
  meter: SpeedMeter;
  last: number;
}

/** Compares the blocks read from devices with `want`; a difference fails that device with its offset. */
function compareBlock(
  reads: ({ t: VerifyTarget; o: OpenDevice } | null)[],
  slot: number,
  want: Buffer,
  pos: number,
  total: number,
  fail: (device: string, err: FlintError, pos: number) => void,
  emit: (e: WriteEvent) => void,
): void {
  const len = want.length;
  for (const r of reads) {
    if (!r) continue;
    const got = r.o.blocks[slot]!.subarray(0, len);
    if (!got.equals(want)) {
      let i = 0;
      while (got[i] === want[i]) i++;
      fail(
        r.t.device,
        codedError(
          ERROR_CODES.WRITE_VERIFY_MISMATCH,
          { device: r.t.device, offset: pos + i },
          `verification failed: ${r.t.device} holds different bytes at byte ${pos + i}; the stick may be failing or counterfeit`,
        ),
        pos,
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
