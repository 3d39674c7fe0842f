/**
 * Start-up benchmark (plain node script: `node --import tsx tests/bench/startup.bench.ts`): whole
 * processes as a user runs them, `node bin/flint.mjs --version` and
 * `node bin/flint.mjs iso ignition show X.iso` (the compiled CLI; npm run bench builds it first)
 * against `node -e 0` in the same run. Runs interleave (node, flint --version, flint iso ...) so
 * load from elsewhere falls on all three alike; FLINT_BENCH_STARTUP_RUNS (default 21) rounds,
 * medians with the fastest run in brackets, and the median CPU time (user + system) of each.
 * Goal: within 0.12 s of wall time where node itself takes about 0.05 s, i.e. at most 70 ms above
 * node's own start.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COREOS_FIXTURES, fixtureIso } from '../helpers/fixtures';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const FLINT = join(ROOT, 'bin', 'flint.mjs');
const RUNS = Number(process.env.FLINT_BENCH_STARTUP_RUNS ?? 21);
const GOAL_ABOVE_NODE_MS = 70;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU time (ms) of reaped children so far (cutime + cstime, 100 Hz ticks). */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * 10;
}

/** One whole process: wall ms and CPU ms; throws unless it exits 0. */
function run(args: string[]): { wall: number; cpu: number } {
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wall, cpu: childrenCpuMs() - cpu0 };
}

const dir = mkdtempSync(join(tmpdir(), 'flint-bench-start-'));
try {
  const iso = join(dir, 'custom.iso');
  writeFileSync(join(dir, 'fcos.iso'), readFileSync(await fixtureIso('embed-areas-2023-07.x86_64')));
  const made = spawnSync(
    process.execPath,
    [FLINT, 'iso', 'customize', '--live-ignition', join(COREOS_FIXTURES, 'customize', 'live.ign'), '-o', iso, join(dir, 'fcos.iso')],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`iso customize failed: ${made.stderr}`);
  const cases = [
    { label: 'node -e 0', args: ['-e', '0'] },
    { label: 'flint --version', args: [FLINT, '--version'] },
    { label: 'flint iso ignition show X.iso', args: [FLINT, 'iso', 'ignition', 'show', iso] },
  ];
  const wall = cases.map(() => [] as number[]);
  const cpu = cases.map(() => [] as number[]);
  for (const c of cases) run(c.args); // warm-up: page cache of node, the bundles and the ISO
  for (let i = 0; i < RUNS; i++) {
    cases.forEach((c, k) => {
      const r = run(c.args);
      wall[k].push(r.wall);
      cpu[k].push(r.cpu);
    });
  }
  const base = median(wall[0]);
  console.log(`${RUNS} interleaved rounds; wall median [fastest], CPU median`);
  cases.forEach((c, k) => {
    const w = median(wall[k]);
    const above =
      k === 0 ? '' : `, ${(w - base).toFixed(0)} ms above node (ratio ${(w / base).toFixed(2)}; goal <= ${GOAL_ABOVE_NODE_MS} ms)`;
    console.log(
      `${c.label.padEnd(30)} ${w.toFixed(0)} ms [${Math.min(...wall[k]).toFixed(0)}], CPU ${median(cpu[k]).toFixed(0)} ms${above}`,
    );
    if (k > 0 && w - base > GOAL_ABOVE_NODE_MS) process.exitCode = 1;
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
