import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeDataUrl } from '../../../electron/core/ignition/butane/dataurl';
import { translateButane } from '../../../electron/core/ignition/butane/translate';
import { fieldSettings, parseStaticIp } from '../../../electron/core/ignition/field-settings';
import { mergeConfig } from '../../../electron/core/ignition/merge';
import { persistentVarFragment } from '../../../electron/core/ignition/persistent-var';
import type { JsonObject } from '../../../electron/core/ignition/types';
import { validateIgnition } from '../../../electron/core/ignition/validate';

const EXAMPLES = join(__dirname, '../../../examples');
const enc = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));

async function lint(config: JsonObject): Promise<{ errors: unknown[]; warnings: unknown[] }> {
  const r = await validateIgnition(enc(config));
  return { errors: r.errors, warnings: r.warnings };
}

describe('persistentVarFragment', () => {
  it('equals the FCOS docs example as Butane translates it (examples/live-var.bu/.ign)', async () => {
    const frag = persistentVarFragment({ disk: '/dev/disk/by-id/virtio-flint-var', filesystem: 'xfs' });
    const merged = mergeConfig({ ignition: { version: '3.4.0' } }, frag);
    const ign = JSON.parse(await readFile(join(EXAMPLES, 'live-var.ign'), 'utf8'));
    const bu = translateButane(await readFile(join(EXAMPLES, 'live-var.bu'), 'utf8')).config;
    expect(merged).toEqual(ign);
    expect(bu).toEqual(ign);
  });

  it('passes the live-boot lint in every variant', async () => {
    for (const opts of [
      { disk: '/dev/disk/by-id/ata-SSD_1', filesystem: 'xfs' as const },
      { disk: '/dev/disk/by-path/pci-0000:00:1f.2-ata-2', filesystem: 'ext4' as const, sizeMiB: 20480 },
      { disk: '/dev/disk/by-id/nvme-X', filesystem: 'xfs' as const, luksKeyFile: 'field-secret-key' },
    ]) {
      const frag = persistentVarFragment(opts);
      expect(await lint(frag), JSON.stringify(opts)).toEqual({ errors: [], warnings: [] });
    }
  });

  it('encrypts with a key file: LUKS on the partition, filesystem on /dev/mapper/var', () => {
    const frag = persistentVarFragment({
      disk: '/dev/disk/by-id/nvme-X',
      filesystem: 'ext4',
      sizeMiB: 1024,
      luksKeyFile: new Uint8Array([1, 2, 3, 0]),
    }) as any;
    expect(frag.ignition.version).toBe('3.2.0');
    expect(frag.storage.disks[0].partitions).toEqual([{ label: 'var', sizeMiB: 1024 }]);
    expect(frag.storage.luks[0]).toMatchObject({ name: 'var', device: '/dev/disk/by-partlabel/var', wipeVolume: false });
    expect(Array.from(decodeDataUrl(frag.storage.luks[0].keyFile.source))).toEqual([1, 2, 3, 0]);
    expect(frag.storage.filesystems[0]).toEqual({
      device: '/dev/mapper/var',
      format: 'ext4',
      path: '/var',
      label: 'var',
      wipeFilesystem: false,
    });
    expect(frag.systemd.units[0].name).toBe('var.mount');
    expect(frag.systemd.units[0].contents).toContain('What=/dev/mapper/var\nType=ext4');
    expect(JSON.stringify(frag)).not.toMatch(/wipeTable|wipePartitionEntry|raid|"wipeFilesystem":true/);
  });

  it('rejects unstable disk names and bad options', () => {
    expect(() => persistentVarFragment({ disk: '/dev/sda', filesystem: 'xfs' })).toThrow(/by-id/);
    expect(() => persistentVarFragment({ disk: '/dev/nvme0n1', filesystem: 'xfs' })).toThrow(
      expect.objectContaining({ code: 'VAR_DISK_UNSTABLE' }),
    );
    expect(() => persistentVarFragment({ disk: 'sdb', filesystem: 'xfs' })).toThrow(expect.objectContaining({ code: 'VAR_DISK' }));
    expect(() => persistentVarFragment({ disk: '/dev/disk/by-id/x', filesystem: 'btrfs' as 'xfs' })).toThrow(
      expect.objectContaining({ code: 'VAR_FORMAT' }),
    );
    expect(() => persistentVarFragment({ disk: '/dev/disk/by-id/x', filesystem: 'xfs', sizeMiB: 0 })).toThrow(
      expect.objectContaining({ code: 'VAR_SIZE' }),
    );
    expect(() => persistentVarFragment({ disk: '/dev/disk/by-id/x', filesystem: 'xfs', luksKeyFile: '' })).toThrow(
      expect.objectContaining({ code: 'VAR_LUKS_KEY' }),
    );
  });
});

