#!/usr/bin/env node
// `npm start`: the Electron desktop app where it can run, else `flint ui` (the same wizard in the
// browser) after one line saying why. Electron needs its binary (the electron package downloads it
// on first use, as node_modules/electron/index.js does), a display on Linux, and a user that is
// not root on Linux (Chromium's sandbox refuses root). Arguments after `npm start --` go to
// whichever starts. `npm run ui` starts `flint ui` directly.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The electron package's binary, as node_modules/electron/index.js finds it (path.txt under dist/). */
export function installedElectron(pkgDir, env = process.env) {
  const pathFile = join(pkgDir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const dist = env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = dist ? join(dist, rel ?? 'electron') : rel ? join(pkgDir, 'dist', rel) : null;
  return binary && existsSync(binary) ? binary : null;
}

/** The last line of a failed download's output that says something (the error, not the stack). */
export function downloadError(output) {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at '));
  return lines.at(-1)?.replace(/^\w*Error: /, '') ?? 'no output';
}

/**
 * Whether the desktop app can start: `{ electron }` with the binary, or `{ reason }` in a few
 * words. `download(pkgDir)` fetches the binary and returns '' or the error (only when allowed).
 */
export function desktopPlan({ platform = process.platform, uid = process.getuid?.(), env = process.env, electronDir, download }) {
  if (platform === 'linux' && uid === 0) return { reason: 'Electron does not run as root; run npm start as your user' };
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY)
    return { reason: 'no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  if (!electronDir) return { reason: 'the electron package is not installed (npm ci installs it)' };
  const found = installedElectron(electronDir, env);
  if (found) return { electron: found };
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD) return { reason: 'the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD is set)' };
  const err = download(electronDir);
  if (err) return { reason: `the Electron binary is not installed and could not be downloaded: ${err}` };
  return installedElectron(electronDir, env)
    ? { electron: installedElectron(electronDir, env) }
    : { reason: 'the Electron download left no binary' };
}

function electronDir() {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

function download(dir) {
  process.stderr.write('Downloading the Electron binary (once)...\n');
  const r = spawnSync(process.execPath, [join(dir, 'install.js')], { encoding: 'utf8', timeout: 600_000 });
  return r.status === 0 ? '' : downloadError(`${r.stdout ?? ''}\n${r.stderr ?? ''}\n${r.error?.message ?? ''}`);
}

async function main(args) {
  const plan = desktopPlan({ electronDir: electronDir(), download });
  if (plan.reason) {
    process.stderr.write(`flint: the desktop app cannot start here (${plan.reason}); starting flint ui instead\n`);
    process.argv = [process.argv[0], join(ROOT, 'bin', 'flint.mjs'), 'ui', ...args];
    await import('./flint.mjs');
    return;
  }
  // the desktop app from the current sources, as `electron-vite preview` does
  const vite = join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  const built = spawnSync(vite, ['build', '-c', 'build/electron.vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const child = spawn(plan.electron, [ROOT, ...args], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2));
