import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { FlintError } from '../errors';
import { applyPlanInPlace, applyPlanToCopy, planTransform, type PatchPlan } from './plan';

/** Where a modified image goes: in place (undefined), a new file, or `-` for a stream. */
export type OutputTarget = undefined | string;

/** Options of writePlanOutput. */
export interface OutputOptions {
  /** The stream used for `-` (default process.stdout). */
  stdout?: Writable & { isTTY?: boolean };
  signal?: AbortSignal;
}

/** Refuses to stream an image to a terminal (coreos-installer wording). */
export function checkStdoutTarget(stdout: { isTTY?: boolean }): void {
  if (stdout.isTTY) throw new FlintError('OUTPUT_TTY', 'Refusing to write binary data to terminal');
}

/**
 * Applies a plan to `input` in one of the three output modes (docs/live-iso-format.md §8.3): in place, to a new
 * file (fast OS copy, no overwrite), or streamed (`-`) through planTransform. All three give
 * identical bytes.
 */
export async function writePlanOutput(
  input: string,
  planOrPromise: PatchPlan | Promise<PatchPlan>,
  output: OutputTarget,
  opts: OutputOptions = {},
): Promise<void> {
  opts.signal?.throwIfAborted();
  if (output !== undefined && output !== '-') {
    if (
      await access(output).then(
        () => true,
        () => false,
      )
    ) {
      Promise.resolve(planOrPromise).catch(() => undefined); // the first error wins; no unhandled rejection
      throw new FlintError('OUTPUT_EXISTS', `persisting output file to ${output}`, ['File exists (os error 17)']);
    }
    // the copy starts while the plan is still being computed (see applyPlanToCopy)
    return applyPlanToCopy(input, output, planOrPromise);
  }
  const plan = await planOrPromise;
  if (output === undefined) return applyPlanInPlace(input, plan);
  if (output === '-') {
    const out = opts.stdout ?? process.stdout;
    checkStdoutTarget(out);
    await pipeline(createReadStream(input, { highWaterMark: 1 << 20 }), planTransform(plan), out, {
      signal: opts.signal,
      end: out !== process.stdout,
    });
  }
}
