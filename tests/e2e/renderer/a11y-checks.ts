/**
 * Accessibility and layout checks run inside the page: axe-core (https://github.com/dequelabs/axe-core,
 * WCAG 2.1 A/AA and best practices) injected by Playwright, and a clipped-text check (no text wider
 * than its box where overflow would hide it). Used by the renderer's browser tests and
 * scripts/screenshots.ts.
 */
import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** axe-core's own script, as its README says to inject it into a page (`axe.source`). */
const AXE_SOURCE = axe.source;

/** One axe violation, short enough to read in a test failure. */
export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the page as it is (the browser must allow the injection: launchChromium with
 * bypassCSP). Returns the violations of WCAG 2.0/2.1 A and AA and of axe's best practices.
 */
export async function axeViolations(page: Page): Promise<Violation[]> {
  const loaded = await page.evaluate(() => 'axe' in globalThis);
  if (!loaded) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] };
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<Result> } }).axe;
    const doc = (globalThis as unknown as { document: unknown }).document;
    const r = await axe.run(doc, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
}

/**
 * Collects axe-core violations state by state: `clean(where)` after reaching each state, then
 * expect `found` to be empty, so that one failure lists every state and rule at once.
 */
export function axeLog(page: Page): { found: { where: string; violations: Violation[] }[]; clean(where: string): Promise<void> } {
  const found: { where: string; violations: Violation[] }[] = [];
  return {
    found,
    async clean(where) {
      const violations = await axeViolations(page);
      if (violations.length) found.push({ where, violations });
    },
  };
}

/** A text element whose text does not fit its box (and would be cut or spill out). */
export interface Clipped {
  tag: string;
  text: string;
  scrollWidth: number;
  clientWidth: number;
}

/**
 * Visible elements that hold text of their own and are wider (scrollWidth > clientWidth) than
 * their box, unless they are meant to scroll (overflow auto/scroll: code views, logs, tables in a
 * scroller). A 1 px tolerance absorbs sub-pixel rounding.
 */
export async function clippedText(page: Page): Promise<Clipped[]> {
  return page.evaluate(() => {
    type El = {
      tagName: string;
      childNodes: ArrayLike<{ nodeType: number; textContent: string | null }>;
      textContent: string | null;
      scrollWidth: number;
      clientWidth: number;
      getClientRects(): ArrayLike<unknown>;
    };
    const g = globalThis as unknown as {
      document: { querySelectorAll(s: string): ArrayLike<El> };
      getComputedStyle(e: El): { overflowX: string; display: string; visibility: string };
    };
    const out: { tag: string; text: string; scrollWidth: number; clientWidth: number }[] = [];
    for (const el of Array.from(g.document.querySelectorAll('body *'))) {
      const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && (n.textContent ?? '').trim() !== '');
      if (!own || el.getClientRects().length === 0) continue;
      const st = g.getComputedStyle(el);
      if (st.display === 'inline' || st.visibility === 'hidden') continue;
      if (st.overflowX === 'auto' || st.overflowX === 'scroll') continue;
      // visually-hidden text (1 px, clipped on purpose) is for screen readers only
      if (el.clientWidth > 1 && el.scrollWidth > el.clientWidth + 1) {
        out.push({
          tag: el.tagName.toLowerCase(),
          text: (el.textContent ?? '').trim().slice(0, 80),
          scrollWidth: el.scrollWidth,
          clientWidth: el.clientWidth,
        });
      }
    }
    return out;
  });
}
