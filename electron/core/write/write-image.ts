import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { FlintError } from '../errors';
import type { PatchPlan } from '../iso/plan';
import { identityOf, type DriveIdentity } from '../drives/check';
import type { Drive } from '../drives/types';
import { listAllDrives, systemContext } from '../drives/list';
import { WriteErrorCode } from './codes';
import {
  devHelperCommand,
  isAuthFailure,
  isPrivileged,
  planLaunch,
  type HelperCommand,
  type HelperTransport,
  type LaunchPlan,
} from './elevate';
import { parseEventLine, type TargetResult, type WriteEvent } from './events';
import { encodeJob } from './job';

/** What to write where. */
export interface WriteImageOptions {
  /** Path of the pristine source ISO. */
  image: string;
  /** The customization to lay over it on the fly (an empty plan writes the image as is). */
  plan: PatchPlan;
  /**
   * Targets as listed (a Drive), as the identity the user saw, or as a device path (its identity is
   * then taken from a fresh listing; an unknown path throws WRITE_TARGET_NOT_FOUND).
   */
  targets: (Drive | DriveIdentity | string)[];
  allowLoop?: boolean;
  /** Read back and compare (default true). */
  verify?: boolean;
  eject?: boolean;
  /** SHA-256 of the Ignition config the stick must carry (checked by reading it back). */
  expectIgnitionSha256?: string;
  signal?: AbortSignal;
  onEvent?: (e: WriteEvent) => void;
  /** Override how the helper is started (packaged app: its launcher). */
  helper?: HelperCommand;
  /** Force the transport (default: stdio on Linux, files elsewhere). */
  transport?: HelperTransport;
  /** Linux CLI: allow pkexec's text prompt on the terminal. */
  textPrompt?: boolean;
}

/** True when the run was cancelled (every unfinished target reports WRITE_CANCELLED). */
export function wasCancelled(results: TargetResult[]): boolean {
  return results.some((r) => !r.ok && r.error.code === WriteErrorCode.CANCELLED);
}

/**
 * Starts the writer helper (elevated when needed, directly when already root), sends it the job and
 * relays its events. Resolves to one result per target, in the order given. Throws FlintError when the helper cannot run at all (not authorized, bad job,
 * crashed); per-target failures (busy, I/O error, mismatch, ...) come back in `results`.
 */
export async function writeImage(o: WriteImageOptions): Promise<TargetResult[]> {
  const jobText = encodeJob({
    image: resolve(o.image),
    plan: o.plan,
    targets: await resolveTargets(o.targets, o.image),
    allowLoop: !!o.allowLoop,
    verify: o.verify !== false,
    eject: !!o.eject,
    ...(o.expectIgnitionSha256 ? { expectIgnitionSha256: o.expectIgnitionSha256 } : {}),
  });
  const privileged = isPrivileged();
  const transport = o.transport ?? (process.platform === 'linux' ? 'stdio' : 'files');
  const dir = transport === 'files' ? mkdtempSync(join(tmpdir(), 'flint-write-')) : null;
  const files = dir ? { job: join(dir, 'job.json'), events: join(dir, 'events.jsonl'), cancel: join(dir, 'cancel') } : undefined;
  try {
    if (files) {
      writeFileSync(files.job, jobText, { mode: 0o600 });
      writeFileSync(files.events, '', { mode: 0o600 });
    }
    const plan = planLaunch({ privileged, helper: o.helper ?? devHelperCommand(), files, textPrompt: o.textPrompt });
    return await runHelper(plan, jobText, files, o);
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** Identities for the job: Drives and identities as given, device paths looked up in a fresh listing. */
export async function resolveTargets(targets: (Drive | DriveIdentity | string)[], image: string): Promise<DriveIdentity[]> {
  let listed: Drive[] | null = null;
  const out: DriveIdentity[] = [];
  for (const t of targets) {
    if (typeof t !== 'string') {
      out.push('id' in t ? identityOf(t) : { device: t.device, size: t.size, serial: t.serial, model: t.model });
      continue;
    }
    listed ??= await listAllDrives(systemContext([image]));
    const d = listed.find((x) => x.device === t || x.raw === t);
    if (!d)
      throw new FlintError(
        WriteErrorCode.NOT_FOUND,
        `${t} is not a whole disk on this machine (unplugged, or a partition?); see flint drives --all`,
      );
    out.push(identityOf(d));
  }
  return out;
}

async function runHelper(
  plan: LaunchPlan,
  jobText: string,
  files: { events: string; cancel: string } | undefined,
  o: WriteImageOptions,
): Promise<TargetResult[]> {
  let done: { results: TargetResult[]; cancelled: boolean } | null = null;
  let fatal: FlintError | null = null;
  const handle = (line: string) => {
    const e = parseEventLine(line);
    if (!e) return;
    if (e.type === 'done') done = { results: e.results, cancelled: e.cancelled };
    if (e.type === 'fatal') fatal = new FlintError(e.error.code, e.error.message, e.error.causes ?? []);
    o.onEvent?.(e);
  };
  const child = spawn(plan.argv[0], plan.argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  let tailed = 0;
  const tail = () => {
    if (!files || !existsSync(files.events)) return;
    const text = readFileSync(files.events, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    if (end > tailed) {
      for (const line of text.slice(tailed, end).split('\n')) handle(line);
      tailed = end;
    }
  };
  const timer = files ? setInterval(tail, 200) : undefined;
  if (plan.transport === 'stdio') {
    createInterface({ input: child.stdout }).on('line', handle);
    child.stdin.on('error', () => undefined);
    child.stdin.write(jobText + '\n');
  } else {
    child.stdout.resume();
    child.stdin.end();
  }
  const cancel = () => {
    if (files) writeFileSync(files.cancel, '');
    if (plan.transport === 'stdio') child.stdin.end();
    if (plan.method === 'none') child.kill('SIGTERM');
  };
  if (o.signal?.aborted) cancel();
  o.signal?.addEventListener('abort', cancel, { once: true });
  const exit = await new Promise<number | null>((res, rej) => {
    child.once('error', (err) =>
      rej(new FlintError(WriteErrorCode.HELPER_FAILED, `could not start the writer helper (${plan.argv[0]})`, [err.message])),
    );
    child.once('close', (code) => res(code));
  }).finally(() => {
    if (timer) clearInterval(timer);
    o.signal?.removeEventListener('abort', cancel);
  });
  tail();
  if (done) {
    return (done as { results: TargetResult[] }).results;
  }
  if (fatal) throw fatal as FlintError;
  if (isAuthFailure(plan.method, exit, stderr)) {
    throw new FlintError(
      WriteErrorCode.NOT_AUTHORIZED,
      'writing needs administrator rights and the password prompt was cancelled or refused',
    );
  }
  throw new FlintError(
    WriteErrorCode.HELPER_FAILED,
    `the writer helper stopped without a result (exit ${exit})`,
    stderr.trim() ? [stderr.trim().split('\n').pop()!] : [],
  );
}
