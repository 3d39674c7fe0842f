/**
 * The writer engine: runs one write job on the devices of this machine. The same code runs inside
 * the privileged helper (native/writer/main.ts, for an unprivileged caller) and in-process (a
 * caller that already is root: electron/core/write/writers.ts).
 */
import { ERROR_CODES, WARNING_CODES, type WarningValue } from '../../../contract/error-codes';
import { createHash } from 'node:crypto';
import { FlintError, codedError, toErrorValue, warning } from '../../errors';
import { kernelChanges, recheckTarget, type DriveIdentity } from '../../drives/target-safety';
import { defaultProtectedPaths } from '../../drives/system';
import type { Drive } from '../../drives/types';
import { SpeedMeter } from '../../progress';
import type { WriteJob } from '../job';
import type { TargetEnding, TargetResult, WriteEvent } from '../events';
import type { PlatformOps } from '../os/platform';
import { progress, writeAll, type LiveTarget } from './fan-out';
import { numericHook, pause, testHook } from './hooks';
import { asFlint } from './io-errors';
import { TargetWriter } from './target-writer';
import { readBackIgnition, verifyAll } from './verify';

/** Outcome of a job: one result per target (and the image's SHA-256 when the verify pass read all of it). */
export interface JobOutcome {
  results: TargetResult[];
  cancelled: boolean;
  sourceSha256?: string;
}

type Emit = (e: WriteEvent) => void;
type Live = LiveTarget & {
  drive: Drive;
  warnings: WarningValue[];
  startedAt: number;
  writeMs?: number;
  /** The config this target must carry (its own in a fleet; absent: not checked). */
  expectIgnitionSha256?: string | null;
};

/** A result for a target that ended before, or instead of, being written and verified. */
function ended(
  device: string,
  ending: TargetEnding,
  error: FlintError,
  extra: { bytesWritten?: number; failedAt?: number; wiped?: boolean; writeMs?: number } = {},
): TargetResult {
  const r: TargetResult = {
    device,
    ok: false,
    ending,
    bytesWritten: extra.bytesWritten ?? 0,
    error: toErrorValue(error),
    verified: false,
    ignitionSha256: null,
    warnings: [],
    timings: extra.writeMs !== undefined ? { writeMs: extra.writeMs } : {},
  };
  if (extra.failedAt !== undefined) r.failedAt = extra.failedAt;
  if (extra.wiped !== undefined) r.wiped = extra.wiped;
  return r;
}

const cancelled = (device: string, stage: 'before-write' | 'writing', wiped: boolean) =>
  codedError(
    ERROR_CODES.WRITE_CANCELLED,
    { device, stage, wiped },
    stage === 'before-write'
      ? `writing ${device} was cancelled before it started; the stick was not touched`
      : wiped
        ? `writing ${device} was cancelled; its first MiB was wiped so it cannot pass for a good stick`
        : `writing ${device} was cancelled; it is partly written and will not boot`,
  );

/** The byte offset an error names (I/O errors and mismatches carry one), else `fallback`. */
function offsetOf(err: FlintError, fallback: number): number {
  const o = err.params?.offset;
  return typeof o === 'number' ? o : fallback;
}

/**
 * Runs a write job: re-checks and prepares every target, writes the source once to all of them,
 * then flushes, re-reads partition tables, verifies past the page cache and reads the Ignition
 * config back, each target on its own (one failing stick does not stop the others). Every target
 * gets a result with its ending (see TargetEnding).
 */
