/**
 * The Flint writer helper: the only code that runs elevated, a thin shell around the writer engine
 * (electron/core/write/engine, the same code a root caller runs in-process). Reads one JSON job
 * (first line of stdin, or --job FILE), writes the image to the target devices (or, for a
 * restore job, makes them normal drives again: electron/core/write/restore) and prints progress
 * as JSON lines (stdout, or --events FILE). See native/README.md for the protocol and exit codes.
 *
 *   node out/native/writer/main.mjs [--job FILE] [--events FILE] [--cancel-file FILE]
 *   (this file bundled by build/bundle.ts; `npm run build`)
 *
 * Cancel: SIGTERM/SIGINT, stdin closing (when the job came on stdin) or the cancel file appearing.
 * It opens no network socket.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { toErrorValue } from '../../electron/core/errors';
import { decodeWriterJob, isRestoreJob, type WriterJob } from '../../electron/core/write/restore/job';
import { runRestoreJob } from '../../electron/core/write/restore/run';
import { HelperExit, type WriteEvent } from '../../electron/core/write/events';
import { numericHook } from '../../electron/core/write/engine/hooks';
import { runJob } from '../../electron/core/write/engine/run';
import { platformOps } from '../../electron/core/write/os/platform';

interface Args {
  job?: string;
  events?: string;
  cancelFile?: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--job' && v) a.job = v;
    else if (argv[i] === '--events' && v) a.events = v;
    else if (argv[i] === '--cancel-file' && v) a.cancelFile = v;
    else throw new Error(`unknown argument ${argv[i]}`);
    i++;
  }
  return a;
}

/** Reads the first line of stdin; calls onClose when stdin ends later (the parent's cancel). */
function readJobLine(onClose: () => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin });
    let got = false;
    rl.once('line', (line) => {
      got = true;
      resolve(line);
    });
    rl.once('close', () => (got ? onClose() : reject(new Error('stdin closed before a job arrived'))));
  });
}

async function main(): Promise<number> {
  const ac = new AbortController();
  let args: Args;
  // test hook: die like a crashed process once this many bytes are on a target
  const crashAt = numericHook('FLINT_TEST_CRASH_AT');
  const out = (e: WriteEvent) => {
    const line = JSON.stringify(e) + '\n';
    if (args?.events) appendFileSync(args.events, line);
    else process.stdout.write(line);
    if (crashAt !== undefined && e.type === 'progress' && e.phase === 'write' && e.bytes >= crashAt) process.kill(process.pid, 'SIGKILL');
  };
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => ac.abort());
  let job: WriterJob;
  try {
    args = parseArgs(process.argv.slice(2));
    const text = args.job ? readFileSync(args.job, 'utf8') : await readJobLine(() => ac.abort());
    job = decodeWriterJob(text);
  } catch (err) {
    out({ type: 'fatal', error: toErrorValue(err) });
    return HelperExit.BAD_JOB;
  }
  let timer: NodeJS.Timeout | undefined;
  if (args.cancelFile) {
    const f = args.cancelFile;
    timer = setInterval(() => existsSync(f) && ac.abort(), 250);
  }
  try {
    out({
      type: 'start',
      pid: process.pid,
      devices: job.targets.map((t) => t.device),
      imageSize: isRestoreJob(job) ? 0 : job.plan.imageSize,
    });
    const outcome = isRestoreJob(job)
      ? await runRestoreJob(job, platformOps(), ac.signal, out)
      : await runJob(job, platformOps(), ac.signal, out);
    const { results, cancelled } = outcome;
    out({ type: 'done', ...outcome, peakRssBytes: process.resourceUsage().maxRSS * 1024 });
    if (cancelled) return HelperExit.CANCELLED;
    return results.every((r) => r.ok) ? HelperExit.OK : HelperExit.TARGET_FAILED;
  } catch (err) {
    out({ type: 'fatal', error: toErrorValue(err) });
    return HelperExit.INTERNAL;
  } finally {
    if (timer) clearInterval(timer);
  }
}

void main().then((code) => {
  process.stdin.destroy();
  process.exitCode = code;
  // Leave promptly even if a stray handle (stdin) is still open.
  setTimeout(() => process.exit(code), 50).unref();
});
