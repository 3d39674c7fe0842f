import { describe, expect, it } from 'vitest';
import { validateIgnition, DEFAULT_EMBED_CAPACITY } from '../../../electron/core/ignition/validate';
import { systemdEscapePath } from '../../../electron/core/ignition/systemd-escape';

const enc = (o: unknown): Uint8Array => new TextEncoder().encode(typeof o === 'string' ? o : JSON.stringify(o));
const codes = (issues: { code: string; path: string }[]): string[] => issues.map((i) => `${i.code} ${i.path}`);

describe('validateIgnition: syntax and versions', () => {
  it('rejects invalid JSON with a JSON_INVALID error', async () => {
    const r = await validateIgnition(enc('{"ignition":'));
    expect(r.ok).toBe(false);
    expect(r.version).toBeNull();
    expect(r.errors[0].code).toBe('JSON_INVALID');
  });

  it('rejects spec 2.x configs with a clear message', async () => {
    const r = await validateIgnition(enc({ ignition: { version: '2.2.0' } }));
    expect(r.ok).toBe(false);
    expect(r.version).toBe('2.2.0');
    expect(r.errors[0].code).toBe('VERSION_2X');
    expect(r.errors[0].message).toMatch(/2\.x/);
  });

  it('rejects unknown versions and configs without a version', async () => {
    expect((await validateIgnition(enc({ ignition: { version: '3.9.0' } }))).errors[0].code).toBe('VERSION_UNKNOWN');
    expect((await validateIgnition(enc({ storage: {} }))).errors[0].code).toBe('VERSION_MISSING');
  });

  it('accepts every shipped 3.x version with an empty config', async () => {
    for (const v of ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0', '3.5.0', '3.6.0']) {
      const r = await validateIgnition(enc({ ignition: { version: v } }));
      expect(r.ok, v).toBe(true);
      expect(r.errors).toEqual([]);
      expect(r.warnings).toEqual([]);
    }
  });

  it('reports schema errors with JSON paths', async () => {
    const r = await validateIgnition(
      enc({ ignition: { version: '3.3.0' }, storage: { files: [{ path: '/etc/a', mode: '0644' }], filesystems: [{ format: 'xfs' }] } }),
    );
    expect(r.ok).toBe(false);
    expect(codes(r.errors)).toEqual(
      expect.arrayContaining(['SCHEMA_TYPE $.storage.files[0].mode', 'SCHEMA_REQUIRED $.storage.filesystems[0].device']),
    );
  });

  it('warns about keys the spec does not know (typos)', async () => {
    const r = await validateIgnition(
      enc({
        ignition: { version: '3.3.0' },
        storage: { filesystems: [{ device: '/dev/disk/by-label/x', format: 'xfs', wipe_filesystem: false }] },
      }),
    );
    expect(r.ok).toBe(true);
    expect(codes(r.warnings)).toContain('UNKNOWN_KEY $.storage.filesystems[0].wipe_filesystem');
  });

  it('reports semantic errors Ignition itself rejects', async () => {
    const r = await validateIgnition(
      enc({
        ignition: { version: '3.3.0' },
        storage: {
          files: [
            { path: 'etc/rel' },
            { path: '/etc/a/../b' },
            { path: '/etc/h', overwrite: true, contents: { source: 'https://example.com/h', verification: { hash: 'sha512-00' } } },
            { path: '/etc/d', overwrite: true, contents: { source: 'data:,a b' } },
          ],
          directories: [{ path: '/etc/h' }],
        },
        systemd: { units: [{ name: 'noext' }] },
      }),
    );
    expect(codes(r.errors)).toEqual(
      expect.arrayContaining([
        'PATH_NOT_ABSOLUTE $.storage.files[0].path',
        'PATH_NOT_SIMPLIFIED $.storage.files[1].path',
        'HASH_SIZE $.storage.files[2].contents.verification.hash',
        'DATA_URL_INVALID $.storage.files[3].contents.source',
        'DUPLICATE $.storage.directories[0]',
        'UNIT_NAME $.systemd.units[0].name',
      ]),
    );
  });
});