export async function runJob(job: WriteJob, ops: PlatformOps, signal: AbortSignal, emit: Emit): Promise<JobOutcome> {
  const total = job.plan.imageSize;
  const results = new Map<string, TargetResult>();
  const finish = (r: TargetResult) => {
    results.set(r.device, r);
    emit({ type: 'target-done', result: r });
  };

  const ctx = defaultProtectedPaths([{ path: job.image, reason: 'holds the source image' }]);
  const drives = await ops.listDrives(ctx);
  const own = new Map((job.perTarget ?? []).map((p) => [p.device, p]));
  const live: Live[] = [];
  for (const id of job.targets) {
    if (signal.aborted) {
      finish(ended(id.device, 'cancelled-before-write', cancelled(id.device, 'before-write', false)));
      continue;
    }
    try {
      emit({ type: 'progress', device: id.device, phase: 'check', bytes: 0, total });
      const { drive, warnings } = recheckTarget(id, drives, { imageSize: total, allowLoop: job.allowLoop });
      emit({ type: 'progress', device: id.device, phase: 'unmount', bytes: 0, total });
      for (const note of await ops.prepare(drive)) emit({ type: 'log', device: id.device, message: note });
      const startedAt = performance.now();
      // test hook: a pause between the checks on the listing and the open, so a swap can land there
      const beforeOpen = numericHook('FLINT_TEST_PAUSE_BEFORE_OPEN_MS');
      if (beforeOpen) await pause(beforeOpen, signal);
      // the listing above is seconds old after unmounting: same device right before opening it,
      // and again once it is open (a swap in between would leave the descriptor on another disk)
      await stillTheSame(id, drive, ops);
      const io = await ops.openDevice(drive, true);
      try {
        await stillTheSame(id, drive, ops);
      } catch (err) {
        io.close();
        throw err;
      }
      const writer = TargetWriter.over(io);
      emit({ type: 'log', device: id.device, message: `writing in ${writer.mode} mode, ${io.sectorSize}-byte sectors` });
      const mine = own.get(id.device);
      const expect = mine ? mine.expectIgnitionSha256 : job.expectIgnitionSha256;
      live.push({
        device: id.device,
        ...(mine ? { plan: mine.plan } : {}),
        ...(expect !== undefined ? { expectIgnitionSha256: expect } : {}),
        writer,
        meter: new SpeedMeter(),
        lastEmit: 0,
        drive,
        warnings,
        startedAt,
      });
    } catch (err) {
      finish(ended(id.device, 'not-written', asFlint(err)));
    }
  }

  // test hook: a pause between the checks and the first byte, so a cancel can land there
  const hold = numericHook('FLINT_TEST_PAUSE_BEFORE_WRITE_MS');
  if (hold && live.length > 0) await pause(hold, signal);

  // The image's own SHA-256 is measured while it is read for writing, where the CPU waits on the
  // devices anyway, instead of as a second hash beside the expected bytes' in the verify pass. It
  // is reported only when every stick then matched the image read again (verifyAll). A job whose
  // image's SHA-256 is known (a verified download) skips it.
  const needsPristine = job.verify && !job.imageSha256Known && (live.some((t) => t.plan) || job.plan.writes.length > 0);
  const pristine = needsPristine ? createHash('sha256') : undefined;
  let completed = false;
  if (live.length > 0 && !signal.aborted) {
    try {
      completed = await writeAll(job.image, job.plan, live, signal, emit, pristine);
    } catch (err) {
      for (const t of live) t.error ??= asFlint(err);
    }
  }
  const writeMs = (t: Live) => Math.round(performance.now() - t.startedAt);
  if (signal.aborted || (!completed && live.some((t) => !t.error))) {
    for (const t of live) {
      if (results.has(t.device)) continue;
      if (t.writer.pos === 0 && !t.error) {
        t.writer.close();
        finish(ended(t.device, 'cancelled-before-write', cancelled(t.device, 'before-write', false)));
        continue;
      }
      const wiped = await t.writer.wipeStart();
      t.writer.close();
      const extra = { bytesWritten: t.writer.durable, wiped, writeMs: writeMs(t) };
      if (t.error) finish(ended(t.device, 'failed', withWipe(t.error, wiped), { ...extra, failedAt: offsetOf(t.error, t.errorAt ?? 0) }));
      else finish(ended(t.device, wiped ? 'cancelled-wiped' : 'cancelled-partial', cancelled(t.device, 'writing', wiped), extra));
    }
    return { results: order(job, results), cancelled: true };
  }
  for (const t of live.filter((x) => x.error)) {
    emit({ type: 'progress', device: t.device, phase: 'wipe', bytes: 0, total });
    const wiped = await t.writer.wipeStart();
    t.writer.close();
    const e = t.error!;
    finish(
      ended(t.device, 'failed', withWipe(e, wiped), {
        bytesWritten: t.writer.durable,
        failedAt: offsetOf(e, t.errorAt ?? 0),
        wiped,
        writeMs: writeMs(t),
      }),
    );
  }

  // Flush and close every written target, let the OS re-read it, drop its cached blocks.
  const written: Live[] = [];
  await Promise.all(
    live
      .filter((t) => !t.error)
      .map(async (t) => {
        try {
          t.warnings = [...t.warnings, ...(await settle(t, ops, emit, total))];
          t.writeMs = writeMs(t);
          written.push(t);
        } catch (err) {
          const e = asFlint(err);
          finish(
            ended(t.device, 'failed', e, { bytesWritten: t.writer.durable, failedAt: offsetOf(e, t.writer.durable), writeMs: writeMs(t) }),
          );
        }
      }),
  );
  let sha256: Map<string, string> | undefined;
  let sourceSha256: string | undefined;
  let verifyMs: number | undefined;
  if (job.verify && written.length > 0) {
    const t0 = performance.now();
    try {
      const targets = written.map((t) => ({
        device: t.device,
        open: () => ops.openDevice(t.drive, false),
        ...(t.plan ? { plan: t.plan } : {}),
      }));
      const v = await verifyAll(job.image, job.plan, targets, signal, emit, job.imageSha256Known ? null : pristine?.digest('hex'));
      sha256 = v.sha256;
      if (!signal.aborted && !job.imageSha256Known) sourceSha256 = v.sourceSha256;
      for (const [device, err] of v.failed) {
        const w = written.find((x) => x.device === device)!;
        const extra = { bytesWritten: w.writer.pos, writeMs: w.writeMs };
        if (err.code === ERROR_CODES.WRITE_CANCELLED) finish(ended(device, 'cancelled-unverified', err, extra));
        else finish(ended(device, 'failed', err, { ...extra, failedAt: offsetOf(err, 0) }));
      }
    } catch (err) {
      const e = asFlint(err);
      for (const w of written) finish(ended(w.device, 'failed', e, { bytesWritten: w.writer.pos, failedAt: 0, writeMs: w.writeMs }));
    }
    verifyMs = Math.round(performance.now() - t0);
  }
  const remaining = written.filter((w) => !results.has(w.device));
  await Promise.all(
    remaining.map((t) =>
      finishTarget(t, job, ops, sha256?.get(t.device), verifyMs, emit).then(finish, (err) => {
        const e = asFlint(err);
        finish(ended(t.device, 'failed', e, { bytesWritten: t.writer.pos, failedAt: offsetOf(e, 0), writeMs: t.writeMs }));
      }),
    ),
  );
  return { results: order(job, results), cancelled: signal.aborted, ...(sourceSha256 ? { sourceSha256 } : {}) };
}

