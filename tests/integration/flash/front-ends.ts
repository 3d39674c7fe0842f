/**
 * The three front ends of a flash, driven as a user drives them, each reduced to one comparable
 * outcome string: `flint burn --iso` and `flint write --iso` as processes (their JSON report), and
 * the app through `dispatch` with a real Session over the real core (its events). A case gives the
 * same inputs to each; the conformance test asserts the same outcome.
 */
import { spawn } from 'node:child_process';
import { createDefaultCore } from '../../../electron/app/core-default';
import { dispatch } from '../../../electron/app/handlers';
import { Session } from '../../../electron/app/session';
import type {
  DriveList,
  FlashFinished,
  FlashProgress,
  ImageState,
  KargsCheck,
  LoadedFile,
  Outcome,
} from '../../../electron/contract/types';
import type { FlashReport } from '../../../electron/core/flash/types';
import { FLINT_BIN } from '../../helpers/cli';

/** When a test cancels: at the first check/unmount report (before any byte), or once bytes are written. */
export type CancelAt = 'before-write' | 'during-write';

/** What one front end is given. */
export interface FlashInput {
  iso: string;
  targets: string[];
  /** A live config: file name (.ign or .bu) and text. */
  config?: { name: string; text: string };
  /** Live kernel arguments, each passed with its own --karg (the app gets them joined by spaces). */
  kargs?: string[];
  verify?: boolean;
  eject?: boolean;
  /** Test hooks and FLINT_WRITER (FLINT_TEST_HOOKS=1 is added when any is given). */
  env?: Record<string, string>;
  cancel?: CancelAt;
  /** The config file on disk for the CLI (written by the caller). */
  configPath?: string;
}

/** What the app showed along the way, for a case's own checks. */
export interface AppTrace {
  drives?: DriveList;
  config?: LoadedFile;
  kargs?: KargsCheck;
}

type Target = FlashReport['targets'][number];

/** One comparable line per stick: its ending, its error code, its warnings. */
export function stickOutcome(t: { ending: string; error?: { code: string }; warnings?: { code: string }[] }): string {
  const warnings = (t.warnings ?? []).map((w) => w.code).sort();
  return `${t.ending}${t.error ? `/${t.error.code}` : ''}${warnings.length ? ` [${warnings.join(' ')}]` : ''}`;
}

function warningsPart(config: string[], kargs: string[]): string {
  const parts = [];
  if (config.length) parts.push(`config[${[...new Set(config)].sort().join(' ')}]`);
  if (kargs.length) parts.push(`kargs[${[...new Set(kargs)].sort().join(' ')}]`);
  return parts.length ? ` ${parts.join(' ')}` : '';
}

const withHooks = (env: Record<string, string> | undefined) => (env && Object.keys(env).length ? { FLINT_TEST_HOOKS: '1', ...env } : {});

/** `flint burn|write --iso ... --json`: the refusal code, or each stick's outcome plus the warnings. */
export function runCli(verb: 'burn' | 'write', input: FlashInput): Promise<string> {
  const args = [verb, '--iso', input.iso, '--allow-loop', '--yes', '--json'];
  for (const t of input.targets) args.push('--target', t);
  if (input.configPath) args.push('--ignition', input.configPath);
  for (const k of input.kargs ?? []) args.push('--karg', k);
  if (input.verify === false) args.push('--no-verify');
  if (input.eject) args.push('--eject');
  const env = { ...process.env, ...withHooks(input.env), ...(input.cancel ? { FLINT_TEST_HOOKS: '1', FLINT_TEST_EVENTS: '1' } : {}) };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FLINT_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    let signalled = false;
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (!input.cancel || signalled) return;
      for (const line of err.split('\n')) {
        if (!line.startsWith('{')) continue;
        const e = JSON.parse(line) as { type: string; phase?: string; bytes?: number };
        if (e.type !== 'progress') continue;
        const hit = input.cancel === 'before-write' ? e.phase === 'unmount' : e.phase === 'write' && (e.bytes ?? 0) > 0;
        if (hit && !signalled) {
          signalled = true;
          child.kill('SIGINT');
        }
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const doc = JSON.parse(out) as { ok: false; error: { code: string } } | FlashReport;
      if (!('targets' in doc)) return resolve(`refused:${doc.error.code}`);
      if ((code === 0) !== doc.ok) return reject(new Error(`${verb}: exit ${code} but ok=${doc.ok}\n${err}`));
      const config = doc.configWarnings.flatMap((c) => c.warnings.map((w) => w.code));
      const kargs = doc.kargWarnings.map((w) => w.code);
      resolve(doc.targets.map((t: Target) => stickOutcome(t)).join(', ') + warningsPart(config, kargs));
    });
  });
}

