/**
 * Download benchmark (plain node script: `node --import tsx tests/bench/download.bench.ts`;
 * `npm run bench` builds the compiled CLI first).
 * Serves a generated 64 MiB and 512 MiB artifact (signed with the coreos-installer test key) from
 * the local mirror server (files streamed in 1 MiB reads; one server for every contender) and
 * downloads each with Flint (SHA-256 + OpenPGP, cache publish with fsync) in a child process, and
 * with `curl -o` of the same URL in the same run: one untimed warm-up round, then
 * FLINT_BENCH_ROUNDS (default 3) rounds whose order alternates (curl first, then Flint first), and
 * a pause of FLINT_BENCH_SETTLE_MS (default 2500) before every timed run so that each contender
 * meets the same memory state (on this VM, writing into memory the host has just reclaimed costs
 * several times more CPU; whoever ran right after a delete got warm pages). Prints medians (best
 * in brackets), the throughput ratio (goal >= 0.9 of curl; also without the fsync, which curl does
 * not do), the CPU time of both, and Flint's peak RSS (goal < 150 MiB for both sizes). For 512 MiB also the
 * whole processes a user runs: `flint download` (start-up, metadata, download, SHA-256, OpenPGP,
 * publish) against `curl -o` (goal >= 0.85 of its throughput) and against doing the same by hand:
 * curl of the ISO and its .sig, `sha256sum`, `gpg --verify` (keyring imported beforehand, untimed),
 * and against the same checks streamed by native tools (`curl | tee | openssl dgst`, then gpg),
 * and against `curl -o` followed by `sync FILE`: curl with the durability Flint's publish has (its
 * fsync before the rename; on the build VM that flush alone costs 0.3-0.5 s per 512 MiB).
 * Generated files are removed at the end.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomFillSync } from 'node:crypto';
import { once } from 'node:events';

const MiB = 1 << 20;
// async on purpose: the mirror server runs in this process and must keep serving
const run = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);
const FLINT = fileURLToPath(new URL('../../bin/flint.mjs', import.meta.url));
const ROUNDS = Number(process.env.FLINT_BENCH_ROUNDS ?? 3);
const SETTLE_MS = Number(process.env.FLINT_BENCH_SETTLE_MS ?? 2500);
const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));

/** CPU time (ms) of this process's waited-for children so far (utime + stime of reaped children). */
async function childrenCpuMs(): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * 10; // cutime, cstime in 100 Hz ticks
}

/**
 * Peak RSS of this process. Linux keeps ru_maxrss across exec (a child would report the bigger
 * parent's peak), so read VmHWM, which starts afresh with the new image.
 */
async function peakRssMiB(): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : process.resourceUsage().maxRSS / 1024;
}

/** Child mode: download one artifact with Flint and print timing + peak RSS as JSON. */
async function child(baseUrl: string, cacheDir: string, keyFile: string, kind: 'iso' | 'kernel', durable: boolean): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const { fetchStreamMetadata, selectRelease } = await import('../../electron/core/stream/metadata');
  const { downloadArtifact } = await import('../../electron/core/stream/download');
  const { loadKeyring } = await import('../../electron/core/stream/keyring');
  const keys = await loadKeyring([await readFile(keyFile, 'utf8')]);
  const rel = selectRelease(await fetchStreamMetadata('stable', { baseUrl }), 'x86_64');
  const artifact = kind === 'iso' ? rel.iso : rel.pxe.kernel;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await downloadArtifact(artifact, { cacheDir, keys, durable });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (r.signature !== 'verified' || r.sha256 !== artifact.sha256) throw new Error('verification did not pass');
  process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, size: r.size, maxRssMiB: await peakRssMiB() }) + '\n');
}

