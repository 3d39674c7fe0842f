/**
 * Who runs a write (or restore) job: the writer engine in this process (a caller that already has the rights
 * to write raw devices, e.g. `sudo flint burn` or `flint ui` as root), or the privileged helper
 * started elevated (an unprivileged caller). The flash job takes either, or a test stand-in,
 * through this one interface.
 */
import type { WriteEvent, TargetResult } from './events';
import { isRestoreJob, type WriterJob } from './restore/job';
import { runRestoreJob } from './restore/run';
import { helperWriter, type HelperWriterOptions } from './helper-writer';
import { isPrivileged } from './elevate';
import { runJob } from './engine/run';
import { platformOps, type PlatformOps } from './os/platform';
import { testHook } from './engine/hooks';

/** The outcome of a write run: one result per target, in job order. */
export interface WriterRun {
  results: TargetResult[];
  cancelled: boolean;
  /** SHA-256 of the pristine image, when the verify pass read all of it. */
  sourceSha256?: string;
}

/** Hooks of a write run. */
export interface WriterHooks {
  signal?: AbortSignal;
  /** Every event of the run (the helper's JSON lines, or the in-process engine's events). */
  onEvent?: (e: WriteEvent) => void;
}

/** Runs write jobs. Throws FlintError when nothing could be written at all (not authorized, bad job). */
export interface WriterLauncher {
  /** `in-process` or `helper` (reports, logs). */
  readonly kind: 'in-process' | 'helper' | 'test';
  run(job: WriterJob, hooks?: WriterHooks): Promise<WriterRun>;
}

/** The writer engine in this process (needs the rights to open raw devices). */
export function inProcessWriter(ops?: PlatformOps): WriterLauncher {
  return {
    kind: 'in-process',
    async run(job, hooks = {}) {
      const emit = hooks.onEvent ?? (() => undefined);
      const signal = hooks.signal ?? new AbortController().signal;
      emit({
        type: 'start',
        pid: process.pid,
        devices: job.targets.map((t) => t.device),
        imageSize: isRestoreJob(job) ? 0 : job.plan.imageSize,
      });
      const out = isRestoreJob(job)
        ? await runRestoreJob(job, ops ?? platformOps(), signal, emit)
        : await runJob(job, ops ?? platformOps(), signal, emit);
      emit({ type: 'done', ...out });
      return out;
    },
  };
}

/**
 * The writer for this process: in-process when it already may write raw devices (root), else the
 * elevated helper. Tests may force one with FLINT_WRITER=in-process|helper (test hooks only).
 */
export function defaultWriter(helper: HelperWriterOptions = {}): WriterLauncher {
  const forced = testHook('FLINT_WRITER');
  if (forced === 'helper') return helperWriter(helper);
  if (forced === 'in-process') return inProcessWriter();
  return isPrivileged() ? inProcessWriter() : helperWriter(helper);
}
