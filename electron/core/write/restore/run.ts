/**
 * The restore engine: makes each target of a restore job a normal drive again, one after the
 * other, with the writer's safety steps: a fresh listing and the one set of target rules right
 * before touching a drive (still the drive the user saw, not a system disk, not read-only), every
 * volume unmounted, then the per-OS steps. Runs in-process (root) or inside the elevated helper,
 * like the write engine, and reports through the same events and results.
 */
import { ERROR_CODES, type RestoreStep } from '../../../contract/error-codes';
import { codedError, toErrorValue, type FlintError } from '../../errors';
import { recheckTarget } from '../../drives/target-safety';
import { defaultProtectedPaths } from '../../drives/system';
import type { Drive } from '../../drives/types';
import type { TargetResult, WriteEvent, WritePhase } from '../events';
import type { JobOutcome } from '../engine/run';
import { asFlint } from '../engine/io-errors';
import type { PlatformOps } from '../os/platform';
import { restoreDarwin } from './darwin';
import type { RestoreJob } from './job';
import { restoreLinux } from './linux';
import { restoreLayout, type RestoredVolume, type RestoreLayout } from './plan';
import { restoreWin32 } from './win32';

/** The per-OS steps after the target is checked and unmounted. */
export type Restorer = (
  drive: Drive,
  layout: RestoreLayout,
  onStep: (step: RestoreStep) => void,
  signal?: AbortSignal,
) => Promise<RestoredVolume>;

/** The restorer of a platform. */
export function restorerFor(platform: string = process.platform): Restorer {
  if (platform === 'darwin') return restoreDarwin;
  if (platform === 'win32') return restoreWin32;
  if (platform === 'linux') return restoreLinux;
  throw codedError(ERROR_CODES.WRITE_UNSUPPORTED_PLATFORM, { platform }, `restoring drives is not supported on ${platform}`);
}

function ended(device: string, ending: TargetResult['ending'], error: FlintError, writeMs?: number): TargetResult {
  return {
    device,
    ok: false,
    ending,
    bytesWritten: 0,
    ...(ending === 'failed' ? { failedAt: 0 } : {}),
    error: toErrorValue(error),
    verified: false,
    ignitionSha256: null,
    warnings: [],
    timings: writeMs !== undefined ? { writeMs } : {},
  };
}

const cancelled = (device: string, touched: boolean) =>
  codedError(
    ERROR_CODES.WRITE_CANCELLED,
    { device, stage: touched ? 'writing' : 'before-write', wiped: false },
    touched
      ? `restoring ${device} was cancelled after it was erased; restore it again to get a usable drive`
      : `restoring ${device} was cancelled before it started; the stick was not touched`,
  );

/**
 * Runs a restore job: each target checked on a fresh listing, unmounted, erased, partitioned,
 * formatted and read back. One failing target does not stop the others. A result's `restored`
 * names the partition and file system that were read back.
 */
export async function runRestoreJob(
  job: RestoreJob,
  ops: PlatformOps,
  signal: AbortSignal,
  emit: (e: WriteEvent) => void,
  restore: Restorer = restorerFor(),
): Promise<JobOutcome> {
  const results: TargetResult[] = [];
  const finish = (r: TargetResult) => {
    results.push(r);
    emit({ type: 'target-done', result: r });
  };
  const drives = await ops.listDrives(defaultProtectedPaths());
  for (const id of job.targets) {
    const device = id.device;
    if (signal.aborted) {
      finish(ended(device, 'cancelled-before-write', cancelled(device, false)));
      continue;
    }
    let touched = false;
    const t0 = performance.now();
    const step = (phase: WritePhase) => emit({ type: 'progress', device, phase, bytes: 0, total: 0 });
    try {
      step('check');
      const { drive, warnings } = recheckTarget(id, drives, { imageSize: 0, allowLoop: job.allowLoop });
      const layout = restoreLayout(drive.size, job.label);
      step('unmount');
      for (const note of await ops.prepare(drive)) emit({ type: 'log', device, message: note });
      const volume = await restore(
        drive,
        layout,
        (s) => {
          touched = true;
          step(s);
        },
        signal,
      );
      emit({ type: 'log', device, message: `made ${volume.filesystem} "${volume.label}" on ${volume.partition}` });
      finish({
        device,
        ok: true,
        ending: 'verified',
        bytesWritten: 0,
        verified: true,
        ignitionSha256: null,
        warnings,
        timings: { writeMs: Math.round(performance.now() - t0) },
        restored: volume,
      });
    } catch (err) {
      const ms = Math.round(performance.now() - t0);
      if (signal.aborted) finish(ended(device, touched ? 'cancelled-partial' : 'cancelled-before-write', cancelled(device, touched), ms));
      else finish(ended(device, touched ? 'failed' : 'not-written', asFlint(err), ms));
    }
  }
  return { results, cancelled: signal.aborted };
}
