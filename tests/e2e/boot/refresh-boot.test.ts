// End to end: a stick written by `flint burn` with release A (38.20230718.3.0), a config, kargs and a
// NetworkManager keyfile is refreshed by `flint refresh` to release B (44.20260707.3.1), the newest
// of its stream on a local signed mirror. QEMU then boots the stick under BIOS and UEFI and the
// guest shows B's release with the same config and keyfile; the stick is byte for byte what a fresh
// `flint burn` of B with the same inputs writes. A second refresh says the stick is current.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RefreshReport } from '../../../electron/core/flash/refresh';
import type { StickContents } from '../../../electron/core/iso/stick';
import { COREOS_FIXTURES } from '../../helpers/fixtures';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { populateMirror, startMirrorServer, type MirrorServer } from '../../helpers/mirror-server';
import { readBytes } from '../../helpers/read-bytes';
import { skipReason } from '../../helpers/requirements';
import { runFlint } from '../../helpers/cli';
import { buildLiveIso, type LiveIsoInfo } from './lib/live-iso';
import { bootImage } from './lib/qemu';
import { bootProblems } from './lib/report';
import { BOOT_REQUIREMENTS, BUILD_ISO_REQUIREMENTS, allOf } from './lib/requirements';

const why = skipReason(allOf(BUILD_ISO_REQUIREMENTS, BOOT_REQUIREMENTS, { tools: ['losetup'], root: true }));

