/**
 * The restore job: what the writer (in-process, or the elevated helper reading it as JSON) is asked
 * to do to make sticks normal drives again. It travels like a write job (native/README.md) with
 * `"op": "restore"`; the targets carry the identity the user saw, re-checked before anything is
 * touched. The label is normalized per drive, since the file system follows each drive's size.
 */
import { ERROR_CODES } from '../../../contract/error-codes';
import { codedError } from '../../errors';
import type { DriveIdentity } from '../../drives/target-safety';
import { JOB_VERSION, decodeJob, type WriteJob } from '../job';

/** A restore job. */
export interface RestoreJob {
  op: 'restore';
  targets: DriveIdentity[];
  allowLoop: boolean;
  /** The volume label asked for (checked and normalized per file system by the engine). */
  label: string;
}

/** Either job the writer runs. */
export type WriterJob = WriteJob | RestoreJob;

/** Is `job` a restore job? */
export function isRestoreJob(job: WriterJob): job is RestoreJob {
  return (job as RestoreJob).op === 'restore';
}

/** Serializes a restore job for the helper (one line of JSON). */
export function encodeRestoreJob(job: RestoreJob): string {
  return JSON.stringify({ version: JOB_VERSION, op: 'restore', targets: job.targets, allowLoop: job.allowLoop, label: job.label });
}

const bad = (why: string) => codedError(ERROR_CODES.WRITE_JOB_INVALID, { reason: why }, `invalid restore job: ${why}`);

/** Parses either job (a restore job by its `op`); throws WRITE_JOB_INVALID naming the first problem. */
export function decodeWriterJob(text: string): WriterJob {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw bad('not JSON');
  }
  if (!j || typeof j !== 'object' || j.op !== 'restore') return decodeJob(text);
  if (j.version !== JOB_VERSION) throw bad(`version ${String(j.version)} (expected ${JOB_VERSION})`);
  if (typeof j.label !== 'string' || j.label.length > 64) throw bad('label must be a string');
  if (!Array.isArray(j.targets) || j.targets.length === 0) throw bad('no targets');
  const seen = new Set<string>();
  const targets = (j.targets as Partial<DriveIdentity>[]).map((t) => {
    if (
      !t ||
      typeof t.device !== 'string' ||
      !Number.isSafeInteger(t.size) ||
      typeof t.serial !== 'string' ||
      typeof t.model !== 'string'
    ) {
      throw bad('each target needs device, size, serial and model');
    }
    if (seen.has(t.device)) throw bad(`target ${t.device} given twice`);
    seen.add(t.device);
    return { device: t.device, size: t.size!, serial: t.serial, model: t.model };
  });
  return { op: 'restore', targets, allowLoop: j.allowLoop === true, label: j.label };
}
