/**
 * Burn benchmark (plain node script: `node --import tsx tests/bench/burn.bench.ts`, needs root).
 * What `flint burn --iso` costs end to end (inspect, plan the customization, write through the
 * flash job, read back while measuring the ISO's SHA-256, check the config read back) against the shell equivalent
 * in the same run: `sha256sum` of the ISO, `dd bs=4M oflag=direct conv=fsync` of an already
 * customized copy, then `cmp` against the device. The image (default 512 MiB: the x86_64 fixture
 * ISO followed by random bytes) is built at run time; the loop device and files are removed by
 * exact name at the end. The baseline does not even include customizing, so a ratio near 1 means
 * burn adds no overhead of its own.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareFlash } from '../../electron/core/flash/prepare';
import { runFlash } from '../../electron/core/flash/run';
import { inspectIsoFile } from '../../electron/core/iso/inspect';
import { planCustomize, type CustomizeRequest } from '../../electron/core/iso/customize';
import { applyPlanToCopy } from '../../electron/core/iso/plan';
import { createLoopDevice, type LoopDevice } from '../helpers/loop';
import { COREOS_FIXTURES, fixtureIso } from '../helpers/fixtures';
import { writePaddedImage } from '../helpers/image-file';

const MiB = 1 << 20;
const SIZE = Number(process.env.FLINT_BENCH_BURN_MIB ?? 512) * MiB;
const ROUNDS = Number(process.env.FLINT_BENCH_ROUNDS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the burn benchmark needs root (loop devices)');
  const work = mkdtempSync(join(tmpdir(), 'flint-bench-burn-'));
  let loop: LoopDevice | undefined;
  try {
    const image = join(work, 'live.iso');
    writePaddedImage(image, readFileSync(await fixtureIso('embed-areas-2023-07.x86_64')), SIZE);
    const ignFile = join(COREOS_FIXTURES, 'customize', 'live.ign');
    const customize: CustomizeRequest = {
      liveIgnition: [{ name: ignFile, data: new Uint8Array(readFileSync(ignFile)) }],
      liveKargAppend: ['coreos.liveiso.fromram'],
    };
    const customized = join(work, 'customized.iso');
    await applyPlanToCopy(image, customized, (await planCustomize(await inspectIsoFile(image), customize)).plan);
    loop = createLoopDevice(SIZE + 64 * MiB, work);
    console.log(`image ${SIZE / MiB} MiB, target ${loop.device}, ${ROUNDS} rounds (median)`);

    const flint: number[] = [];
    const shell: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      let t = performance.now();
      const { liveIgnition, ...options } = customize;
      const report = await runFlash(
        await prepareFlash({
          source: { kind: 'file', path: image },
          customization: { liveConfigs: liveIgnition, options },
          targets: [{ device: loop.device }],
          allowLoop: true,
          verify: true,
        }),
      );
      flint.push(performance.now() - t);
      if (!report.ok) throw new Error(`burn failed: ${JSON.stringify(report.targets)}`);
      t = performance.now();
      execFileSync('sha256sum', [image], { stdio: 'ignore' });
      execFileSync('dd', [`if=${customized}`, `of=${loop.device}`, 'bs=4M', 'oflag=direct', 'conv=fsync', 'status=none']);
      execFileSync('cmp', ['-n', String(SIZE), customized, loop.device]);
      shell.push(performance.now() - t);
    }
    const ratio = median(shell) / median(flint);
    console.log(
      `burn --iso (hash, customize, write, verify, config read back): flint ${(median(flint) / 1000).toFixed(2)} s, ` +
        `sha256sum+dd+cmp ${(median(shell) / 1000).toFixed(2)} s, ratio ${ratio.toFixed(2)} (goal >= 0.80)`,
    );
    console.log(
      `benchmark process peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (the writer helper is a separate process)`,
    );
    if (ratio < 0.8) process.exitCode = 1;
  } finally {
    loop?.remove();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