describe('fieldSettings and parseStaticIp', () => {
  it('builds SSH keys, hostname, time zone and a static keyfile that pass the lint', async () => {
    const s = fieldSettings({
      sshKeys: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample tech@laptop\n# comment\n\nssh-rsa AAAAB3NzaC1yc2E= other\n',
      hostname: 'edge-07.site.example',
      timezone: 'America/Argentina/Buenos_Aires',
      staticIp: parseStaticIp('enp1s0=192.168.10.20/24,192.168.10.1,192.168.10.2,9.9.9.9'),
    });
    const f = s.fragment as any;
    expect(f.passwd.users).toEqual([
      { name: 'core', sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample tech@laptop', 'ssh-rsa AAAAB3NzaC1yc2E= other'] },
    ]);
    expect(f.storage.files).toEqual([
      { path: '/etc/hostname', mode: 420, overwrite: true, contents: { source: 'data:,edge-07.site.example', compression: '' } },
    ]);
    expect(f.storage.links).toEqual([
      { path: '/etc/localtime', target: '../usr/share/zoneinfo/America/Argentina/Buenos_Aires', overwrite: true },
    ]);
    expect(s.networkKeyfiles.map((k) => k.name)).toEqual(['enp1s0.nmconnection']);
    expect(new TextDecoder().decode(s.networkKeyfiles[0].data)).toBe(
      '[connection]\nid=enp1s0\ntype=ethernet\ninterface-name=enp1s0\nautoconnect=true\n\n[ethernet]\n\n' +
        '[ipv4]\nmethod=manual\naddress1=192.168.10.20/24,192.168.10.1\ndns=192.168.10.2;9.9.9.9;\nmay-fail=false\n\n[ipv6]\nmethod=auto\n',
    );
    expect(await lint(s.fragment)).toEqual({ errors: [], warnings: [] });
  });

  it('omits what is not asked for; a static IP without interface is static.nmconnection', () => {
    expect(fieldSettings({}).fragment).toEqual({ ignition: { version: '3.0.0' } });
    const s = fieldSettings({ staticIp: { address: '2001:db8::20/64', gateway: '2001:db8::1', dns: ['2001:db8::53'] } });
    expect(s.networkKeyfiles[0].name).toBe('static.nmconnection');
    const text = new TextDecoder().decode(s.networkKeyfiles[0].data);
    expect(text).not.toContain('interface-name');
    expect(text).toContain('[ipv4]\nmethod=disabled\n\n[ipv6]\nmethod=manual\naddress1=2001:db8::20/64,2001:db8::1\ndns=2001:db8::53;\n');
  });

  it('parses --static-ip forms and rejects bad ones', () => {
    expect(parseStaticIp('10.0.0.5/24,10.0.0.1')).toEqual({ address: '10.0.0.5/24', gateway: '10.0.0.1', dns: [] });
    expect(parseStaticIp('10.0.0.5/24, 10.0.0.1, 1.1.1.1')).toEqual({ address: '10.0.0.5/24', gateway: '10.0.0.1', dns: ['1.1.1.1'] });
    expect(parseStaticIp('eth0=fd00::5/64,fd00::1')).toEqual({ iface: 'eth0', address: 'fd00::5/64', gateway: 'fd00::1', dns: [] });
    for (const bad of [
      '10.0.0.5',
      '10.0.0.5/24',
      '10.0.0.5/33,10.0.0.1',
      '10.0.0.5/24,fd00::1',
      '10.0.0.5/24,10.0.0.1,dns.example',
      'nope/24,1.2.3.4',
    ]) {
      expect(() => parseStaticIp(bad), bad).toThrow(expect.objectContaining({ code: 'STATIC_IP_INVALID' }));
    }
  });

  it('rejects private keys, bad host names and bad time zones', () => {
    expect(() => fieldSettings({ sshKeys: ['-----BEGIN OPENSSH PRIVATE KEY-----'] })).toThrow(/not an SSH public key/);
    expect(() => fieldSettings({ sshKeys: '\n\n' })).toThrow(expect.objectContaining({ code: 'SSH_KEY_INVALID' }));
    expect(() => fieldSettings({ hostname: 'bad_host!' })).toThrow(expect.objectContaining({ code: 'HOSTNAME_INVALID' }));
    expect(() => fieldSettings({ hostname: '-lead' })).toThrow(expect.objectContaining({ code: 'HOSTNAME_INVALID' }));
    expect(() => fieldSettings({ timezone: '../../etc/passwd' })).toThrow(expect.objectContaining({ code: 'TIMEZONE_INVALID' }));
    expect(() => fieldSettings({ timezone: 'Europe/Berln' })).toThrow(/unknown time zone "Europe\/Berln"/);
    expect(fieldSettings({ timezone: 'Asia/Calcutta' }).fragment).toMatchObject({
      storage: { links: [{ target: '../usr/share/zoneinfo/Asia/Calcutta' }] },
    });
  });
});

describe('mergeConfig', () => {
  const base: JsonObject = {
    ignition: { version: '3.3.0' },
    passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['ssh-ed25519 A a'], groups: ['wheel'] }] },
    storage: {
      disks: [{ device: '/dev/disk/by-id/d', partitions: [{ number: 1, label: 'a', sizeMiB: 10 }, { label: 'b' }] }],
      files: [
        { path: '/etc/a', mode: 420, contents: { source: 'data:,a' } },
        { path: '/etc/localtime', contents: { source: 'data:,x' } },
      ],
    },
    systemd: { units: [{ name: 'a.service', enabled: true, dropins: [{ name: 'x.conf', contents: '1' }] }] },
  };

  it('merges keyed entries in place and appends new ones', () => {
    const m = mergeConfig(base, {
      ignition: { version: '3.0.0' },
      passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['ssh-ed25519 B b', 'ssh-ed25519 A a'] }, { name: 'tech' }] },
      storage: {
        disks: [{ device: '/dev/disk/by-id/d', partitions: [{ number: 1, sizeMiB: 20 }, { label: 'b', resize: true }, { label: 'c' }] }],
        files: [{ path: '/etc/a', overwrite: true, contents: { source: 'data:,new' } }, { path: '/etc/b' }],
      },
      systemd: {
        units: [
          { name: 'a.service', dropins: [{ name: 'x.conf', contents: '2' }, { name: 'y.conf' }] },
          { name: 'b.service', mask: true },
        ],
      },
    }) as any;
    expect(m.ignition.version).toBe('3.3.0');
    expect(m.passwd.users).toEqual([
      { name: 'core', sshAuthorizedKeys: ['ssh-ed25519 A a', 'ssh-ed25519 B b'], groups: ['wheel'] },
      { name: 'tech' },
    ]);
    expect(m.storage.disks[0].partitions).toEqual([{ number: 1, label: 'a', sizeMiB: 20 }, { label: 'b', resize: true }, { label: 'c' }]);
    expect(m.storage.files).toEqual([
      { path: '/etc/a', mode: 420, overwrite: true, contents: { source: 'data:,new' } },
      { path: '/etc/localtime', contents: { source: 'data:,x' } },
      { path: '/etc/b' },
    ]);
    expect(m.systemd.units).toEqual([
      { name: 'a.service', enabled: true, dropins: [{ name: 'x.conf', contents: '2' }, { name: 'y.conf' }] },
      { name: 'b.service', mask: true },
    ]);
  });

  it('lets a fragment node replace a different node kind at the same path, takes the newer version, mutates nothing', () => {
    const before = JSON.stringify(base);
    const { fragment } = fieldSettings({ timezone: 'UTC' });
    const m = mergeConfig(base, { ...fragment, ignition: { version: '3.4.0' } }) as any;
    expect(m.ignition.version).toBe('3.4.0');
    expect(m.storage.files.map((f: any) => f.path)).toEqual(['/etc/a']);
    expect(m.storage.links).toEqual([{ path: '/etc/localtime', target: '../usr/share/zoneinfo/UTC', overwrite: true }]);
    expect(JSON.stringify(base)).toBe(before);
  });

  it('concatenates append/option lists, removes valueless headers, moves kernel arguments', () => {
    const m = mergeConfig(
      {
        ignition: {
          version: '3.3.0',
          config: {
            merge: [
              {
                source: 'https://e/c.ign',
                httpHeaders: [
                  { name: 'A', value: '1' },
                  { name: 'B', value: '2' },
                ],
              },
            ],
          },
        },
        storage: {
          files: [{ path: '/f', append: [{ source: 'data:,a' }] }],
          filesystems: [{ device: '/dev/x', format: 'xfs', mountOptions: ['noatime'] }],
        },
        kernelArguments: { shouldExist: ['quiet', 'nosmt'] },
      },
      {
        ignition: { version: '3.3.0', config: { merge: [{ source: 'https://e/c.ign', httpHeaders: [{ name: 'A' }] }] } },
        storage: {
          files: [{ path: '/f', append: [{ source: 'data:,a' }] }],
          filesystems: [{ device: '/dev/x', mountOptions: ['noatime'] }],
        },
        kernelArguments: { shouldNotExist: ['nosmt'] },
      },
    ) as any;
    expect(m.ignition.config.merge[0].httpHeaders).toEqual([{ name: 'B', value: '2' }]);
    expect(m.storage.files[0].append).toEqual([{ source: 'data:,a' }, { source: 'data:,a' }]);
    expect(m.storage.filesystems[0].mountOptions).toEqual(['noatime', 'noatime']);
    expect(m.kernelArguments).toEqual({ shouldExist: ['quiet'], shouldNotExist: ['nosmt'] });
  });

  it('merges the /var fragment and the settings into a user config that stays lint-clean', async () => {
    const user = translateButane(
      'variant: fcos\nversion: 1.4.0\nsystemd:\n  units:\n    - name: app.service\n      enabled: true\n      contents: "[Service]\\nExecStart=/bin/true\\n[Install]\\nWantedBy=multi-user.target\\n"\n',
    ).config;
    const all = mergeConfig(
      mergeConfig(user, persistentVarFragment({ disk: '/dev/disk/by-id/ata-D', filesystem: 'xfs' })),
      fieldSettings({ hostname: 'n1', timezone: 'UTC' }).fragment,
    ) as any;
    expect(all.ignition.version).toBe('3.3.0');
    expect(all.systemd.units.map((u: any) => u.name)).toEqual(['app.service', 'var.mount']);
    expect(await lint(all)).toEqual({ errors: [], warnings: [] });
  });
});
