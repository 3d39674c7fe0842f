import { openSync, closeSync, readSync, writeSync, fsyncSync, constants as C } from 'node:fs';
import { SpeedMeter } from '../../electron/core/progress';
import { toErrorValue } from '../../electron/core/errors';
import type { Drive } from '../../electron/core/drives/types';
import { defaultProtectedPaths } from '../../electron/core/drives/system';
import type { WriteJob } from '../../electron/core/write/job';
import type { TargetResult, WriteEvent } from '../../electron/core/write/events';
import { cancelledError } from './errors';
import type { PlatformOps } from './platform';
import { preflight } from './preflight';
import { progress, testHook, writeAll, type LiveTarget } from './stream';
import { asFlint, TargetWriter } from './target';
import { readBackIgnition, verifyAll } from './verify';
import { FlintError } from '../../electron/core/errors';
import { WriteErrorCode } from '../../electron/core/write/codes';

/** Outcome of a job: one result per target. */
export interface JobOutcome {
  results: TargetResult[];
  cancelled: boolean;
}

type Emit = (e: WriteEvent) => void;

/**
 * Runs a write job: re-checks and prepares every target, writes the source once to all of them,
 * then flushes, re-reads partition tables, verifies past the page cache and reads the Ignition
 * config back, each target on its own (one failing stick does not stop the others).
 */
export async function runJob(job: WriteJob, ops: PlatformOps, signal: AbortSignal, emit: Emit): Promise<JobOutcome> {
  const total = job.plan.imageSize;
  const results = new Map<string, TargetResult>();
  const finish = (r: TargetResult) => {
    results.set(r.device, r);
    emit({ type: 'target-done', result: r });
  };
  const fail = (device: string, err: unknown, bytesWritten = 0) =>
    finish({ device, ok: false, error: toErrorValue(asFlint(err)), bytesWritten });

  const ctx = defaultProtectedPaths([{ path: job.image, reason: 'holds the source image' }]);
  const drives = await ops.listDrives(ctx);
  const live: (LiveTarget & { drive: Drive; warnings: string[] })[] = [];
  for (const id of job.targets) {
    try {
      emit({ type: 'progress', device: id.device, phase: 'check', bytes: 0, total });
      const { drive, warnings } = preflight(id, drives, { imageSize: total, allowLoop: job.allowLoop });
      emit({ type: 'progress', device: id.device, phase: 'unmount', bytes: 0, total });
      for (const note of await ops.prepare(drive)) emit({ type: 'log', device: id.device, message: note });
      const writer = TargetWriter.open(drive.device, drive.raw, ops.openOptions(drive));
      emit({ type: 'log', device: id.device, message: `writing in ${writer.mode} mode` });
      live.push({
        device: id.device,
        raw: drive.raw,
        writer,
        meter: new SpeedMeter(),
        lastEmit: 0,
        drive,
        warnings: warnings.map((w) => w.message),
      });
    } catch (err) {
      fail(id.device, err);
    }
  }

  let completed = false;
  if (live.length > 0 && !signal.aborted) {
    try {
      completed = await writeAll(job.image, job.plan, live, signal, emit);
    } catch (err) {
      for (const t of live) t.error ??= asFlint(err);
    }
  }
  if (signal.aborted || (!completed && live.some((t) => !t.error))) {
    for (const t of live) {
      const wiped = t.writer.pos > 0 ? await t.writer.wipeStart() : false;
      t.writer.close();
      if (!results.has(t.device)) fail(t.device, t.error ?? cancelledError(t.device, wiped), t.writer.durable);
    }
    return { results: order(job, results), cancelled: true };
  }
  for (const t of live.filter((x) => x.error)) {
    emit({ type: 'progress', device: t.device, phase: 'wipe', bytes: 0, total });
    const wiped = await t.writer.wipeStart();
    t.writer.close();
    const e = t.error!;
    fail(t.device, wiped ? new FlintError(e.code, e.message, [...e.causes, 'its first MiB was wiped']) : e, t.writer.durable);
  }

  // Flush and close every written target, let the OS re-read it, drop its cached blocks.
  const written: Written[] = [];
  await Promise.all(
    live
      .filter((t) => !t.error)
      .map(async (t) => {
        try {
          written.push({ ...t, warnings: [...t.warnings, ...(await settle(t, ops, emit, total))] });
        } catch (err) {
          fail(t.device, err, t.writer.durable);
        }
      }),
  );
  let sha256: string | undefined;
  if (job.verify && written.length > 0) {
    try {
      const v = await verifyAll(job.image, job.plan, written, signal, emit);
      sha256 = v.sha256;
      for (const [device, err] of v.failed) fail(device, err, written.find((w) => w.device === device)!.writer.pos);
    } catch (err) {
      for (const w of written) fail(w.device, err, w.writer.pos);
    }
  }
  const remaining = written.filter((w) => !results.has(w.device));
  await Promise.all(remaining.map((t) => finishTarget(t, job, ops, sha256, emit).then(finish, (err) => fail(t.device, err, t.writer.pos))));
  return { results: order(job, results), cancelled: signal.aborted };
}

