/**
 * Shared set-up of the renderer's browser tests, the screenshot script and the renderer benchmark:
 * builds the renderer with Vite, starts a local FCOS mirror (rewritten stream metadata + a
 * fixture ISO signed at run time with the test key) and the loopback bridge (startUiServer) backed
 * by the real core, and launches Debian's Chromium headless with a fresh profile. Everything it
 * makes is removed by exact name in the returned close().
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createDefaultCore } from '../../../electron/app/core-default';
import { startUiServer, type UiServer } from '../../../electron/bridge/ui-server';
import { fixtureIso } from '../../helpers/fixtures';
import { populateMirror, startMirrorServer, TEST_KEY, type MirrorServer } from '../../helpers/mirror-server';

/** Repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Debian's Chromium. */
export const CHROMIUM = '/usr/bin/chromium';
/** The flags the project runs Chromium with (quiet, no network side-channels, no sandbox as root). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];
/** Text naming exactly this device: /dev/loop1 and not /dev/loop12 (other tests' loop devices may be listed too). */
export function deviceText(device: string): RegExp {
  return new RegExp(`${device.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\d)`);
}

/** On the Image step: picks the stable stream and downloads (or takes from the cache) its verified image. */
export async function chooseStableImage(page: Page): Promise<void> {
  await page.getByRole('radio', { name: 'Fedora CoreOS stream' }).click();
  const stable = page.getByRole('radio', { name: /^stable \d+\./ });
  await stable.waitFor();
  await stable.check();
  await page.getByRole('button', { name: /Download and verify|Use the cached image/ }).click();
  await page
    .getByLabel('Selected image')
    .getByText(/Signature verified/)
    .waitFor({ timeout: 60_000 });
}

/** The fixture ISO the mirror serves (a real FCOS build's layout, tiny). */
export const MIRROR_ISO_FIXTURE = 'embed-areas-2023-07.x86_64';

/** Builds the renderer into `outDir` with the project's Vite config; returns outDir. */
export async function buildRenderer(outDir: string): Promise<string> {
  const { build } = await import('vite');
  // vitest sets NODE_ENV=test, which would make Vite bundle React's development build
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.join(ROOT, 'build/vite.renderer.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    if (env === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = env;
  }
  return outDir;
}

/** A running stack: mirror + bridge (+ the temp dirs behind them). */
export interface Stack {
  /**
   * A new one-time sign-in link at every read (`http://127.0.0.1:P/#code=...`), as `flint ui`
   * hands one to the browser: the page spends the code, the browser keeps the session cookie.
   */
  readonly url: string;
  ui: UiServer;
  mirror: MirrorServer;
  /** Temp dir holding the mirror root, the cache and the renderer build. */
  dir: string;
  rendererDir: string;
  close(): Promise<void>;
}

/**
 * Builds the renderer (unless `rendererDir` is given), fills a mirror with the fixture ISO for the
 * stable, testing and next streams (or `iso`, a live ISO file), and starts the bridge on 127.0.0.1 with loop devices allowed.
 */
