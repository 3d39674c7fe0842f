// End to end for field configs: a Butane file (the live /var example) plus the field settings
// (host name, time zone, static IP keyfile) go through `flint butane`, `flint ignition fragment
// settings --into`, `flint ignition validate` and `flint iso customize`, and the booted guest's
// /config.ign carries exactly that config (QEMU boot of the team's tiny FCOS-like live ISO).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { skipReason } from '../../helpers/requirements';
import { useTempDir } from '../../helpers/lifecycle';
import { runFlint } from '../../helpers/cli';
import { liveConfigContents } from '../../e2e/boot/lib/ignition-data';
import { buildLiveIso, type LiveIsoInfo } from '../../e2e/boot/lib/live-iso';
import { bootImage } from '../../e2e/boot/lib/qemu';
import { bootProblems } from '../../e2e/boot/lib/report';
import { BOOT_REQUIREMENTS, BUILD_ISO_REQUIREMENTS, allOf } from '../../e2e/boot/lib/requirements';

const why = skipReason(allOf(BUILD_ISO_REQUIREMENTS, BOOT_REQUIREMENTS));
const EXAMPLE = join(__dirname, '../../../examples/live-var.bu');

describe.skipIf(why)('Butane + field settings reach the booted live system', () => {
  const tmp = useTempDir('flint-livecfg-boot-');
  let info: LiveIsoInfo;
  beforeAll(() => {
    info = buildLiveIso(tmp.join('pristine.iso'));
  });

  it('translate, add settings, validate (no warnings), customize, boot', async () => {
    const ok = async (args: string[]): Promise<string> => {
      const r = await runFlint(args);
      expect(r.code, `flint ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout.toString('utf8');
    };
    const varIgn = tmp.join('var.ign');
    const liveIgn = tmp.join('live.ign');
    const keyDir = tmp.join('keyfiles');
    await ok(['butane', EXAMPLE, '-o', varIgn]);
    await ok([
      'ignition',
      'fragment',
      'settings',
      '--hostname',
      'edge-07',
      '--timezone',
      'Europe/Berlin',
      '--static-ip',
      '192.168.50.7/24,192.168.50.1,192.168.50.1',
      '--keyfile-dir',
      keyDir,
      '--into',
      varIgn,
      '-o',
      liveIgn,
    ]);
    const report = JSON.parse(await ok(['ignition', 'validate', '--json', liveIgn]));
    expect(report).toMatchObject({ ok: true, version: '3.4.0', errors: [], warnings: [] });

    const iso = tmp.join('custom.iso');
    await ok([
      'iso',
      'customize',
      '--live-ignition',
      liveIgn,
      '--network-keyfile',
      join(keyDir, 'static.nmconnection'),
      '-o',
      iso,
      info.iso,
    ]);
    const shown = await ok(['iso', 'ignition', 'show', iso]);

    const r = await bootImage({ image: iso, firmware: 'bios', media: 'usb' });
    expect(bootProblems(r, { ignition: shown })).toEqual([]);
    // the booted config merges exactly the config we built
    const live = liveConfigContents(r.report.ignition!);
    const ours = JSON.parse(readFileSync(liveIgn, 'utf8'));
    const merged = live.merges.map((m) => JSON.parse(m.toString('utf8')));
    expect(merged.length > 0 ? merged : [JSON.parse(r.report.ignition!)]).toContainEqual(ours);
    expect(r.report.extraFiles.some((f) => f.endsWith('static.nmconnection'))).toBe(true);
  }, 240_000);
});