/** Throws WRITE_TARGET_CHANGED when the kernel now names another device than `id` (see PlatformOps.kernelIdentity). */
async function stillTheSame(id: DriveIdentity, drive: Drive, ops: PlatformOps): Promise<void> {
  const now = await ops.kernelIdentity(drive);
  if (!now || !id.kernel) return;
  const changes = kernelChanges(id.kernel, now, Object.keys(now) as (keyof typeof now)[]);
  if (changes.length) {
    throw codedError(
      ERROR_CODES.WRITE_TARGET_CHANGED,
      { device: id.device, changes },
      `${id.device} is no longer the drive you picked (was it swapped?); list drives again`,
      changes,
    );
  }
}

/** The error of a failed target, noting whether its first MiB was wiped. */
function withWipe(e: FlintError, wiped: boolean): FlintError {
  return wiped ? new FlintError(e.code, e.message, [...e.causes, 'its first MiB was wiped'], e.params as Record<string, never>) : e;
}

/** fdatasync, close, re-read the partition table, drop the page cache; returns warnings. */
async function settle(t: Live, ops: PlatformOps, emit: Emit, total: number): Promise<WarningValue[]> {
  emit({ type: 'progress', device: t.device, phase: 'flush', bytes: 0, total });
  try {
    await t.writer.finish();
    // the held first MiB is on the device only now
    progress(t, emit, total, true);
    emit({ type: 'progress', device: t.device, phase: 'flush', bytes: t.writer.pos, total });
    await corruptForTest(t.writer);
  } finally {
    t.writer.close();
  }
  const warnings = await ops.afterWrite(t.drive);
  await ops.dropCache(t.drive);
  return warnings;
}

