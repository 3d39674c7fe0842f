/**
 * `flint ui [--port P] [--no-open] [--base-url URL] [--keyring FILE] [--cache-dir DIR] [--proxy URL]
 * [--allow-loop]`: the desktop app's interface in the user's browser, for machines where the
 * Electron shell cannot run. Settings are saved per user (electron/core/user-dirs.ts); a flag
 * fixes its setting for the run. Serves the built renderer and the loopback bridge
 * on 127.0.0.1. The browser signs in with a one-time code (electron/bridge/sign-in.ts): the
 * browser is started with the path of a launcher page only this user can read, never with the
 * code itself, and the terminal shows a sign-in link; a page that is not signed in asks for a
 * new one, which appears on the terminal. (The terminal's input is left alone: pkexec may ask for
 * a password there when a flash starts.)
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { FlintError } from '../../core/errors';
import { installRoot } from '../../core/install-root';
import { startUiServer } from '../../bridge/ui-server';
import { userConfigDir, userStateDir } from '../../core/user-dirs';
import type { Settings } from '../../contract/site';
import { PROXY_HELP, proxyFlag } from '../network';
import { VERSION } from '../version';

/** The flags of `flint ui` that fix a setting for the run. */
interface UiSettingFlags {
  baseUrl?: string;
  keyring?: string[];
  cacheDir?: string;
  proxy?: string;
  allowLoop?: boolean;
}

/** The settings the flags fix (the same flags as `flint burn`; a flag wins over the saved value). */
export async function settingsFromFlags(f: UiSettingFlags): Promise<Partial<Settings>> {
  const out: Partial<Settings> = {};
  if (f.baseUrl !== undefined) out.baseUrl = f.baseUrl;
  if (f.cacheDir !== undefined) out.cacheDir = resolve(f.cacheDir);
  if (f.allowLoop) out.allowLoop = true;
  if (f.proxy !== undefined) {
    out.proxyMode = f.proxy === '' ? 'none' : 'url';
    out.proxyUrl = f.proxy;
  }
  if (f.keyring?.length) {
    out.keys = [];
    for (const k of f.keyring) {
      const armored = await readFile(k, 'utf8').catch((e: Error) => {
        throw new FlintError('UI_KEYRING_UNREADABLE', `Cannot read the keyring ${k}`, [e.message]);
      });
      out.keys.push({ name: basename(k), armored });
    }
  }
  return out;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** The checkout or installed package (this module runs from electron/cli/commands/ or a bundle in out/cli/). */
const ROOT = installRoot(import.meta.url);
/** Where the stand-alone renderer build lives. */
export const DEFAULT_RENDERER_DIR = join(ROOT, 'out/renderer');

/** Parses a TCP port (0 = any free port). */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new FlintError('UI_BAD_PORT', `--port must be 0..65535, not ${value}`);
  return n;
}

/** Builds the renderer with Vite when `dir` has no index.html yet (first run from a checkout). */
export async function ensureRenderer(dir: string, log: (s: string) => void): Promise<string> {
  if (existsSync(join(dir, 'index.html'))) return dir;
  const configFile = join(ROOT, 'build/vite.renderer.config.ts');
  if (!existsSync(configFile)) {
    throw new FlintError('UI_NO_RENDERER', `No built interface in ${dir}`, ['run the renderer build first']);
  }
  log('Building the interface (first run)...\n');
  try {
    const vite = await import('vite');
    await vite.build({ configFile, logLevel: 'warn', build: { outDir: dir, emptyOutDir: true } });
  } catch (err) {
    throw new FlintError('UI_BUILD_FAILED', 'Could not build the interface', [(err as Error).message]);
  }
  if (!existsSync(join(dir, 'index.html'))) throw new FlintError('UI_BUILD_FAILED', `The build left no index.html in ${dir}`);
  return dir;
}

/**
 * The command that opens a file or URL in the default browser on this platform. Its arguments are
 * visible to every local user (/proc/<pid>/cmdline), so flint ui passes only the launcher page's
 * path here.
 */
export function openCommand(target: string, platform = process.platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [target]];
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', target.replace(/&/g, '^&')]];
  return ['xdg-open', [target]];
}

function openBrowser(target: string, log: (s: string) => void): void {
  const [cmd, args] = openCommand(target);
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => log(`Could not start ${cmd}; open the address above yourself.\n`));
    child.unref();
  } catch {
    log(`Could not start ${cmd}; open the address above yourself.\n`);
  }
}

/** Registers `flint ui`. */
export function registerUi(program: Command): void {
  program
    .command('ui')
    .description('serve the Flint interface on 127.0.0.1 and open it in the browser')
    .option('--port <port>', 'TCP port on 127.0.0.1 (default: any free port)', parsePort)
    .option('--no-open', 'print the address without opening a browser')
    .option('--renderer-dir <dir>', 'serve this renderer build instead of out/renderer')
    .option('--base-url <url>', 'stream metadata mirror for this run (default: the saved setting, else the Fedora build server)')
    .option('--keyring <file>', 'also trust the OpenPGP public keys in this file for this run (repeatable)', collect)
    .option('--cache-dir <dir>', 'download cache directory for this run')
    .option('--proxy <url>', PROXY_HELP, proxyFlag)
    .option('--allow-loop', 'offer loop devices and image files as targets (tests)')
    .action(async (opts: { port?: number; open: boolean; rendererDir?: string } & UiSettingFlags) => {
      const err = (s: string) => void process.stderr.write(s);
      const rendererDir = await ensureRenderer(resolve(opts.rendererDir ?? DEFAULT_RENDERER_DIR), err);
      const out = (s: string) => void process.stdout.write(s);
      const server = await startUiServer({
        port: opts.port ?? 0,
        rendererDir,
        app: { name: 'Flint', version: VERSION },
        // writes are elevated like `flint write`: pkexec may ask on this terminal
        coreOptions: { textPrompt: !!process.stdin.isTTY },
        // settings saved per user; the flags above fix theirs for this run
        site: { configDir: userConfigDir(), stateDir: userStateDir(), flags: await settingsFromFlags(opts) },
        onSignInLinkRequested: (link) => out(`New sign-in link (asked for by a browser): ${link}\n`),
      });
      out(`Flint is running at ${server.origin}/\n`);
      out(`Sign in with this link (it works once, in one browser): ${server.signInLink()}\n`);
      out('A browser that is not signed in asks for a new link, which appears here. Ctrl+C stops Flint.\n');
      if (opts.open) openBrowser(await server.writeLauncher(), err);
      await new Promise<void>((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      await server.close();
    });
}
