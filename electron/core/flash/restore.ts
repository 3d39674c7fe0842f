/**
 * Restore: makes sticks normal drives again (one partition, FAT32 up to 32 GiB, exFAT above, a
 * label), for every front end (`flint restore`, the app's "Restore stick"). The same two halves and
 * the same safety rules as a flash: `prepareRestore` refuses before anyone confirms (the one set of
 * target rules on a fresh listing, the identity the user saw, a large drive unconfirmed, a bad
 * label); `runRestore` hands the job to the same writer (in-process as root, else the elevated
 * helper), which checks every target once more right before touching it.
 */
import { ERROR_CODES, type WarningValue } from '../../contract/error-codes';
import { codedError, toErrorValue, type FlintError } from '../errors';
import { listAllDrives, systemContext } from '../drives/list';
import { assessTarget, checkIdentity, findTarget, identityOf } from '../drives/target-safety';
import type { Drive } from '../drives/types';
import type { TargetResult } from '../write/events';
import { DEFAULT_LABEL, restoreLayout, type RestoreLayout, type RestoredVolume } from '../write/restore/plan';
import { defaultWriter, type WriterLauncher } from '../write/writers';
import type { FlashEvent, FlashTargetSpec, TargetIdentity } from './types';

/** What to restore. */
export interface RestoreRequest {
  targets: Omit<FlashTargetSpec, 'customization'>[];
  /** Volume label (default USBSTICK); FAT32 labels are stored in upper case. */
  label?: string;
  /** Accept loop devices as targets (tests, image files). */
  allowLoop?: boolean;
  /** See TargetRules.confirmLarge: absent, large drives are a warning; false, they are refused. */
  confirmLarge?: boolean;
}

/** A checked target: the drive as listed now, what it will become, and its warnings. */
export interface PreparedRestoreTarget {
  drive: Drive;
  layout: RestoreLayout;
  warnings: WarningValue[];
}

/** A checked restore, ready to be confirmed and run: nothing has been touched yet. */
export interface PreparedRestore {
  request: RestoreRequest;
  targets: PreparedRestoreTarget[];
}

/** What happened to one drive. */
export interface RestoreTargetResult {
  target: TargetIdentity;
  ok: boolean;
  /** `verified` (the new file system read back), or how it stopped (see FlashEnding). */
  ending: TargetResult['ending'];
  /** What the drive was to become. */
  layout: RestoreLayout;
  /** The partition and file system made, as read back. */
  restored?: RestoredVolume;
  error?: TargetResult['error'];
  warnings: WarningValue[];
  timings: TargetResult['timings'];
}

/** The report of a restore: one JSON document, the same from every front end. */
export interface RestoreReport {
  ok: boolean;
  cancelled: boolean;
  writer: string;
  targets: RestoreTargetResult[];
  startedAt: string;
  finishedAt: string;
}

/** Hooks of the preparation and the run. */
export interface RestoreHooks {
  signal?: AbortSignal;
  onEvent?: (e: FlashEvent | { type: 'restore-done'; result: RestoreTargetResult }) => void;
  /** Lists the drives (default: this machine's). Tests and the app may replace it. */
  listDrives?: () => Promise<Drive[]>;
  /** Who does the work (default: in-process when privileged, else the elevated helper). */
  writer?: WriterLauncher;
}

/**
 * Checks every target and the label: a drive that is missing, given twice, swapped since it was
 * seen, a system disk, read-only, a loop device without the option, or large and unconfirmed is
 * refused here with its catalogued error. Nothing is written.
 */
export async function prepareRestore(req: RestoreRequest, hooks: Pick<RestoreHooks, 'listDrives'> = {}): Promise<PreparedRestore> {
  if (req.targets.length === 0) throw codedError(ERROR_CODES.FLASH_NO_TARGET, {}, 'No target device given');
  const drives = await (hooks.listDrives ?? (() => listAllDrives(systemContext())))();
  const seen = new Set<string>();
  const targets = req.targets.map((spec) => {
    const drive = findTarget(spec.device, drives);
    if (seen.has(drive.device))
      throw codedError(ERROR_CODES.WRITE_TARGET_TWICE, { device: drive.device }, `${drive.device} is given twice`);
    seen.add(drive.device);
    if (spec.seen) checkIdentity(spec.seen, drive);
    const a = assessTarget(drive, { imageSize: 0, allowLoop: req.allowLoop ?? false, confirmLarge: req.confirmLarge });
    if (a.refusal) throw a.refusal;
    return { drive, layout: restoreLayout(drive.size, req.label ?? DEFAULT_LABEL), warnings: a.warnings };
  });
  return { request: req, targets };
}

function identity(d: Drive): TargetIdentity {
  return { ...identityOf(d), description: d.description };
}

/** Runs a prepared restore; never throws for what happens to a drive (each has its own ending). */
export async function runRestore(prepared: PreparedRestore, hooks: RestoreHooks = {}): Promise<RestoreReport> {
  const startedAt = new Date().toISOString();
  const writer = hooks.writer ?? defaultWriter();
  const emit = hooks.onEvent ?? (() => undefined);
  const byDevice = new Map(prepared.targets.map((t) => [t.drive.device, t]));
  const results = new Map<string, RestoreTargetResult>();
  const done = (t: PreparedRestoreTarget, r: TargetResult) => {
    if (results.has(t.drive.device)) return;
    const out: RestoreTargetResult = {
      target: identity(t.drive),
      ok: r.ok,
      ending: r.ending,
      layout: t.layout,
      ...(r.restored ? { restored: r.restored } : {}),
      ...(r.error ? { error: r.error } : {}),
      warnings: [...t.warnings.filter((w) => !r.warnings.some((x) => x.code === w.code)), ...r.warnings],
      timings: r.timings,
    };
    results.set(t.drive.device, out);
    emit({ type: 'restore-done', result: out });
  };
  let stopped: FlintError | null = null;
  try {
    const run = await writer.run(
      {
        op: 'restore',
        targets: prepared.targets.map((t) => identityOf(t.drive)),
        allowLoop: prepared.request.allowLoop ?? false,
        label: prepared.request.label ?? DEFAULT_LABEL,
      },
      {
        signal: hooks.signal,
        onEvent: (e) => {
          if (e.type === 'progress') emit({ type: 'progress', phase: e.phase, device: e.device, bytes: e.bytes, total: e.total });
          else if (e.type === 'log') emit({ type: 'log', ...(e.device ? { device: e.device } : {}), message: e.message });
          else if (e.type === 'target-done') {
            const t = byDevice.get(e.result.device);
            if (t) done(t, e.result);
          }
        },
      },
    );
    for (const r of run.results) {
      const t = byDevice.get(r.device);
      if (t) done(t, r);
    }
  } catch (err) {
    // nothing was touched (authorization refused, the helper would not start)
    stopped = err as FlintError;
  }
  const targets = prepared.targets.map(
    (t) =>
      results.get(t.drive.device) ?? {
        target: identity(t.drive),
        ok: false,
        ending: 'not-written' as const,
        layout: t.layout,
        error: toErrorValue(stopped ?? new Error('the writer gave no result')),
        warnings: t.warnings,
        timings: {},
      },
  );
  return {
    ok: targets.every((t) => t.ok),
    cancelled: hooks.signal?.aborted ?? false,
    writer: writer.kind,
    targets,
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}
