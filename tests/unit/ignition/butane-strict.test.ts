/**
 * Butane input that Butane 0.25 refuses is refused (with its YAML line), every problem is reported
 * rather than the first, duplicate keys and extra documents get Flint's own messages, fcos 1.0.0
 * writes `data:,` URLs as Butane does for that version, and a config for the installed system
 * translates boot_device, grub and storage.trees as Butane does while the live config refuses them.
 * Expected outputs of boot_device and grub follow Butane 0.25's own tests
 * (config/fcos/v1_5/translate_test.go, TestTranslateBootDevice and TestTranslateGrub).
 */
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ButaneError, type ButaneOptions, translateButane } from '../../../electron/core/ignition/butane/translate';
import { decodeDataUrl } from '../../../electron/core/ignition/butane/dataurl';

const hdr = (v = '1.6.0') => `variant: fcos\nversion: ${v}\n`;

function failure(text: string, opts: ButaneOptions = {}): ButaneError {
  try {
    translateButane(text, opts);
  } catch (err) {
    if (err instanceof ButaneError) return err;
    throw err;
  }
  throw new Error('expected a ButaneError');
}

describe('inputs Butane 0.25 refuses', () => {
  const cases: [string, string, string, number][] = [
    [
      'with_mount_unit outside /etc and /var (fcos 1.6)',
      `${hdr()}storage:\n  filesystems:\n    - device: /dev/disk/by-label/data\n      format: xfs\n      path: /opt/data\n      with_mount_unit: true\n`,
      'BUTANE_MOUNT_UNIT',
      7,
    ],
    [
      'with_mount_unit at / (would be -.mount)',
      `${hdr()}storage:\n  filesystems:\n    - device: /dev/disk/by-label/data\n      format: xfs\n      path: /\n      with_mount_unit: true\n`,
      'BUTANE_MOUNT_UNIT',
      7,
    ],
    [
      'should_exist false beside a partition without number',
      `${hdr()}storage:\n  disks:\n    - device: /dev/vdb\n      partitions:\n        - number: 1\n          should_exist: false\n        - label: data\n          start_mib: 0\n          size_mib: 0\n`,
      'PARTITION_SHOULD_EXIST',
      6,
    ],
    [
      'contents.source that does not parse',
      `${hdr()}storage:\n  files:\n    - path: /etc/a\n      contents:\n        source: http://[::1/a\n`,
      'URL_INVALID',
      7,
    ],
    ['proxy that does not parse', `${hdr()}ignition:\n  proxy:\n    http_proxy: http://proxy:port/\n`, 'URL_INVALID', 5],
    [
      'tang url that does not parse',
      `${hdr()}storage:\n  luks:\n    - name: d\n      device: /dev/vdb\n      clevis:\n        tang:\n          - url: http://%zz/\n            thumbprint: x\n`,
      'URL_INVALID',
      9,
    ],
    ['LUKS without device', `${hdr()}storage:\n  luks:\n    - name: d\n`, 'LUKS_DEVICE', 5],
    [
      'custom clevis with tpm2',
      `${hdr()}storage:\n  luks:\n    - name: d\n      device: /dev/vdb\n      clevis:\n        tpm2: true\n        custom:\n          pin: tpm2\n          config: "{}"\n`,
      'CLEVIS_CUSTOM',
      7,
    ],
    ['a kernel argument twice in should_exist', `${hdr()}kernel_arguments:\n  should_exist:\n    - quiet\n    - quiet\n`, 'DUPLICATE', 6],
  ];
  it.each(cases)('%s', (_name, text, code, line) => {
    expect(failure(text).issues).toEqual([expect.objectContaining({ code, line })]);
  });

  it('allows with_mount_unit elsewhere before fcos 1.6, as Butane does', () => {
    const text = `${hdr('1.5.0')}storage:\n  filesystems:\n    - device: /dev/disk/by-label/data\n      format: xfs\n      path: /opt/data\n      with_mount_unit: true\n`;
    expect((translateButane(text).config.systemd as { units: { name: string }[] }).units[0]!.name).toBe('opt-data.mount');
  });
});

describe('YAML structure', () => {
  it('names a duplicate key and both of its lines', () => {
    const err = failure(`${hdr()}storage:\n  files:\n    - path: /etc/a\n      mode: 420\n      path: /etc/b\n`);
    expect(err.issues).toEqual([
      expect.objectContaining({
        code: 'BUTANE_DUPLICATE_KEY',
        line: 7,
        message: 'duplicate key "path" at line 7: already defined at line 5',
      }),
    ]);
  });

  it('refuses a second document with its own message', () => {
    const err = failure(`${hdr()}---\n${hdr()}`);
    expect(err.issues).toEqual([expect.objectContaining({ code: 'BUTANE_MULTIPLE_DOCUMENTS', line: 3 })]);
    expect(err.message).not.toMatch(/parseAllDocuments/);
  });

  it('reports every problem, not the first', () => {
    const yaml = failure(`${hdr()}storage: [\nsystemd: {\n`);
    expect(yaml.issues.length).toBeGreaterThan(1);
    expect(yaml.issues.every((i) => i.code === 'BUTANE_YAML')).toBe(true);
    const fields = failure(
      `${hdr()}storage:\n  files:\n    - path: /a\n      mode: x\n    - path: /b\n      bogus: 1\npasswd:\n  users:\n    - name: [1]\n`,
    );
    expect(fields.issues.map((i) => [i.code, i.line])).toEqual([
      ['BUTANE_TYPE', 6],
      ['BUTANE_UNKNOWN_FIELD', 8],
      ['BUTANE_TYPE', 11],
    ]);
    // nothing is cut from the error either
    expect(fields.causes).toHaveLength(2);
  });
});

