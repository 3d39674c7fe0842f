/**
 * Regenerates docs/screenshots/: every step of the wizard in headless Chromium, driven against the
 * real core over the loopback bridge (local mirror with a signed ISO, two loop devices as sticks).
 * Needs root, losetup and /usr/bin/chromium. Run: node --import tsx scripts/screenshots.ts
 * (`--netboot-only`: just the network boot shots, which need only Chromium; `--i18n-only`: just the
 * German and French shots, each checked for clipped text).
 */
import { readdirSync, rmSync, statSync, truncateSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { fixtureIso } from '../tests/helpers/fixtures';
import { createLoopDevice, type LoopDevice } from '../tests/helpers/loop';
import { missingRequirements } from '../tests/helpers/requirements';
import { i18nShots, I18N_SHOTS } from './screenshots-i18n';
import { netbootShots, NETBOOT_SHOTS, populatePxe } from './screenshots-netboot';
import {
  CHROMIUM,
  dropFile,
  launchChromium,
  MIRROR_ISO_FIXTURE,
  ROOT,
  startStack,
  writerPids,
  type Browser,
  type Stack,
} from '../tests/e2e/renderer/harness';

const OUT = path.join(ROOT, 'docs/screenshots');
const MiB = 1024 * 1024;

const GOOD = JSON.stringify(
  {
    ignition: { version: '3.4.0' },
    passwd: {
      users: [{ name: 'core', sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyForScreenshots core@example'] }],
    },
    storage: {
      disks: [{ device: '/dev/sda', wipeTable: true, partitions: [{ label: 'var', number: 1 }] }],
      files: [{ path: '/etc/hostname', mode: 420, contents: { source: 'data:,fcos-live' } }],
    },
  },
  null,
  2,
);
const BAD = JSON.stringify(
  { ignition: { version: '3.4.0' }, passwd: { users: [{ name: 42 }] }, storage: { files: [{ path: 'etc/motd' }] } },
  null,
  2,
);

/** Saves a screenshot; `full` grows the window to the height of the step's scrolled content first. */
async function shot(page: Page, name: string, full = false): Promise<void> {
  await page.waitForTimeout(150); // let transitions settle
  const file = path.join(OUT, `${name}.png`);
  const view = page.viewportSize()!;
  if (full) {
    const need = await page.evaluate(() => {
      const main = document.querySelector('.main');
      const top = document.querySelector('.topbar');
      return (main?.scrollHeight ?? 0) + (top?.getBoundingClientRect().height ?? 0);
    });
    if (need > view.height) await page.setViewportSize({ width: view.width, height: Math.min(Math.ceil(need), 2400) });
  }
  await page.screenshot({ path: file });
  await page.setViewportSize(view);
  const size = statSync(file).size;
  if (size > 900 * 1024) throw new Error(`${name}.png is ${size} bytes; keep screenshots well under 1 MiB`);
  console.log(`${name}.png  ${(size / 1024).toFixed(0)} KiB`);
}

/** `--netboot-only`: the network boot shots against a stack without loop devices. */
async function netbootOnly(): Promise<number> {
  const missing = missingRequirements({ files: [CHROMIUM] });
  if (missing.length) {
    console.error(`screenshots need: ${missing.join(', ')}`);
    return 1;
  }
  const work = mkdtempSync(path.join(tmpdir(), 'flint-shots-'));
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  try {
    stack = await startStack();
    await populatePxe(stack, await fixtureIso(MIRROR_ISO_FIXTURE));
    for (const f of NETBOOT_SHOTS) rmSync(path.join(OUT, `${f}.png`), { force: true });
    browser = await launchChromium({ colorScheme: 'light' });
    await browser.page.goto(stack.url);
    await browser.page.getByRole('heading', { name: 'Choose a config' }).waitFor();
    await dropFile(browser.page, '.dropzone', 'live.ign', GOOD);
    await browser.page.getByText(/Valid · Ignition/).waitFor();
    await netbootShots(browser.page, work, shot);
    if (browser.errors.length) console.warn('page errors:', browser.errors);
    return 0;
  } finally {
    await browser?.close();
    await stack?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** `--i18n-only`: the German and French shots, against a stack with two loop devices. */
async function i18nOnly(): Promise<number> {
  const missing = missingRequirements({ tools: ['losetup'], files: [CHROMIUM], root: true });
  if (missing.length) {
    console.error(`screenshots need: ${missing.join(', ')}`);
    return 1;
  }
  const loops: LoopDevice[] = [];
  let stack: Stack | undefined;
  try {
    stack = await startStack({ showLoop: (dev) => loops.some((l) => l.device === dev) });
    loops.push(createLoopDevice(64 * MiB), createLoopDevice(64 * MiB));
    for (const f of I18N_SHOTS) rmSync(path.join(OUT, `${f}.png`), { force: true });
    await i18nShots(stack, loops, GOOD, shot);
    return 0;
  } finally {
    for (const l of loops) l.remove();
    await stack?.close();
  }
}

async function main(): Promise<number> {
  if (process.argv.includes('--netboot-only')) return netbootOnly();
  if (process.argv.includes('--i18n-only')) return i18nOnly();
  const missing = missingRequirements({ tools: ['losetup'], files: [CHROMIUM], root: true });
  if (missing.length) {
    console.error(`screenshots need: ${missing.join(', ')}`);
    return 1;
  }
  // the mirror serves a bigger copy of the fixture ISO so downloads and writes last long enough to be seen
  const work = mkdtempSync(path.join(tmpdir(), 'flint-shots-'));
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  const loops: LoopDevice[] = [];
  try {
    const iso = path.join(work, 'live.iso');
    copyFileSync(await fixtureIso(MIRROR_ISO_FIXTURE), iso);
    truncateSync(iso, 320 * MiB);
    stack = await startStack({ iso, showLoop: (dev) => loops.some((l) => l.device === dev) });
    await populatePxe(stack, iso);
    loops.push(createLoopDevice(384 * MiB), createLoopDevice(384 * MiB));
    for (const f of readdirSync(OUT)) if (f.endsWith('.png')) rmSync(path.join(OUT, f));

    browser = await launchChromium({ colorScheme: 'light' });
    const page = browser.page;
    await page.goto(stack.url);
    await page.getByRole('heading', { name: 'Choose a config' }).waitFor();
    await page.waitForTimeout(800);
    await shot(page, '01-config-empty');

    await dropFile(page, '.dropzone', 'broken.ign', BAD);
    await page.getByText('Invalid').first().waitFor();
    await shot(page, '02-config-errors', true);

    await dropFile(page, '.dropzone', 'live.ign', GOOD);
    await page.getByText(/Valid · Ignition/).waitFor();
    await shot(page, '03-config-valid-warnings', true);

    await page.getByRole('button', { name: /Next: Image/ }).click();
    await page.getByRole('radio', { name: /^stable \d+\./ }).waitFor();
    stack.mirror.addFault('.iso', { kind: 'throttle', bytesPerSecond: 48 * MiB });
    await page.getByRole('radio', { name: /^stable \d+\./ }).check();
    await page.getByRole('button', { name: 'Download and verify' }).click();
    await page.waitForFunction(() => Number(document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow')) >= 35, null, {
      timeout: 60_000,
    });
    await shot(page, '04-image-downloading');
    await page.getByLabel('Selected image').getByText('Signature verified').waitFor({ timeout: 120_000 });
    await page.getByRole('heading', { name: 'Choose an image' }).focus();
    await shot(page, '05-image-ready', true);

    await page.getByRole('button', { name: /Next: Options/ }).click();
    await page.getByRole('checkbox', { name: /Run from RAM/ }).check();
    await page.getByRole('textbox', { name: /Extra kernel arguments/ }).fill('console=ttyS0,115200n8 console=tty0');
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByText(/arguments? OK/).waitFor();
    await page.getByText('Advanced').click();
    await shot(page, '06-options', true);

    await page.getByRole('button', { name: /Next: Target/ }).click();
    for (const l of loops) await page.getByRole('checkbox', { name: new RegExp(`^Write to ${l.device} `) }).check({ timeout: 15_000 });
    await page.getByRole('checkbox', { name: 'Show internal and system disks' }).check();
    await page.waitForTimeout(600);
    await shot(page, '07-target', true);

    await page.getByRole('button', { name: /Next: Flash/ }).click();
    await shot(page, '08-flash-ready', true);
    await page.getByRole('button', { name: 'Flash 2 sticks' }).click();
    await shot(page, '09-flash-confirm');

    // pause the writer helper mid-write so the progress view can be captured, then let it go on
    let paused: number[] = [];
    const stop = stack.ui.session.addSink((channel, payload) => {
      const p = payload as { phase?: string; bytes?: number; total?: number };
      if (paused.length || channel !== 'flash:progress' || p.phase !== 'write' || !p.total || !p.bytes) return;
      if (p.bytes < p.total * 0.3 || p.bytes >= p.total) return;
      paused = writerPids();
      for (const pid of paused) process.kill(pid, 'SIGSTOP');
    });
    try {
      await page.getByRole('alertdialog').getByRole('button', { name: 'Erase and write' }).click();
      await page.waitForFunction(() => document.querySelectorAll('[role=progressbar][aria-label^="Write /dev/"]').length >= 1, null, {
        timeout: 60_000,
      });
      await page.waitForTimeout(1200);
      if (!paused.length) console.warn('the writer could not be paused; the progress shot shows whatever state it reached');
      await shot(page, '10-flash-writing', true);
    } finally {
      stop();
      for (const pid of paused) process.kill(pid, 'SIGCONT');
    }
    await page.getByText('All done').waitFor({ timeout: 180_000 });
    await shot(page, '11-flash-done', true);

    await page.getByRole('button', { name: /Theme: system/ }).click();
    await page.getByRole('button', { name: /Theme: light/ }).click();
    await shot(page, '12-flash-done-dark', true);
    await page.getByRole('button', { name: /Step 1: Config/ }).click();
    await shot(page, '13-config-dark', true);
    await page.getByRole('button', { name: /Step 4: Target/ }).click();
    await shot(page, '14-target-dark', true);

    // a stick pulled out mid-write: its capacity drops to nothing while the writer holds it
    await page.getByRole('button', { name: /Theme: dark/ }).click();
    await page.getByRole('button', { name: /Step 5: Flash/ }).click();
    await page.getByRole('button', { name: 'Flash more sticks' }).click();
    let pulled = false;
    const stopPull = stack.ui.session.addSink((channel, payload) => {
      const p = payload as { phase?: string; bytes?: number };
      if (pulled || channel !== 'flash:progress' || p.phase !== 'write' || !p.bytes) return;
      pulled = true;
      truncateSync(loops[0].backing, 0);
      execFileSync('losetup', ['--set-capacity', loops[0].device]);
    });
    try {
      await page.getByRole('button', { name: 'Flash 2 sticks' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Erase and write' }).click();
      await page.getByText('Finished with errors').waitFor({ timeout: 180_000 });
      await shot(page, '15-flash-stick-pulled', true);
    } finally {
      stopPull();
    }
    await netbootShots(page, work, shot);
    if (browser.errors.length) console.warn('page errors:', browser.errors);
    // fresh sticks for the translated shots (the first one was "pulled out" above)
    for (const l of loops.splice(0)) l.remove();
    loops.push(createLoopDevice(384 * MiB), createLoopDevice(384 * MiB));
    await i18nShots(stack, loops, GOOD, shot);
    return 0;
  } finally {
    await browser?.close();
    for (const l of loops) l.remove();
    await stack?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
