/**
 * The CLI bundle loads what a command needs and no more: the CLI is bundled into a temp dir
 * (build/bundle.ts reports which inputs went into which chunk), run with a module hook that logs
 * every file Node loads, and the inputs of the loaded chunks are checked: `--version` loads no
 * third-party code, `iso ignition show` and `iso kargs show` load xz and two files of the CLI
 * (electron/cli/quick.ts, no commander), not openpgp, Ajv and its schemas, yaml or the progress
 * bar, and print what the same commands print through commander.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, type BundleResult } from '../../../build/bundle';
import { COREOS_FIXTURES, fixtureIso } from '../../helpers/fixtures';

const HOOK = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.FLINT_LOAD_LOG, url + '\\n');
  return next(url, context);
}`;

describe('lazy loading in the CLI bundle', () => {
  let dir = '';
  let cli: BundleResult;
  let iso = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flint-lazy-'));
    cli = await bundleCli(dir);
    writeFileSync(
      join(dir, 'run.mjs'),
      "const { main } = await import('./cli/flint.mjs');\nprocess.exitCode = await main(process.argv);\n",
    );
    writeFileSync(
      join(dir, 'hook.mjs'),
      `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}));\n` +
        // files loaded with require() (the per-version Ignition spec files) bypass the ES hook
        `import Module from 'node:module';\nimport { appendFileSync } from 'node:fs';\nconst load = Module._load;\n` +
        `Module._load = function (request, parent, isMain) {\n  if (request.endsWith('.cjs')) appendFileSync(process.env.FLINT_LOAD_LOG, new URL(request, 'file://' + parent.filename).href + '\\n');\n  return load.apply(this, arguments);\n};\n`,
    );
    iso = await fixtureIso('embed-areas-2023-07.x86_64');
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the temp bundle with `args`; returns its output, the files Node loaded and their inputs. */
  function loaded(args: string[], status = 0): { stdout: string; stderr: string; files: string[]; inputs: string[] } {
    const log = join(dir, `load-${Date.now()}.log`);
    writeFileSync(log, '');
    const r = spawnSync(process.execPath, ['--import', join(dir, 'hook.mjs'), join(dir, 'run.mjs'), ...args], {
      env: { ...process.env, FLINT_LOAD_LOG: log },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(status);
    const files = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((u) => relative(join(dir, 'cli'), fileURLToPath(u)))
      .filter((f) => !f.startsWith('..'));
    expect(files).toContain('flint.mjs');
    return { stdout: r.stdout, stderr: r.stderr, files, inputs: files.flatMap((f) => cli.contents[f] ?? []) };
  }
  const packages = (inputs: string[]) =>
    [...new Set(inputs.flatMap((i) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(i)?.[1] ?? []))].sort();

  it('--version loads no third-party code', () => {
    const r = loaded(['--version']);
    expect(r.stdout).toBe('0.1.0\n');
    expect(packages(r.inputs)).toEqual([]);
  });

  it("ignition validate loads the schema and validator of the config's spec version only", () => {
    const r = loaded(['ignition', 'validate', join(COREOS_FIXTURES, 'customize', 'live.ign')]);
    expect(r.stdout).toMatch(/valid Ignition 3\.3\.0 config/);
    expect(r.files.filter((f) => f.endsWith('.cjs'))).toEqual([join('chunks', 'ignition', '3.3.0.cjs')]);
    expect(cli.files.filter((f) => f.endsWith('.cjs')).length).toBe(7);
  });

  it('iso ignition show and iso kargs show load xz in one file, not commander, and print what commander does', () => {
    const out = join(dir, 'custom.iso');
    const made = spawnSync(process.execPath, [
      join(dir, 'run.mjs'),
      'iso',
      'customize',
      '--live-ignition',
      join(COREOS_FIXTURES, 'customize', 'live.ign'),
      '-o',
      out,
      iso,
    ]);
    expect(made.status, String(made.stderr)).toBe(0);
    const r = loaded(['iso', 'ignition', 'show', out]);
    expect(JSON.parse(r.stdout)).toHaveProperty('ignition');
    expect(packages(r.inputs)).toEqual(['node-liblzma']);
    expect(r.files).toContain('quick.mjs');
    expect(r.files.length).toBeLessThanOrEqual(4);
    expect(r.inputs.filter((i) => i.includes('ignition/schemas/'))).toEqual([]);
    // `--` before the operand is the same command through commander (electron/cli/index.ts sends
    // only the plain spelling to ./quick): same output, same error, same exit code
    const viaCommander = (a: string[], status = 0) => {
      const c = loaded([...a.slice(0, -1), '--', a[a.length - 1]!], status);
      expect(packages(c.inputs)).toContain('commander');
      return c;
    };
    expect(viaCommander(['iso', 'ignition', 'show', out]).stdout).toBe(r.stdout);
    const kargs = loaded(['iso', 'kargs', 'show', out]);
    expect(kargs.stdout).toMatch(/coreos\.liveiso=/);
    expect(packages(kargs.inputs)).toEqual(['node-liblzma']);
    expect(viaCommander(['iso', 'kargs', 'show', out]).stdout).toBe(kargs.stdout);
    for (const args of [
      ['iso', 'ignition', 'show', iso],
      ['iso', 'ignition', 'show', join(dir, 'missing.iso')],
      ['iso', 'kargs', 'show', join(dir, 'run.mjs')],
    ]) {
      const quick = loaded(args, 1);
      expect(quick.stderr).toMatch(/^Error: /);
      expect(viaCommander(args, 1).stderr).toBe(quick.stderr);
    }
  });
});
