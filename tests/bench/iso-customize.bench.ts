/**
 * Benchmark: customize a 1 GiB live ISO (a fixture padded with truncate, made at run time) to a new
 * file, against `cp` of the same file in the same run (goal: ratio ≤ 1.05); embed in place on a
 * 1 MiB and a 1 GiB ISO (goal: same time); stream the 1 GiB result to /dev/null against `dd`.
 * The copy is measured on the sparse padded image (cp and Flint both skip holes) and on a dense one.
 * Prints peak RSS. Run: node --import tsx tests/bench/iso-customize.bench.ts
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, truncateSync, unlinkSync, createWriteStream, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectIsoFile } from '../../electron/core/iso/inspect';
import { planCustomize, planEmbedIgnition } from '../../electron/core/iso/customize';
import { applyPlanInPlace } from '../../electron/core/iso/plan';
import { writePlanOutput } from '../../electron/core/iso/output';
import { COREOS_FIXTURES, fixtureIso } from '../helpers/fixtures';

const GiB = 1 << 30;
const RUNS = 5;
const dir = mkdtempSync(join(tmpdir(), 'flint-bench-iso-'));
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  const small = join(dir, 'small.iso');
  copyFileSync(await fixtureIso('embed-areas-2023-07.x86_64'), small); // 1 MiB
  const big = join(dir, 'big.iso');
  copyFileSync(small, big);
  truncateSync(big, GiB);
  const live = { name: 'live.ign', data: readFileSync(join(COREOS_FIXTURES, 'customize', 'live.ign')) };
  const req = { liveIgnition: [live], liveKargAppend: ['console=ttyS0'] };

  // warm up (loads the xz wasm module, fills the page cache)
  await planCustomize(await inspectIsoFile(small), req);

  // 1. customize to a new file vs cp, on the truncate-padded (sparse) image and on a dense one
  const compare = async (label: string, src: string, runs: number) => {
    const cpTimes: number[] = [];
    const flintTimes: number[] = [];
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
      const facts = await inspectIsoFile(src);
      const { plan } = await planCustomize(facts, req);
      await writePlanOutput(src, plan, out);
      flintTimes.push(ms(t0));
      unlinkSync(out);
    };
    for (let i = 0; i < runs; i++) {
      // alternate which goes first so page-cache and writeback effects fall on both alike
      if (i % 2 === 0) {
        runCp(i);
        await runFlint(i);
      } else {
        await runFlint(i);
        runCp(i);
      }
    }
    const cpMs = median(cpTimes);
    const flintMs = median(flintTimes);
    console.log(`customize 1 GiB ${label} -o new file: flint ${flintMs.toFixed(1)} ms, cp ${cpMs.toFixed(1)} ms, ratio ${(flintMs / cpMs).toFixed(3)} (goal <= 1.05; medians of ${runs})`);
  };
  await compare('(sparse, truncate-padded)', big, RUNS);
  const dense = join(dir, 'dense.iso');
  execFileSync('sh', ['-c', 'cat "$1" > "$2" && head -c $(( $3 - $(stat -c %s "$1") )) /dev/zero >> "$2"', 'sh', small, dense, String(GiB)]);
  await compare('(dense)', dense, 3);
  unlinkSync(dense);

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
  console.log(`embed in place: 1 MiB ISO ${smallMs.toFixed(1)} ms, 1 GiB ISO ${bigMs.toFixed(1)} ms, ratio ${(bigMs / smallMs).toFixed(2)}`);

  // 3. stream the customized image (the writer's path) vs cat
  const facts = await inspectIsoFile(small);
  let t0 = process.hrtime.bigint();
  execFileSync('dd', [`if=${big}`, 'of=/dev/null', 'bs=1M', 'status=none']);
  const ddMs = ms(t0);
  const { plan } = await planCustomize({ ...facts, size: GiB, customized: false }, req);
  t0 = process.hrtime.bigint();
  await writePlanOutput(big, plan, '-', { stdout: createWriteStream('/dev/null') });
  const streamMs = ms(t0);
  console.log(`stream 1 GiB through planTransform to /dev/null: flint ${streamMs.toFixed(1)} ms, dd ${ddMs.toFixed(1)} ms, ratio ${(streamMs / ddMs).toFixed(2)}`);

  console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
