/**
 * Fleet burn benchmark (plain node script: `node --import tsx tests/bench/fleet-burn.bench.ts`,
 * needs root, losetup, and a block-I/O cgroup: cgroup v2 with the io controller or cgroup v1
 * blkio). `flint burn --fleet` as a user runs it (the whole CLI process), writing eight sticks of
 * one batch at once, each with its own machine's config, against the same command writing one
 * stick (`--rows 1`), in interleaved rounds of the same run. The source image (default 256 MiB:
 * the x86_64 fixture ISO followed by random bytes) and the sticks' backing files live on tmpfs.
 *
 * Two settings, both printed:
 * - device-limited (the goal): each loop device is capped at 40 MB/s write and 80 MB/s read
 *   (tests/bench/io-limit.ts), an assumed figure for a cheap USB 3 stick; real sticks each have
 *   their own bandwidth on their own port, so this measures Flint's fan-out (all sticks written
 *   in parallel from one source read, verified in parallel) rather than the machine's memory
 *   bandwidth. Goal: eight sticks take at most 1.3x one stick.
 * - unlimited (for information): the loops at tmpfs speed, where every stick's write, read-back
 *   and hash is CPU work, so eight sticks cost about eight times the CPU of one.
 * The CPU seconds (user + system) of the flint process per stick are printed for both. Loop
 * devices, the cgroup and the files are removed by exact name at the end, also on failure.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { COREOS_FIXTURES, fixtureIso } from '../helpers/fixtures';
import { writePaddedImage } from '../helpers/image-file';
import { createLoopDevice, type LoopDevice } from '../helpers/loop';
import { FLINT_BIN } from '../helpers/paths';
import { createIoLimitGroup, type IoLimitGroup } from './io-limit';

const MiB = 1 << 20;
const SIZE = Number(process.env.FLINT_BENCH_FLEET_MIB ?? 256) * MiB;
const ROUNDS = Number(process.env.FLINT_BENCH_ROUNDS ?? 3);
const STICKS = 8;
const TMPFS = process.env.FLINT_BENCH_TMPFS ?? '/dev/shm';
/** Assumed speeds of a cheap USB 3 stick (bytes per second). */
const LIMITS = { writeBps: 40e6, readBps: 80e6 };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** CPU seconds (user + system) of this process's waited-for children: cutime + cstime of proc(5). */
function childCpu(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // after "pid (comm) ", field 16 (cutime) and 17 (cstime) are at indexes 13 and 14
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

interface Run {
  ms: number;
  cpu: number;
}

function burn(args: string[], group: IoLimitGroup | null): Run {
  const argv = [process.execPath, FLINT_BIN, 'burn', ...args, '--yes', '--allow-loop', '--json'];
  const [cmd, ...rest] = group ? group.wrap(argv) : argv;
  const cpu0 = childCpu();
  const t = performance.now();
  const r = spawnSync(cmd!, rest, { encoding: 'utf8', maxBuffer: 64 * MiB });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`flint burn failed (${r.status}): ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { targets: { ending: string }[] };
  if (report.targets.some((x) => x.ending !== 'verified')) throw new Error(`not every stick verified: ${r.stdout}`);
  return { ms, cpu: childCpu() - cpu0 };
}

function line(label: string, one: Run[], eight: Run[], goal: boolean): number {
  const s1 = median(one.map((r) => r.ms)) / 1000;
  const s8 = median(eight.map((r) => r.ms)) / 1000;
  const c1 = median(one.map((r) => r.cpu));
  const c8 = median(eight.map((r) => r.cpu));
  const ratio = s8 / s1;
  console.log(
    `${label}: 1 stick ${s1.toFixed(2)} s, ${STICKS} sticks ${s8.toFixed(2)} s, ratio ${ratio.toFixed(2)}` +
      `${goal ? ' (goal <= 1.30)' : ' (for information)'}; CPU 1 stick ${c1.toFixed(2)} s, ` +
      `${STICKS} sticks ${c8.toFixed(2)} s (${(c8 / STICKS).toFixed(2)} s per stick)`,
  );
  return ratio;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the fleet burn benchmark needs root (loop devices, cgroups)');
  const work = mkdtempSync(join(TMPFS, 'flint-bench-fleet-'));
  const loops: LoopDevice[] = [];
  let group: IoLimitGroup | null = null;
  try {
    const image = join(work, 'live.iso');
    writePaddedImage(image, readFileSync(await fixtureIso('embed-areas-2023-07.x86_64')), SIZE);
    const rows = Array.from({ length: STICKS }, (_, i) => `node-${i + 1},node-${i + 1}.site.example,10.30.0.${11 + i}/24,10.30.0.1`);
    const fleet = join(work, 'fleet.csv');
    writeFileSync(fleet, ['name,hostname,ip,gateway', ...rows].join('\n') + '\n');
    for (let i = 0; i < STICKS; i++) loops.push(createLoopDevice(SIZE + 16 * MiB, work));
    const made = createIoLimitGroup(
      `flint-bench-fleet-${process.pid}`,
      loops.map((l) => l.device),
      LIMITS,
    );
    if (typeof made === 'string') throw new Error(`cannot cap the loop devices' bandwidth: ${made}`);
    group = made;
    const common = ['--iso', image, '--ignition', join(COREOS_FIXTURES, 'customize', 'live.ign'), '--fleet', fleet];
    const all = loops.flatMap((l) => ['--target', l.device]);
    console.log(
      `image ${SIZE / MiB} MiB on ${TMPFS}, ${STICKS} loop devices on ${TMPFS}, ${ROUNDS} interleaved rounds (median); ` +
        `device-limited: ${LIMITS.writeBps / 1e6} MB/s write, ${LIMITS.readBps / 1e6} MB/s read per stick (${group.kind})`,
    );

    const runs = { limited1: [] as Run[], limited8: [] as Run[], free1: [] as Run[], free8: [] as Run[] };
    for (let r = 0; r < ROUNDS; r++) {
      runs.limited1.push(burn([...common, '--rows', '1', '--target', loops[0]!.device], group));
      runs.limited8.push(burn([...common, ...all], group));
      runs.free1.push(burn([...common, '--rows', '1', '--target', loops[0]!.device], null));
      runs.free8.push(burn([...common, ...all], null));
    }
    const load = loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
    console.log(`load average ${load} on ${availableParallelism()} CPUs`);
    const ratio = line('device-limited flint burn --fleet', runs.limited1, runs.limited8, true);
    line('unlimited tmpfs flint burn --fleet', runs.free1, runs.free8, false);
    if (ratio > 1.3) process.exitCode = 1;
  } finally {
    group?.remove();
    for (const l of loops) l.remove();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
