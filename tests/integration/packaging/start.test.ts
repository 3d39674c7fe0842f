/**
 * `npm start` (bin/start.mjs): the desktop app where Electron can run, otherwise one line saying
 * why and `flint ui`. The choice is checked for each reason with stand-in binaries; the fallback
 * is run for real (no Electron binary here): the line, then the wizard served on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { desktopPlan, downloadError } from '../../../bin/start.mjs';

const ROOT = resolve(__dirname, '../../..');

describe('npm start', () => {
  const dirs: string[] = [];
  let child: ChildProcess | null = null;
  const temp = () => {
    const d = mkdtempSync(join(tmpdir(), 'flint-start-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = null;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** A stand-in electron package: path.txt and, if `withBinary`, the binary it names. */
  const electronPkg = (withBinary: boolean) => {
    const dir = temp();
    writeFileSync(join(dir, 'path.txt'), 'electron');
    if (withBinary) {
      mkdirSync(join(dir, 'dist'));
      writeFileSync(join(dir, 'dist', 'electron'), '#!/bin/sh\n');
      chmodSync(join(dir, 'dist', 'electron'), 0o755);
    }
    return dir;
  };
  const desktop = { platform: 'linux' as const, uid: 1000, env: { DISPLAY: ':0' } };
  const noDownload = () => {
    throw new Error('must not download');
  };

  it('starts Electron when its binary is installed, and names why not otherwise', () => {
    const pkg = electronPkg(true);
    expect(desktopPlan({ ...desktop, electronDir: pkg, download: noDownload })).toEqual({ electron: join(pkg, 'dist', 'electron') });
    expect(desktopPlan({ ...desktop, uid: 0, electronDir: pkg, download: noDownload }).reason).toMatch(/not run as root/);
    expect(desktopPlan({ ...desktop, env: {}, electronDir: pkg, download: noDownload }).reason).toMatch(/no graphical display/);
    expect(
      desktopPlan({ ...desktop, env: { WAYLAND_DISPLAY: 'wayland-0' }, electronDir: pkg, download: noDownload }).electron,
    ).toBeTruthy();
    expect(desktopPlan({ ...desktop, platform: 'darwin', env: {}, uid: 0, electronDir: pkg, download: noDownload }).electron).toBeTruthy();
    expect(desktopPlan({ ...desktop, electronDir: undefined, download: noDownload }).reason).toMatch(/electron package is not installed/);
    const override = temp();
    writeFileSync(join(override, 'electron'), '');
    expect(
      desktopPlan({
        ...desktop,
        env: { DISPLAY: ':0', ELECTRON_OVERRIDE_DIST_PATH: override },
        electronDir: electronPkg(false),
        download: noDownload,
      }),
    ).toEqual({
      electron: join(override, 'electron'),
    });
  });

  it('downloads a missing binary once (unless told not to) and reports a failed download in words', () => {
    const pkg = electronPkg(false);
    expect(
      desktopPlan({ ...desktop, env: { DISPLAY: ':0', ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, electronDir: pkg, download: noDownload })
        .reason,
    ).toMatch(/ELECTRON_SKIP_BINARY_DOWNLOAD/);
    const calls: string[] = [];
    const failed = desktopPlan({ ...desktop, electronDir: pkg, download: (d) => (calls.push(d), 'getaddrinfo ENOTFOUND github.com') });
    expect(calls).toEqual([pkg]);
    expect(failed.reason).toBe('the Electron binary is not installed and could not be downloaded: getaddrinfo ENOTFOUND github.com');
    const fetched = desktopPlan({
      ...desktop,
      electronDir: pkg,
      download: (d) => {
        mkdirSync(join(d, 'dist'));
        writeFileSync(join(d, 'dist', 'electron'), '');
        return '';
      },
    });
    expect(fetched).toEqual({ electron: join(pkg, 'dist', 'electron') });
    const stack = 'TypeError: fetch failed\n    at node:internal/deps/undici/undici:13510:13\n    at async downloadArtifact (x.js:1:1)\n';
    expect(downloadError(stack)).toBe('fetch failed');
  });

  it('without Electron: one line saying why, then flint ui on 127.0.0.1, stopped by SIGTERM', async () => {
    const renderer = temp();
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Flint start</title>');
    const env = { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: temp(), ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
    child = spawn(process.execPath, [join(ROOT, 'bin/start.mjs'), '--no-open', '--port', '0', '--renderer-dir', renderer], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr!.on('data', (c) => (err += c));
    const url = await new Promise<string>((res, rej) => {
      const t = setTimeout(() => rej(new Error(`no URL printed: ${out} ${err}`)), 30_000);
      child!.stdout!.on('data', (c) => {
        out += c;
        const m = /(http:\/\/127\.0\.0\.1:\d+\/#code=[A-Za-z0-9_-]+)/.exec(out); // the printed sign-in link
        if (m) {
          clearTimeout(t);
          res(m[1]!);
        }
      });
    });
    expect(err.trim().split('\n')).toEqual([
      expect.stringMatching(/^flint: the desktop app cannot start here \(.+\); starting flint ui instead$/),
    ]);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Flint start</title>');
    const exited = new Promise<number | null>((res) => child!.on('exit', (code) => res(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
