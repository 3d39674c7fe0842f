/**
 * `flint ui` as a person runs it (the CLI as a process, its per-user folders in a temp dir),
 * driven in Debian's Chromium: with no network the stream list says so in words; the settings set
 * a local mirror, its signing key and a real proxy (tinyproxy on 127.0.0.1), the download goes
 * through the proxy and the badge names the key that verified it; after a restart of `flint ui`
 * the settings, the config and the image are back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureIso } from '../../helpers/fixtures';
import { populateMirror, startMirrorServer, TEST_KEY, type MirrorServer } from '../../helpers/mirror-server';
import { FLINT_BIN } from '../../helpers/paths';
import { skipReason } from '../../helpers/requirements';
import { startTinyproxy, type TinyProxy } from '../../helpers/tinyproxy';
import { buildRenderer, CHROMIUM, dropFile, launchChromium, MIRROR_ISO_FIXTURE } from './harness';

const why = skipReason({ tools: ['tinyproxy'], files: [CHROMIUM] });

const CONFIG = JSON.stringify({ ignition: { version: '3.4.0' }, storage: { files: [{ path: '/etc/site-marker', mode: 420 }] } });

/** A running `flint ui` and its sign-in link. */
interface UiProcess {
  link: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `flint ui --no-open` with `env` and waits for its sign-in link. */
async function startFlintUi(args: string[], env: NodeJS.ProcessEnv): Promise<UiProcess> {
  const child = spawn(process.execPath, [FLINT_BIN, 'ui', '--no-open', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(child.pid!, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const m = /(http:\/\/127\.0\.0\.1:\d+\/#code=[A-Za-z0-9_-]+)/.exec(out);
    if (m) return { link: m[1], child, stop };
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`flint ui did not print a sign-in link:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(why)('flint ui: settings, mirror, proxy and memory across a restart', () => {
  let dir: string;
  let rendererDir: string;
  let mirror: MirrorServer | undefined;
  let proxy: TinyProxy | undefined;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'flint-e2e-site-'));
    rendererDir = await buildRenderer(path.join(dir, 'renderer'));
    const iso = await fixtureIso(MIRROR_ISO_FIXTURE);
    for (const stream of ['stable', 'testing', 'next']) await populateMirror(path.join(dir, 'mirror'), { stream, iso: { file: iso } });
    mirror = await startMirrorServer({ root: path.join(dir, 'mirror') });
    proxy = await startTinyproxy();
    await writeFile(path.join(dir, 'site-key.asc'), TEST_KEY.publicArmored);
    // the per-user folders of this test; no proxy from the environment
    env = {
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      XDG_STATE_HOME: path.join(dir, 'state'),
      HTTPS_PROXY: '',
      HTTP_PROXY: '',
      https_proxy: '',
      http_proxy: '',
      ALL_PROXY: '',
      all_proxy: '',
    };
  }, 180_000);
  afterAll(async () => {
    await proxy?.stop();
    await mirror?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('offline, then a mirror, key and proxy from Settings; all of it back after a restart', async () => {
    let ui = await startFlintUi(['--renderer-dir', rendererDir], env);
    let browser = await launchChromium();
    try {
      const page = browser.page;
      await page.goto(ui.link);
      await page.getByRole('heading', { name: 'Choose a config' }).waitFor();
      await dropFile(page, '.dropzone', 'site.ign', CONFIG);
      await page.getByText('Valid · Ignition 3.4.0').waitFor();

      // no network: the stream list says so in words, not "ENOTFOUND builds.coreos.fedoraproject.org"
      await page.getByRole('button', { name: /Next: Image/ }).click();
      const offline = page.locator('[data-code="NETWORK_UNREACHABLE"]');
      await offline.waitFor({ timeout: 60_000 });
      const said = (await offline.textContent()) ?? '';
      expect(said).toContain('Cannot reach builds.coreos.fedoraproject.org: this computer has no network');
      expect(said).not.toContain('ENOTFOUND');

      // Settings: the site mirror, its signing key, a cache folder and the proxy
      await page.getByRole('button', { name: 'Settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Settings' });
      await dialog.locator('input[name="baseUrl"]').fill(mirror!.url);
      await dialog.locator('input[name="keyFile"]').setInputFiles(path.join(dir, 'site-key.asc'));
      await dialog.getByText('site-key.asc', { exact: true }).waitFor();
      await dialog.locator('input[name="cacheDir"]').fill(path.join(dir, 'cache'));
      await dialog.getByRole('textbox', { name: 'Proxy address' }).fill(proxy!.url);
      expect(await dialog.locator('input[name="ejectWhenDone"]').isChecked()).toBe(true);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });

      const stable = page.getByRole('radio', { name: /^stable \d+\./ });
      await stable.waitFor({ timeout: 30_000 });
      await stable.check();
      expect(await page.getByText(/checked with Fedora's keys and the extra key in Settings/).count()).toBe(1);
      await page.getByRole('button', { name: 'Download and verify' }).click();
      const card = page.getByLabel('Selected image');
      await card.getByText(/Signature verified with coreos-installer snake oil key/).waitFor({ timeout: 60_000 });
      // through the real proxy: it logged the requests, and the mirror saw its Via header
      expect(proxy!.requests().some((r) => r.includes(`${mirror!.url}/`) && r.includes('.iso'))).toBe(true);
      expect(mirror!.requests.some((r) => r.path.endsWith('.iso') && r.via)).toBe(true);
      // saved for the person: a file only they can read
      const saved = JSON.parse(await readFile(path.join(dir, 'config/flint/settings.json'), 'utf8')) as Record<string, unknown>;
      expect(saved).toMatchObject({ baseUrl: mirror!.url, proxyMode: 'url', proxyUrl: proxy!.url, cacheDir: path.join(dir, 'cache') });
      // the memory is written a moment after the last change
      await page.waitForTimeout(1500);
      expect(browser.errors).toEqual([]);
    } finally {
      await browser.close();
      await ui.stop();
    }

    // a restart of flint ui: the settings, the config and the image come back
    ui = await startFlintUi(['--renderer-dir', rendererDir], env);
    browser = await launchChromium();
    try {
      const page = browser.page;
      await page.goto(ui.link);
      await page.getByRole('heading', { name: 'Choose a config' }).waitFor();
      await page.getByRole('button', { name: /Step 1: Config — site\.ign \(done\)/ }).waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: /Step 2: Image — stable \d+\./ }).waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Settings' });
      await dialog.locator('input[name="baseUrl"]').waitFor();
      expect(await dialog.locator('input[name="baseUrl"]').inputValue()).toBe(mirror!.url);
      expect(await dialog.getByRole('textbox', { name: 'Proxy address' }).inputValue()).toBe(proxy!.url);
      expect(await dialog.getByText('site-key.asc', { exact: true }).count()).toBe(1);
      await dialog.getByRole('button', { name: 'Close' }).click();
      // the stream list comes from the mirror at once, and the recent list names the config
      await page.getByRole('button', { name: /Step 2: Image/ }).click();
      await page.getByRole('radio', { name: /^stable \d+\./ }).waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: /Step 1: Config/ }).click();
      expect(await page.getByLabel('Recent configs').getByRole('button', { name: 'site.ign' }).count()).toBe(1);
      expect(browser.errors).toEqual([]);
    } finally {
      await browser.close();
      await ui.stop();
    }

    // a flag fixes its setting for the run, and the dialog says so
    ui = await startFlintUi(['--renderer-dir', rendererDir, '--base-url', `${mirror!.url}/`, '--allow-loop'], env);
    browser = await launchChromium();
    try {
      const page = browser.page;
      await page.goto(ui.link);
      await page.getByRole('button', { name: 'Settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Settings' });
      await dialog.locator('input[name="baseUrl"]').waitFor();
      expect(await dialog.locator('input[name="baseUrl"]').isDisabled()).toBe(true);
      expect(await dialog.getByText('(set on the command line for this run)').count()).toBeGreaterThan(0);
    } finally {
      await browser.close();
      await ui.stop();
    }
  }, 300_000);
});
