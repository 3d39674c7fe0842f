/**
 * Write benchmark (plain node script: `node --import tsx tests/bench/write.bench.ts`, needs root;
 * `npm run bench` builds the compiled CLI and helper first).
 * Builds a 1 GiB live image at run time (the x86_64 fixture ISO followed by random bytes), customizes
 * it with a live Ignition config, and writes it with Flint's helper (source + plan on the fly,
 * O_DIRECT) to a loop device, against `dd bs=4M oflag=direct conv=fsync` of the same customized bytes
 * to the same device in the same run (goal: ratio >= 0.9 of dd's throughput). Then write + verify
 * against dd + `cmp`, the helper's peak RSS (goal < 150 MiB), and three targets at once against three
 * in a row. And as a user runs it: the whole `node bin/flint.mjs write --image ... --live-ignition ...`
 * process (start-up, listing, planning, writing in-process as root), with --no-verify against dd of
 * the customized bytes (goal: >= 0.75 of dd's throughput), and with its default read-back
 * verification against dd alone and against dd + cmp, which does the same work (goal: >= 0.75). The loop devices' backing files sit on this machine's disk (page cache included), so the
 * absolute numbers say little about USB sticks; the ratios compare like with like.
 * Everything created (loop devices, files) is removed by exact name at the end.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectIsoFile } from '../../electron/core/iso/inspect';
import { planCustomize } from '../../electron/core/iso/customize';
import { applyPlanToCopy, type PatchPlan } from '../../electron/core/iso/plan';
import { writeImage } from '../../electron/core/write/write-image';
import type { WriteEvent } from '../../electron/core/write/events';
import { createLoopDevice, type LoopDevice } from '../helpers/loop';
import { COREOS_FIXTURES, fixtureIso } from '../helpers/fixtures';
import { writePaddedImage } from '../helpers/image-file';

/** The compiled CLI. */
const FLINT = new URL('../../bin/flint.mjs', import.meta.url).pathname;

