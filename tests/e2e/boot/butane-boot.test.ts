// End to end: `flint burn --ignition cfg.bu --hostname ... --ssh-key ... --timezone ...
// --static-ip ...` writes a tiny FCOS-like live ISO to a loop device; QEMU boots that stick (BIOS
// and UEFI) and the guest prints /config.ign. The printed live config must be the one `flint iso
// customize` makes for the same flags, merge first the Butane config translated (as `flint butane`
// prints it, `local` file included) and then the field settings (SSH key for core, /etc/hostname,
// /etc/localtime); the static IP keyfile rides in the embed area (read back from the stick).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipReason } from '../../helpers/requirements';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { buildLiveIso, type LiveIsoInfo } from './lib/live-iso';
import { bootImage } from './lib/qemu';
import { bootProblems, sha256 } from './lib/report';
import { BOOT_REQUIREMENTS, BUILD_ISO_REQUIREMENTS, allOf } from './lib/requirements';
import { runFlint } from '../../helpers/cli';
import { liveConfigContents } from './lib/ignition-data';

const why = skipReason(allOf(BUILD_ISO_REQUIREMENTS, BOOT_REQUIREMENTS, { tools: ['losetup'], root: true }));

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB1flintfieldkeytestAAAAAAAAAAAAAAAAAAAAAAAA tech@field';
const BUTANE = `variant: fcos
version: 1.5.0
storage:
  files:
    - path: /etc/motd
      mode: 0644
      contents:
        inline: hello from butane
    - path: /etc/site-banner
      contents:
        local: banner.txt
systemd:
  units:
    - name: site-marker.service
      enabled: true
      contents: |
        [Unit]
        Description=Site marker
        [Service]
        Type=oneshot
        ExecStart=/bin/true
        [Install]
        WantedBy=multi-user.target
`;

type Settings = {
  passwd?: { users: { name: string; sshAuthorizedKeys: string[] }[] };
  storage?: { links?: { path: string; target: string }[] };
};

describe.skipIf(why)('flint burn with a Butane config and field settings, then boot the stick in QEMU', () => {
  let dir = '';
  let info: LiveIsoInfo;
  const loops: LoopDevice[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flint-butane-boot-'));
    info = buildLiveIso(join(dir, 'fedora-coreos-41.20241027.3.0-live-iso.x86_64.iso'));
    writeFileSync(join(dir, 'site.bu'), BUTANE);
    writeFileSync(join(dir, 'banner.txt'), 'Pump station 7\n');
    writeFileSync(join(dir, 'tech.pub'), KEY + '\n');
  });
  afterEach(() => {
    for (const l of loops.splice(0)) l.remove();
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the booted system's /config.ign holds the translated config, then the settings", async () => {
    const flags = [
      '--hostname',
      'pump-station-7',
      '--ssh-key',
      join(dir, 'tech.pub'),
      '--timezone',
      'Europe/Berlin',
      '--static-ip',
      '192.168.77.20/24,192.168.77.1,192.168.77.1',
    ];
    // the oracle for the bytes: iso customize with the same inputs
    const out = join(dir, 'expected.iso');
    const c = await runFlint(['iso', 'customize', '--live-ignition', join(dir, 'site.bu'), ...flags, '-o', out, info.iso]);
    expect(c.code, c.stderr).toBe(0);
    // the config gate's live-boot lint may warn (no overwrite: true here); nothing else is said
    expect(c.stderr.split('\n').filter((l) => l && !l.startsWith('Warning: '))).toEqual([]);
    const expected = (await runFlint(['iso', 'ignition', 'show', out])).stdout.toString('utf8');
    const translated = await runFlint(['butane', '--files-dir', dir, join(dir, 'site.bu')]);
    expect(translated.code).toBe(0);

    const loop = createLoopDevice(64 << 20);
    loops.push(loop);
    const r = await runFlint([
      'burn',
      '--iso',
      info.iso,
      '--ignition',
      join(dir, 'site.bu'),
      ...flags,
      '--target',
      loop.device,
      '--allow-loop',
      '--yes',
      '--json',
    ]);
    expect(r.stderr, r.stderr).not.toMatch(/^Error/m);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout.toString('utf8')) as { targets: { ok: boolean; configSha256?: string }[] };
    expect(report.targets[0]).toMatchObject({ ok: true, configSha256: sha256(expected) });

    // the static IP keyfile is in the stick's embed area
    const copy = join(dir, 'stick.iso');
    const len = statSync(info.iso).size;
    const buf = Buffer.alloc(len);
    const fd = openSync(loop.device, 'r');
    try {
      for (let got = 0; got < len;) {
        const n = readSync(fd, buf, got, len - got, got);
        if (n === 0) break;
        got += n;
      }
    } finally {
      closeSync(fd);
    }
    writeFileSync(copy, buf);
    const net = await runFlint(['iso', 'network', 'extract', copy]);
    expect(net.stdout.toString('utf8')).toContain('address1=192.168.77.20/24,192.168.77.1\n');

    for (const firmware of ['bios', 'uefi'] as const) {
      const boot = await bootImage({ image: loop.device, firmware });
      expect(bootProblems(boot, { ignition: expected }), firmware).toEqual([]);
      const live = liveConfigContents(boot.report.ignition!);
      expect(live.merges).toHaveLength(2);
      // 1. the Butane config, translated exactly as `flint butane` prints it
      expect(JSON.parse(live.merges[0].toString('utf8'))).toEqual(JSON.parse(translated.stdout.toString('utf8')));
      const user = liveConfigContents(live.merges[0].toString('utf8'));
      expect(user.files.get('/etc/motd')?.data.toString()).toBe('hello from butane');
      expect(user.files.get('/etc/site-banner')?.data.toString()).toBe('Pump station 7\n');
      expect(user.units).toEqual(['site-marker.service']);
      // 2. the field settings
      const settingsText = live.merges[1].toString('utf8');
      const settings = JSON.parse(settingsText) as Settings;
      expect(settings.passwd).toEqual({ users: [{ name: 'core', sshAuthorizedKeys: [KEY] }] });
      expect(liveConfigContents(settingsText).files.get('/etc/hostname')?.data.toString()).toBe('pump-station-7');
      expect(settings.storage?.links).toEqual([{ path: '/etc/localtime', target: '../usr/share/zoneinfo/Europe/Berlin', overwrite: true }]);
    }
  }, 600_000);
});
