/**
 * Fleet burn benchmark (plain node script: `node --import tsx tests/bench/fleet-burn.bench.ts`,
 * needs root). `flint burn --fleet` as a user runs it (the whole CLI process), writing eight
 * sticks of one batch at once, each with its own machine's config, against the same command
 * writing one stick (`--rows 1`) in the same run. The source image (default 256 MiB: the x86_64
 * fixture ISO followed by random bytes) and the sticks' backing files live on tmpfs, so the
 * sticks do not share one disk's bandwidth as real USB sticks on their own ports do not; what is
 * left is the cost of reading the source once and feeding, verifying and hashing eight targets.
 * Goal: eight sticks take at most 1.3x one stick. Loop devices and files are removed by exact
 * name at the end.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COREOS_FIXTURES, fixtureIso } from '../helpers/fixtures';
import { writePaddedImage } from '../helpers/image-file';
import { createLoopDevice, type LoopDevice } from '../helpers/loop';
import { FLINT_BIN } from '../helpers/paths';

const MiB = 1 << 20;
const SIZE = Number(process.env.FLINT_BENCH_FLEET_MIB ?? 256) * MiB;
const ROUNDS = Number(process.env.FLINT_BENCH_ROUNDS ?? 3);
const STICKS = 8;
const TMPFS = process.env.FLINT_BENCH_TMPFS ?? '/dev/shm';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function burn(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, [FLINT_BIN, 'burn', ...args, '--yes', '--allow-loop', '--json'], { encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`flint burn failed (${r.status}): ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { targets: { ending: string }[] };
  if (report.targets.some((x) => x.ending !== 'verified')) throw new Error(`not every stick verified: ${r.stdout}`);
  return ms;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the fleet burn benchmark needs root (loop devices)');
  const work = mkdtempSync(join(TMPFS, 'flint-bench-fleet-'));
  const loops: LoopDevice[] = [];
  try {
    const image = join(work, 'live.iso');
    writePaddedImage(image, readFileSync(await fixtureIso('embed-areas-2023-07.x86_64')), SIZE);
    const rows = Array.from({ length: STICKS }, (_, i) => `node-${i + 1},node-${i + 1}.site.example,10.30.0.${11 + i}/24,10.30.0.1`);
    const fleet = join(work, 'fleet.csv');
    writeFileSync(fleet, ['name,hostname,ip,gateway', ...rows].join('\n') + '\n');
    for (let i = 0; i < STICKS; i++) loops.push(createLoopDevice(SIZE + 16 * MiB, work));
    const common = ['--iso', image, '--ignition', join(COREOS_FIXTURES, 'customize', 'live.ign'), '--fleet', fleet];
    console.log(`image ${SIZE / MiB} MiB on ${TMPFS}, ${STICKS} loop devices on ${TMPFS}, ${ROUNDS} rounds (median)`);

    const one: number[] = [];
    const eight: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      one.push(burn([...common, '--rows', '1', '--target', loops[0]!.device]));
      eight.push(burn([...common, ...loops.flatMap((l) => ['--target', l.device])]));
    }
    const ratio = median(eight) / median(one);
    console.log(
      `flint burn --fleet: 1 stick ${(median(one) / 1000).toFixed(2)} s, ${STICKS} sticks ${(median(eight) / 1000).toFixed(2)} s, ` +
        `ratio ${ratio.toFixed(2)} (goal <= 1.30); ${((STICKS * SIZE) / MiB / (median(eight) / 1000)).toFixed(0)} MiB/s written in all`,
    );
    if (ratio > 1.3) process.exitCode = 1;
  } finally {
    for (const l of loops) l.remove();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
