// End to end: `flint burn` downloads a tiny FCOS-like live ISO from a local signed mirror,
// customizes it on the fly and writes it to a loop device; QEMU then boots that loop device as a
// USB stick under BIOS and UEFI, and the Linux kernel of the guest is the judge.
//
// The guest's /init prints /proc/cmdline and /config.ign on the serial console. The tiny guest
// does not run Ignition, so for the automatic-install form the test decodes the inline data URLs
// of the printed /config.ign itself: the installer config (/etc/coreos/installer.d/*) and the
// destination config (/etc/coreos/dest.ign) are files of that live config, and a real FCOS live
// system would write them out exactly from there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { skipReason } from '../../helpers/requirements';
import { useLoopDevices, useTempDir } from '../../helpers/lifecycle';
import { COREOS_FIXTURES } from '../../helpers/fixtures';
import { buildLiveIso, type LiveIsoInfo } from './lib/live-iso';
import { bootImage } from './lib/qemu';
import { bootProblems, sha256 } from './lib/report';
import { BOOT_REQUIREMENTS, BUILD_ISO_REQUIREMENTS, allOf } from './lib/requirements';
import { populateMirror, startMirrorServer, type MirrorServer } from '../../helpers/mirror-server';
import { runFlint } from '../../helpers/cli';
import { liveConfigContents } from './lib/ignition-data';

const why = skipReason(allOf(BUILD_ISO_REQUIREMENTS, BOOT_REQUIREMENTS, { tools: ['losetup'], root: true }));

const LIVE_IGN = join(COREOS_FIXTURES, 'customize', 'live.ign');
const DEST_IGN = join(COREOS_FIXTURES, 'customize', 'dest.ign');
const FROMRAM = 'coreos.liveiso.fromram';
const STICK = 64 << 20;

/** JSON without null members: a re-serialized config may spell absent optionals as null. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, withoutNulls(x)]),
    );
  }
  return v;
}
const parsed = (text: string) => withoutNulls(JSON.parse(text));

describe.skipIf(why)('flint burn, then boot the stick in QEMU', () => {
  const tmp = useTempDir('flint-burn-boot-');
  let info: LiveIsoInfo;
  let mirror: MirrorServer | undefined;
  let pubKey = '';
  let cacheDir = '';
  const stick = useLoopDevices();

  beforeAll(async () => {
    cacheDir = tmp.join('cache');
    info = buildLiveIso(tmp.join('fedora-coreos-41.20241027.3.0-live-iso.x86_64.iso'));
    pubKey = join(COREOS_FIXTURES, 'verify', 'test-key.pub.asc');
    // real stable.json metadata, the ISO and a detached signature made with the test key now
    await populateMirror(tmp.join('mirror'), { iso: { file: info.iso } });
    mirror = await startMirrorServer({ root: tmp.join('mirror') });
  });
  afterAll(async () => {
    await mirror?.close();
  });

  /** What `flint iso customize` + `flint iso ignition show` give for the same customization. */
  async function expectedLiveConfig(name: string, customizeArgs: string[]): Promise<string> {
    const out = tmp.join(name);
    const c = await runFlint(['iso', 'customize', ...customizeArgs, '-o', out, info.iso]);
    expect(c.stderr).not.toMatch(/^Error/m);
    expect(c.code).toBe(0);
    const show = await runFlint(['iso', 'ignition', 'show', out]);
    expect(show.code).toBe(0);
    return show.stdout.toString('utf8');
  }

  async function burn(args: string[]): Promise<Record<string, unknown>> {
    const r = await runFlint(['burn', ...args, '--json', '--yes', '--allow-loop', '--cache-dir', cacheDir]);
    expect(r.stderr, r.stderr).not.toMatch(/^Error/m);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout.toString('utf8'));
  }

  const isoGets = () => mirror!.requests.filter((r) => r.path.endsWith('.iso')).length;

  it('live form: --stream from a signed mirror, --ignition and --fromram; boots under BIOS and UEFI', async () => {
    const expected = await expectedLiveConfig('live.iso', ['--live-ignition', LIVE_IGN, '--live-karg-append', FROMRAM]);
    const loop = stick(STICK);
    const report = await burn([
      '--stream',
      'stable',
      '--base-url',
      mirror!.url,
      '--keyring',
      pubKey,
      '--ignition',
      LIVE_IGN,
      '--fromram',
      '--target',
      loop.device,
    ]);
    expect(isoGets()).toBe(1);
    const targets = report.targets as { target: { device: string }; ok: boolean; configSha256?: string }[];
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({ target: { device: loop.device }, ok: true, ending: 'verified', configSha256: sha256(expected) });

    for (const [firmware, espBoot] of [
      ['bios', false],
      ['uefi', false],
      ['uefi', true],
    ] as const) {
      const r = await bootImage({ image: loop.device, firmware, espBoot });
      expect(bootProblems(r, { ignition: expected, kargs: [FROMRAM] }), `${firmware}${espBoot ? ' via ESP' : ''}`).toEqual([]);
      expect(r.report.cmdline).toContain(info.defaultKargs + ' ' + FROMRAM);
    }
    // the live config merges the user's config
    const live = liveConfigContents(expected);
    expect(live.merges).toHaveLength(1);
    expect(parsed(live.merges[0].toString('utf8'))).toEqual(parsed(readFileSync(LIVE_IGN, 'utf8')));
  }, 360_000);

  it('automatic-install form: --dest-device and --dest-ignition reach the booted system (cache reused)', async () => {
    const args = ['--dest-device', '/dev/vda', '--dest-ignition', DEST_IGN];
    const expected = await expectedLiveConfig('install.iso', args);
    const before = isoGets();
    const loop = stick(STICK);
    const report = await burn(['--stream', 'stable', '--base-url', mirror!.url, '--keyring', pubKey, ...args, '--target', loop.device]);
    expect(isoGets()).toBe(before); // the verified download in the cache was reused
    const targets = report.targets as { ok: boolean; configSha256?: string }[];
    expect(targets[0]).toMatchObject({ ok: true, configSha256: sha256(expected) });

    for (const firmware of ['bios', 'uefi'] as const) {
      const r = await bootImage({ image: loop.device, firmware });
      expect(bootProblems(r, { ignition: expected, rejectKargs: [FROMRAM] }), firmware).toEqual([]);
      // what the booted system holds in /config.ign, decoded
      const live = liveConfigContents(r.report.ignition!);
      const installer = [...live.files.keys()].filter((p) => p.startsWith('/etc/coreos/installer.d/'));
      expect(installer).toHaveLength(1);
      const conf = parseYaml(live.files.get(installer[0])!.data.toString('utf8'));
      expect(conf).toMatchObject({ 'dest-device': '/dev/vda', 'ignition-file': '/etc/coreos/dest.ign' });
      const dest = live.files.get('/etc/coreos/dest.ign');
      expect(dest, 'dest.ign in the live config').toBeDefined();
      expect(parsed(dest!.data.toString('utf8'))).toEqual(parsed(readFileSync(DEST_IGN, 'utf8')));
    }
  }, 360_000);

  it('a pristine burn (--iso, no customization) boots with no config and the default kargs', async () => {
    const loop = stick(STICK);
    const report = await burn(['--iso', info.iso, '--target', loop.device]);
    const targets = report.targets as { ok: boolean }[];
    expect(targets[0].ok).toBe(true);
    const r = await bootImage({ image: loop.device, firmware: 'bios' });
    expect(bootProblems(r, { noIgnition: true, rejectKargs: [FROMRAM] })).toEqual([]);
    expect(r.report.cmdline).toContain(info.defaultKargs);
  }, 120_000);
});