async function generate(file: string, size: number): Promise<void> {
  const out = createWriteStream(file);
  const buf = Buffer.alloc(4 * MiB);
  for (let done = 0; done < size; done += buf.length) {
    randomFillSync(buf);
    if (!out.write(buf.subarray(0, Math.min(buf.length, size - done)))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function main(): Promise<void> {
  const { populateMirror, startMirrorServer, TEST_KEY } = await import('../helpers/mirror-server');
  const work = await mkdtemp(path.join(tmpdir(), 'flint-bench-dl-'));
  const server = await startMirrorServer({ root: path.join(work, 'mirror') }).catch(async (e) => {
    await rm(work, { recursive: true, force: true });
    throw e;
  });
  try {
    const big = path.join(work, 'big.bin');
    const small = path.join(work, 'small.bin');
    await generate(big, 512 * MiB);
    await generate(small, 64 * MiB);
    const mirror = await populateMirror(server.root, { iso: { file: big }, kernel: { file: small } });
    const keyFile = path.join(work, 'test-key.pub.asc');
    await writeFile(keyFile, TEST_KEY.publicArmored);
    const gnupg = path.join(work, 'gnupg');
    await mkdir(gnupg, { mode: 0o700 });
    await run('gpg', ['--homedir', gnupg, '--batch', '--quiet', '--import', keyFile]);
    console.log(`curl: ${(await run('curl', ['--version'])).stdout.split('\n')[0]}`);
    for (const [kind, label] of [
      ['kernel', '64 MiB'],
      ['iso', '512 MiB'],
    ] as const) {
      const url = `${server.url}${mirror.files[kind]!.urlPath}`;
      const sigUrl = `${server.url}/${path.relative(server.root, mirror.files[kind]!.sigFile!)}`;
      const size = kind === 'iso' ? 512 * MiB : 64 * MiB;
      const curlTimes: number[] = [];
      const curlCpu: number[] = [];
      const flintTimes: number[] = [];
      const noSyncTimes: number[] = [];
      const cpuTimes: number[] = [];
      let rss = 0;
      const cliTimes: number[] = [];
      const chainTimes: number[] = [];
      const teeTimes: number[] = [];
      const syncedTimes: number[] = [];
      const timedRun = async (fn: () => Promise<unknown>) => {
        await settle();
        const t0 = performance.now();
        await fn();
        return performance.now() - t0;
      };
      const runCli = async (timed: boolean, i: number) => {
        const cacheDir = path.join(work, `cli-cache-${i}`);
        const ms = await timedRun(() =>
          run(process.execPath, [FLINT, 'download', '--base-url', server.url, '--keyring', keyFile, '--cache-dir', cacheDir]),
        );
        await rm(cacheDir, { recursive: true, force: true });
        if (timed) cliTimes.push(ms);
      };
      const runChain = async (timed: boolean) => {
        const dest = path.join(work, `by-hand-${kind}`);
        const ms = await timedRun(async () => {
          await run('curl', ['-sS', '-f', '-o', dest, url]);
          await run('curl', ['-sS', '-f', '-o', `${dest}.sig`, sigUrl]);
          const sum = (await run('sha256sum', [dest])).stdout.split(' ')[0];
          if (sum !== mirror.files[kind]!.sha256) throw new Error('sha256sum disagrees');
          await run('gpg', ['--homedir', gnupg, '--batch', '--quiet', '--verify', `${dest}.sig`, dest]);
        });
        await rm(dest, { force: true });
        await rm(`${dest}.sig`, { force: true });
        if (timed) chainTimes.push(ms);
      };
      // the same checks by C tools while the bytes stream past (curl | tee | openssl dgst, then gpg):
      // what a verified download costs here when every stage is native code on its own core.
      // OpenSSL's SHA-256 uses the CPU's SHA extensions as Flint's node:crypto does (coreutils'
      // sha256sum does not, and would make this baseline slower than it need be)
      const runTee = async (timed: boolean) => {
        const dest = path.join(work, `tee-${kind}`);
        const ms = await timedRun(async () => {
          await run('curl', ['-sS', '-f', '-o', `${dest}.sig`, sigUrl]);
          const sum = (
            await run('bash', ['-c', 'set -o pipefail; curl -sS -f "$1" | tee "$2" | openssl dgst -sha256 -r', 'bash', url, dest])
          ).stdout.split(' ')[0];
          if (sum !== mirror.files[kind]!.sha256) throw new Error('openssl dgst disagrees');
          await run('gpg', ['--homedir', gnupg, '--batch', '--quiet', '--verify', `${dest}.sig`, dest]);
        });
        await rm(dest, { force: true });
        await rm(`${dest}.sig`, { force: true });
        if (timed) teeTimes.push(ms);
      };
      // curl made as durable as Flint's cache: the file flushed to the disk before it counts as done
      const runSynced = async (timed: boolean) => {
        const dest = path.join(work, `synced-${kind}`);
        const ms = await timedRun(async () => {
          await run('curl', ['-sS', '-f', '-o', dest, url]);
          await run('sync', [dest]);
        });
        await rm(dest, { force: true });
        if (timed) syncedTimes.push(ms);
      };
      const whole = kind === 'iso';
      const runCurl = async (timed: boolean) => {
        const dest = path.join(work, `curl-${kind}`);
        await settle();
        const cpu0 = await childrenCpuMs();
        const t = (await run('curl', ['-sS', '-f', '-o', dest, '-w', '%{time_total}', url])).stdout;
        const cpu = (await childrenCpuMs()) - cpu0;
        await rm(dest, { force: true });
        if (!timed) return;
        curlTimes.push(Number(t) * 1000);
        curlCpu.push(cpu);
      };
      const runFlint = async (timed: boolean, i: number) => {
        for (const durable of ['fsync', 'no-fsync']) {
          const cacheDir = path.join(work, `cache-${kind}-${i}`);
          await settle();
          const r = await run(process.execPath, ['--import', 'tsx', SELF, '--child', server.url, cacheDir, keyFile, kind, durable]);
          await rm(cacheDir, { recursive: true, force: true });
          const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
          rss = Math.max(rss, res.maxRssMiB);
          if (!timed) continue;
          (durable === 'fsync' ? flintTimes : noSyncTimes).push(res.ms);
          if (durable === 'fsync') cpuTimes.push(res.cpuMs);
        }
      };
      await runCurl(false); // warm-up: server code paths, page cache of the served file, tsx cache
      await runFlint(false, -1);
      if (whole) {
        await runCli(false, -1);
        await runChain(false);
        await runTee(false);
        await runSynced(false);
      }
      // rotating order so that no contender always runs first
      for (let i = 0; i < ROUNDS; i++) {
        const order = [
          () => runCurl(true),
          () => runFlint(true, i),
          ...(whole ? [() => runCli(true, i), () => runChain(true), () => runTee(true), () => runSynced(true)] : []),
        ];
        for (let k = 0; k < order.length; k++) await order[(k + i) % order.length]();
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
      const rate = (ms: number) => size / MiB / (ms / 1000);
      const rates = (xs: number[]) => `${rate(median(xs)).toFixed(0)} MiB/s [best ${rate(Math.min(...xs)).toFixed(0)}]`;
      const ms = (xs: number[]) => xs.map((t) => t.toFixed(0)).join('/');
      const ratio = (xs: number[]) =>
        `${(rate(median(xs)) / rate(median(curlTimes))).toFixed(2)} [best ${(rate(Math.min(...xs)) / rate(Math.min(...curlTimes))).toFixed(2)}]`;
      console.log(
        `${label}: flint ${rates(flintTimes)} (${ms(flintTimes)} ms), curl -o ${rates(curlTimes)} (${ms(curlTimes)} ms): ` +
          `ratio ${ratio(flintTimes)} (goal >= 0.9); without the fsync before publishing ${rates(noSyncTimes)} ` +
          `(${ms(noSyncTimes)} ms), ratio ${ratio(noSyncTimes)}; CPU flint ${ms(cpuTimes)} ms, curl ${ms(curlCpu)} ms; ` +
          `flint peak RSS ${rss.toFixed(0)} MiB (goal < 150)`,
      );
      if (whole) {
        const cliRatio = rate(median(cliTimes)) / rate(median(curlTimes));
        console.log(
          `${label} whole processes: flint download ${rates(cliTimes)} (${ms(cliTimes)} ms): ratio ${cliRatio.toFixed(2)} vs curl -o (goal >= 0.85); ` +
            `curl + .sig + sha256sum + gpg --verify ${rates(chainTimes)} (${ms(chainTimes)} ms): flint/by hand ${(rate(median(cliTimes)) / rate(median(chainTimes))).toFixed(2)}`,
        );
        console.log(
          `${label} streamed by C tools: curl | tee | openssl dgst -sha256, then gpg --verify ${rates(teeTimes)} (${ms(teeTimes)} ms): ` +
            `ratio ${(rate(median(teeTimes)) / rate(median(curlTimes))).toFixed(2)} vs curl -o (native tools, one core each); flint/streamed ${(rate(median(cliTimes)) / rate(median(teeTimes))).toFixed(2)}`,
        );
        console.log(
          `${label} curl -o, then sync FILE (durable as Flint's cache) ${rates(syncedTimes)} (${ms(syncedTimes)} ms): ` +
            `flint download/durable curl ${(rate(median(cliTimes)) / rate(median(syncedTimes))).toFixed(2)}`,
        );
        if (cliRatio < 0.85) process.exitCode = 1;
      }
    }
  } finally {
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const [baseUrl, cacheDir, keyFile, kind, durable] = process.argv.slice(3);
  await child(baseUrl, cacheDir, keyFile, kind as 'iso' | 'kernel', durable !== 'no-fsync');
} else {
  await main();
}
