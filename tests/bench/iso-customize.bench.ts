/**
 * Benchmark: customize a 1 GiB live ISO to a new file against `cp` of the same file in the same
 * run: in this process (the engine; goal: ratio ≤ 1.05) and as a user runs it, the whole
 * `node bin/flint.mjs iso customize -o` process, start-up included (goal: ratio ≤ 1.15); embed in place on a 1 MiB and a 1 GiB ISO (goal: same time); stream
 * the 1 GiB result to /dev/null against `dd`.
 * The main copy case is DENSE like a real ISO: the 1 MiB fixture followed by pseudo-random bytes
 * written at run time (removed after). Page caches cannot be dropped here, so both sides get the
 * file warm (one full read first) and cp/Flint runs alternate; medians of 3. The sparse case
 * (truncate-padded: cp copies the holes as holes in milliseconds, so its ratio says little) is
 * printed as a secondary line. Prints peak RSS. Run: node --import tsx tests/bench/iso-customize.bench.ts
 */
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  mkdtempSync,
  openSync,
  rmSync,
  truncateSync,
  unlinkSync,
  createWriteStream,
  readFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectIsoFile } from '../../electron/core/iso/inspect';
import { planCustomize, planEmbedIgnition } from '../../electron/core/iso/customize';
import { applyPlanInPlace } from '../../electron/core/iso/plan';
import { writePlanOutput } from '../../electron/core/iso/output';
import { COREOS_FIXTURES, fixtureIso } from '../helpers/fixtures';

/** The compiled CLI (npm run bench builds it first). */
const FLINT = new URL('../../bin/flint.mjs', import.meta.url).pathname;
/** Whole-process goal of `flint iso customize -o` against cp. */
const CLI_GOAL = 1.15;

const GiB = 1 << 30;
const RUNS = 5;
const COPY_RUNS = 3;
const dir = mkdtempSync(join(tmpdir(), 'flint-bench-iso-'));
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Writes `src` followed by pseudo-random bytes up to `size` into `dest` (a dense file, no holes). */
function makeDense(src: string, dest: string, size: number): void {
  const head = readFileSync(src);
  const fd = openSync(dest, 'w');
  try {
    writeSync(fd, head);
    const chunk = Buffer.alloc(8 << 20);
    for (let at = head.length; at < size;) {
      const n = Math.min(chunk.length, size - at);
      randomFillSync(chunk, 0, n);
      at += writeSync(fd, chunk, 0, n, at);
    }
  } finally {
    closeSync(fd);
  }
}

/** Reads a file once to the end so cp and Flint both start with it in the page cache. */
const warm = (path: string) => execFileSync('dd', [`if=${path}`, 'of=/dev/null', 'bs=4M', 'status=none']);