type Written = LiveTarget & { drive: Drive; warnings: string[] };

/** fdatasync, close, re-read the partition table, drop the page cache; returns warnings. */
async function settle(t: Written, ops: PlatformOps, emit: Emit, total: number): Promise<string[]> {
  emit({ type: 'progress', device: t.device, phase: 'flush', bytes: 0, total });
  try {
    await t.writer.sync();
    if (t.writer.mode === 'sync') progress(t, emit, total, true);
    emit({ type: 'progress', device: t.device, phase: 'flush', bytes: t.writer.pos, total });
    corruptForTest(t.drive.raw);
  } finally {
    t.writer.close();
  }
  const warnings = await ops.afterWrite(t.drive);
  await ops.dropCache(t.drive);
  return warnings;
}

/** Reads the Ignition config back and ejects one written (and verified) target. */
async function finishTarget(t: Written, job: WriteJob, ops: PlatformOps, sha256: string | undefined, emit: Emit): Promise<TargetResult> {
  const total = job.plan.imageSize;
  const warnings = [...t.warnings];
  emit({ type: 'progress', device: t.device, phase: 'ignition', bytes: 0, total });
  const ign = await readBackIgnition(t.drive.raw, total);
  if (ign.note) warnings.push(ign.note);
  if (job.expectIgnitionSha256 && ign.sha256 !== job.expectIgnitionSha256) {
    throw new FlintError(
      WriteErrorCode.IGNITION_MISMATCH,
      `the Ignition config read back from ${t.device} is not the one that was written; the stick may be failing`,
      [`expected sha256 ${job.expectIgnitionSha256}, read ${ign.sha256 ?? 'none'}`],
    );
  }
  if (job.eject) {
    emit({ type: 'progress', device: t.device, phase: 'eject', bytes: 0, total });
    emit({ type: 'log', device: t.device, message: await ops.eject(t.drive) });
  }
  return {
    device: t.device,
    ok: true,
    bytesWritten: t.writer.pos,
    ...(sha256 ? { sha256 } : {}),
    verified: job.verify,
    ignitionSha256: ign.sha256,
    warnings,
  };
}

/** Test hook (FLINT_TEST_HOOKS=1, FLINT_TEST_CORRUPT_AT=offset): flips one byte on the device after writing. */
function corruptForTest(raw: string): void {
  const at = testHook('FLINT_TEST_CORRUPT_AT');
  if (at === undefined) return;
  const fd = openSync(raw, C.O_RDWR);
  try {
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, Number(at));
    b[0] ^= 0xff;
    writeSync(fd, b, 0, 1, Number(at));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function order(job: WriteJob, results: Map<string, TargetResult>): TargetResult[] {
  return job.targets.map((t) => results.get(t.device)).filter((r): r is TargetResult => !!r);
}
