/**
 * The wizard's site tools and rough edges in Debian's Chromium over the loopback bridge (real
 * core, local mirror, loop devices as sticks): each rough edge as a case; the record after two
 * flashes, shown, exported as CSV and JSON and parsed, and the same file read by `flint history`;
 * the stick inspector reading a stick the app just wrote. Needs root, losetup and /usr/bin/chromium.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runFlintText } from '../../helpers/cli';
import { fixtureIso } from '../../helpers/fixtures';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { skipReason } from '../../helpers/requirements';
import {
  chooseStableImage,
  CHROMIUM,
  deviceText,
  dropFile,
  launchChromium,
  MIRROR_ISO_FIXTURE,
  startStack,
  type Browser,
  type Stack,
} from './harness';

const why = skipReason({ tools: ['losetup'], files: [CHROMIUM], root: true });

const MiB = 1024 * 1024;
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFlintSiteToolsKeyOnlyForTestsAAAAAAAAAAA site@test';
const CONFIG = JSON.stringify({ ignition: { version: '3.4.0' }, passwd: { users: [{ name: 'core', sshAuthorizedKeys: [KEY] }] } }, null, 2);

/** Drops a file of raw bytes on `selector`, as a person dragging it from a file manager. */
async function dropBytes(page: Page, selector: string, name: string, bytes: number[]): Promise<void> {
  const dt = await page.evaluateHandle(
    ([n, b]) => {
      const g = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } } };
      const d = new g.DataTransfer();
      d.items.add(new File([new Uint8Array(b)], n));
      return d;
    },
    [name, bytes] as const,
  );
  await page.dispatchEvent(selector, 'dragover', { dataTransfer: dt });
  await page.dispatchEvent(selector, 'drop', { dataTransfer: dt });
  await dt.dispose();
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  return rows;
}