/**
 * The app: opens the ISO, loads the config, checks the kargs, lists the drives against the image
 * (as the Target step does) and starts the flash through `dispatch`, cancelling like the Cancel
 * button when asked; the outcome comes from the flash:finished event.
 */
export async function runApp(input: FlashInput, trace: AppTrace = {}): Promise<string> {
  const hooks = withHooks(input.env);
  const saved = Object.keys(hooks).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, hooks);
  const session = new Session({
    mode: 'browser',
    core: createDefaultCore({ allowLoop: true }),
    app: { name: 'Flint', version: '0' },
    allowLoop: true,
  });
  const call = async <T>(channel: string, req: unknown): Promise<Outcome<T>> => (await dispatch(session, channel, req)) as Outcome<T>;
  const value = async <T>(channel: string, req: unknown): Promise<T> => {
    const r = await call<T>(channel, req);
    if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
    return r.value;
  };
  try {
    const image = await value<ImageState>('image:open-path', { path: input.iso });
    const config = input.config ? await value<LoadedFile>('file:load-bytes', { kind: 'config', ...input.config }) : undefined;
    trace.config = config;
    const extraKargs = (input.kargs ?? []).join(' ');
    if (extraKargs) trace.kargs = await value<KargsCheck>('options:check-kargs', { kargs: extraKargs, imageId: image.id });
    const drives = await value<DriveList>('drives:list', { showSystem: true, imageId: image.id });
    trace.drives = drives;
    const ids = input.targets.map((t) => drives.drives.find((d) => d.device === t)?.id ?? `missing-${t}`);
    let jobId = '';
    let wanted = false;
    const cancel = () => void call('flash:cancel', { jobId });
    const finished = new Promise<FlashFinished>((resolve) => {
      session.addSink((channel, payload) => {
        if (channel === 'flash:finished') resolve(payload as FlashFinished);
        if (channel !== 'flash:progress' || !input.cancel || wanted) return;
        const p = payload as FlashProgress;
        wanted = input.cancel === 'before-write' ? p.step === 'unmount' : p.step === 'write' && p.bytes > 0;
        // the Cancel button needs the job id, which may arrive just after the first events
        if (wanted && jobId) cancel();
      });
    });
    const started = await call<{ jobId: string }>('flash:start', {
      imageId: image.id,
      ...(config ? { configId: config.id } : {}),
      options: { fromRam: false, extraKargs, networkIds: [], caIds: [] },
      targetIds: ids,
      verify: input.verify !== false,
      eject: input.eject === true,
      confirmLarge: false,
    });
    if (!started.ok) return `refused:${started.error.code}`;
    jobId = started.value.jobId;
    if (wanted) cancel();
    const done = await finished;
    const configWarnings = (config?.report?.warnings ?? []).map((w) => w.code);
    const kargWarnings = (trace.kargs?.warnings ?? []).map((w) => w.code);
    return done.results.map((r) => stickOutcome(r)).join(', ') + warningsPart(configWarnings, kargWarnings);
  } finally {
    session.dispose();
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
