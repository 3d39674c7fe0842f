/**
 * `flint write` adds each flash to the record in the state folder (XDG_STATE_HOME), and
 * `flint history` prints it as text, JSON and CSV: the release, the image's and the config's
 * SHA-256, the stick and how it ended. Needs root and losetup (a loop device as the stick).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runFlintText } from '../../helpers/cli';
import { customizeFixture, fixtureIso } from '../../helpers/fixtures';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { skipReason } from '../../helpers/requirements';
import { HISTORY_CSV_COLUMNS } from '../../../electron/core/history/record';

const why = skipReason({ tools: ['losetup', 'lsblk'], root: true });

describe.skipIf(why)('flint history', () => {
  let loop: LoopDevice | undefined;
  let dir: string | undefined;
  afterEach(() => {
    loop?.remove();
    loop = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('records a flint write and prints it as text, JSON and CSV', async () => {
    dir = mkdtempSync(join(tmpdir(), 'flint-history-'));
    const env = { XDG_STATE_HOME: join(dir, 'state') };
    const empty = await runFlintText(['history'], { env });
    expect(empty.stdout).toBe('No flashes recorded yet.\n');

    loop = createLoopDevice(8 * 1024 * 1024);
    const iso = await fixtureIso('embed-areas-2023-07.x86_64');
    const ign = join(dir, 'live.ign');
    await import('node:fs/promises').then(async (fs) => fs.writeFile(ign, await customizeFixture('live.ign')));
    const w = await runFlintText(['write', '--iso', iso, '--ignition', ign, '--target', loop.device, '--allow-loop', '--yes', '--json'], {
      env,
    });
    expect(w.code, w.stderr).toBe(0);
    const report = JSON.parse(w.stdout) as { targets: { configSha256: string }[] };

    const json = await runFlintText(['history', '--json'], { env });
    const [rec] = JSON.parse(json.stdout) as {
      by: string;
      ok: boolean;
      image: { name: string; sha256: string };
      configSha256: string;
      kargs: string | null;
      sticks: { device: string; size: number; ending: string; configReadBack: string }[];
    }[];
    expect(rec).toMatchObject({ by: 'write', ok: true, image: { name: 'embed-areas-2023-07.x86_64.iso' } });
    expect(rec.image.sha256).toBe(createHash('sha256').update(readFileSync(iso)).digest('hex'));
    expect(rec.configSha256).toBe(report.targets[0].configSha256);
    expect(rec.sticks).toEqual([expect.objectContaining({ device: loop.device, size: 8 * 1024 * 1024, ending: 'verified' })]);
    expect(rec.sticks[0].configReadBack).toBe(rec.configSha256);

    const csv = (await runFlintText(['history', '--csv'], { env })).stdout.split('\r\n');
    expect(csv[0]).toBe(HISTORY_CSV_COLUMNS.join(','));
    expect(csv[1]).toContain(`,${loop.device},`);
    expect(csv[1]).toContain(',verified,');

    const text = (await runFlintText(['history'], { env })).stdout;
    expect(text).toContain('flint write: ');
    expect(text).toContain(`${loop.device} (`);
    expect(text).toContain(`config sha256 ${rec.configSha256}`);
  }, 120_000);
});
