/**
 * Accessibility of the wizard in headless Debian Chromium over the real bridge and core: axe-core
 * on every step of both modes, light and dark, with the confirmation dialog and error states
 * (0 violations); visible focus and a Tab order that follows the page; reduced motion honoured;
 * the flash's live region saying "Stick 2 of 3 verified."; the language following the browser
 * and the switch in the top bar. Needs root, losetup and /usr/bin/chromium (loop devices).
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { skipReason } from '../../helpers/requirements';
import { axeLog } from './a11y-checks';
import { CHROMIUM, dropFile } from './harness';
import { rendererSuite } from './suite';

const why = skipReason({ tools: ['losetup'], files: [CHROMIUM], root: true });

const MiB = 1024 * 1024;
const CONFIG = JSON.stringify({ ignition: { version: '3.4.0' } });

/**
 * Records each line added to the flash's live region, in order: what a screen reader announces
 * (the region is polite and announces additions).
 */
async function listenToLiveRegion(page: Page): Promise<void> {
  await page.evaluate(() => {
    type Node = { nodeType: number; textContent: string | null; parentElement: { closest(s: string): unknown } | null };
    const g = globalThis as unknown as {
      heard: string[];
      document: { body: unknown };
      MutationObserver: new (cb: (records: { addedNodes: ArrayLike<Node> }[]) => void) => { observe(n: unknown, o: unknown): void };
    };
    g.heard = [];
    new g.MutationObserver((records) => {
      for (const r of records)
        for (const n of Array.from(r.addedNodes)) {
          const inRegion = n.parentElement?.closest('[data-testid="flash-announcer"]');
          if (inRegion && n.textContent) g.heard.push(n.textContent);
        }
    }).observe(g.document.body, { subtree: true, childList: true });
  });
}

async function heard(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as { heard: string[] }).heard);
}

