/**
 * The writer for an unprivileged caller: starts the privileged helper (native/writer/main.ts;
 * elevated through pkexec, osascript or UAC, see ./elevate), hands it the job (JSON in) and relays
 * its JSON-line events. When the helper dies without its last line, every unfinished target is
 * reported as failed at the last byte the helper said was on it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ERROR_CODES } from '../../contract/error-codes';
import { codedError, fromErrorValue, toErrorValue, type FlintError } from '../errors';
import {
  devHelperCommand,
  isAuthFailure,
  isPrivileged,
  launchError,
  planLaunch,
  type HelperCommand,
  type HelperTransport,
  type LaunchPlan,
} from './elevate';
import { parseEventLine, type TargetResult, type WriteEvent } from './events';
import { encodeJob } from './job';
import { encodeRestoreJob, isRestoreJob, type WriterJob } from './restore/job';
import type { WriterLauncher, WriterHooks, WriterRun } from './writers';

/** How the helper is started. */
export interface HelperWriterOptions {
  /** The helper command (packaged app: its launcher; default: this checkout's). */
  helper?: HelperCommand;
  /** Force the transport (default: stdio on Linux, files elsewhere). */
  transport?: HelperTransport;
  /** Linux CLI: allow pkexec's text prompt on the terminal. */
  textPrompt?: boolean;
}

/** The elevated helper as a WriterLauncher. */
export function helperWriter(o: HelperWriterOptions = {}): WriterLauncher {
  return {
    kind: 'helper',
    async run(job, hooks = {}) {
      const jobText = isRestoreJob(job) ? encodeRestoreJob(job) : encodeJob(job);
      const transport = o.transport ?? (process.platform === 'linux' ? 'stdio' : 'files');
      const dir = transport === 'files' ? mkdtempSync(join(tmpdir(), 'flint-write-')) : null;
      const files = dir ? { job: join(dir, 'job.json'), events: join(dir, 'events.jsonl'), cancel: join(dir, 'cancel') } : undefined;
      try {
        if (files) {
          writeFileSync(files.job, jobText, { mode: 0o600 });
          writeFileSync(files.events, '', { mode: 0o600 });
        }
        const given = o.helper ?? devHelperCommand();
        const plan = planLaunch({
          privileged: isPrivileged(),
          helper: given.prepare ? given.prepare() : given,
          files,
          textPrompt: o.textPrompt,
        });
        return await runHelper(plan, job, jobText, files, hooks);
      } finally {
        if (dir) rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

async function runHelper(
  plan: LaunchPlan,
  job: WriterJob,
  jobText: string,
  files: { events: string; cancel: string } | undefined,
  hooks: WriterHooks,
): Promise<WriterRun> {
  let done: WriterRun | null = null;
  let fatal: FlintError | null = null;
  const finished = new Map<string, TargetResult>();
  const lastBytes = new Map<string, number>();
  const handle = (line: string) => {
    const e = parseEventLine(line);
    if (!e) return;
    if (e.type === 'done')
      done = { results: e.results, cancelled: e.cancelled, ...(e.sourceSha256 ? { sourceSha256: e.sourceSha256 } : {}) };
    if (e.type === 'fatal') fatal = fromErrorValue(e.error);
    if (e.type === 'target-done') finished.set(e.result.device, e.result);
    if (e.type === 'progress' && e.phase === 'write') lastBytes.set(e.device, e.bytes);
    hooks.onEvent?.(e);
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
  if (hooks.signal?.aborted) cancel();
  hooks.signal?.addEventListener('abort', cancel, { once: true });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res, rej) => {
    child.once('error', (err) => rej(launchError(plan, err)));
    child.once('close', (code, signal) => res({ code, signal }));
  }).finally(() => {
    if (timer) clearInterval(timer);
    hooks.signal?.removeEventListener('abort', cancel);
  });
  tail();
  if (done) return done;
  // assigned in the event handler: TypeScript cannot see that and narrows `fatal` to null here
  if (fatal) throw fatal as FlintError;
  if (finished.size === 0 && lastBytes.size === 0 && isAuthFailure(plan.method, exit.code, stderr)) {
    throw codedError(
      ERROR_CODES.WRITE_NOT_AUTHORIZED,
      {},
      'writing needs administrator rights and the password prompt was cancelled or refused',
    );
  }
  // The helper died without its last line: what it reported stands; the rest ended where it
  // stopped: untouched or partly written after a cancel, else failed at the last byte reported.
  const detail = stderr.trim() ? [stderr.trim().split('\n').pop()!] : [];
  const cancelled = hooks.signal?.aborted ?? false;
  const results = job.targets.map((t): TargetResult => {
    const got = finished.get(t.device);
    if (got) return got;
    const at = lastBytes.get(t.device) ?? 0;
    const how = exit.signal ? `signal ${exit.signal}` : `exit ${exit.code}`;
    const err = cancelled
      ? codedError(
          ERROR_CODES.WRITE_CANCELLED,
          { device: t.device, stage: at > 0 ? 'writing' : 'before-write', wiped: false },
          at > 0
            ? `writing ${t.device} was cancelled; it is partly written and will not boot`
            : `writing ${t.device} was cancelled before it started`,
          [`the writer helper stopped (${how})`, ...detail],
        )
      : codedError(
          ERROR_CODES.WRITE_HELPER_FAILED,
          { exitCode: exit.code, signal: exit.signal, lastOffset: at },
          `the writer helper stopped without a result (${how}); ${t.device} is written up to byte ${at} at most and will not boot`,
          detail,
        );
    const ending = cancelled ? (at > 0 ? 'cancelled-partial' : 'cancelled-before-write') : 'failed';
    return {
      device: t.device,
      ok: false,
      ending,
      bytesWritten: at,
      ...(ending === 'failed' ? { failedAt: at, wiped: false } : {}),
      error: toErrorValue(err),
      verified: false,
      ignitionSha256: null,
      warnings: [],
      timings: {},
    };
  });
  for (const r of results) if (!finished.has(r.device)) hooks.onEvent?.({ type: 'target-done', result: r });
  const ev: WriteEvent = { type: 'done', results, cancelled: hooks.signal?.aborted ?? false };
  hooks.onEvent?.(ev);
  return { results, cancelled: ev.cancelled };
}
