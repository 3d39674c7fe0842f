import { ERROR_CODES } from '../../contract/error-codes';
import { codedError, type FlintError } from '../errors';
import { normalizePlan, type PatchPlan } from '../iso/plan';
import type { DriveIdentity } from '../drives/target-safety';
import type { KernelIdentity } from '../drives/types';

/** Version of the job format the helper understands. */
export const JOB_VERSION = 1;

/**
 * What the elevated helper is asked to do, as JSON. The plan's bytes travel as base64. The
 * targets carry the identity the user saw, which the helper re-checks before touching anything.
 */
export interface WriteJobJson {
  version: number;
  image: string;
  plan: { imageSize: number; writes: { offset: number; data: string }[] };
  targets: DriveIdentity[];
  allowLoop: boolean;
  verify: boolean;
  eject: boolean;
  /**
   * SHA-256 (hex) of the Ignition config the stick must carry, null when it must carry none;
   * checked by reading it back after writing. Absent: not checked.
   */
  expectIgnitionSha256?: string | null;
  /** Targets that get a customization of their own (one config per stick), by device. */
  perTarget?: { device: string; plan: WriteJobJson['plan']; expectIgnitionSha256?: string | null }[];
  /** True when the image's SHA-256 is known already (a verified download): it is not measured again. */
  imageSha256Known?: boolean;
}

/**
 * A target's own customization in a job that writes one per stick (a fleet): the source is still
 * read once for every target, and each target's plan is laid over its copy of each block.
 */
export interface TargetPlan {
  device: string;
  plan: PatchPlan;
  /** As WriteJob.expectIgnitionSha256, for this target. */
  expectIgnitionSha256?: string | null;
}

/** A decoded job, with the plan as bytes. */
export interface WriteJob {
  image: string;
  plan: PatchPlan;
  targets: DriveIdentity[];
  allowLoop: boolean;
  verify: boolean;
  eject: boolean;
  expectIgnitionSha256?: string | null;
  /** Targets written with a plan of their own instead of `plan` (same image size). */
  perTarget?: TargetPlan[];
  /** As WriteJobJson.imageSha256Known. */
  imageSha256Known?: boolean;
}

const planJson = (plan: PatchPlan): WriteJobJson['plan'] => ({
  imageSize: plan.imageSize,
  writes: plan.writes.map((w) => ({ offset: w.offset, data: Buffer.from(w.bytes).toString('base64') })),
});

/** Serializes a job for the helper (one line of JSON). */
export function encodeJob(job: WriteJob): string {
  const json: WriteJobJson = {
    version: JOB_VERSION,
    image: job.image,
    plan: planJson(job.plan),
    targets: job.targets,
    allowLoop: job.allowLoop,
    verify: job.verify,
    eject: job.eject,
  };
  if (job.expectIgnitionSha256 !== undefined) json.expectIgnitionSha256 = job.expectIgnitionSha256;
  if (job.imageSha256Known) json.imageSha256Known = true;
  if (job.perTarget?.length) {
    json.perTarget = job.perTarget.map((t) => ({
      device: t.device,
      plan: planJson(t.plan),
      ...(t.expectIgnitionSha256 !== undefined ? { expectIgnitionSha256: t.expectIgnitionSha256 } : {}),
    }));
  }
  return JSON.stringify(json);
}

/**
 * An absolute path of an image file on POSIX or Windows: `/...`, `C:\...`, a UNC share
 * `\\server\share\...`, or the long-path forms `\\?\C:\...` and `\\?\UNC\server\share\...`
 * (Microsoft's "Naming Files, Paths, and Namespaces"). The device namespace `\\.\` names disks,
 * not images, and is refused.
 */
export function isAbsoluteImagePath(p: string): boolean {
  if (p.includes('\0')) return false;
  if (p.startsWith('/')) return true;
  if (/^[A-Za-z]:\\/.test(p)) return true;
  if (/^\\\\\?\\([A-Za-z]:\\|UNC\\[^\\]+\\[^\\]+)/i.test(p)) return true;
  return /^\\\\[^\\?.][^\\]*\\[^\\]+/.test(p);
}

const optStr = (v: unknown) => v === undefined || (typeof v === 'string' && v.length <= 256);

/** A KernelIdentity as JSON: optional short strings, diskseq a non-negative integer. */
function isKernelIdentity(k: unknown): k is KernelIdentity {
  if (!k || typeof k !== 'object' || Array.isArray(k)) return false;
  const o = k as Record<string, unknown>;
  return (
    optStr(o.majMin) &&
    optStr(o.wwn) &&
    optStr(o.ptuuid) &&
    optStr(o.backing) &&
    (o.diskseq === undefined || (Number.isSafeInteger(o.diskseq) && (o.diskseq as number) >= 0))
  );
}