try {
  const small = join(dir, 'small.iso');
  copyFileSync(await fixtureIso('embed-areas-2023-07.x86_64'), small); // 1 MiB
  const big = join(dir, 'big.iso');
  copyFileSync(small, big);
  truncateSync(big, GiB);
  const liveFile = join(COREOS_FIXTURES, 'customize', 'live.ign');
  const live = { name: 'live.ign', data: readFileSync(liveFile) };
  const req = { liveIgnition: [live], liveKargAppend: ['console=ttyS0'] };

  // warm up (loads the xz wasm module, fills the page cache)
  await planCustomize(await inspectIsoFile(small), req);

  // 1. customize to a new file vs cp, on a dense image (main) and the truncate-padded sparse one
  const compare = async (label: string, src: string, runs: number, goal: string, cliGoal: boolean) => {
    warm(src);
    const cpTimes: number[] = [];
    const flintTimes: number[] = [];
    const cliTimes: number[] = [];
    const runCp = (i: number) => {
      const cpOut = join(dir, `cp-${i}.iso`);
      execFileSync('sync'); // start each run with no dirty pages being written back
      const t0 = process.hrtime.bigint();
      execFileSync('cp', [src, cpOut]);
      cpTimes.push(ms(t0));
      unlinkSync(cpOut);
    };
    const runFlint = async (i: number) => {
      const out = join(dir, `flint-${i}.iso`);
      execFileSync('sync');
      const t0 = process.hrtime.bigint();
      // as `flint iso customize -o` does: the plan is computed while the kernel copies
      const plan = inspectIsoFile(src)
        .then((facts) => planCustomize(facts, req))
        .then((r) => r.plan);
      await writePlanOutput(src, plan, out);
      flintTimes.push(ms(t0));
      unlinkSync(out);
    };
    const runCli = (i: number) => {
      const out = join(dir, `cli-${i}.iso`);
      execFileSync('sync');
      const t0 = process.hrtime.bigint();
      execFileSync(process.execPath, [
        FLINT,
        'iso',
        'customize',
        '--live-ignition',
        liveFile,
        '--live-karg-append',
        'console=ttyS0',
        '-o',
        out,
        src,
      ]);
      cliTimes.push(ms(t0));
      unlinkSync(out);
    };
    for (let i = 0; i < runs; i++) {
      // rotate which goes first so page-cache and writeback effects fall on all alike
      const order: (() => void | Promise<void>)[] = [() => runCp(i), () => runFlint(i), () => runCli(i)];
      for (let k = 0; k < order.length; k++) await order[(k + i) % order.length]();
    }
    const cpMs = median(cpTimes);
    const flintMs = median(flintTimes);
    const all = (xs: number[]) => xs.map((x) => x.toFixed(0)).join('/');
    const cliMs = median(cliTimes);
    console.log(
      `customize 1 GiB ${label} -o new file: flint ${flintMs.toFixed(1)} ms, cp ${cpMs.toFixed(1)} ms, ratio ${(flintMs / cpMs).toFixed(3)} ` +
        `(${goal}; medians of ${runs}, rotating order, warm cache; runs flint ${all(flintTimes)} ms, cp ${all(cpTimes)} ms)`,
    );
    console.log(
      `    whole process \`flint iso customize -o\`: ${cliMs.toFixed(1)} ms, ratio ${(cliMs / cpMs).toFixed(3)} vs cp ` +
        `(${cliGoal ? `goal <= ${CLI_GOAL}` : 'not meaningful for the goal'}; runs ${all(cliTimes)} ms)`,
    );
    if (cliGoal && cliMs / cpMs > CLI_GOAL) process.exitCode = 1;
  };
  const dense = join(dir, 'dense.iso');
  makeDense(small, dense, GiB);
  await compare('DENSE (main: fixture + pseudo-random padding)', dense, COPY_RUNS, 'goal <= 1.05', true);
  await compare('sparse (secondary: truncate-padded, cp copies holes)', big, COPY_RUNS, 'not meaningful for the goal', false);

  // 2. embed in place: time must not depend on the image size
  const embedMs = async (path: string) => {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      const facts = await inspectIsoFile(path);
      await applyPlanInPlace(path, await planEmbedIgnition(facts, live.data, true));
      times.push(ms(t0));
    }
    return median(times);
  };
  const smallMs = await embedMs(small);
  const bigMs = await embedMs(big);
  console.log(
    `embed in place: 1 MiB ISO ${smallMs.toFixed(1)} ms, 1 GiB ISO ${bigMs.toFixed(1)} ms, ratio ${(bigMs / smallMs).toFixed(2)}`,
  );

  // 3. stream the customized dense image (the writer's path) vs dd, both from a warm cache
  const facts = await inspectIsoFile(dense);
  const { plan } = await planCustomize(facts, req);
  warm(dense);
  let t0 = process.hrtime.bigint();
  execFileSync('dd', [`if=${dense}`, 'of=/dev/null', 'bs=1M', 'status=none']);
  const ddMs = ms(t0);
  t0 = process.hrtime.bigint();
  await writePlanOutput(dense, plan, '-', { stdout: createWriteStream('/dev/null') });
  const streamMs = ms(t0);
  console.log(
    `stream 1 GiB dense through planTransform to /dev/null: flint ${streamMs.toFixed(1)} ms, dd ${ddMs.toFixed(1)} ms, ratio ${(streamMs / ddMs).toFixed(2)}`,
  );
  unlinkSync(dense);

  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
