#!/usr/bin/env node
// `npm run bench`: runs every tests/bench/*.bench.ts (or the ones named on the command line) in its
// own Node process with tsx, one after another, so each measures alone and reports its own peak RSS.
// The CLI and the helper they start are the compiled bundles, rebuilt here first.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'tests', 'bench');
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
// the benchmarks run the shipped CLI and helper: bundle them from the current sources first
const built = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'build', 'bundle.ts')], { stdio: 'inherit', cwd: root });
if (built.status !== 0) process.exit(built.status ?? 1);
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, f)], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    failed++;
    console.log(`=== ${f} failed (exit ${r.status ?? r.signal})`);
  }
}
console.log(`\n${files.length} benchmarks ran: ${files.length - failed} met their goals, ${failed} did not`);
process.exit(failed ? 1 : 0);