const RELEASE_A = '38.20230718.3.0';
/** The release of tests/fixtures/stream/stable.json, which the mirror serves as stable's newest. */
const RELEASE_B = '44.20260707.3.1';
const LIVE_IGN = join(COREOS_FIXTURES, 'customize', 'live.ign');
const KEYFILE = join(COREOS_FIXTURES, 'customize', 'installer-test.nmconnection');
const KEYFILE_PATH = '/etc/coreos-firstboot-network/installer-test.nmconnection';
const FROMRAM = 'coreos.liveiso.fromram';
const EXTRA_KARG = 'flint.site=depot-7';
const STICK = 64 << 20;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe.skipIf(why)('flint refresh, then boot the stick in QEMU', () => {
  let dir = '';
  let isoA: LiveIsoInfo;
  let isoB: LiveIsoInfo;
  let mirror: MirrorServer | undefined;
  const loops: LoopDevice[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flint-refresh-boot-'));
    isoA = buildLiveIso(join(dir, 'a.iso'), { volid: `fedora-coreos-${RELEASE_A}` });
    isoB = buildLiveIso(join(dir, 'b.iso'), { volid: `fedora-coreos-${RELEASE_B}` });
    await populateMirror(join(dir, 'mirror'), { iso: { file: isoB.iso } });
    mirror = await startMirrorServer({ root: join(dir, 'mirror') });
  });
  afterEach(() => {
    for (const l of loops.splice(0)) l.remove();
  });
  afterAll(async () => {
    await mirror?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function stick(): LoopDevice {
    const l = createLoopDevice(STICK);
    loops.push(l);
    return l;
  }

  /** `flint burn` of `iso` with the test's customization. */
  async function burn(iso: string, device: string): Promise<void> {
    const args = ['--ignition', LIVE_IGN, '--fromram', '--karg', EXTRA_KARG, '--network-keyfile', KEYFILE];
    const r = await runFlint(['burn', '--iso', iso, ...args, '--target', device, '--allow-loop', '--yes', '--json']);
    expect(r.stderr, r.stderr).not.toMatch(/^Error/m);
    expect(r.code).toBe(0);
  }

  async function show(device: string): Promise<StickContents> {
    const r = await runFlint(['stick', 'show', '--json', device]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout.toString()) as StickContents;
  }

  const refreshArgs = (device: string) => [
    'refresh',
    '--target',
    device,
    '--base-url',
    mirror!.url,
    '--keyring',
    join(COREOS_FIXTURES, 'verify', 'test-key.pub.asc'),
    '--cache-dir',
    join(dir, 'cache'),
    '--allow-loop',
    '--yes',
  ];

  it('A with a config, kargs and a keyfile -> B: boots B with the same config and keyfile, as a fresh burn of B', async () => {
    const loop = stick();
    await burn(isoA.iso, loop.device);
    const before = await show(loop.device);
    expect(before.release).toMatchObject({ version: RELEASE_A, stream: 'stable' });
    const config = before.customization.members.find((m) => m.path === 'config.ign')!;

    const r = await runFlint([...refreshArgs(loop.device), '--json']);
    expect(r.stderr, r.stderr).not.toMatch(/^Error/m);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout.toString()) as RefreshReport;
    expect(report.ok).toBe(true);
    expect(report.images).toHaveLength(1);
    expect(report.images[0]).toMatchObject({ release: RELEASE_B, stream: 'stable', signature: 'verified', cached: false });
    expect(report.targets).toEqual([
      expect.objectContaining({
        target: expect.objectContaining({ device: loop.device }),
        ok: true,
        ending: 'refreshed',
        from: RELEASE_A,
        to: RELEASE_B,
        stream: 'stable',
        configSha256: config.sha256,
        configSha256After: config.sha256,
        configKept: true,
        members: 2,
        kargChanges: { append: [FROMRAM, EXTRA_KARG], delete: [], replace: [] },
        flash: expect.objectContaining({ ok: true, ending: 'verified' }),
      }),
    ]);

    // what the stick holds now: B, the same members byte for byte, the same karg changes
    const after = await show(loop.device);
    expect(after.release).toMatchObject({ version: RELEASE_B, stream: 'stable', volumeId: `fedora-coreos-${RELEASE_B}` });
    expect(after.customization).toEqual(before.customization);
    expect(after.kargs?.current).toBe(`${isoB.defaultKargs} ${FROMRAM} ${EXTRA_KARG}`);

    // the guest boots B's kernel command line with the same config and keyfile, under BIOS and UEFI
    const configText = Buffer.from(config.data, 'base64');
    for (const firmware of ['bios', 'uefi'] as const) {
      const boot = await bootImage({ image: loop.device, firmware });
      expect(
        bootProblems(boot, { ignition: configText, kargs: [FROMRAM, EXTRA_KARG, `coreos.liveiso=fedora-coreos-${RELEASE_B}`] }),
        firmware,
      ).toEqual([]);
      expect(boot.report.cmdline).not.toContain(RELEASE_A);
      expect(boot.report.extraFiles, firmware).toContain(KEYFILE_PATH);
    }

    // a fresh burn of B with the same inputs writes the same embed area and the same image, byte for byte
    const fresh = stick();
    await burn(isoB.iso, fresh.device);
    const freshShow = await show(fresh.device);
    expect(freshShow.customization.members).toEqual(after.customization.members);
    const area = after.embedArea;
    expect(sha(readBytes(loop.device, area.offset, area.length))).toBe(sha(readBytes(fresh.device, area.offset, area.length)));
    expect(sha(readBytes(loop.device, 0, after.imageSize))).toBe(sha(readBytes(fresh.device, 0, after.imageSize)));
    expect(sha(readBytes(loop.device, 0, after.imageSize))).not.toBe(sha(readFileSync(isoB.iso)));

    // once more: the stick is current, nothing is downloaded or written
    const isoGets = mirror!.count('.iso');
    const bytes = sha(readBytes(loop.device, 0, STICK));
    const again = await runFlint(refreshArgs(loop.device));
    expect(again.code).toBe(0);
    expect(again.stdout.toString()).toBe(`${loop.device}: already current (${RELEASE_B}, stable); nothing done\n`);
    expect(mirror!.count('.iso')).toBe(isoGets);
    expect(sha(readBytes(loop.device, 0, STICK))).toBe(bytes);
  }, 360_000);
});