/** Only the known fields of a kernel identity. */
function pickKernel(k: KernelIdentity): KernelIdentity {
  const out: KernelIdentity = {};
  for (const key of ['majMin', 'diskseq', 'wwn', 'ptuuid', 'backing'] as const)
    if (k[key] !== undefined) (out as Record<string, unknown>)[key] = k[key];
  return out;
}

const bad = (why: string): FlintError => codedError(ERROR_CODES.WRITE_JOB_INVALID, { reason: why }, `invalid write job: ${why}`);

/** Parses and validates a job; throws JOB_INVALID naming the first problem. */
export function decodeJob(text: string): WriteJob {
  let j: WriteJobJson;
  try {
    j = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  if (!j || typeof j !== 'object') throw bad('not an object');
  if (j.version !== JOB_VERSION) throw bad(`version ${String(j.version)} (expected ${JOB_VERSION})`);
  if (typeof j.image !== 'string' || !isAbsoluteImagePath(j.image)) throw bad('image must be an absolute path');
  const plan = decodePlan(j.plan, 'plan');
  if (!Array.isArray(j.targets) || j.targets.length === 0) throw bad('no targets');
  const seen = new Set<string>();
  for (const t of j.targets) {
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
    if (t.confirmedName !== undefined && typeof t.confirmedName !== 'string')
      throw bad(`target ${t.device}: confirmedName must be a string`);
    if (t.kernel !== undefined && !isKernelIdentity(t.kernel)) throw bad(`target ${t.device}: malformed kernel identity`);
  }
  checkSha(j.expectIgnitionSha256, 'expectIgnitionSha256');
  const perTarget = decodePerTarget(j.perTarget, seen, plan.imageSize);
  return {
    image: j.image,
    plan,
    targets: j.targets.map((t) => ({
      device: t.device,
      size: t.size,
      serial: t.serial,
      model: t.model,
      ...(t.kernel ? { kernel: pickKernel(t.kernel) } : {}),
      ...(t.confirmedName !== undefined ? { confirmedName: t.confirmedName } : {}),
    })),
    allowLoop: j.allowLoop === true,
    verify: j.verify !== false,
    eject: j.eject === true,
    ...(j.expectIgnitionSha256 !== undefined ? { expectIgnitionSha256: j.expectIgnitionSha256 } : {}),
    ...(perTarget ? { perTarget } : {}),
    ...(j.imageSha256Known === true ? { imageSha256Known: true } : {}),
  };
}

function decodePlan(p: WriteJobJson['plan'] | undefined, what: string): PatchPlan {
  if (!p || !Number.isSafeInteger(p.imageSize) || p.imageSize <= 0 || !Array.isArray(p.writes)) {
    throw bad(`${what} must have a positive imageSize and a writes list`);
  }
  const writes = p.writes.map((w, i) => {
    if (!w || !Number.isSafeInteger(w.offset) || typeof w.data !== 'string') throw bad(`${what} write ${i} is malformed`);
    return { offset: w.offset, bytes: new Uint8Array(Buffer.from(w.data, 'base64')) };
  });
  return normalizePlan(p.imageSize, writes);
}

function checkSha(v: unknown, what: string): void {
  if (v !== undefined && v !== null && (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v))) {
    throw bad(`${what} must be 64 hex digits or null`);
  }
}

/** Decodes the per-target plans: each names a target of the job once, with a plan for the same image size. */
function decodePerTarget(list: WriteJobJson['perTarget'], targets: Set<string>, imageSize: number): TargetPlan[] | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) throw bad('perTarget must be a list');
  const seen = new Set<string>();
  return list.map((t, i) => {
    if (!t || typeof t.device !== 'string' || !targets.has(t.device)) throw bad(`perTarget ${i} names no target of the job`);
    if (seen.has(t.device)) throw bad(`perTarget gives ${t.device} twice`);
    seen.add(t.device);
    const plan = decodePlan(t.plan, `perTarget ${i} plan`);
    if (plan.imageSize !== imageSize) throw bad(`perTarget ${i} plan is for another image size`);
    checkSha(t.expectIgnitionSha256, `perTarget ${i} expectIgnitionSha256`);
    return { device: t.device, plan, ...(t.expectIgnitionSha256 !== undefined ? { expectIgnitionSha256: t.expectIgnitionSha256 } : {}) };
  });
}