describe('validateIgnition: live-boot lint', () => {
  const base = { ignition: { version: '3.4.0' } };

  it('flags every live-boot trap with the path of the entry', async () => {
    const r = await validateIgnition(
      enc({
        ...base,
        storage: {
          disks: [{ device: '/dev/sdb', wipeTable: true, partitions: [{ label: 'data', wipePartitionEntry: true }] }],
          raid: [{ name: 'md0', level: 'raid1', devices: ['/dev/disk/by-partlabel/a', '/dev/disk/by-partlabel/b'] }],
          luks: [{ name: 'sec', device: '/dev/disk/by-partlabel/data', clevis: { tpm2: true }, wipeVolume: true }],
          filesystems: [{ device: '/dev/mapper/sec', format: 'ext4', path: '/var/srv', wipeFilesystem: true }],
          files: [
            { path: '/var/srv/app.conf', contents: { source: 'data:,x' } },
            { path: '/opt/bin/tool', overwrite: true, contents: { source: 'http://files.example/tool' } },
            { path: '/var/srv/log.txt', overwrite: true, contents: { source: 'data:,' }, append: [{ source: 'data:,line' }] },
          ],
          links: [{ path: '/etc/localtime', target: '../usr/share/zoneinfo/UTC' }],
        },
        kernelArguments: { shouldExist: ['quiet'] },
      }),
    );
    expect(r.ok).toBe(true);
    expect(codes(r.warnings)).toEqual(
      expect.arrayContaining([
        'LIVE_WIPE_TABLE $.storage.disks[0].wipeTable',
        'LIVE_UNSTABLE_DEVICE $.storage.disks[0].device',
        'LIVE_WIPE_PARTITION_ENTRY $.storage.disks[0].partitions[0].wipePartitionEntry',
        'LIVE_RAID $.storage.raid[0]',
        'LIVE_LUKS_NO_KEYFILE $.storage.luks[0]',
        'LIVE_WIPE_VOLUME $.storage.luks[0].wipeVolume',
        'LIVE_WIPE_FILESYSTEM $.storage.filesystems[0].wipeFilesystem',
        'LIVE_FS_NOT_MOUNTED $.storage.filesystems[0].path',
        'LIVE_FILE_NO_OVERWRITE $.storage.files[0].overwrite',
        'LIVE_APPEND_PERSISTENT $.storage.files[2].append',
        'LIVE_LINK_NO_OVERWRITE $.storage.links[0].overwrite',
        'LIVE_KERNEL_ARGUMENTS $.kernelArguments',
        'LIVE_REMOTE_SOURCE $.storage.files[1].contents.source',
      ]),
    );
    expect(r.warnings.find((w) => w.code === 'LIVE_FILE_NO_OVERWRITE')?.message).toMatch(/persistent storage/);
  });

  it('is silent on a config that follows the live-boot guidelines', async () => {
    const r = await validateIgnition(
      enc({
        ...base,
        storage: {
          disks: [{ device: '/dev/disk/by-id/ata-DISK', partitions: [{ label: 'var' }] }],
          luks: [{ name: 'var', device: '/dev/disk/by-partlabel/var', keyFile: { source: 'data:,secret' } }],
          filesystems: [{ device: '/dev/mapper/var', format: 'xfs', path: '/var', wipeFilesystem: false }],
          files: [{ path: '/etc/hostname', overwrite: true, mode: 420, contents: { source: 'data:,edge1' } }, { path: '/var/log/keep' }],
        },
        systemd: { units: [{ name: 'var.mount', enabled: true, contents: '[Mount]\nWhat=/dev/mapper/var\nWhere=/var\n' }] },
      }),
    );
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('warns that remote sources are fetched on every boot (and about unverified plain HTTP)', async () => {
    const r = await validateIgnition(
      enc({
        ...base,
        ignition: { version: '3.4.0', config: { merge: [{ source: 'https://config.example/fleet.ign' }] } },
        storage: {
          files: [
            { path: '/opt/tool', overwrite: true, contents: { source: 'http://10.0.0.1/tool' } },
            { path: '/opt/ok', overwrite: true, contents: { source: 'data:,x' } },
          ],
        },
      }),
    );
    expect(codes(r.warnings)).toEqual([
      'LIVE_REMOTE_SOURCE $.ignition.config.merge[0].source',
      'LIVE_REMOTE_SOURCE $.storage.files[0].contents.source',
    ]);
    expect(r.warnings[0].message).toContain('config.example is unreachable');
    expect(r.warnings[0].message).not.toContain('without TLS');
    expect(r.warnings[1].message).toContain('without TLS and without a verification hash');
  });

  it('wants the mount unit enabled, not just defined', async () => {
    const fs = { device: '/dev/disk/by-partlabel/var', format: 'xfs', path: '/var/lib/data' };
    const unit = { name: 'var-lib-data.mount', contents: '[Mount]\nWhat=/dev/disk/by-partlabel/var\nWhere=/var/lib/data\n' };
    const off = await validateIgnition(enc({ ...base, storage: { filesystems: [fs] }, systemd: { units: [unit] } }));
    expect(codes(off.warnings)).toEqual(['LIVE_FS_NOT_MOUNTED $.storage.filesystems[0].path']);
    const on = await validateIgnition(enc({ ...base, storage: { filesystems: [fs] }, systemd: { units: [{ ...unit, enabled: true }] } }));
    expect(on.warnings).toEqual([]);
  });

  it('skips the lint with live: false', async () => {
    const r = await validateIgnition(
      enc({ ...base, storage: { filesystems: [{ device: '/dev/sdb', format: 'xfs', wipeFilesystem: true }] } }),
      { live: false },
    );
    expect(r.warnings).toEqual([]);
  });
});

describe('validateIgnition: embedded size', () => {
  it('measures the real cpio+xz payload against the 256 KiB area', async () => {
    const r = await validateIgnition(enc({ ignition: { version: '3.4.0' } }));
    expect(r.capacity).toBe(DEFAULT_EMBED_CAPACITY);
    expect(r.compressedSize).toBeGreaterThan(100);
    expect(r.compressedSize).toBeLessThan(1000);
  });

  it('fails a config whose payload does not fit', async () => {
    // 6 x 60000 random bytes (base64 in data URLs) cannot compress below 256 KiB
    const files = Array.from({ length: 6 }, (_, i) => ({
      path: `/etc/blob${i}`,
      overwrite: true,
      contents: { source: 'data:;base64,' + Buffer.from(crypto.getRandomValues(new Uint8Array(60000))).toString('base64') },
    }));
    const r = await validateIgnition(enc({ ignition: { version: '3.4.0' }, storage: { files } }));
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.code)).toContain('CONFIG_TOO_LARGE');
    expect(r.compressedSize).toBeGreaterThan(DEFAULT_EMBED_CAPACITY);
  });

  it('uses an injected measure and capacity', async () => {
    const bytes = enc({ ignition: { version: '3.4.0' } });
    const r = await validateIgnition(bytes, { capacity: 10, measure: async (b) => b.length });
    expect(r.compressedSize).toBe(bytes.length);
    expect(r.ok).toBe(false);
  });
});

describe('systemdEscapePath', () => {
  it('matches systemd-escape --path', () => {
    expect(systemdEscapePath('/var')).toBe('var');
    expect(systemdEscapePath('/var/lib/my-data/')).toBe('var-lib-my\\x2ddata');
    expect(systemdEscapePath('/')).toBe('-');
    expect(systemdEscapePath('/dev/disk/by-partlabel/var')).toBe('dev-disk-by\\x2dpartlabel-var');
  });
});
