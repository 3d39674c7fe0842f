import type { Hash } from 'node:crypto';
import type { FlintError } from '../../errors';
import { applyPlanToChunk, type PatchPlan } from '../../iso/plan';
import type { SpeedMeter } from '../../progress';
import type { WriteEvent } from '../events';
import { BLOCK_SIZE } from './aligned';
import { numericHook } from './hooks';
import { asFlint } from './io-errors';
import { PlannedSource } from './planned-source';
import type { TargetWriter } from './target-writer';

/** A target in the fan-out: its writer and, once it failed, its error. */
export interface LiveTarget {
  device: string;
  /** A plan of its own instead of the job's (one config per stick). */
  plan?: PatchPlan;
  writer: TargetWriter;
  meter: SpeedMeter;
  lastEmit: number;
  error?: FlintError;
  /** Offset of the block whose write failed (the lowest one when two were in flight). */
  errorAt?: number;
}

const PROGRESS_MS = 250;

/**
 * Reads the image once and writes it block by block to every live target in lock-step, with two
 * blocks in flight per target: block k+1 is read from the source while block k is being written.
 * The source is read into the first live target's buffer and copied to the others, then each
 * target's plan is laid over its own copy (one source read for sticks that each carry their own
 * config). A failing target is dropped and the others go on; when every target failed the source
 * is no longer read. `pristine` is fed the image's own bytes on the way (the verify pass then
 * needs not hash them again); it holds the whole image only when this returns true. Returns false
 * when cancelled.
 */
export async function writeAll(
  image: string,
  plan: PatchPlan,
  targets: LiveTarget[],
  signal: AbortSignal,
  emit: (e: WriteEvent) => void,
  pristine?: Hash,
): Promise<boolean> {
  const total = plan.imageSize;
  const delay = numericHook('FLINT_TEST_BLOCK_DELAY_MS') ?? 0;
  const live = () => targets.filter((t) => !t.error);
  const slots = Math.min(...targets.map((t) => t.writer.blocks.length));
  const inFlight: (Promise<void> | null)[] = new Array(slots).fill(null);
  const shared = targets.every((t) => (t.plan ?? plan) === plan);
  // one plan for all: laid over while reading; several: the pristine bytes, each plan on its copy
  const src = await PlannedSource.open(image, shared ? plan : { imageSize: total, writes: [] });
  try {
    for (let pos = 0, k = 0; pos < total; pos += BLOCK_SIZE, k++) {
      const slot = k % slots;
      const prev = inFlight[slot];
      inFlight[slot] = null;
      if (prev) await prev;
      if (signal.aborted) break;
      const now = live();
      if (now.length === 0) break;
      const len = Math.min(BLOCK_SIZE, total - pos);
      const first = now[0].writer.blocks[slot];
      await src.readInto(first, pos, len, pristine);
      for (const t of now.slice(1)) first.copy(t.writer.blocks[slot], 0, 0, len);
      if (!shared) for (const t of now) applyPlanToChunk(t.plan ?? plan, t.writer.blocks[slot].subarray(0, len), pos);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (signal.aborted) break;
      const at = pos;
      inFlight[slot] = Promise.all(
        now.map((t) =>
          t.writer.writeBlock(slot, len).then(
            () => progress(t, emit, total, false),
            (err) => {
              if (t.errorAt === undefined || at < t.errorAt) {
                t.error = asFlint(err);
                t.errorAt = at;
              }
            },
          ),
        ),
      ).then(() => undefined);
    }
  } finally {
    await Promise.all(inFlight.filter((p) => p !== null));
    await src.close();
  }
  if (signal.aborted) return false;
  for (const t of live()) progress(t, emit, total, true);
  return true;
}

/** Emits a progress line for a target (throttled unless `force`). */
export function progress(t: LiveTarget, emit: (e: WriteEvent) => void, total: number, force: boolean): void {
  const now = Date.now();
  const bytes = t.writer.durable;
  const speed = t.meter.update(bytes);
  if (!force && now - t.lastEmit < PROGRESS_MS && bytes < total) return;
  t.lastEmit = now;
  emit({ type: 'progress', device: t.device, phase: 'write', bytes, total, ...(speed > 0 ? { speed: Math.round(speed) } : {}) });
}
