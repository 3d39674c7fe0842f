/**
 * Boot-mirror benchmark (plain node script: `node --import tsx tests/bench/serve.bench.ts`).
 * Generates a 256 MiB "rootfs", serves it with Flint's read-only mirror (startBootServer) in a
 * child process, and fetches it with `curl -o /dev/null`: once alone and as 4 machines at once.
 * Baseline in the same run: `dd if=FILE of=/dev/null bs=1M` (reading the same, cached file).
 * Also `curl -o /dev/null file://FILE`. Prints throughput ratios against both and the server's peak
 * RSS above its idle RSS (goal: < 64 MiB for any file size, it streams).
 * The generated file is removed at the end.
 */
import { execFile, spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const MiB = 1 << 20;
const SIZE = 256 * MiB;
const ROUNDS = Number(process.env.FLINT_BENCH_ROUNDS ?? 3);
const run = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);

async function peakRssMiB(): Promise<number> {
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : process.resourceUsage().maxRSS / 1024;
}

/** Child mode: serve `dir`, print the URL, answer `rss` on stdin with the peak RSS. */
async function child(dir: string): Promise<void> {
  const { startBootServer } = await import('../../electron/core/pxe/server');
  const server = await startBootServer({ dir, port: 0 });
  const idle = await peakRssMiB();
  process.stdout.write(server.url + '\n');
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'rss') process.stdout.write(JSON.stringify({ idleMiB: idle, maxRssMiB: await peakRssMiB() }) + '\n');
  }
  await server.close();
}

async function generate(file: string): Promise<void> {
  const out = createWriteStream(file);
  const buf = Buffer.alloc(4 * MiB);
  for (let done = 0; done < SIZE; done += buf.length) {
    randomFillSync(buf);
    if (!out.write(buf)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function parent(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flint-serve-bench-'));
  const srv = spawn(process.execPath, ['--import', 'tsx', SELF, 'child', dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const file = path.join(dir, 'rootfs.img');
    await generate(file);
    const lines = createInterface({ input: srv.stdout! })[Symbol.asyncIterator]();
    const url = String((await lines.next()).value).trim() + 'rootfs.img';
    const curl = (range?: string) => run('curl', ['-sf', '-o', '/dev/null', ...(range ? ['-r', range] : []), url]);
    let dd = Infinity;
    let curlFile = Infinity;
    let one = Infinity;
    let four = Infinity;
    for (let i = 0; i < ROUNDS; i++) {
      dd = Math.min(dd, await timed(() => run('dd', [`if=${file}`, 'of=/dev/null', 'bs=1M'])));
      curlFile = Math.min(curlFile, await timed(() => run('curl', ['-sf', '-o', '/dev/null', `file://${file}`])));
      one = Math.min(one, await timed(() => curl()));
      const q = SIZE / 4;
      four = Math.min(four, await timed(() => Promise.all([0, 1, 2, 3].map((k) => curl(`${k * q}-${(k + 1) * q - 1}`)))));
    }
    srv.stdin!.write('rss\n');
    const { idleMiB, maxRssMiB } = JSON.parse(String((await lines.next()).value)) as { idleMiB: number; maxRssMiB: number };
    const mbps = (s: number) => (SIZE / MiB / s).toFixed(0);
    console.log(`file ${SIZE / MiB} MiB, best of ${ROUNDS}`);
    console.log(`dd (baseline)           ${mbps(dd)} MiB/s`);
    console.log(`curl file:// (baseline) ${mbps(curlFile)} MiB/s`);
    console.log(
      `flint serve, 1 client   ${mbps(one)} MiB/s  ratio ${(dd / one).toFixed(2)} of dd, ${(curlFile / one).toFixed(2)} of curl file://`,
    );
    console.log(
      `flint serve, 4 ranges   ${mbps(four)} MiB/s  ratio ${(dd / four).toFixed(2)} of dd, ${(curlFile / four).toFixed(2)} of curl file://`,
    );
    console.log('(a 1 Gbit/s boot network carries about 119 MiB/s)');
    console.log(
      `server peak RSS         ${maxRssMiB.toFixed(0)} MiB, idle ${idleMiB.toFixed(0)} MiB: +${(maxRssMiB - idleMiB).toFixed(0)} MiB while serving (goal < 64 MiB)`,
    );
  } finally {
    srv.stdin!.end();
    await Promise.race([once(srv, 'exit'), new Promise((r) => setTimeout(r, 3000))]);
    if (srv.exitCode === null && srv.pid) process.kill(srv.pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'child') await child(process.argv[3]);
else await parent();