describe.skipIf(why)('accessibility of the wizard in Chromium', () => {
  const suite = rendererSuite();

  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: every step of both modes, the dialog and error states have no axe violations`, async () => {
      const loops = suite.sticks(64 * MiB);
      const browser = await suite.launch({ colorScheme: scheme, reducedMotion: 'reduce', bypassCSP: true });
      const page = browser.page;
      // every state is checked; the failure lists them all
      const { found, clean } = axeLog(page);
      await page.goto(suite.stack.url);
      await page.getByRole('heading', { name: 'Choose a config' }).waitFor();
      await page.locator('body[data-flint-ready]').waitFor();
      await clean('config step, empty');

      await dropFile(page, '.dropzone', 'broken.ign', '{ "ignition": { "version": "3.4.0" }, "passwd": ');
      await page.getByRole('alert').first().waitFor();
      await page.getByRole('textbox', { name: /Host name/ }).fill('bad host!');
      await page.getByRole('combobox', { name: /Time zone/ }).focus();
      await page.locator('[aria-invalid="true"]').first().waitFor();
      await clean('config step, invalid config and an invalid field');
      await page.getByRole('textbox', { name: /Host name/ }).fill('');
      await page.getByRole('combobox', { name: /Time zone/ }).focus();
      await dropFile(page, '.dropzone', 'live.ign', CONFIG);
      await page.getByText('Valid · Ignition 3.4.0').waitFor();
      await clean('config step, valid config');

      await page.getByRole('button', { name: /Next: Image/ }).click();
      await page.getByRole('heading', { name: 'Choose an image' }).waitFor();
      await clean('image step, streams');
      await page.getByRole('button', { name: /Download and verify|Use the cached image/ }).click();
      await page.getByLabel('Selected image').getByText('Signature verified').waitFor({ timeout: 60_000 });
      await clean('image step, image chosen');
      await page.getByRole('radio', { name: 'Local ISO file' }).click();
      await page.getByRole('textbox', { name: 'Path of a live ISO' }).fill('/nonexistent/flint-a11y.iso');
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await page.getByText('The image could not be used').waitFor();
      await clean('image step, local ISO error');
      // a failed open leaves no image chosen (store/image.ts): pick the stream's image again
      await page.getByRole('radio', { name: 'Fedora CoreOS stream' }).click();
      await page.getByRole('button', { name: /Download and verify|Use the cached image/ }).click();
      await page.getByLabel('Selected image').getByText('Signature verified').waitFor({ timeout: 60_000 });

      await page.getByRole('button', { name: /Next: Options/ }).click();
      await page.getByRole('textbox', { name: /Extra kernel arguments/ }).fill('console="ttyS0');
      await page.getByRole('button', { name: 'Check', exact: true }).click();
      await page.getByText('These kernel arguments cannot be used').waitFor();
      await page.getByText('Advanced').click();
      await clean('options step, refused kernel arguments, advanced open');
      await page.getByRole('textbox', { name: /Extra kernel arguments/ }).fill('console=ttyS0');
      await page.getByRole('button', { name: 'Check', exact: true }).click();
      await page.getByText('1 argument OK').waitFor();

      await page.getByRole('button', { name: /Next: Target/ }).click();
      const box = page.getByRole('checkbox', { name: new RegExp(`^Write to ${loops[0].device} `) });
      await box.waitFor({ timeout: 15_000 });
      await clean('target step');
      await box.check();
      await page.getByRole('group', { name: 'Stick actions' }).getByRole('button', { name: 'Restore stick' }).click();
      await page.getByRole('alertdialog', { name: 'Restore this drive to a normal drive?' }).waitFor();
      await clean('restore dialog');
      await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();

      await page.getByRole('button', { name: /Next: Flash/ }).click();
      await clean('flash step, summary');
      await page.getByRole('button', { name: 'Flash', exact: true }).click();
      await page.getByRole('alertdialog').waitFor();
      await clean('confirmation dialog');
      await page.getByRole('alertdialog').getByRole('button', { name: 'Erase and write' }).click();
      await page.getByText('All done').waitFor({ timeout: 120_000 });
      await clean('flash step, results');

      await page.getByRole('radio', { name: 'Network boot' }).click();
      await page.getByRole('button', { name: /Next: Network boot/ }).click();
      await page.getByRole('heading', { name: 'Network boot options' }).waitFor();
      await page.getByRole('textbox', { name: /Base URL/ }).fill('http://127.0.0.1:8080/');
      await page.getByText('Kernel command line').waitFor({ timeout: 30_000 });
      await clean('network boot options');
      await page.getByRole('textbox', { name: /Extra kernel arguments/ }).fill('ignition.config.url=http://x/');
      await page.getByText('These kernel arguments cannot be used').waitFor();
      await clean('network boot options, managed kernel argument refused');
      await page.getByRole('textbox', { name: /Extra kernel arguments/ }).fill('');
      await page.getByRole('button', { name: /Next: Output/ }).click();
      await page.getByRole('heading', { name: 'Generated files' }).waitFor({ timeout: 30_000 });
      await clean('network boot output');
      expect(found).toEqual([]);
      expect(browser.errors).toEqual([]);
    }, 300_000);
  }

  it('focus is always visible, Tab follows the page, and motion is reduced when asked', async () => {
    const browser = await suite.launch({ reducedMotion: 'reduce' });
    const page = browser.page;
    await page.goto(suite.stack.url);
    await page.locator('body[data-flint-ready]').waitFor();
    // no positive tabindex: the Tab order is the document order
    expect(await page.locator('[tabindex]:not([tabindex="0"]):not([tabindex="-1"])').count()).toBe(0);
    const seen: string[] = [];
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const g = globalThis as unknown as {
          document: { activeElement: { tagName: string; getAttribute(a: string): string | null; textContent: string | null } | null };
          getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string };
        };
        const el = g.document.activeElement;
        if (!el) return null;
        const st = g.getComputedStyle(el);
        return {
          name: `${el.tagName} ${el.getAttribute('aria-label') ?? el.textContent ?? ''}`.trim().slice(0, 60),
          outline: st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2,
        };
      });
      if (!f || f.name.startsWith('BODY')) break;
      expect(f.outline, `focus ring on ${f.name}`).toBe(true);
      seen.push(f.name);
    }
    // top bar first (mode, language, theme), then the step rail, then the step itself
    const at = (re: RegExp) => seen.findIndex((n) => re.test(n));
    expect(at(/USB stick/)).toBeGreaterThanOrEqual(0);
    expect(at(/USB stick/)).toBeLessThan(at(/^SELECT Language/));
    expect(at(/^SELECT Language/)).toBeLessThan(at(/Step 1: Config/));
    expect(at(/Step 1: Config/)).toBeLessThan(at(/Drop an Ignition/));
    const motion = await page.evaluate(() => {
      const g = globalThis as unknown as {
        matchMedia(q: string): { matches: boolean };
        document: { querySelector(s: string): unknown };
        getComputedStyle(e: unknown): { transitionDuration: string; animationName: string };
      };
      const st = g.getComputedStyle(g.document.querySelector('.dropzone'));
      return { reduce: g.matchMedia('(prefers-reduced-motion: reduce)').matches, transition: st.transitionDuration };
    });
    expect(motion).toEqual({ reduce: true, transition: '0s' });
  }, 120_000);

  it('a screen reader hears each stick as it ends: "Stick 2 of 3 verified."', async () => {
    const loops = suite.sticks(64 * MiB, 64 * MiB, 64 * MiB);
    const browser = await suite.launch();
    const page = browser.page;
    await page.goto(suite.stack.url);
    await page.locator('body[data-flint-ready]').waitFor();
    await page.getByRole('checkbox', { name: /Continue without a config/ }).check();
    await page.getByRole('button', { name: /Step 2: Image/ }).click();
    await page.getByRole('button', { name: /Download and verify|Use the cached image/ }).click();
    await page.getByLabel('Selected image').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: /Step 4: Target/ }).click();
    for (const l of loops) {
      const box = page.getByRole('checkbox', { name: new RegExp(`^Write to ${l.device} `) });
      await box.waitFor({ timeout: 15_000 });
      await box.check();
    }
    await page.getByRole('button', { name: /Step 5: Flash/ }).click();
    await listenToLiveRegion(page);
    await page.getByRole('button', { name: 'Flash 3 sticks' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Erase and write' }).click();
    await page.getByText('All done').waitFor({ timeout: 180_000 });
    const region = page.getByTestId('flash-announcer');
    expect(await region.getAttribute('role')).toBe('status');
    expect(await region.getAttribute('aria-live')).toBe('polite');
    const lines = await region.locator('p').allTextContents();
    expect(lines).toContain('Stick 2 of 3 verified.');
    expect(lines.filter((l) => /^Stick \d of 3 verified\.$/.test(l))).toHaveLength(3);
    expect(lines.at(-1)).toBe('Finished: 3 of 3 sticks ready.');
    // each line was added on its own, in the order things happened
    const said = await heard(page);
    expect(said.indexOf('Write: in progress.')).toBeGreaterThanOrEqual(0);
    expect(said.indexOf('Write: in progress.')).toBeLessThan(said.indexOf('Stick 1 of 3 verified.'));
    expect(said.indexOf('Stick 1 of 3 verified.')).toBeLessThan(said.indexOf('Stick 2 of 3 verified.'));
    expect(said.at(-1)).toBe('Finished: 3 of 3 sticks ready.');
    expect(browser.errors).toEqual([]);
  }, 240_000);

  it('speaks the browser’s language, and the switch in the top bar is remembered', async () => {
    const browser = await suite.launch({ locale: 'fr-FR' });
    const page = browser.page;
    await page.goto(suite.stack.url);
    await page.getByRole('heading', { name: 'Choisir une configuration' }).waitFor();
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang,
      ),
    ).toBe('fr');
    await page.getByRole('combobox', { name: 'Langue' }).selectOption('de');
    await page.getByRole('heading', { name: 'Konfiguration wählen' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Konfiguration wählen' }).waitFor();
    await page.getByRole('combobox', { name: 'Sprache' }).selectOption('system');
    await page.getByRole('heading', { name: 'Choisir une configuration' }).waitFor();
    expect(browser.errors).toEqual([]);
  }, 120_000);
});
