/**
 * What a user installs: `npm pack` of the project (its `prepare` builds the bundles), the tarball
 * installed with `npm install -g` into an empty prefix, and the installed `flint` run from there,
 * outside the checkout: --version, `iso inspect` of a fixture, `ui` serving the shipped interface,
 * and `burn` onto a loop device whose bytes must equal what the installed `iso customize` makes. The project is packed from a copy in
 * a temp dir (node_modules linked), so the build it runs never touches the checkout's out/ that
 * other tests are using. The loop device is removed by its name.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipReason } from '../../helpers/requirements';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { COREOS_FIXTURES, fixtureIso } from '../../helpers/fixtures';
import { head } from '../../helpers/read-bytes';

const ROOT = resolve(__dirname, '../../..');
const why = skipReason({ tools: ['losetup', 'npm', 'tar'], root: true });
const LIVE_IGN = join(COREOS_FIXTURES, 'customize', 'live.ign');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** Top-level entries a fresh clone does not have (or that npm pack would rebuild). */
const NOT_IN_A_CLONE = new Set(['node_modules', 'out', 'dist', '.git']);

describe.skipIf(why)('the packed npm package, installed into an empty prefix', () => {
  let tmp = '';
  let prefix = '';
  let work = '';
  let tarball = '';
  let iso = '';
  const loops: LoopDevice[] = [];
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

  /** Runs the installed `flint` from `work` with the prefix first on PATH. */
  const flint = (args: string[]) => {
    const r = spawnSync('flint', args, {
      cwd: work,
      env: { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}` },
      maxBuffer: 64 << 20,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
  };

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flint-pack-'));
    const copy = join(tmp, 'project');
    cpSync(ROOT, copy, { recursive: true, filter: (src) => !NOT_IN_A_CLONE.has(src.slice(ROOT.length + 1)) });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    // the copy builds into its own out/ (an inherited FLINT_OUT_DIR would send the build elsewhere)
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.FLINT_OUT_DIR;
    const packed = execFileSync('npm', ['pack', '--pack-destination', tmp], {
      cwd: copy,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    tarball = join(tmp, packed.trim().split('\n').at(-1)!);
    prefix = join(tmp, 'prefix');
    mkdirSync(prefix);
    execFileSync('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], {
      cwd: tmp,
      stdio: 'pipe',
    });
    work = join(tmp, 'work');
    mkdirSync(work);
    iso = join(work, 'fcos.iso');
    writeFileSync(iso, readFileSync(await fixtureIso('embed-areas-2023-07.x86_64')));
  }, 300_000);

  afterAll(() => {
    for (const l of loops.splice(0)) l.remove();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('the tarball holds the built CLI, helper and interface, no sources, and no dependencies', () => {
    expect(basename(tarball)).toBe(`flint-usb-flint-${version}.tgz`);
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    for (const f of [
      'bin/flint.mjs',
      'out/cli/flint.mjs',
      'out/native/writer/main.mjs',
      'out/renderer/index.html',
      'out/THIRD-PARTY-NOTICES.txt',
    ]) {
      expect(files, f).toContain(`package/${f}`);
    }
    expect(files.filter((f) => /\.tsx?$/.test(f) || f.startsWith('package/out/main/') || f.startsWith('package/tests/'))).toEqual([]);
    const installed = join(prefix, 'lib', 'node_modules', '@flint-usb', 'flint');
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.bin).toEqual({ flint: 'bin/flint.mjs' });
    expect(existsSync(join(installed, 'node_modules'))).toBe(false);
    expect(readdirSync(join(installed, 'out', 'native', 'writer'))).toEqual(['main.mjs']);
  });

  it('flint --version and flint iso inspect run from the prefix', () => {
    const v = flint(['--version']);
    expect(v.stderr).toBe('');
    expect(v.stdout.toString('utf8')).toBe(`${version}\n`);
    const inspect = flint(['iso', 'inspect', iso]);
    expect(inspect.stderr).toBe('');
    expect(inspect.code).toBe(0);
    expect(inspect.stdout.toString('utf8')).toMatch(/^Volume ID: +fedora-coreos-38\.20230718\.dev\.0\nArchitecture: +x86_64\n/);
  });

  it('flint ui serves the shipped interface from the installed package', async () => {
    const child = spawn('flint', ['ui', '--no-open', '--port', '0'], {
      cwd: work,
      env: { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((res, rej) => {
        const t = setTimeout(() => rej(new Error(`no URL printed: ${out}`)), 30_000);
        child.stdout.on('data', (c) => {
          out += c;
          const m = /(http:\/\/127\.0\.0\.1:\d+\/#code=[A-Za-z0-9_-]+)/.exec(out); // the printed sign-in link
          if (m) {
            clearTimeout(t);
            res(m[1]!);
          }
        });
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      const installed = join(prefix, 'lib', 'node_modules', '@flint-usb', 'flint');
      expect(await page.text()).toBe(readFileSync(join(installed, 'out', 'renderer', 'index.html'), 'utf8'));
    } finally {
      const exited = new Promise((res) => child.on('exit', res));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('flint burn writes a loop device: the bytes `iso customize` makes, the config read back', () => {
    const out = join(work, 'custom.iso');
    expect(flint(['iso', 'customize', '--live-ignition', LIVE_IGN, '-o', out, iso]).code).toBe(0);
    const want = readFileSync(out);
    const config = flint(['iso', 'ignition', 'show', out]).stdout;
    const stick = createLoopDevice(8 << 20);
    loops.push(stick);
    const r = flint(['burn', '--iso', iso, '--ignition', LIVE_IGN, '--target', stick.device, '--allow-loop', '--yes', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout.toString('utf8'));
    expect(report.ok).toBe(true);
    expect(report.targets).toEqual([
      expect.objectContaining({ target: expect.objectContaining({ device: stick.device }), ok: true, configSha256: sha256(config) }),
    ]);
    expect(head(stick.device, want.length).equals(want)).toBe(true);
  });
});
