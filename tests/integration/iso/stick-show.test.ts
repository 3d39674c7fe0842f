// `flint stick show` as a user runs it: on ISO fixtures, and on a loop device that `flint burn`
// wrote from the tiny bootable FCOS-like ISO (tests/e2e/boot/lib/make-live-iso.sh) with a config,
// kargs and a keyfile. The device is only read (its bytes are the same afterwards) and never opened
// exclusively (it works while another process holds it with O_EXCL).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, constants as C, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipReason } from '../../helpers/requirements';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { COREOS_FIXTURES, fixtureIso } from '../../helpers/fixtures';
import { readBytes } from '../../helpers/read-bytes';
import { runFlint } from '../../helpers/cli';
import { buildLiveIso, type LiveIsoInfo } from '../../e2e/boot/lib/live-iso';
import { allOf, BUILD_ISO_REQUIREMENTS } from '../../e2e/boot/lib/requirements';
import type { StickContents } from '../../../electron/core/iso/stick';

const CUSTOMIZE = join(COREOS_FIXTURES, 'customize');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('flint stick show on ISO files', () => {
  it('prints the release, the live config and the karg changes; --json is the whole value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-stick-show-'));
    try {
      const out = join(dir, 'custom.iso');
      const c = await runFlint([
        'iso',
        'customize',
        '--live-ignition',
        join(CUSTOMIZE, 'live.ign'),
        '--network-keyfile',
        join(CUSTOMIZE, 'installer-test.nmconnection'),
        '--live-karg-append',
        'coreos.liveiso.fromram',
        '-o',
        out,
        await fixtureIso('embed-areas-2023-07.x86_64'),
      ]);
      expect(c.stderr).toBe('');
      const text = await runFlint(['stick', 'show', out]);
      expect(text.code).toBe(0);
      const t = text.stdout.toString();
      expect(t).toContain(`${out}: Fedora CoreOS 38.20230718.dev.0 (developer build, no stream), x86_64`);
      expect(t).toMatch(/^Network keyfile: {2}installer-test\.nmconnection \(installer-test, ipv4 auto\)/m);
      expect(t).toMatch(/^ {2}appended: {7}coreos\.liveiso\.fromram$/m);
      const json = await runFlint(['stick', 'show', '--json', out]);
      const v = JSON.parse(json.stdout.toString()) as StickContents;
      expect(v.source).toEqual({ path: out, kind: 'file', size: readFileSync(out).length });
      expect(v.customization.members.map((m) => m.path)).toEqual([
        'config.ign',
        'etc/coreos-firstboot-network/installer-test.nmconnection',
      ]);
      expect(
        Buffer.from(v.customization.members[1].data, 'base64').equals(readFileSync(join(CUSTOMIZE, 'installer-test.nmconnection'))),
      ).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an image that is no CoreOS live ISO, in one line (and as JSON with --json)', async () => {
    const r = await runFlint(['stick', 'show', await fixtureIso('synthetic')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: .*synthetic\.iso is not a CoreOS live ISO image: Unrecognized CoreOS ISO image\./);
    const j = await runFlint(['stick', 'show', '--json', '/nonexistent/stick']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout.toString())).toMatchObject({ ok: false, error: { code: 'STICK_NOT_FOUND' } });
  });
});

const why = skipReason(allOf(BUILD_ISO_REQUIREMENTS, { tools: ['losetup', 'mkfs.vfat'], root: true }));

describe.skipIf(why)('flint stick show on a stick written by flint burn (loop device)', () => {
  const VOLID = 'fedora-coreos-44.20260707.3.1';
  let dir = '';
  let info: LiveIsoInfo;
  const loops: LoopDevice[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flint-stick-dev-'));
    info = buildLiveIso(join(dir, 'live.iso'), { volid: VOLID });
  });
  afterEach(() => {
    for (const l of loops.splice(0)) l.remove();
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the release, config, kargs and keyfile back; only reads, and not exclusively', async () => {
    const loop = createLoopDevice(64 << 20);
    loops.push(loop);
    const burn = await runFlint([
      'burn',
      '--iso',
      info.iso,
      '--ignition',
      join(CUSTOMIZE, 'live.ign'),
      '--fromram',
      '--karg',
      'console=tty0',
      '--network-keyfile',
      join(CUSTOMIZE, 'installer-test.nmconnection'),
      '--target',
      loop.device,
      '--allow-loop',
      '--yes',
      '--json',
    ]);
    expect(burn.stderr, burn.stderr).not.toMatch(/^Error/m);
    const report = JSON.parse(burn.stdout.toString()) as { targets: { ok: boolean; configSha256: string }[] };
    expect(report.targets[0].ok).toBe(true);

    const before = sha(readBytes(loop.device, 0, 64 << 20));
    // another process holding the device with O_EXCL (as the writer does) does not stop a read
    const excl = openSync(loop.device, C.O_RDONLY | C.O_EXCL);
    let r;
    try {
      r = await runFlint(['stick', 'show', '--json', loop.device]);
    } finally {
      closeSync(excl);
    }
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout.toString()) as StickContents;
    expect(sha(readBytes(loop.device, 0, 64 << 20))).toBe(before);

    expect(v.source).toEqual({ path: loop.device, kind: 'device', size: 64 << 20 });
    expect(v.release).toMatchObject({ volumeId: VOLID, version: '44.20260707.3.1', stream: 'stable', liveIsoKarg: VOLID });
    expect(v.imageSize).toBe(readFileSync(info.iso).length);
    expect(v.liveConfig?.sha256).toBe(report.targets[0].configSha256);
    expect(v.customization.members.find((m) => m.path === 'config.ign')?.sha256).toBe(report.targets[0].configSha256);
    expect(v.networkKeyfiles.map((k) => [k.name, k.sha256])).toEqual([
      ['installer-test.nmconnection', sha(readFileSync(join(CUSTOMIZE, 'installer-test.nmconnection')))],
    ]);
    expect(v.kargs?.default).toBe(info.defaultKargs);
    expect(v.kargs?.changes).toEqual({ append: ['coreos.liveiso.fromram', 'console=tty0'], delete: [], replace: [] });

    const text = await runFlint(['stick', 'show', loop.device]);
    expect(text.stdout.toString()).toContain(`${loop.device}: Fedora CoreOS 44.20260707.3.1 (stable), x86_64`);
    expect(text.stdout.toString()).toContain('on a 64.0 MiB drive');
  }, 120_000);

  it('refuses a stick that holds a FAT file system instead of a live image', async () => {
    const loop = createLoopDevice(32 << 20);
    loops.push(loop);
    execFileSync('mkfs.vfat', ['-n', 'DATA', loop.device], { stdio: 'ignore' });
    const r = await runFlint(['stick', 'show', loop.device]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^Error: ${loop.device} holds no CoreOS live image: not an ISO 9660 image`));
  });
});
