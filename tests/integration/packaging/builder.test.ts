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
import { STUB_FUSE_DEFAULTS, makeStubElectronDist } from '../../../build/stub-electron';
import { bundleHelper, copyDrivelistAddon } from '../../../build/bundle';
import { FLINT_FUSES, electronBinary } from '../../../build/fuses.mjs';

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
    copyDrivelistAddon(out);

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

  it('puts main, preload, renderer and package.json into app.asar, without sources or node_modules', () => {
    for (const f of ['/package.json', '/bin/desktop.mjs', '/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html']) {
      expect(asarFiles, f).toContain(f);
    }
    expect(asarFiles.some((f) => f.startsWith('/node_modules/'))).toBe(false);
    expect(readFileSync(join(ROOT, 'bin/desktop.mjs'), 'utf8')).toContain("import '../out/main/index.js';");
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

  it("ships drivelist's addon beside the asar, where electron/core/drives/drivelist.ts looks, and it loads", () => {
    const addon = join(app, 'resources/native/drivelist/drivelist.node');
    const out = execFileSync(
      process.execPath,
      ['-e', `require(${JSON.stringify(addon)}).list((e, d) => process.stdout.write(JSON.stringify([e ?? null, d])))`],
      { encoding: 'utf8' },
    );
    // on Linux the addon lists nothing (drivelist's src/linux/list.cpp): loading and calling it is the proof
    expect(JSON.parse(out)).toEqual([null, []]);
  });

  it('the bundled main process and its chunks load outside the project, given only an electron module', () => {
    // a stand-in for the electron module: every name main imports, and an app that is not the first instance (main quits)
    const names = [...readFileSync(join(out, 'main/index.js'), 'utf8').matchAll(/import \{([^}]*)\} from "electron"/g)].flatMap((m) =>
      m[1]!.split(',').map((n) => n.trim().split(/\s+as\s+/)[0]!),
    );
    const stub = [
      ...names
        .filter((n) => n !== 'app')
        .map((n) => `export const ${n} = new Proxy(function () {}, { get: (t, k) => (k === 'then' ? undefined : () => undefined) });`),
      "export const app = { isPackaged: false, on() {}, requestSingleInstanceLock: () => false, quit: () => process.stdout.write('quit\\n') };",
    ].join('\n');
    const hook = `export async function resolve(spec, ctx, next) {
      return spec === 'electron' ? { url: 'data:text/javascript,' + encodeURIComponent(${JSON.stringify(stub)}), shortCircuit: true } : next(spec, ctx);
    }`;
    writeFileSync(
      join(tmp, 'electron-hook.mjs'),
      `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));\n`,
    );
    const chunks = readdirSync(join(out, 'main/chunks')).map((f) => join(out, 'main/chunks', f));
    const script = `await import(${JSON.stringify(join(out, 'main/index.js'))}); for (const c of ${JSON.stringify(chunks)}) await import(c);`;
    const r = execFileSync(process.execPath, ['--import', join(tmp, 'electron-hook.mjs'), '--input-type=module', '-e', script], {
      cwd: tmp,
      encoding: 'utf8',
    });
    expect(r).toBe('quit\n');
    expect(chunks.length).toBeGreaterThan(0);
    // node-liblzma's WASM travels inside the bundle (build/liblzma-inline.ts), not as a file beside it
    expect(readdirSync(join(out, 'main')).filter((f) => f.endsWith('.wasm'))).toEqual([]);
    expect([join(out, 'main/index.js'), ...chunks].some((c) => readFileSync(c, 'utf8').includes('Buffer.from("AGFzbQ'))).toBe(true);
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

  it('the afterPack hook set every fuse Flint names, read back from the packed binary', async () => {
    const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses') as typeof import('@electron/fuses');
    const binary = join(app, 'flint');
    expect(
      electronBinary({
        appOutDir: app,
        electronPlatformName: 'linux',
        arch: 1,
        packager: { executableName: 'flint', appInfo: { productFilename: 'Flint' } },
      }),
    ).toBe(binary);
    const wire = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;
    const state = (name: string) => String.fromCharCode(wire[FuseV1Options[name as keyof typeof FuseV1Options]]!);
    // RunAsNode stays on (the helper launchers need it); everything else away from Electron's defaults
    expect(Object.fromEntries(Object.keys(FLINT_FUSES).map((n) => [n, state(n)]))).toEqual({
      RunAsNode: '1',
      EnableCookieEncryption: '1',
      EnableNodeOptionsEnvironmentVariable: '0',
      EnableNodeCliInspectArguments: '0',
      EnableEmbeddedAsarIntegrityValidation: '1',
      OnlyLoadAppFromAsar: '1',
      LoadBrowserProcessSpecificV8Snapshot: '0',
      GrantFileProtocolExtraPrivileges: '0',
    });
    expect(String.fromCharCode(wire[8]!)).toBe(STUB_FUSE_DEFAULTS[8]); // a fuse @electron/fuses 1.8 cannot name keeps its default
    expect(readFileSync(join(tmp, 'electron-dist', 'electron')).includes(STUB_FUSE_DEFAULTS)).toBe(true); // the input was the default wire
    expect(config.afterPack).toBe('./build/fuses.mjs');
  });

  it('names the binary the fuses live in on every platform', () => {
    const packager = { executableName: 'flint', appInfo: { productFilename: 'Flint' } };
    expect(electronBinary({ appOutDir: '/d/mac', electronPlatformName: 'darwin', arch: 4, packager })).toBe('/d/mac/Flint.app');
    expect(electronBinary({ appOutDir: 'C:/d/win-unpacked', electronPlatformName: 'win32', arch: 1, packager })).toBe(
      'C:/d/win-unpacked/Flint.exe',
    );
  });

  it('declares every target, file association and npmRebuild: false', () => {
    expect(config.npmRebuild).toBe(false);
    expect((config.win as { target: string[] }).target).toEqual(['nsis']);
    expect(config.nsis).toMatchObject({ perMachine: true });
    expect((config.mac as { target: { target: string; arch: string[] }[] }).target).toEqual([{ target: 'dmg', arch: ['universal'] }]);
    expect((config.linux as { target: string[] }).target).toEqual(['AppImage', 'deb', 'rpm']);
    expect((config.fileAssociations as { ext: string }[]).map((a) => a.ext)).toEqual(['ign', 'bu', 'iso']);
    for (const f of ['native/linux/flint-writer', 'native/darwin/flint-writer']) {
      expect(existsSync(join(ROOT, f)), f).toBe(true);
    }
  });
});
