/**
 * The browser side of `flint ui`'s sign-in in Debian's Chromium: the page spends the one-time code
 * of its link and drops it from the address bar, the session cookie is out of reach of page
 * scripts, a reload stays signed in, and the spent link opened in another browser profile is
 * signed out with a message that says how to get a new link; that page asks the running process
 * for one (printed on flint ui's terminal, collected here), and the new link signs a browser in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipReason } from '../../helpers/requirements';
import { CHROMIUM, launchChromium, startStack, type Stack } from './harness';

const why = skipReason({ files: [CHROMIUM] });

describe.skipIf(why)('flint ui sign-in in Chromium', () => {
  let stack: Stack;
  const printed: string[] = [];
  beforeAll(async () => {
    stack = await startStack({ onSignInLinkRequested: (link) => printed.push(link) });
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('a link works once: reloads stay signed in, another browser is told and gets a new link', async () => {
    const link = stack.url;
    const first = await launchChromium();
    try {
      await first.page.goto(link);
      await first.page.getByRole('heading', { name: 'Choose a config' }).waitFor();
      await first.page.waitForFunction(() => !(globalThis as unknown as { location: { hash: string } }).location.hash);
      expect(first.page.url()).not.toContain('code=');
      // HttpOnly: the page's own scripts cannot read the session
      expect(await first.page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('');
      await first.page.reload();
      await first.page.getByRole('heading', { name: 'Choose a config' }).waitFor();
      expect(await first.page.getByText(/not signed in/).count()).toBe(0);
      expect(first.errors.filter((e) => !/401/.test(e))).toEqual([]);
    } finally {
      await first.close();
    }
    const second = await launchChromium();
    try {
      await second.page.goto(link);
      await second.page
        .getByText(/This page is not signed in to Flint/)
        .first()
        .waitFor();
      for (let i = 0; i < 100 && printed.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(printed).toHaveLength(1);
      // pasted into the same tab, the link only changes the fragment: the page spends it and reloads
      await Promise.all([second.page.waitForEvent('load'), second.page.goto(printed[0]!)]);
      await second.page.getByRole('heading', { name: 'Choose a config' }).waitFor();
      expect(second.page.url()).not.toContain('code=');
      expect(await second.page.getByText(/not signed in/).count()).toBe(0);
    } finally {
      await second.close();
    }
  }, 120_000);
});
