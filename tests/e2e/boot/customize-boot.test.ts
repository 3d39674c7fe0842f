// End to end: an ISO written by `flint iso customize` boots, and the guest kernel sees exactly the
// config `flint iso ignition show` prints and the kargs `flint iso kargs show` prints. (The stick
// path, `flint burn`, is in burn-boot.test.ts; this one needs no root.)
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { skipReason } from '../../helpers/requirements';
import { useTempDir } from '../../helpers/lifecycle';
import { COREOS_FIXTURES } from '../../helpers/fixtures';
import { buildLiveIso, type LiveIsoInfo } from './lib/live-iso';
import { bootImage } from './lib/qemu';
import { bootProblems } from './lib/report';
import { BOOT_REQUIREMENTS, BUILD_ISO_REQUIREMENTS, allOf } from './lib/requirements';
import { runFlint } from '../../helpers/cli';
import { liveConfigContents } from './lib/ignition-data';

const why = skipReason(allOf(BUILD_ISO_REQUIREMENTS, BOOT_REQUIREMENTS));
const LIVE_IGN = join(COREOS_FIXTURES, 'customize', 'live.ign');
const DEST_IGN = join(COREOS_FIXTURES, 'customize', 'dest.ign');

describe.skipIf(why)('flint iso customize, then boot the ISO in QEMU', () => {
  const tmp = useTempDir('flint-customize-boot-');
  let info: LiveIsoInfo;

  beforeAll(() => {
    info = buildLiveIso(tmp.join('pristine.iso'));
  });

  /** Customizes a copy; returns its path, the embedded config and the kargs as Flint reports them. */
  async function customize(name: string, args: string[]): Promise<{ iso: string; config: string; kargs: string }> {
    const iso = tmp.join(name);
    const c = await runFlint(['iso', 'customize', ...args, '-o', iso, info.iso]);
    expect(c.code, c.stderr).toBe(0);
    const show = await runFlint(['iso', 'ignition', 'show', iso]);
    expect(show.code, show.stderr).toBe(0);
    const kargs = await runFlint(['iso', 'kargs', 'show', iso]);
    expect(kargs.code, kargs.stderr).toBe(0);
    return { iso, config: show.stdout.toString('utf8'), kargs: kargs.stdout.toString('utf8').trim() };
  }

  it('live config and --live-karg-append: BIOS (CD-ROM) and UEFI (USB) see them, no padding leaks', async () => {
    const c = await customize('live.iso', [
      '--live-ignition',
      LIVE_IGN,
      '--live-karg-append',
      'coreos.liveiso.fromram',
      '--live-karg-append',
      'flint.test=1',
    ]);
    expect(c.kargs).toBe(info.defaultKargs + ' coreos.liveiso.fromram flint.test=1');
    for (const [firmware, media] of [
      ['bios', 'cdrom'],
      ['uefi', 'usb'],
    ] as const) {
      const r = await bootImage({ image: c.iso, firmware, media });
      expect(bootProblems(r, { ignition: c.config, kargs: ['coreos.liveiso.fromram', 'flint.test=1'] }), `${firmware}/${media}`).toEqual(
        [],
      );
      expect(r.report.cmdline!.endsWith(c.kargs)).toBe(true);
    }
  }, 180_000);

  it('automatic install: the installer config and dest.ign are in the booted /config.ign (UEFI via the ESP)', async () => {
    const c = await customize('install.iso', [
      '--dest-device',
      '/dev/vda',
      '--dest-ignition',
      DEST_IGN,
      '--dest-karg-append',
      'flint.dest=1',
    ]);
    const r = await bootImage({ image: c.iso, firmware: 'uefi', espBoot: true });
    expect(bootProblems(r, { ignition: c.config, rejectKargs: ['coreos.liveiso.fromram'] })).toEqual([]);
    const live = liveConfigContents(r.report.ignition!);
    const installer = [...live.files.keys()].filter((p) => p.startsWith('/etc/coreos/installer.d/'));
    expect(installer).toEqual(['/etc/coreos/installer.d/0000-customize.yaml']);
    const yaml = live.files.get(installer[0])!.data.toString('utf8');
    expect(yaml).toMatch(/^dest-device: \/dev\/vda$/m);
    expect(yaml).toMatch(/^ignition-file: \/etc\/coreos\/dest\.ign$/m);
    expect(yaml).toMatch(/flint\.dest=1/);
    expect(live.files.get('/etc/coreos/dest.ign')?.mode).toBe(0o600);
  }, 120_000);
});
