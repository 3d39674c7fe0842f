/**
 * The built renderer in headless Debian Chromium, talking to the real core through the loopback
 * bridge (startUiServer on 127.0.0.1, signed in with a one-time link), a local FCOS mirror with a signed
 * fixture ISO, and real loop devices as USB sticks. Needs root, losetup and /usr/bin/chromium.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixtureIso } from '../../helpers/fixtures';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { skipReason } from '../../helpers/requirements';
import { CHROMIUM, dropFile, launchChromium, MIRROR_ISO_FIXTURE, startStack, writerPids, type Browser, type Stack } from './harness';
import { readBytes } from '../../helpers/read-bytes';
import { FLINT_BIN } from '../../helpers/paths';

const why = skipReason({ tools: ['losetup'], files: [CHROMIUM], root: true });

const MiB = 1024 * 1024;
const CONFIG = JSON.stringify(
  {
    ignition: { version: '3.4.0' },
    passwd: {
      users: [{ name: 'core', sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFlintE2eTestKeyOnlyForTests flint@test'] }],
    },
  },
  null,
  2,
);

/**
 * The Ignition config embedded in an ISO image or a stick, read with `flint iso ignition show`;
 * checks that it merges CONFIG (coreos-installer wraps the given config in a merge directive).
 */
function embeddedConfig(target: string): Buffer {
  const embedded = execFileSync(process.execPath, [FLINT_BIN, 'iso', 'ignition', 'show', target], {
    maxBuffer: 16 * MiB,
  });
  const merged = JSON.parse(embedded.toString()) as { ignition: { config: { merge: { source: string; compression?: string }[] } } };
  const inner = merged.ignition.config.merge.map((m) => {
    const data = Buffer.from(m.source.replace(/^data:[^,]*;base64,/, ''), 'base64');
    return JSON.parse((m.compression === 'gzip' ? gunzipSync(data) : data).toString()) as unknown;
  });
  expect(inner).toContainEqual(JSON.parse(CONFIG));
  return embedded;
}

