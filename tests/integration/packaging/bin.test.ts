/**
 * bin/flint.mjs on its own, in a made-up package root: it runs the compiled out/cli/flint.mjs; in
 * a checkout it names a source edited after the build; without a build it says how to make one.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../..');

describe('bin/flint.mjs', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** A package root with bin/flint.mjs and a stand-in build that prints its argv; `checkout` adds sources. */
  const fakeRoot = (checkout: boolean) => {
    const root = mkdtempSync(join(tmpdir(), 'flint-bin-'));
    dirs.push(root);
    mkdirSync(join(root, 'bin'));
    copyFileSync(join(ROOT, 'bin/flint.mjs'), join(root, 'bin/flint.mjs'));
    mkdirSync(join(root, 'out/cli'), { recursive: true });
    writeFileSync(
      join(root, 'out/cli/flint.mjs'),
      'export async function main(argv) { process.stdout.write("built " + argv.slice(2).join(" ") + "\\n"); return 3; }\n',
    );
    if (checkout) {
      mkdirSync(join(root, 'electron/cli'), { recursive: true });
      writeFileSync(join(root, 'electron/cli/index.ts'), '');
      writeFileSync(join(root, 'electron/a.ts'), '');
      const past = new Date(Date.now() - 60_000);
      for (const f of ['electron/cli/index.ts', 'electron/a.ts']) utimesSync(join(root, f), past, past);
      writeFileSync(join(root, 'out/cli/sources.json'), JSON.stringify({ sources: ['electron/cli/index.ts', 'electron/a.ts'] }));
    }
    return root;
  };
  const run = (root: string) => spawnSync(process.execPath, [join(root, 'bin/flint.mjs'), 'iso', 'x'], { encoding: 'utf8' });

  it('runs the compiled CLI with the arguments and returns its exit code', () => {
    const r = run(fakeRoot(true));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('built iso x\n');
    expect(r.status).toBe(3);
  });

  it('in a checkout, names a source changed after the build (and still runs the build)', () => {
    const root = fakeRoot(true);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'electron/a.ts'), later, later);
    const r = run(root);
    expect(r.stderr).toBe('flint: warning: electron/a.ts changed after the last build; run `npm run build` (this run uses the build)\n');
    expect(r.stdout).toBe('built iso x\n');
    rmSync(join(root, 'electron/a.ts'));
    expect(run(root).stderr).toContain('electron/a.ts changed after the last build');
  });

  it('an installed package (no sources beside it) is not checked', () => {
    const r = run(fakeRoot(false));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(3);
  });

  it('without a build: one line saying how to make it, exit 1', () => {
    const root = fakeRoot(true);
    rmSync(join(root, 'out'), { recursive: true });
    const r = run(root);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`flint: the compiled CLI is missing (${join(root, 'out/cli/flint.mjs')}); run \`npm run build\` in ${root}/\n`);
  });
});