export async function startStack(
  opts: {
    rendererDir?: string;
    pollMs?: number;
    iso?: string;
    /** Lists only the loop devices this returns true for (others' test devices stay out of screenshots). */
    showLoop?: (device: string) => boolean;
    /** Receives the sign-in links signed-out pages ask for (flint ui prints them on its terminal). */
    onSignInLinkRequested?: (link: string) => void;
    /** Keep settings, the flash record and the memory in files under the stack's dir (`config/flint`, `state/flint`). */
    userDirs?: boolean;
  } = {},
): Promise<Stack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flint-e2e-renderer-'));
  let mirror: MirrorServer | undefined;
  let ui: UiServer | undefined;
  try {
    const rendererDir = opts.rendererDir ?? (await buildRenderer(path.join(dir, 'renderer')));
    const iso = opts.iso ?? (await fixtureIso(MIRROR_ISO_FIXTURE));
    const root = path.join(dir, 'mirror');
    for (const stream of ['stable', 'testing', 'next']) await populateMirror(root, { stream, iso: { file: iso } });
    mirror = await startMirrorServer({ root });
    const coreOptions = {
      baseUrl: mirror.url,
      cacheDir: path.join(dir, 'cache'),
      keyrings: [TEST_KEY.publicArmored],
      allowLoop: true,
      pollMs: opts.pollMs ?? 500,
    };
    const real = createDefaultCore(coreOptions);
    const showLoop = opts.showLoop;
    ui = await startUiServer({
      rendererDir,
      allowLoop: true,
      app: { name: 'Flint', version: '0.1.0' },
      coreOptions,
      onSignInLinkRequested: opts.onSignInLinkRequested,
      ...(opts.userDirs ? { site: { configDir: path.join(dir, 'config', 'flint'), stateDir: path.join(dir, 'state', 'flint') } } : {}),
      ...(showLoop
        ? {
            core: {
              listDrives: async () => (await real.listDrives()).filter((d) => !d.device.startsWith('/dev/loop') || showLoop(d.device)),
            },
          }
        : {}),
    });
    const m = mirror;
    const u = ui;
    return {
      get url() {
        return u.signInLink();
      },
      ui: u,
      mirror: m,
      dir,
      rendererDir,
      async close() {
        await u.close().catch(() => {});
        await m.close().catch(() => {});
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await ui?.close().catch(() => {});
    await mirror?.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** A headless Chromium with a fresh profile. */
export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far. */
  errors: string[];
  close(): Promise<void>;
}

/** Launches Debian's Chromium headless with a fresh --user-data-dir (removed on close). */
export async function launchChromium(
  opts: {
    colorScheme?: 'light' | 'dark';
    width?: number;
    height?: number;
    /** The browser's language (navigator.languages), e.g. 'de-DE'; Chromium's default otherwise. */
    locale?: string;
    /** Emulates prefers-reduced-motion. */
    reducedMotion?: 'reduce' | 'no-preference';
    /** Lets tests inject scripts (axe-core) past the page's Content-Security-Policy. */
    bypassCSP?: boolean;
  } = {},
): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'flint-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: opts.width ?? 1180, height: opts.height ?? 820 },
      colorScheme: opts.colorScheme ?? 'light',
      deviceScaleFactor: 1,
      ...(opts.locale ? { locale: opts.locale } : {}),
      ...(opts.reducedMotion ? { reducedMotion: opts.reducedMotion } : {}),
      ...(opts.bypassCSP ? { bypassCSP: true } : {}),
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    return {
      context,
      page,
      errors,
      async close() {
        await context.close().catch(() => {});
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
}

/** Drops a text file on the element matching `selector`, as a person dragging it from a file manager. */
export async function dropFile(page: Page, selector: string, name: string, text: string): Promise<void> {
  // page code reaches the DOM through globalThis: this file is type-checked without the DOM library
  // (and functions, unlike strings, are not blocked by the page's CSP)
  const dt = await page.evaluateHandle(
    ([n, t]) => {
      const g = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } } };
      const d = new g.DataTransfer();
      d.items.add(new File([t], n, { type: 'application/json' }));
      return d;
    },
    [name, text] as const,
  );
  await page.dispatchEvent(selector, 'dragover', { dataTransfer: dt });
  await page.dispatchEvent(selector, 'drop', { dataTransfer: dt });
  await dt.dispose();
}

/** Children (and their children) of this process whose command line mentions the writer helper. */
export function writerPids(): number[] {
  const kids = new Map<number, number>();
  const cmd = new Map<number, string>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      kids.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      cmd.set(Number(d), readFileSync(`/proc/${d}/cmdline`, 'utf8'));
    } catch {
      // gone
    }
  }
  const mine = (pid: number): boolean => {
    for (let p = kids.get(pid); p && p > 1; p = kids.get(p)) if (p === process.pid) return true;
    return false;
  };
  return [...kids.keys()].filter((p) => mine(p) && (cmd.get(p) ?? '').includes('native/writer'));
}
