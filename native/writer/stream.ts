import { createReadStream } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { FlintError } from '../../electron/core/errors';
import { planTransform, type PatchPlan } from '../../electron/core/iso/plan';
import { SpeedMeter } from '../../electron/core/progress';
import { WriteErrorCode } from '../../electron/core/write/codes';
import type { WriteEvent } from '../../electron/core/write/events';
import { BLOCK_SIZE } from './aligned';
import { asFlint, type TargetWriter } from './target';

/** A target in the fan-out: its writer and, once it failed, its error. */
export interface LiveTarget {
  device: string;
  raw: string;
  writer: TargetWriter;
  meter: SpeedMeter;
  lastEmit: number;
  error?: FlintError;
}

/** What the write pass learned: hashes of what was meant to be written, per block and in all. */
export interface WrittenDigest {
  sha256: string;
  blockHashes: string[];
}

/** Test hooks, honoured only when FLINT_TEST_HOOKS=1. */
export function testHook(name: string): string | undefined {
  return process.env.FLINT_TEST_HOOKS === '1' ? process.env[name] : undefined;
}

const PROGRESS_MS = 250;

/**
 * Reads the source once, lays the plan over it (planTransform, no temporary copy) and writes it
 * block by block to every live target in lock-step. A failing target is dropped and the others go
 * on; when every target failed the source is no longer read. Returns null when cancelled.
 */
export async function writeAll(
  image: string,
  plan: PatchPlan,
  targets: LiveTarget[],
  signal: AbortSignal,
  emit: (e: WriteEvent) => void,
): Promise<WrittenDigest | null> {
  const total = plan.imageSize;
  const source = createReadStream(image, { highWaterMark: BLOCK_SIZE });
  const customized = planTransform(plan);
  source.on('error', (err) => customized.destroy(new FlintError(WriteErrorCode.SOURCE_ERROR, `reading ${image}`, [err.message])));
  source.pipe(customized);
  const onAbort = () => customized.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  const delay = Number(testHook('FLINT_TEST_BLOCK_DELAY_MS') ?? 0);

  const whole = createHash('sha256');
  const blockHashes: string[] = [];
  let blockHash: Hash = createHash('sha256');
  let fill = 0;
  let seen = 0;
  const live = () => targets.filter((t) => !t.error);

  const flush = async (length: number) => {
    blockHashes.push(blockHash.digest('hex'));
    blockHash = createHash('sha256');
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    await Promise.all(
      live().map(async (t) => {
        try {
          await t.writer.writeBlock(length, t.raw);
        } catch (err) {
          t.error = asFlint(err);
          return;
        }
        progress(t, emit, total, false);
      }),
    );
  };

  try {
    for await (const chunk of customized as AsyncIterable<Buffer>) {
      if (signal.aborted) break;
      whole.update(chunk);
      let off = 0;
      while (off < chunk.length) {
        const n = Math.min(chunk.length - off, BLOCK_SIZE - fill);
        const part = chunk.subarray(off, off + n);
        blockHash.update(part);
        for (const t of live()) part.copy(t.writer.block, fill);
        fill += n;
        off += n;
        seen += n;
        if (fill === BLOCK_SIZE) {
          await flush(fill);
          fill = 0;
          if (live().length === 0 || signal.aborted) break;
        }
      }
      if (live().length === 0 || signal.aborted) break;
    }
    if (signal.aborted) return null;
    if (live().length > 0 && fill > 0) await flush(fill);
  } catch (err) {
    if (signal.aborted) return null;
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
    source.destroy();
    customized.destroy();
  }
  if (live().length > 0 && seen !== total) {
    throw new FlintError(WriteErrorCode.SOURCE_ERROR, `${image} ended after ${seen} bytes, expected ${total}`);
  }
  return { sha256: whole.digest('hex'), blockHashes };
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
