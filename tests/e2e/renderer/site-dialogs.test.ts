/**
 * The site dialogs as a technician sees them, in headless Debian Chromium over the real bridge
 * and core: Settings with Advanced open, History holding a flash, and the stick inspector showing
 * a written stick. axe-core finds no violation and no text is clipped, in English (light), German
 * (dark) and French (light); German and French are the longest catalogues
 * (renderer/src/i18n). The wizard's steps are checked the same way in a11y.test.ts and
 * german.test.ts. Needs root, losetup and /usr/bin/chromium (a loop device).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { de } from '../../../renderer/src/i18n/de';
import { en } from '../../../renderer/src/i18n/en';
import { fr } from '../../../renderer/src/i18n/fr';
import { runFlint } from '../../helpers/cli';
import { fixtureIso } from '../../helpers/fixtures';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { skipReason } from '../../helpers/requirements';
import { axeViolations, clippedText, type Clipped, type Violation } from './a11y-checks';
import { CHROMIUM, launchChromium, MIRROR_ISO_FIXTURE, startStack, type Browser, type Stack } from './harness';

const why = skipReason({ tools: ['losetup'], files: [CHROMIUM], root: true });

const MiB = 1024 * 1024;

/** A catalogue's words by dotted key ('settings.title'), read as the renderer's i18next reads them. */
function word(catalogue: object, key: string): string {
  const value = key.split('.').reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], catalogue);
  if (typeof value !== 'string') throw new Error(`no words for ${key}`);
  return value;
}

const CASES = [
  { locale: 'en-US', scheme: 'light', cat: en },
  { locale: 'de-DE', scheme: 'dark', cat: de },
  { locale: 'fr-FR', scheme: 'light', cat: fr },
] as const;

describe.skipIf(why)('the site dialogs in Chromium', () => {
  let stack: Stack | undefined;
  let loop: LoopDevice | undefined;

  beforeAll(async () => {
    stack = await startStack({ userDirs: true, showLoop: (dev) => dev === loop?.device });
    loop = createLoopDevice(64 * MiB);
    // a flash in the stack's record (the CLI and the app share it) and a live stick to inspect
    const config = path.join(stack.dir, 'live.ign');
    writeFileSync(config, JSON.stringify({ ignition: { version: '3.4.0' } }));
    const burn = await runFlint(
      [
        'burn',
        '--iso',
        await fixtureIso(MIRROR_ISO_FIXTURE),
        '--ignition',
        config,
        '--karg',
        'console=ttyS0',
        '--target',
        loop.device,
        '--allow-loop',
        '--yes',
      ],
      { env: { XDG_STATE_HOME: path.join(stack.dir, 'state') } },
    );
    expect(burn.code, burn.stderr).toBe(0);
  }, 180_000);
  afterAll(async () => {
    loop?.remove();
    await stack?.close();
  });

  for (const { locale, scheme, cat } of CASES) {
    it(`${locale}, ${scheme}: Settings, History and the inspector have no axe violations and no clipped text`, async () => {
      const browser: Browser = await launchChromium({ locale, colorScheme: scheme, bypassCSP: true });
      const w = (key: string) => word(cat, key);
      try {
        const page = browser.page;
        const found: { where: string; violations: Violation[] }[] = [];
        const clipped: { where: string; items: Clipped[] }[] = [];
        const check = async (where: string) => {
          const violations = await axeViolations(page);
          if (violations.length) found.push({ where, violations });
          const items = await clippedText(page);
          if (items.length) clipped.push({ where, items });
        };
        await page.goto(stack!.url);
        await page.locator('body[data-flint-ready]').waitFor();

        const dialog = await open(page, w('topbar.settings'), w('settings.title'));
        await dialog.locator('summary', { hasText: w('settings.advanced') }).click();
        await dialog.locator('details[open]').waitFor();
        await check('settings, advanced open');
        await close(page, w('settings.title'));

        const history = await open(page, w('topbar.history'), w('history.title'));
        await history.locator('tbody tr', { hasText: loop!.device }).first().waitFor();
        await check('history with a flash');
        await close(page, w('history.title'));

        const inspect = await open(page, w('topbar.inspect'), w('inspect.title'));
        const select = inspect.locator('select[name="inspectDrive"]');
        const option = select.locator('option', { hasText: loop!.device });
        await option.waitFor({ state: 'attached', timeout: 15_000 });
        await select.selectOption((await option.getAttribute('value'))!);
        const view = inspect.getByLabel(w('inspect.contents'));
        await view.waitFor({ timeout: 30_000 });
        expect(await view.locator('[data-fact="kargs"]').textContent()).toContain('console=ttyS0');
        await check('inspector showing a stick');
        await close(page, w('inspect.title'));

        expect(found).toEqual([]);
        expect(clipped).toEqual([]);
        expect(browser.errors).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 180_000);
  }
});

/** Opens a dialog from its top-bar button; resolves with the dialog once it shows. */
async function open(page: Page, button: string, title: string) {
  await page.getByRole('button', { name: button, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  return dialog;
}

/** Closes the open dialog with Escape (Modal.tsx) and waits until it is gone. */
async function close(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', { name: title }).waitFor({ state: 'detached' });
}