describe.skipIf(why)('site tools and rough edges in Chromium', () => {
  let stack: Stack;
  let browser: Browser | undefined;
  let loops: LoopDevice[] = [];
  const mine = new Set<string>();

  beforeAll(async () => {
    stack = await startStack({ userDirs: true, showLoop: (d) => mine.has(d) });
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
    mine.clear();
  });

  it('rough edges: long lines, a binary config, a failed ISO open, red marks, plurals', async () => {
    const page = browser!.page;
    await page.goto(stack.url);
    await page.getByRole('heading', { name: 'Choose a config' }).waitFor();

    // a minified config with a 5000-character line wraps inside the code view
    const long = JSON.stringify({ ignition: { version: '3.4.0' }, storage: { files: [{ path: `/etc/${'x'.repeat(5000)}`, mode: 420 }] } });
    await dropFile(page, '.dropzone', 'minified.ign', long);
    await page.getByText('minified.ign').first().waitFor();
    const widths = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
      return [d.documentElement.scrollWidth, d.documentElement.clientWidth];
    });
    expect(widths[0]).toBeLessThanOrEqual(widths[1]);

    // a binary file as a config: a clear error with its real size, no garbage shown
    const binary = Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 256);
    await dropBytes(page, '.dropzone', 'firmware.ign', binary);
    const err = page.locator('[data-code="FILE_NOT_TEXT"]');
    await err.waitFor();
    expect(await err.textContent()).toContain('firmware.ign is not a text file (300000 bytes of binary data)');
    expect(await page.getByText(/KiB/).filter({ hasText: 'firmware' }).count()).toBe(0);

    // invalid field settings mark the Config step, not Options
    await dropFile(page, '.dropzone', 'live.ign', CONFIG);
    await page.getByText('Valid · Ignition 3.4.0').waitFor();
    const host = page.getByRole('textbox', { name: /Host name/ });
    await host.fill('bad_host');
    await host.blur();
    await page.getByRole('button', { name: /Step 1: Config — live\.ign \(needs attention\)/ }).waitFor();
    expect(await page.getByRole('button', { name: /Step 3: Options.*needs attention/ }).count()).toBe(0);
    await host.fill('');
    await host.blur();
    await page.getByRole('button', { name: /Step 1: Config — live\.ign \(done\)/ }).waitFor();

    // a failed ISO open leaves no image chosen
    await page.getByRole('button', { name: /Step 2: Image/ }).click();
    await page.getByRole('radio', { name: 'Local ISO file' }).click();
    await page.getByRole('textbox', { name: 'Path of a live ISO' }).fill(await fixtureIso(MIRROR_ISO_FIXTURE));
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByLabel('Selected image').getByText('Local file').waitFor({ timeout: 30_000 });
    await page.getByRole('textbox', { name: 'Path of a live ISO' }).fill('/nonexistent/gone.iso');
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.locator('[data-code="FILE_UNREADABLE"]').waitFor();
    expect(await page.getByLabel('Selected image').count()).toBe(0);
    await page.getByRole('button', { name: /Step 2: Image — Not chosen/ }).waitFor();

    // counts in words: "1 drive", "2 drives", "No drives", never "drive(s)"
    await page.getByRole('button', { name: /Step 4: Target/ }).click();
    const status = page.getByRole('status').filter({ hasText: /available/ });
    await status.waitFor();
    expect(await status.textContent()).toMatch(/^(No drives|1 drive|\d+ drives) available, 0 selected/);

    // Network boot: an untouched Base URL gets no red mark
    await page.getByRole('radio', { name: 'Network boot' }).click();
    await page.getByRole('button', { name: /Step 2: Network boot/ }).click();
    await page.getByRole('heading', { name: 'Network boot options' }).waitFor();
    await page.waitForTimeout(1000);
    expect(await page.getByRole('button', { name: /Step 2: Network boot.*needs attention/ }).count()).toBe(0);
    await page.getByRole('radio', { name: 'USB stick' }).click();
    expect(browser!.errors).toEqual([]);
  }, 240_000);

  it('two flashes in the record, exported as CSV and JSON; flint history reads it; the inspector reads a stick', async () => {
    loops = [createLoopDevice(64 * MiB), createLoopDevice(64 * MiB)];
    for (const l of loops) mine.add(l.device);
    const page = browser!.page;
    await page.goto(stack.url);
    await page.getByRole('heading', { name: 'Choose a config' }).waitFor();
    await page.getByRole('radio', { name: 'USB stick' }).click();
    await page.getByRole('button', { name: /Step 1: Config/ }).click();
    await dropFile(page, '.dropzone', 'live.ign', CONFIG);
    await page.getByText('Valid · Ignition 3.4.0').waitFor();
    // a static IP from the field settings: a network keyfile on the sticks
    for (const [name, value] of [
      [/Static IP address/, '10.1.2.3/24'],
      [/Gateway/, '10.1.2.1'],
    ] as const) {
      const box = page.getByRole('textbox', { name });
      await box.fill(value);
      await box.blur();
    }
    await page.getByRole('button', { name: /Step 1: Config — live\.ign \(done\)/ }).waitFor();
    await page.getByRole('button', { name: /Step 2: Image/ }).click();
    await chooseStableImage(page);

    for (const l of loops) {
      await page.getByRole('button', { name: /Step 4: Target/ }).click();
      const box = page.getByRole('checkbox', { name: new RegExp(`^Write to ${l.device} `) });
      await box.waitFor({ timeout: 15_000 });
      for (const other of loops.filter((x) => x !== l)) {
        const o = page.getByRole('checkbox', { name: new RegExp(`^Write to ${other.device} `) });
        if (await o.isChecked()) await o.uncheck();
      }
      await box.check();
      await page.getByRole('button', { name: /Step 5: Flash/ }).click();
      await page.getByRole('button', { name: 'Flash', exact: true }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Erase and write' }).click();
      await page.getByText('All done').waitFor({ timeout: 120_000 });
      await page.getByRole('button', { name: 'Flash more sticks' }).click();
    }

    // the record in the app: one row per stick, newest first
    await page.getByRole('button', { name: 'History' }).click();
    const dialog = page.getByRole('dialog', { name: 'Flash history' });
    const rows = dialog.locator('tbody tr');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain(loops[1].device);
    expect(await rows.nth(1).textContent()).toContain(loops[0].device);

    const [csvDownload] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(csvDownload.suggestedFilename()).toMatch(/^flint-history-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = parseCsv(await readFile((await csvDownload.path())!, 'utf8'));
    const [header, ...body] = csv;
    expect(body).toHaveLength(2);
    const col = (name: string) => header.indexOf(name);
    const isoSha = createHash('sha256')
      .update(await readFile(await fixtureIso(MIRROR_ISO_FIXTURE)))
      .digest('hex');
    for (const [i, l] of loops.entries()) {
      const r = body.find((x) => x[col('device')] === l.device)!;
      expect(r, `CSV row for ${l.device} (${i})`).toBeTruthy();
      expect(r[col('result')]).toBe('verified');
      expect(r[col('image_sha256')]).toBe(isoSha);
      expect(r[col('config_sha256')]).toMatch(/^[0-9a-f]{64}$/);
      expect(r[col('config_read_back_sha256')]).toBe(r[col('config_sha256')]);
      expect(r[col('release')]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(Number(r[col('size_bytes')])).toBe(64 * MiB);
    }

    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export JSON' }).click()]);
    const records = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8')) as {
      by: string;
      ok: boolean;
      sticks: { device: string; ending: string }[];
      durationMs: number;
    }[];
    expect(records.map((r) => r.sticks.map((s) => s.device))).toEqual([[loops[0].device], [loops[1].device]]);
    expect(records.every((r) => r.by === 'app' && r.ok && r.durationMs > 0)).toBe(true);

    // the CLI reads the same record
    const cli = await runFlintText(['history', '--json'], { env: { XDG_STATE_HOME: path.join(stack.dir, 'state') } });
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(records);
    await dialog.getByRole('button', { name: 'Close' }).click();

    // "What is on this stick?" on the first stick, written above
    await page.getByRole('button', { name: 'Inspect a stick' }).click();
    const inspect = page.getByRole('dialog', { name: 'What is on this stick?' });
    const select = inspect.locator('select[name="inspectDrive"]');
    await select.locator('option', { hasText: deviceText(loops[0].device) }).waitFor({ state: 'attached', timeout: 15_000 });
    const value = await select.locator('option', { hasText: deviceText(loops[0].device) }).getAttribute('value');
    await select.selectOption(value!);
    const view = inspect.getByLabel('Stick contents');
    await view.waitFor({ timeout: 30_000 });
    // the same facts as `flint stick show` reads off the device
    const shown = JSON.parse((await runFlintText(['stick', 'show', '--json', loops[0].device])).stdout) as {
      release: { version: string };
      kargs: { current: string };
    };
    expect(await view.locator('[data-fact="release"]').textContent()).toMatch(
      new RegExp(`^Fedora CoreOS ${shown.release.version.replace(/\./g, '\\.')} \\(.+\\), x86_64$`),
    );
    expect(await view.locator('[data-fact="kargs"]').textContent()).toBe(shown.kargs.current);
    expect(await view.getByLabel('Embedded config (read-only)').textContent()).toContain(KEY);
    const keyfile = view.locator('figure[data-file^="static.nmconnection"]');
    expect(await keyfile.locator('pre').textContent()).toContain('address1=10.1.2.3/24,10.1.2.1');
    expect(browser!.errors).toEqual([]);
  }, 300_000);
});
