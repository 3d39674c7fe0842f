/**
 * Packaging smoke test: electron-vite builds main (ESM), preload (CJS) and renderer, esbuild bundles
 * the writer helper into one file (build/bundle.ts), and electron-builder lays out the Linux app from build/electron-builder.yml
 * with a stand-in electronDist (the real Electron binary cannot be downloaded here). Checks the
 * asar holds main, preload and renderer and that the helper, its launcher and polkit policy are
 * beside it where electron/core/write/elevate.ts looks for them.
 * Everything is built in a temp dir (FLINT_OUT_DIR), so the checkout's out/ is left alone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStubElectronDist } from '../../../build/stub-electron';
import { bundleHelper } from '../../../build/bundle';

const ROOT = resolve(__dirname, '../../..');
const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);
const require = createRequire(import.meta.url);

describe('packaging', () => {
  let tmp: string;
  let out: string;
  let app: string;
  let config: Record<string, unknown>;
  let asarFiles: string[];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flint-pack-'));
    out = join(tmp, 'out');
    const env = { ...process.env, FLINT_OUT_DIR: out };
    execFileSync(bin('electron-vite'), ['build', '-c', 'build/electron.vite.config.ts'], { cwd: ROOT, env, stdio: 'pipe' });
    await bundleHelper(out);

    // The real config, with its out/ sources pointed at the temp build.
    config = parse(readFileSync(join(ROOT, 'build/electron-builder.yml'), 'utf8'));
    const files = (config.files as string[]).map((f) =>
      f.startsWith('out/') ? { from: join(out, f.slice(4).replace('/**', '')), to: f.replace('/**', '') } : f,
    );
    const extra = (config.extraResources as { from: string; to: string }[]).map((r) =>
      r.from.startsWith('out/') ? { ...r, from: join(out, r.from.slice(4)) } : r,
    );
    const electronVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')).version;
    const testConfig = {
      ...config,
      files,
      extraResources: extra,
      electronDist: makeStubElectronDist(join(tmp, 'electron-dist'), electronVersion),
      electronVersion,
      directories: { ...(config.directories as object), output: join(tmp, 'dist') },
    };
    writeFileSync(join(tmp, 'builder.json'), JSON.stringify(testConfig));
    execFileSync(bin('electron-builder'), ['--config', join(tmp, 'builder.json'), '--linux', 'dir'], {
      cwd: ROOT,
      env: { ...process.env, ELECTRON_BUILDER_OFFLINE: 'true' },
      stdio: 'pipe',
    });
    app = join(tmp, 'dist/linux-unpacked');
    const asar = require('@electron/asar') as { listPackage(p: string): string[] };
    asarFiles = asar.listPackage(join(app, 'resources/app.asar'));
  }, 180_000);

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('builds the preload as CommonJS and main as ESM', () => {
    const preload = readFileSync(join(out, 'preload/index.cjs'), 'utf8');
    expect(preload).toContain('require("electron")');
    expect(preload).not.toMatch(/^import /m);
    expect(readFileSync(join(out, 'main/index.js'), 'utf8')).toMatch(/^import .* from "electron";$/m);
  });

  it('puts main, preload, renderer and package.json into app.asar, without sources', () => {
    for (const f of ['/package.json', '/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html']) {
      expect(asarFiles, f).toContain(f);
    }
    expect(asarFiles.some((f) => /^\/out\/renderer\/assets\/.*\.js$/.test(f))).toBe(true);
    expect(asarFiles.some((f) => f.startsWith('/electron/') || f.startsWith('/tests/') || f.endsWith('.map'))).toBe(false);
  });

  it('ships the writer helper as one file, its launcher and polkit policy beside the asar (layout of elevate.ts)', () => {
    const res = join(app, 'resources');
    expect(readdirSync(join(res, 'native/writer'))).toEqual(['main.mjs']);
    const launcher = join(res, 'native/linux/flint-writer');
    expect(statSync(launcher).mode & 0o111).not.toBe(0);
    expect(readFileSync(launcher, 'utf8')).toContain('"$app/resources/native/writer/main.mjs"');
    const policy = readFileSync(join(res, 'native/linux/org.flint.writer.policy'), 'utf8');
    expect(policy).toContain(
      '<annotate key="org.freedesktop.policykit.exec.path">/opt/Flint/resources/native/linux/flint-writer</annotate>',
    );
    expect(existsSync(join(app, 'flint'))).toBe(true); // the (stub) app binary the launcher runs
    expect(existsSync(join(res, 'native/win32')) || existsSync(join(res, 'native/darwin'))).toBe(false);
  });

  it('the bundled helper runs on its own and refuses a bad job', () => {
    let stdout = '';
    try {
      execFileSync(process.execPath, [join(app, 'resources/native/writer/main.mjs')], { input: '{}\n', stdio: 'pipe' });
    } catch (err) {
      stdout = String((err as { stdout: Buffer }).stdout);
    }
    expect(JSON.parse(stdout.split('\n')[0]!)).toMatchObject({ type: 'fatal', error: { code: 'WRITE_JOB_INVALID' } });
  });

  it('declares every target, file association and npmRebuild: false', () => {
    expect(config.npmRebuild).toBe(false);
    expect((config.win as { target: string[] }).target).toEqual(['nsis', 'portable']);
    expect((config.mac as { target: { target: string; arch: string[] }[] }).target).toEqual([{ target: 'dmg', arch: ['universal'] }]);
    expect((config.linux as { target: string[] }).target).toEqual(['AppImage', 'deb', 'rpm']);
    expect((config.fileAssociations as { ext: string }[]).map((a) => a.ext)).toEqual(['ign', 'bu', 'iso']);
    for (const f of ['native/linux/flint-writer', 'native/darwin/flint-writer', 'native/win32/flint-writer.cmd']) {
      expect(existsSync(join(ROOT, f)), f).toBe(true);
    }
  });
});