/** Reads the Ignition config back and ejects one written (and verified) target. */
async function finishTarget(
  t: Live,
  job: WriteJob,
  ops: PlatformOps,
  sha256: string | undefined,
  verifyMs: number | undefined,
  emit: Emit,
): Promise<TargetResult> {
  const total = job.plan.imageSize;
  const warnings = [...t.warnings];
  emit({ type: 'progress', device: t.device, phase: 'ignition', bytes: 0, total });
  const ign = await readBackIgnition(() => ops.openDevice(t.drive, false), total);
  if (ign.problem) warnings.push(warning(WARNING_CODES.NO_CONFIG_READ_BACK, { device: t.device, detail: ign.problem }, ign.problem));
  const expected = t.expectIgnitionSha256;
  if (expected !== undefined && ign.sha256 !== expected) {
    throw codedError(
      ERROR_CODES.WRITE_IGNITION_MISMATCH,
      { device: t.device, expected, found: ign.sha256 },
      `the Ignition config read back from ${t.device} is not the one that was written; the stick may be failing`,
      [`expected sha256 ${expected}, read ${ign.sha256 ?? 'none'}`],
    );
  }
  const r: TargetResult = {
    device: t.device,
    ok: true,
    ending: job.verify ? 'verified' : 'written',
    bytesWritten: t.writer.pos,
    ...(sha256 ? { sha256 } : {}),
    verified: job.verify,
    ignitionSha256: ign.sha256,
    warnings,
    timings: { ...(t.writeMs !== undefined ? { writeMs: t.writeMs } : {}), ...(verifyMs !== undefined ? { verifyMs } : {}) },
  };
  if (job.eject) {
    emit({ type: 'progress', device: t.device, phase: 'eject', bytes: 0, total });
    const out = await ejectTarget(t.drive, ops);
    r.eject = { ejected: out.ejected };
    if (out.warning) warnings.push(out.warning);
    if (out.ejected) emit({ type: 'log', device: t.device, message: `ejected ${t.device}` });
  }
  return r;
}

/** Ejects a written stick; a failure is a warning on a good stick, never a failed stick. */
async function ejectTarget(drive: Drive, ops: PlatformOps): Promise<{ ejected: boolean; warning?: WarningValue }> {
  try {
    if (testHook('FLINT_TEST_EJECT_FAIL')) throw new Error(testHook('FLINT_TEST_EJECT_FAIL'));
    return await ops.eject(drive);
  } catch (err) {
    const detail = ((err as { stderr?: string }).stderr || (err as Error).message || String(err)).trim();
    return {
      ejected: false,
      warning: warning(
        WARNING_CODES.EJECT_FAILED,
        { device: drive.device, detail },
        `${drive.device} was written and verified but could not be ejected: ${detail}`,
      ),
    };
  }
}

/** Test hook (FLINT_TEST_HOOKS=1, FLINT_TEST_CORRUPT_AT=offset): flips one byte on the device after writing (one whole sector rewritten). */
async function corruptForTest(w: TargetWriter): Promise<void> {
  const at = numericHook('FLINT_TEST_CORRUPT_AT');
  if (at === undefined) return;
  const ss = w.io.sectorSize;
  const sector = w.io.buffer(ss);
  const start = at - (at % ss);
  await w.io.read(sector, 0, ss, start);
  sector[at - start] ^= 0xff;
  await w.io.write(sector, 0, ss, start);
  await w.io.sync();
}

function order(job: WriteJob, results: Map<string, TargetResult>): TargetResult[] {
  return job.targets.map((t) => results.get(t.device)).filter((r): r is TargetResult => !!r);
}