describe('fcos 1.0.0 data URLs', () => {
  it('writes a percent-encoded data:, URL without compression, as Butane 0.25 does for 1.0.0', () => {
    const long = 'x'.repeat(4000);
    const text = `${hdr('1.0.0')}storage:\n  files:\n    - path: /etc/motd\n      contents:\n        inline: "hello world\\n"\n    - path: /etc/long\n      contents:\n        inline: ${long}\n`;
    const files = (translateButane(text).config.storage as { files: { contents: Record<string, unknown> }[] }).files;
    expect(files[0]!.contents).toEqual({ source: 'data:,hello%20world%0A' });
    expect(files[1]!.contents).toEqual({ source: `data:,${long}` });
    // 1.1.0 picks the shortest encoding (gzip here) and says so
    const v11 = (translateButane(text.replace('1.0.0', '1.1.0')).config.storage as { files: { contents: Record<string, unknown> }[] })
      .files;
    expect(v11[1]!.contents).toMatchObject({ compression: 'gzip' });
  });
});

describe('sections for the installed system', () => {
  const installed: ButaneOptions = { target: 'installed' };

  it('boot_device LUKS with TPM2 on the default (x86_64) layout', () => {
    const { config } = translateButane(`${hdr('1.5.0')}boot_device:\n  luks:\n    tpm2: true\n`, installed);
    expect(config).toEqual({
      ignition: { version: '3.4.0' },
      storage: {
        filesystems: [{ device: '/dev/mapper/root', format: 'xfs', label: 'root', wipeFilesystem: true }],
        luks: [{ clevis: { tpm2: true }, device: '/dev/disk/by-partlabel/root', label: 'luks-root', name: 'root', wipeVolume: true }],
      },
    });
  });

  it('boot_device mirror + LUKS (Tang, TPM2, threshold, discard) on aarch64', () => {
    const text = `${hdr('1.5.0')}boot_device:\n  layout: aarch64\n  luks:\n    discard: true\n    tang:\n      - url: https://example.com/\n        thumbprint: z\n    threshold: 2\n    tpm2: true\n  mirror:\n    devices: [/dev/vda, /dev/vdb]\n`;
    const disk = (dev: string, n: number) => ({
      device: dev,
      partitions: [
        { label: `reserved-${n}`, sizeMiB: 1, typeGuid: '8DA63339-0007-60C0-C436-083AC8230908' },
        { label: `esp-${n}`, sizeMiB: 127, typeGuid: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B' },
        { label: `boot-${n}`, sizeMiB: 384 },
        { label: `root-${n}` },
      ],
      wipeTable: true,
    });
    expect(translateButane(text, installed).config).toEqual({
      ignition: { version: '3.4.0' },
      storage: {
        disks: [disk('/dev/vda', 1), disk('/dev/vdb', 2)],
        filesystems: [
          { device: '/dev/disk/by-partlabel/esp-1', format: 'vfat', label: 'esp-1', wipeFilesystem: true },
          { device: '/dev/disk/by-partlabel/esp-2', format: 'vfat', label: 'esp-2', wipeFilesystem: true },
          { device: '/dev/md/md-boot', format: 'ext4', label: 'boot', wipeFilesystem: true },
          { device: '/dev/mapper/root', format: 'xfs', label: 'root', wipeFilesystem: true },
        ],
        luks: [
          {
            clevis: { tang: [{ thumbprint: 'z', url: 'https://example.com/' }], threshold: 2, tpm2: true },
            device: '/dev/md/md-root',
            discard: true,
            label: 'luks-root',
            name: 'root',
            wipeVolume: true,
          },
        ],
        raid: [
          {
            devices: ['/dev/disk/by-partlabel/boot-1', '/dev/disk/by-partlabel/boot-2'],
            level: 'raid1',
            name: 'md-boot',
            options: ['--metadata=1.0'],
          },
          { devices: ['/dev/disk/by-partlabel/root-1', '/dev/disk/by-partlabel/root-2'], level: 'raid1', name: 'md-root' },
        ],
      },
    });
  });

  it('boot_device mirror on ppc64le: PReP and reserved partitions, no ESP, plain RAID root', () => {
    const { config } = translateButane(
      `${hdr('1.4.0')}boot_device:\n  layout: ppc64le\n  mirror:\n    devices: [/dev/sda, /dev/sdb]\n`,
      installed,
    );
    const st = config.storage as { disks: { partitions: { label: string }[] }[]; filesystems: { device: string }[]; luks?: unknown };
    expect(st.disks[0]!.partitions.map((p) => p.label)).toEqual(['prep-1', 'reserved-1', 'boot-1', 'root-1']);
    expect(st.filesystems.map((f) => f.device)).toEqual(['/dev/md/md-boot', '/dev/md/md-root']);
    expect(st.luks).toBeUndefined();
  });

  it('boot_device problems: one mirror device, an unknown or IBM Z layout', () => {
    expect(failure(`${hdr('1.5.0')}boot_device:\n  mirror:\n    devices: [/dev/vda]\n`, installed).issues[0]).toMatchObject({
      code: 'BUTANE_BOOT_DEVICE',
    });
    expect(failure(`${hdr('1.5.0')}boot_device:\n  layout: riscv\n  luks: {tpm2: true}\n`, installed).issues[0]).toMatchObject({
      code: 'BUTANE_BOOT_DEVICE',
    });
    expect(failure(`${hdr()}boot_device:\n  layout: s390x-virt\n  luks: {tpm2: true}\n`, installed).issues[0]).toMatchObject({
      code: 'BUTANE_UNSUPPORTED',
    });
  });

  it('grub.users becomes /boot/grub2/user.cfg on the boot filesystem', () => {
    const hash = 'grub.pbkdf2.sha512.10000.874A958E526409...';
    const { config } = translateButane(`${hdr('1.5.0')}grub:\n  users:\n    - name: root\n      password_hash: ${hash}\n`, installed);
    expect(config).toEqual({
      ignition: { version: '3.4.0' },
      storage: {
        files: [
          {
            path: '/boot/grub2/user.cfg',
            append: [
              {
                source:
                  'data:,%23%20Generated%20by%20Butane%0A%0Aset%20superusers%3D%22root%22%0Apassword_pbkdf2%20root%20grub.pbkdf2.sha512.10000.874A958E526409...%0A',
                compression: '',
              },
            ],
          },
        ],
        filesystems: [{ device: '/dev/disk/by-label/boot', format: 'ext4', path: '/boot' }],
      },
    });
    expect(failure(`${hdr('1.5.0')}grub:\n  users:\n    - name: root\n`, installed).issues[0]).toMatchObject({ code: 'BUTANE_GRUB_USER' });
  });

  describe('storage.trees', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'flint-trees-'));
      await mkdir(join(dir, 'site/bin'), { recursive: true });
      await writeFile(join(dir, 'site/motd'), 'hello\n');
      await writeFile(join(dir, 'site/bin/run.sh'), '#!/bin/sh\n', { mode: 0o755 });
      await symlink('../motd', join(dir, 'site/bin/motd-link'));
      await writeFile(join(dir, 'outside'), 'x');
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('adds files (modes from the execute bits) and symlinks as links, filling an entry without contents', () => {
      const text = `${hdr('1.5.0')}storage:\n  files:\n    - path: /etc/site/motd\n      mode: 0600\n  trees:\n    - local: site\n      path: /etc/site\n`;
      const st = translateButane(text, { ...installed, filesDir: dir }).config.storage as {
        files: { path: string; mode: number; contents: { source: string } }[];
        links: unknown[];
      };
      expect(st.files.map((f) => [f.path, f.mode])).toEqual([
        ['/etc/site/motd', 0o600],
        ['/etc/site/bin/run.sh', 0o755],
      ]);
      expect(Buffer.from(decodeDataUrl(st.files[0]!.contents.source)).toString()).toBe('hello\n');
      expect(st.links).toEqual([{ path: '/etc/site/bin/motd-link', target: '../motd' }]);
    });

    it('refuses a path the config already fills, a tree outside the files directory, and no files directory', () => {
      const clash = `${hdr('1.5.0')}storage:\n  files:\n    - path: /motd\n      contents:\n        inline: x\n  trees:\n    - local: site\n`;
      expect(failure(clash, { ...installed, filesDir: dir }).issues[0]).toMatchObject({ code: 'BUTANE_TREE', line: 8 });
      expect(
        failure(`${hdr('1.5.0')}storage:\n  trees:\n    - local: ../\n`, { ...installed, filesDir: join(dir, 'site') }).issues[0],
      ).toMatchObject({
        code: 'BUTANE_LOCAL_ESCAPE',
      });
      expect(failure(`${hdr('1.5.0')}storage:\n  trees:\n    - local: site\n`, installed).issues[0]).toMatchObject({
        code: 'BUTANE_NO_FILES_DIR',
      });
    });
  });

  it('the live config keeps refusing them with a clear message', () => {
    const live = failure(`${hdr('1.5.0')}boot_device:\n  luks:\n    tpm2: true\ngrub:\n  users: []\nstorage:\n  trees:\n    - local: x\n`);
    expect(live.issues.map((i) => [i.code, i.path])).toEqual([
      ['BUTANE_UNSUPPORTED', '$.boot_device'],
      ['BUTANE_UNSUPPORTED', '$.grub'],
      ['BUTANE_UNSUPPORTED', '$.storage.trees'],
    ]);
    expect(live.issues[2]!.message).toBe(
      'storage.trees (embedding local directory trees) is not supported by Flint; list the files under storage.files with contents.local instead',
    );
  });
});