describe.skipIf(why)('renderer end to end in Chromium over the loopback bridge', () => {
  let stack: Stack;
  let browser: Browser | undefined;
  let loops: LoopDevice[] = [];

  beforeAll(async () => {
    stack = await startStack();
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    for (const l of loops) l.remove();
    loops = [];
  });

  it('drop a config, pick a stream, pick two loop devices, flash, see both verified', async () => {
    loops = [createLoopDevice(64 * MiB), createLoopDevice(64 * MiB)];
    const tiny = createLoopDevice(512 * 1024);
    loops.push(tiny);
    // as root (this test), the app writes in-process through the flash job: no helper process
    const helpers: number[][] = [];
    const stop = stack.ui.session.addSink((channel, payload) => {
      if (channel === 'flash:progress' && (payload as { step?: string }).step === 'write') helpers.push(writerPids());
    });
    const page = browser!.page;
    await page.goto(stack.url);
    await page.getByRole('heading', { name: 'Choose a config' }).waitFor();

    await dropFile(page, '.dropzone', 'live.ign', CONFIG);
    await page.getByText('Valid · Ignition 3.4.0').waitFor();
    expect(await page.getByLabel('Config (read-only)').textContent()).toBe(CONFIG);

    await page.getByRole('button', { name: /Next: Image/ }).click();
    const stable = page.getByRole('radio', { name: /^stable \d+\./ });
    await stable.waitFor();
    await stable.check();
    await page.getByRole('button', { name: 'Download and verify' }).click();
    const card = page.getByLabel('Selected image');
    await card.getByText('Signature verified').waitFor({ timeout: 60_000 });
    expect(await card.textContent()).toMatch(/Release44\.\d+\.\d+\.\d+ \(stable\)/);
    expect(stack.mirror.count('.iso')).toBeGreaterThan(0);

    await page.getByRole('button', { name: /Next: Options/ }).click();
    await page.getByRole('button', { name: /Next: Target/ }).click();
    // a stick too small for the image says so, with both sizes, and cannot be ticked
    const small = page.getByRole('checkbox', { name: new RegExp(`^Write to ${tiny.device} `) });
    await small.waitFor({ timeout: 15_000 });
    expect(await small.isDisabled()).toBe(true);
    expect(await page.locator(`[data-code="WRITE_TOO_SMALL"]`).filter({ hasText: tiny.device }).textContent()).toBe(
      `${tiny.device} is too small: it holds 0.5 MB, the image needs 1.0 MB`,
    );
    const sticks = loops.slice(0, 2);
    for (const l of sticks) {
      const box = page.getByRole('checkbox', { name: new RegExp(`^Write to ${l.device} `) });
      await box.waitFor({ timeout: 15_000 });
      await box.check();
    }
    await page.getByRole('button', { name: /Next: Flash/ }).click();
    await page.getByRole('button', { name: 'Flash 2 sticks' }).click();
    const dialog = page.getByRole('alertdialog');
    for (const l of sticks) expect(await dialog.textContent()).toContain(`${l.device} — Loop device, 67.1 MB, no serial number`);
    await dialog.getByRole('button', { name: 'Erase and write' }).click();
    await page.getByText('All done').waitFor({ timeout: 120_000 });

    stop();
    expect(helpers.length).toBeGreaterThan(0);
    expect(helpers.flat()).toEqual([]);
    const results = page.getByLabel('Results');
    for (const l of sticks) {
      const text = (await results.locator(`[data-device="${l.device}"]`).textContent()) ?? '';
      expect(text).toContain('Verified');
      expect(text).toContain('Written and verified');
      const shown = /Config read back: sha256 ([0-9a-f]{64}) \(matches\)/.exec(text)?.[1];
      // independent read-back through the CLI: the config on the stick has that SHA-256 and carries ours
      expect(shown).toBe(createHash('sha256').update(embeddedConfig(l.device)).digest('hex'));
    }

    // the other output: a customized ISO saved to a new file carries the same config
    const saved = path.join(stack.dir, 'custom.iso');
    await page.getByRole('textbox', { name: /Save as/ }).fill(saved);
    await page.getByRole('button', { name: 'Save customized ISO…' }).click();
    await page.getByText(saved).waitFor({ timeout: 60_000 });
    expect(createHash('sha256').update(embeddedConfig(saved)).digest('hex')).toBe(
      createHash('sha256').update(embeddedConfig(loops[0].device)).digest('hex'),
    );
    // independent check: each stick carries the ISO's primary volume descriptor
    const iso = await fixtureIso(MIRROR_ISO_FIXTURE);
    for (const l of sticks) expect(readBytes(l.device, 32768, 2048).equals(readBytes(iso, 32768, 2048))).toBe(true);
    expect(browser!.errors).toEqual([]);
  }, 240_000);

  it('a bad config shows its error and the app keeps working', async () => {
    const page = browser!.page;
    await page.goto(stack.url);
    await page.getByRole('heading', { name: 'Choose a config' }).waitFor();
    await dropFile(page, '.dropzone', 'broken.ign', '{ "ignition": { "version": "3.4.0" }, "passwd": ');
    const alert = page.getByRole('alert').first();
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/error/i);
    await page.getByRole('button', { name: /Step 1: Config — broken\.ign \(needs attention\)/ }).waitFor();
    // an unknown Ignition version is reported by the core as a person-actionable error too
    await dropFile(page, '.dropzone', 'future.ign', JSON.stringify({ ignition: { version: '9.9.0' } }));
    await page.getByText('future.ign').first().waitFor();
    expect(await page.getByRole('alert').first().textContent()).toMatch(/9\.9\.0|version/i);
    // and a good config after that is accepted
    await dropFile(page, '.dropzone', 'live.ign', CONFIG);
    await page.getByText('Valid · Ignition 3.4.0').waitFor();
    expect(browser!.errors).toEqual([]);
  }, 240_000);

  it('a target detached mid-flash shows its error', async () => {
    // a bigger image (the fixture padded with zeros) so that the write is caught while it runs
    const big = path.join(stack.dir, 'padded-live.iso');
    copyFileSync(await fixtureIso(MIRROR_ISO_FIXTURE), big);
    truncateSync(big, 192 * MiB);
    const [victim, keeper] = (loops = [createLoopDevice(256 * MiB), createLoopDevice(256 * MiB)]);
    let pulled = false;
    const stop = stack.ui.session.addSink((channel, payload) => {
      const p = payload as { phase?: string; bytes?: number; driveId?: string };
      if (pulled || channel !== 'flash:progress' || p.phase !== 'write' || !p.bytes) return;
      pulled = true;
      // the stick goes away: its capacity drops to nothing while the writer holds it open
      truncateSync(victim.backing, 0);
      execFileSync('losetup', ['--set-capacity', victim.device]);
    });
    try {
      const page = browser!.page;
      await page.goto(stack.url);
      await page.getByRole('heading', { name: 'Choose a config' }).waitFor();
      await dropFile(page, '.dropzone', 'live.ign', CONFIG);
      await page.getByText('Valid · Ignition 3.4.0').waitFor();
      await page.getByRole('button', { name: /Step 2: Image/ }).click();
      await page.getByRole('radio', { name: 'Local ISO file' }).click();
      await page.getByRole('textbox', { name: 'Path of a live ISO' }).fill(big);
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await page.getByLabel('Selected image').getByText('Local file').waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: /Step 4: Target/ }).click();
      for (const l of loops) {
        const box = page.getByRole('checkbox', { name: new RegExp(`^Write to ${l.device} `) });
        await box.waitFor({ timeout: 15_000 });
        await box.check();
      }
      await page.getByRole('button', { name: /Step 5: Flash/ }).click();
      await page.getByRole('button', { name: 'Flash 2 sticks' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Erase and write' }).click();
      await page.getByText('Finished with errors').waitFor({ timeout: 180_000 });
      expect(pulled).toBe(true);
      const results = page.getByLabel('Results');
      const bad = results.locator(`[data-device="${victim.device}"]`);
      expect(await bad.textContent()).toContain('Failed');
      const msg = await bad.getByRole('alert').textContent();
      expect(msg).toContain(victim.device);
      expect(msg).toMatch(/error|room|gone|removed/i);
      expect(await results.locator(`[data-device="${keeper.device}"]`).textContent()).toContain('Verified');
      await page.getByRole('button', { name: /Step 5: Flash — Failed \(needs attention\)/ }).waitFor();
      expect(browser!.errors).toEqual([]);
    } finally {
      stop();
    }
  }, 240_000);

  it('works by keyboard alone, from the config to a verified stick', async () => {
    loops = [createLoopDevice(64 * MiB)];
    const page = browser!.page;
    // subscribe early: Playwright turns file-chooser interception on asynchronously
    const chosen: Promise<import('playwright-core').FileChooser> = new Promise((resolve) => page.once('filechooser', resolve));
    await page.goto(stack.url);
    await page.getByRole('heading', { name: 'Choose a config' }).waitFor();
    await page.locator('body[data-flint-ready]').waitFor();
    /** Presses Tab (at most 60 times) until the focused element's accessible name matches. */
    const tabTo = async (name: RegExp) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          // the page itself (focus wrapping past the last control) is not a control
          return el && el !== document.body
            ? (el.getAttribute('aria-label') ?? el.textContent ?? '') + ' ' + ((el as HTMLInputElement).labels?.[0]?.textContent ?? '')
            : '';
        });
        if (name.test(focused)) return;
      }
      throw new Error(`Tab never reached ${name}`);
    };
    await tabTo(/Drop an Ignition/);
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('dropzone');
    await page.keyboard.press('Enter');
    await (await chosen).setFiles({ name: 'live.ign', mimeType: 'application/json', buffer: Buffer.from(CONFIG) });
    await page.getByText('Valid · Ignition 3.4.0').waitFor();
    await tabTo(/Next: Image/);
    await page.keyboard.press('Enter');
    await tabTo(/^stable \d+/);
    await page.keyboard.press('Space');
    await tabTo(/Use the cached image|Download and verify/);
    await page.keyboard.press('Enter');
    await page.getByLabel('Selected image').waitFor({ timeout: 60_000 });
    await tabTo(/Step 4: Target/);
    await page.keyboard.press('Enter');
    await tabTo(new RegExp(`^Write to ${loops[0].device} `));
    await page.keyboard.press('Space');
    await tabTo(/Next: Flash/);
    await page.keyboard.press('Enter');
    await tabTo(/^Flash $/);
    await page.keyboard.press('Enter');
    // the confirmation takes focus on Cancel; Escape closes it, so confirm with Tab + Enter
    await page.getByRole('alertdialog').waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Erase and write');
    await page.keyboard.press('Enter');
    await page.getByText('All done').waitFor({ timeout: 120_000 });
    expect(await page.getByLabel('Results').locator(`[data-device="${loops[0].device}"]`).textContent()).toContain('Verified');
    expect(browser!.errors).toEqual([]);
  }, 240_000);

  it('the drive list is live: a stick plugged in appears, and one pulled out disappears from list and selection', async () => {
    const page = browser!.page;
    await page.goto(stack.url);
    await page.locator('body[data-flint-ready]').waitFor();
    await page.getByRole('button', { name: /Step 4: Target/ }).click();
    const plugged = createLoopDevice(32 * MiB);
    loops = [plugged];
    const box = page.getByRole('checkbox', { name: new RegExp(`^Write to ${plugged.device} `) });
    await box.waitFor({ timeout: 15_000 });
    await box.check();
    await page.getByRole('button', { name: /Step 4: Target — 1 drive \(done\)/ }).waitFor();
    plugged.remove();
    await box.waitFor({ state: 'detached', timeout: 15_000 });
    await page.getByRole('button', { name: /Step 4: Target — None picked/ }).waitFor();
    expect(browser!.errors).toEqual([]);
  }, 240_000);

  it('cancel during the write stops the job and says how each stick was left', async () => {
    const big = path.join(stack.dir, 'cancel-live.iso');
    copyFileSync(await fixtureIso(MIRROR_ISO_FIXTURE), big);
    truncateSync(big, 192 * MiB);
    loops = [createLoopDevice(256 * MiB)];
    // the writer runs in this process (root): its test hook slows every 4 MiB block so the click lands mid-write
    Object.assign(process.env, { FLINT_TEST_HOOKS: '1', FLINT_TEST_BLOCK_DELAY_MS: '250' });
    let stop = () => {};
    const writing = new Promise<void>((resolve) => {
      stop = stack.ui.session.addSink((channel, payload) => {
        const p = payload as { step?: string; bytes?: number };
        if (channel === 'flash:progress' && p.step === 'write' && (p.bytes ?? 0) > 0) resolve();
      });
    });
    try {
      const page = browser!.page;
      await page.goto(stack.url);
      await page.locator('body[data-flint-ready]').waitFor();
      await page.getByRole('checkbox', { name: /Continue without a config/ }).check();
      await page.getByRole('button', { name: /Step 2: Image/ }).click();
      await page.getByRole('radio', { name: 'Local ISO file' }).click();
      await page.getByRole('textbox', { name: 'Path of a live ISO' }).fill(big);
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await page.getByLabel('Selected image').waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: /Step 4: Target/ }).click();
      await page.getByRole('checkbox', { name: new RegExp(`^Write to ${loops[0].device} `) }).check({ timeout: 15_000 });
      await page.getByRole('button', { name: /Step 5: Flash/ }).click();
      await page.getByRole('button', { name: 'Flash', exact: true }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Erase and write' }).click();
      await page.getByRole('progressbar', { name: `Write ${loops[0].device}` }).waitFor({ timeout: 60_000 });
      await writing; // bytes are on the stick
      await page.getByRole('button', { name: 'Cancel', exact: true }).click();
      await page.getByRole('heading', { name: 'Cancelled' }).waitFor({ timeout: 60_000 });
      const result = page.getByLabel('Results').locator(`[data-device="${loops[0].device}"]`);
      expect(await result.getAttribute('data-ending')).toBe('cancelled-wiped');
      expect(await result.textContent()).toContain('Cancelled, first MiB wiped');
      // no phase is left "Waiting": verification was not reached
      expect(await page.getByLabel('Progress').textContent()).toContain('Not reached');
      expect(await page.getByLabel('Progress').textContent()).not.toContain('Waiting');
      expect(readBytes(loops[0].device, 0, MiB).every((b) => b === 0)).toBe(true);
      expect(browser!.errors).toEqual([]);
    } finally {
      stop();
      delete process.env.FLINT_TEST_HOOKS;
      delete process.env.FLINT_TEST_BLOCK_DELAY_MS;
    }
  }, 240_000);

  it('a Butane config is translated and shown as Ignition; an oversized file is refused with a message', async () => {
    const page = browser!.page;
    await page.goto(stack.url);
    await page.locator('body[data-flint-ready]').waitFor();
    const bu = [
      'variant: fcos',
      'version: 1.5.0',
      'passwd:',
      '  users:',
      '    - name: core',
      '      ssh_authorized_keys:',
      '        - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFlintButaneTest core@test',
      '',
    ].join('\n');
    await dropFile(page, '.dropzone', 'live.bu', bu);
    await page.getByText(/Valid · Ignition 3\./).waitFor();
    const shown = JSON.parse((await page.getByLabel('Config (read-only)').textContent()) ?? '') as {
      passwd: { users: { name: string; sshAuthorizedKeys: string[] }[] };
    };
    expect(shown.passwd.users[0]).toEqual({
      name: 'core',
      sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFlintButaneTest core@test'],
    });
    // 5 MiB of "config": refused before it reaches the core, with a message a person can act on
    await dropFile(page, '.dropzone', 'huge.ign', 'x'.repeat(5 * MiB));
    const alert = page.getByRole('alert').filter({ hasText: 'huge.ign' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/larger than/);
    expect(browser!.errors).toEqual([]);
  }, 240_000);
});
