/**
 * A fleet batch in Debian's Chromium over the loopback bridge (real core, local mirror, loop
 * devices as sticks): a three-row CSV loaded in the Config step, two sticks ticked in an order of
 * our choosing, the assignment table naming each stick's machine, the batch written, each stick's
 * config read back with `flint stick show --json` carrying its row's host name, and the next
 * starting row proposed as row 3. axe-core finds no violation in the states fleets add. No QEMU
 * boot here: tests/e2e/boot/fleet-burn.test.ts boots a fleet stick the CLI wrote, and
 * tests/integration/app/fleet.test.ts compares the app's stick with the CLI's byte for byte.
 * Needs root, losetup and /usr/bin/chromium.
 */
import { describe, expect, it } from 'vitest';
import { liveConfigContents } from '../boot/lib/ignition-data';
import { runFlintText } from '../../helpers/cli';
import type { LoopDevice } from '../../helpers/loop';
import { skipReason } from '../../helpers/requirements';
import { axeLog } from './a11y-checks';
import { chooseStableImage, CHROMIUM, dropFile } from './harness';
import { rendererSuite } from './suite';

const why = skipReason({ tools: ['losetup'], files: [CHROMIUM], root: true });

const MiB = 1024 * 1024;
const CONFIG = JSON.stringify({ ignition: { version: '3.4.0' } });
const MANIFEST = [
  'name,hostname,ip,gateway',
  'bay-1,bay-1.site.example,10.40.0.11/24,10.40.0.1',
  'bay-2,bay-2.site.example,10.40.0.12/24,10.40.0.1',
  'bay-3,bay-3.site.example,,',
].join('\n');
const FLEET_ZONE = 'section[aria-labelledby="fleet-title"] .dropzone';

describe.skipIf(why)('a fleet batch in Chromium', () => {
  const suite = rendererSuite();

  it('loads a manifest, gives two sticks their rows in pick order, writes them and proposes row 3', async () => {
    const loops = suite.sticks(64 * MiB, 64 * MiB);
    const [first, second] = loops as [LoopDevice, LoopDevice];
    const browser = await suite.launch({ bypassCSP: true });
    const page = browser.page;
    // every state is checked; the failure lists them all
    const { found, clean } = axeLog(page);
    await page.goto(suite.stack.url);
    await page.getByRole('heading', { name: 'Choose a config' }).waitFor();
    await page.getByRole('radio', { name: 'USB stick' }).click();
    await dropFile(page, '.dropzone', 'live.ign', CONFIG);
    await page.getByText('Valid · Ignition 3.4.0').waitFor();

    // a manifest with a problem: the line and the reason, then the good one and its summary
    await dropFile(page, FLEET_ZONE, 'bad.csv', 'name,hostname\nok,ok\nbad,-x-\n');
    const problem = page.locator('[data-code="FLEET_INVALID"]');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('line 3: "-x-" is not a valid host name');
    await clean('config step, a manifest with a problem');
    await dropFile(page, FLEET_ZONE, 'fleet.csv', MANIFEST);
    const summary = page.getByRole('status', { name: 'Fleet manifest summary' });
    await summary.waitFor();
    expect(await summary.textContent()).toContain('fleet.csv: 3 machines');
    expect(await summary.textContent()).toContain('Columns used: name, hostname, ip, gateway');
    await clean('config step, a manifest loaded');

    await page.getByRole('button', { name: /Step 2: Image/ }).click();
    await chooseStableImage(page);

    // the second loop device is ticked first: it gets row 1
    await page.getByRole('button', { name: /Step 4: Target/ }).click();
    const box = (l: LoopDevice) => page.getByRole('checkbox', { name: new RegExp(`^Write to ${l.device} `) });
    await box(second).waitFor({ timeout: 15_000 });
    await box(second).check();
    await box(first).check();
    const table = page.getByRole('table', { name: 'Which stick gets which machine' });
    await table.waitFor();
    const rows = await table
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => Array.from((tr as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells, (c) => c.textContent)),
      );
    expect(rows).toEqual([
      [second.device, '1', 'bay-1', 'bay-1.site.example', '10.40.0.11/24'],
      [first.device, '2', 'bay-2', 'bay-2.site.example', '10.40.0.12/24'],
    ]);
    await clean('target step, two sticks with their rows');
    // starting at row 3 leaves one row for two sticks: refused, with the reason
    const start = page.getByRole('combobox', { name: 'Starting row' });
    await start.selectOption('3');
    await page.getByText('1 stick more than rows left from the starting row (1)').waitFor();
    await clean('target step, too many sticks');
    await start.selectOption('1');

    await page.getByRole('button', { name: /Step 5: Flash/ }).click();
    expect(await page.getByLabel('Summary').textContent()).toContain('fleet.csv, rows: 1 bay-1, 2 bay-2');
    await page.getByRole('button', { name: 'Flash 2 sticks', exact: true }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Erase and write' }).click();
    await page.getByText('All done').waitFor({ timeout: 120_000 });
    for (const [l, row] of [
      [second, 'Row 1: bay-1 (bay-1.site.example)'],
      [first, 'Row 2: bay-2 (bay-2.site.example)'],
    ] as const) {
      expect(await page.locator(`.result[data-device="${l.device}"]`).textContent()).toContain(row);
    }

    // each stick carries its row's host name, read back as a person would
    for (const [l, host] of [
      [second, 'bay-1.site.example'],
      [first, 'bay-2.site.example'],
    ] as const) {
      const shown = await runFlintText(['stick', 'show', '--json', l.device]);
      expect(shown.code).toBe(0);
      const s = JSON.parse(shown.stdout) as { customization: { members: { path: string; data: string }[] } };
      const ign = Buffer.from(s.customization.members.find((m) => m.path === 'config.ign')!.data, 'base64').toString('utf8');
      const merged = liveConfigContents(ign).merges.map((m) => liveConfigContents(m.toString('utf8')));
      expect(merged.map((c) => c.files.get('/etc/hostname')?.data.toString())).toContain(host);
    }

    // the next batch starts at the first row not written
    await page.getByRole('button', { name: 'Flash more sticks' }).click();
    await page.getByRole('button', { name: /Step 4: Target/ }).click();
    expect(await start.inputValue()).toBe('3');
    expect(await start.locator('option:checked').textContent()).toBe('Row 3: bay-3');
    expect(found).toEqual([]);
    expect(browser.errors).toEqual([]);
  }, 300_000);
});