const MiB = 1 << 20;
const SIZE = Number(process.env.FLINT_BENCH_WRITE_MIB ?? 1024) * MiB;
const ROUNDS = Number(process.env.FLINT_BENCH_ROUNDS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mbps = (bytes: number, ms: number) => (bytes / MiB / (ms / 1000)).toFixed(0);

function timed(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

async function timedAsync(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/**
 * One run of the helper: end-to-end time, the write phase alone (from opening the device until its
 * data is synced, like dd's conv=fsync), and the helper's peak RSS.
 */
async function flint(
  image: string,
  plan: PatchPlan,
  devices: string[],
  verify: boolean,
  ign: string,
): Promise<{ ms: number; writeMs: number; rss: number }> {
  let rss = 0;
  let opened = 0;
  let synced = 0;
  const ms = await timedAsync(async () => {
    const results = await writeImage({
      image,
      plan,
      targets: devices,
      allowLoop: true,
      verify,
      expectIgnitionSha256: ign,
      onEvent: (e: WriteEvent) => {
        if (e.type === 'done') rss = e.peakRssBytes ?? 0;
        if (e.type === 'log' && e.message.startsWith('writing in')) opened = performance.now();
        // fdatasync returned: the flush phase reports all bytes done
        if (e.type === 'progress' && e.phase === 'flush' && e.bytes === e.total && !synced) synced = performance.now();
      },
    });
    const bad = results.find((r) => !r.ok);
    if (bad) throw new Error(`${bad.device}: ${bad.error?.message ?? bad.ending}`);
  });
  return { ms, writeMs: synced - opened, rss };
}

function dd(file: string, device: string): void {
  execFileSync('dd', [`if=${file}`, `of=${device}`, 'bs=4M', 'oflag=direct', 'conv=fsync', 'status=none']);
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the write benchmark needs root (loop devices)');
  const work = mkdtempSync(join(tmpdir(), 'flint-bench-write-'));
  const loops: LoopDevice[] = [];
  try {
    const image = join(work, 'live.iso');
    writePaddedImage(image, readFileSync(await fixtureIso('embed-areas-2023-07.x86_64')), SIZE);
    const ignFile = join(COREOS_FIXTURES, 'customize', 'live.ign');
    const res = await planCustomize(await inspectIsoFile(image), {
      liveIgnition: [{ name: ignFile, data: new Uint8Array(readFileSync(ignFile)) }],
    });
    const { createHash } = await import('node:crypto');
    const ign = createHash('sha256').update(res.liveConfig!).digest('hex');
    const customized = join(work, 'customized.iso');
    await applyPlanToCopy(image, customized, res.plan);
    for (let i = 0; i < 3; i++) loops.push(createLoopDevice(SIZE + 64 * MiB, work));
    const [a] = loops;
    console.log(`image ${SIZE / MiB} MiB, targets ${loops.map((l) => l.device).join(' ')}, ${ROUNDS} rounds (median)`);

    const fw: number[] = [];
    const fp: number[] = [];
    const dw: number[] = [];
    let peak = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const f = await flint(image, res.plan, [a.device], false, ign);
      fw.push(f.ms);
      fp.push(f.writeMs);
      peak = Math.max(peak, f.rss);
      dw.push(timed(() => dd(customized, a.device)));
    }
    const wRatio = median(dw) / median(fp);
    console.log(
      `write:          flint ${mbps(SIZE, median(fp))} MiB/s (write phase, synced), dd ${mbps(SIZE, median(dw))} MiB/s, ratio ${wRatio.toFixed(2)} (goal >= 0.90)`,
    );
    console.log(
      `                end to end incl. starting the compiled helper, listing and unmounting: ${mbps(SIZE, median(fw))} MiB/s, ratio ${(median(dw) / median(fw)).toFixed(2)}`,
    );

    // the whole CLI process as a user runs it (default: verifies by reading every byte back past
    // the page cache) and with --no-verify, against dd alone and dd followed by cmp (the same
    // write + read-back + compare), in an order that rotates every round
    const cliNoVerify: number[] = [];
    const cliVerify: number[] = [];
    const cd: number[] = [];
    const cdc: number[] = [];
    const cli = (verify: boolean) => () =>
      execFileSync(
        process.execPath,
        [
          FLINT,
          'write',
          '--image',
          image,
          '--live-ignition',
          ignFile,
          '--target',
          a.device,
          '--allow-loop',
          '--yes',
          ...(verify ? [] : ['--no-verify']),
        ],
        { stdio: 'pipe' },
      );
    const ddCmp = () => {
      dd(customized, a.device);
      execFileSync('cmp', ['-n', String(SIZE), customized, a.device]);
    };
    const contenders: [number[], () => void][] = [
      [cliNoVerify, cli(false)],
      [cd, () => dd(customized, a.device)],
      [cliVerify, cli(true)],
      [cdc, ddCmp],
    ];
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < contenders.length; k++) {
        const [times, fn] = contenders[(k + r) % contenders.length];
        times.push(timed(fn));
      }
    }
    const runs = (xs: number[]) => xs.map((x) => x.toFixed(0)).join('/');
    const cliRatio = median(cd) / median(cliNoVerify);
    console.log(
      `flint write --no-verify (whole process): ${mbps(SIZE, median(cliNoVerify))} MiB/s, dd oflag=direct conv=fsync ${mbps(SIZE, median(cd))} MiB/s, ratio ${cliRatio.toFixed(2)} (goal >= 0.75; runs ${runs(cliNoVerify)} ms vs ${runs(cd)} ms)`,
    );
    const verifyVsDdCmp = median(cdc) / median(cliVerify);
    console.log(
      `flint write (whole process, default: writes, then reads every byte back with O_DIRECT and compares, SHA-256 of image and stick): ` +
        `${mbps(SIZE, median(cliVerify))} MiB/s; against dd alone (writes only) ratio ${(median(cd) / median(cliVerify)).toFixed(2)}; ` +
        `against dd + cmp of the device (the same work; cmp reads through the page cache) ${mbps(SIZE, median(cdc))} MiB/s, ratio ${verifyVsDdCmp.toFixed(2)} ` +
        `(goal >= 0.75; runs ${runs(cliVerify)} ms vs ${runs(cdc)} ms)`,
    );
    if (cliRatio < 0.75 || verifyVsDdCmp < 0.75) process.exitCode = 1;

    const fv: number[] = [];
    const dv: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const f = await flint(image, res.plan, [a.device], true, ign);
      fv.push(f.ms);
      peak = Math.max(peak, f.rss);
      dv.push(
        timed(() => {
          dd(customized, a.device);
          execFileSync('cmp', ['-n', String(SIZE), customized, a.device]);
        }),
      );
    }
    console.log(
      `write+verify:   flint ${(median(fv) / 1000).toFixed(2)} s, dd+cmp ${(median(dv) / 1000).toFixed(2)} s, ratio ${(median(dv) / median(fv)).toFixed(2)} (goal >= 0.90)`,
    );

    const devices = loops.map((l) => l.device);
    const par: number[] = [];
    const seq: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const p = await flint(image, res.plan, devices, false, ign);
      par.push(p.ms);
      peak = Math.max(peak, p.rss);
      seq.push(
        await timedAsync(async () => {
          for (const d of devices) await flint(image, res.plan, [d], false, ign);
        }),
      );
    }
    console.log(
      `three targets:  at once ${(median(par) / 1000).toFixed(2)} s, in a row ${(median(seq) / 1000).toFixed(2)} s, speed-up ${(median(seq) / median(par)).toFixed(2)}x`,
    );
    console.log(
      `helper peak RSS ${(peak / MiB).toFixed(0)} MiB (goal < 150 MiB); benchmark process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
    );
    if (wRatio < 0.9) process.exitCode = 1;
    if (peak / MiB >= 150) process.exitCode = 1;
  } finally {
    for (const l of loops) l.remove();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
