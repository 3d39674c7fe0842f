import { spawn, spawnSync } from 'node:child_process';
import { FLINT_BIN } from './paths';

export { FLINT_BIN };

/** Exit code and raw output of one `flint` run. */
export interface FlintRun {
  /** Exit status; null when a signal ended the process. */
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** How to start `flint`. */
export interface FlintRunOptions {
  /** Working directory (default: the test process's). */
  cwd?: string;
  /** Extra environment variables on top of the test process's. */
  env?: NodeJS.ProcessEnv;
  /** Bytes for stdin; without them stdin is closed. */
  input?: Uint8Array | string;
  /** Kill the process after this long (default 120 s); the run then ends with code null. */
  timeoutMs?: number;
}

/** Runs `node bin/flint.mjs ...args` as a separate process, as a user would. */
export function runFlint(args: string[], opts: FlintRunOptions = {}): Promise<FlintRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FLINT_BIN, ...args], {
      cwd: opts.cwd,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    const timer = setTimeout(() => {
      if (child.pid) process.kill(child.pid, 'SIGKILL');
    }, opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
  });
}

/** runFlint for tests that read best in sequence; blocks the test process while flint runs. */
export function runFlintSync(args: string[], opts: FlintRunOptions = {}): FlintRun {
  const r = spawnSync(process.execPath, [FLINT_BIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    input: opts.input,
    maxBuffer: 256 << 20,
    timeout: opts.timeoutMs ?? 120_000,
    killSignal: 'SIGKILL',
  });
  if (r.error && !r.signal) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** runFlint with stdout decoded as UTF-8, for commands that print text. */
export async function runFlintText(args: string[], opts: FlintRunOptions = {}): Promise<Omit<FlintRun, 'stdout'> & { stdout: string }> {
  const r = await runFlint(args, opts);
  return { ...r, stdout: r.stdout.toString('utf8') };
}

/** runFlint that must succeed: resolves with stdout, rejects with the command and its stderr. */
export async function runFlintOk(args: string[], opts: FlintRunOptions = {}): Promise<Buffer> {
  const r = await runFlint(args, opts);
  if (r.code !== 0) throw new Error(`flint ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/**
 * Runs `flint ARGS` in a pseudo-terminal (util-linux `script`), so it asks before erasing as it
 * does for a person; once the prompt shows, runs `onPrompt` (a test's chance to change the world
 * meanwhile) and types `answer`. Killed after 60 s.
 */
export function runFlintOnTerminal(
  args: string[],
  answer: string,
  onPrompt: () => void = () => undefined,
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, FLINT_BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let asked = false;
    const onData = (d: Buffer) => {
      output += d.toString('utf8');
      if (!asked && output.includes('Type "yes" to continue')) {
        asked = true;
        try {
          onPrompt();
        } finally {
          child.stdin.write(answer + '\n');
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.replace(/\r/g, '') });
    });
  });
}
