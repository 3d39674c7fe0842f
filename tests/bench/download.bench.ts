/**
 * Download benchmark (plain node script: `node --import tsx tests/bench/download.bench.ts`).
 * Serves a generated 64 MiB and 512 MiB artifact (signed with the coreos-installer test key) from
 * the local mirror server and downloads each with Flint (SHA-256 + OpenPGP, cache publish with
 * fsync) in a child process, and with `curl -o` of the same URL in the same run, best of
 * FLINT_BENCH_ROUNDS (default 3) interleaved rounds. Prints the throughput ratio (goal >= 0.9 of
 * curl; also without the fsync, which curl does not do) and Flint's peak RSS (goal < 150 MiB for
 * both sizes).
 * Generated files are removed at the end.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomFillSync } from 'node:crypto';
import { once } from 'node:events';

const MiB = 1 << 20;
// async on purpose: the mirror server runs in this process and must keep serving
const run = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);
const ROUNDS = Number(process.env.FLINT_BENCH_ROUNDS ?? 3);

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
    console.log(`curl: ${(await run('curl', ['--version'])).stdout.split('\n')[0]}`);
    for (const [kind, label] of [['kernel', '64 MiB'], ['iso', '512 MiB']] as const) {
      const url = `${server.url}${mirror.files[kind]!.urlPath}`;
      const size = kind === 'iso' ? 512 * MiB : 64 * MiB;
      const curlTimes: number[] = [];
      const flintTimes: number[] = [];
      const noSyncTimes: number[] = [];
      const cpuTimes: number[] = [];
      let rss = 0;
      // interleaved rounds so that background load hits every contender alike
      for (let i = 0; i < ROUNDS; i++) {
        const dest = path.join(work, `curl-${kind}`);
        const t = (await run('curl', ['-sS', '-f', '-o', dest, '-w', '%{time_total}', url])).stdout;
        curlTimes.push(Number(t) * 1000);
        await rm(dest, { force: true });
        for (const durable of ['fsync', 'no-fsync']) {
          const cacheDir = path.join(work, `cache-${kind}-${i}`);
          const r = await run(process.execPath, ['--import', 'tsx', SELF, '--child', server.url, cacheDir, keyFile, kind, durable]);
          const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
          (durable === 'fsync' ? flintTimes : noSyncTimes).push(res.ms);
          if (durable === 'fsync') cpuTimes.push(res.cpuMs);
          rss = Math.max(rss, res.maxRssMiB);
          await rm(cacheDir, { recursive: true, force: true });
        }
      }
      const best = (xs: number[]) => Math.min(...xs);
      const rate = (xs: number[]) => size / MiB / (best(xs) / 1000);
      const ms = (xs: number[]) => xs.map((t) => t.toFixed(0)).join('/');
      console.log(
        `${label}: flint ${rate(flintTimes).toFixed(0)} MiB/s (${ms(flintTimes)} ms), curl -o ${rate(curlTimes).toFixed(0)} MiB/s (${ms(curlTimes)} ms): ` +
          `ratio ${(rate(flintTimes) / rate(curlTimes)).toFixed(2)} (goal >= 0.9); without the fsync before publishing ` +
          `${rate(noSyncTimes).toFixed(0)} MiB/s (${ms(noSyncTimes)} ms), ratio ${(rate(noSyncTimes) / rate(curlTimes)).toFixed(2)}; ` +
          `flint CPU ${ms(cpuTimes)} ms; flint peak RSS ${rss.toFixed(0)} MiB (goal < 150)`,
      );
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
