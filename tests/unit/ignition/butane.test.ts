import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ButaneError, translateButane } from '../../../electron/core/ignition/butane/translate';
import { decodeDataUrl, makeDataUrl } from '../../../electron/core/ignition/butane/dataurl';
import { validateIgnition } from '../../../electron/core/ignition/validate';

const FIX = join(__dirname, '../../fixtures/coreos-installer/customize');

function errorsOf(text: string, opts = {}): ButaneError {
  try {
    translateButane(text, opts);
  } catch (err) {
    if (err instanceof ButaneError) return err;
    throw err;
  }
  throw new Error('expected a ButaneError');
}

const hdr = (version: string): string => `variant: fcos\nversion: ${version}\n`;

describe('translateButane: coreos-installer fixture pairs', () => {
  it.each(['live', 'live-2', 'dest', 'dest-2'])('%s.bu translates to the fixture .ign', async (name) => {
    const bu = await readFile(join(FIX, `${name}.bu`), 'utf8');
    const want = JSON.parse(await readFile(join(FIX, `${name}.ign`), 'utf8'));
    const got = translateButane(bu);
    expect(got.config).toEqual(want);
    expect(got.ignitionVersion).toBe('3.3.0');
    expect(got.warnings).toEqual([]);
  });
});

describe('translateButane: versions and fields', () => {
  it('maps each fcos version to its Ignition spec version', () => {
    const map = {
      '1.0.0': '3.0.0',
      '1.1.0': '3.1.0',
      '1.2.0': '3.2.0',
      '1.3.0': '3.2.0',
      '1.4.0': '3.3.0',
      '1.5.0': '3.4.0',
      '1.6.0': '3.5.0',
    };
    for (const [bu, ign] of Object.entries(map)) {
      const r = translateButane(hdr(bu));
      expect(r.ignitionVersion).toBe(ign);
      expect(r.config).toEqual({ ignition: { version: ign } });
    }
  });

  it('translates users, files, directories, links, disks, filesystems, luks, units and kargs', async () => {
    const r = translateButane(`${hdr('1.5.0')}
passwd:
  users:
    - name: core
      password_hash: "$y$j9T$abc"
      ssh_authorized_keys:
        - ssh-ed25519 AAAAC3Nza test@example
      groups: [wheel, docker]
storage:
  disks:
    - device: /dev/disk/by-id/ata-DISK
      partitions:
        - label: data
          number: 1
          size_mib: 10240
          start_mib: 0
          type_guid: 0FC63DAF-8483-4772-8E79-3D69D8477DE4
          resize: true
  luks:
    - name: data
      device: /dev/disk/by-partlabel/data
      key_file:
        inline: s3cret
      discard: true
  filesystems:
    - device: /dev/mapper/data
      format: ext4
      path: /var/data
      label: data
      wipe_filesystem: false
      mount_options: [noatime]
      with_mount_unit: true
  files:
    - path: /etc/motd
      mode: 0644
      overwrite: true
      user: { name: core }
      contents:
        inline: |
          Welcome!
    - path: /opt/app.bin
      mode: 0755
      contents:
        source: https://example.com/app.bin
        verification:
          hash: sha256-${'a'.repeat(64)}
        http_headers:
          - name: Authorization
            value: Bearer x
  directories:
    - path: /var/data/app
      mode: 0750
  links:
    - path: /etc/localtime
      target: ../usr/share/zoneinfo/Europe/Berlin
      overwrite: true
systemd:
  units:
    - name: app.service
      enabled: true
      contents: "[Service]\\nExecStart=/bin/true\\n[Install]\\nWantedBy=multi-user.target\\n"
      dropins:
        - name: 10-env.conf
          contents: "[Service]\\nEnvironment=A=1\\n"
    - name: zincati.service
      mask: true
kernel_arguments:
  should_exist: [quiet]
  should_not_exist:
    - mitigations=auto,nosmt
`);
    const c = r.config as any;
    expect(r.ignitionVersion).toBe('3.4.0');
    expect(c.passwd.users[0]).toEqual({
      name: 'core',
      passwordHash: '$y$j9T$abc',
      sshAuthorizedKeys: ['ssh-ed25519 AAAAC3Nza test@example'],
      groups: ['wheel', 'docker'],
    });
    expect(c.storage.disks[0].partitions[0]).toEqual({
      label: 'data',
      number: 1,
      sizeMiB: 10240,
      startMiB: 0,
      typeGuid: '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
      resize: true,
    });
    expect(c.storage.luks[0]).toEqual({
      name: 'data',
      device: '/dev/disk/by-partlabel/data',
      discard: true,
      keyFile: { compression: '', source: 'data:,s3cret' },
    });
    expect(c.storage.filesystems[0]).toEqual({
      device: '/dev/mapper/data',
      format: 'ext4',
      path: '/var/data',
      label: 'data',
      wipeFilesystem: false,
      mountOptions: ['noatime'],
    });
    expect(c.storage.files[0]).toEqual({
      path: '/etc/motd',
      mode: 0o644,
      overwrite: true,
      user: { name: 'core' },
      contents: { compression: '', source: 'data:,Welcome!%0A' },
    });
    expect(c.storage.files[1].contents).toEqual({
      source: 'https://example.com/app.bin',
      verification: { hash: `sha256-${'a'.repeat(64)}` },
      httpHeaders: [{ name: 'Authorization', value: 'Bearer x' }],
    });
    expect(c.storage.files[1].mode).toBe(0o755);
    expect(c.storage.directories[0]).toEqual({ path: '/var/data/app', mode: 0o750 });
    expect(c.storage.links[0]).toEqual({ path: '/etc/localtime', target: '../usr/share/zoneinfo/Europe/Berlin', overwrite: true });
    // the generated mount unit comes first (Butane merges user units over it)
    expect(c.systemd.units.map((u: any) => u.name)).toEqual(['var-data.mount', 'app.service', 'zincati.service']);
    expect(c.systemd.units[0].contents).toBe(
      '# Generated by Butane\n[Unit]\nRequires=systemd-fsck@dev-mapper-data.service\nAfter=systemd-fsck@dev-mapper-data.service\n\n[Mount]\nWhere=/var/data\nWhat=/dev/mapper/data\nType=ext4\nOptions=noatime\n\n[Install]\nRequiredBy=local-fs.target',
    );
    expect(c.systemd.units[1].dropins).toEqual([{ name: '10-env.conf', contents: '[Service]\nEnvironment=A=1\n' }]);
    expect(c.systemd.units[2]).toEqual({ name: 'zincati.service', mask: true });
    expect(c.kernelArguments).toEqual({ shouldExist: ['quiet'], shouldNotExist: ['mitigations=auto,nosmt'] });
    const report = await validateIgnition(new TextEncoder().encode(JSON.stringify(c)), { live: false });
    expect(report.errors).toEqual([]);
  });

  it('generates the same mount unit text as real Butane output (public OpenShift/FCOS config)', () => {
    const c = translateButane(`${hdr('1.3.0')}
storage:
  filesystems:
    - device: /dev/disk/by-partlabel/var-lib-containers
      format: xfs
      path: /var/lib/containers
      mount_options: [defaults, prjquota]
      with_mount_unit: true
`).config as any;
    expect(c.systemd.units).toEqual([
      {
        contents:
          '# Generated by Butane\n[Unit]\nRequires=systemd-fsck@dev-disk-by\\x2dpartlabel-var\\x2dlib\\x2dcontainers.service\nAfter=systemd-fsck@dev-disk-by\\x2dpartlabel-var\\x2dlib\\x2dcontainers.service\n\n[Mount]\nWhere=/var/lib/containers\nWhat=/dev/disk/by-partlabel/var-lib-containers\nType=xfs\nOptions=defaults,prjquota\n\n[Install]\nRequiredBy=local-fs.target',
        enabled: true,
        name: 'var-lib-containers.mount',
      },
    ]);
  });

  it('generates swap units and remote mounts for Tang-backed LUKS', () => {
    const c = translateButane(`${hdr('1.4.0')}
storage:
  luks:
    - name: tangy
      device: /dev/disk/by-partlabel/t
      clevis: { tang: [{ url: "https://tang.example", thumbprint: abc }] }
  filesystems:
    - { device: /dev/disk/by-partlabel/swap, format: swap, with_mount_unit: true }
    - { device: /dev/disk/by-id/dm-name-tangy, format: xfs, path: /srv, with_mount_unit: true }
`).config as any;
    expect(c.systemd.units[0]).toEqual({
      name: 'dev-disk-by\\x2dpartlabel-swap.swap',
      enabled: true,
      contents: '# Generated by Butane\n[Swap]\nWhat=/dev/disk/by-partlabel/swap\n\n[Install]\nRequiredBy=swap.target',
    });
    expect(c.systemd.units[1].name).toBe('srv.mount');
    expect(c.systemd.units[1].contents).toContain('Options=_netdev\n\n[Install]\nRequiredBy=remote-fs.target');
  });

  it('lets a user-defined mount unit override the generated one', () => {
    const c = translateButane(`${hdr('1.2.0')}
storage:
  filesystems: [{ device: /dev/disk/by-partlabel/var, format: xfs, path: /var, with_mount_unit: true }]
systemd:
  units: [{ name: var.mount, contents: "[Mount]\\nWhat=x\\n" }]
`).config as any;
    expect(c.systemd.units).toEqual([{ name: 'var.mount', enabled: true, contents: '[Mount]\nWhat=x\n' }]);
  });

  it('reads YAML 1.1 style octal modes and yes/no booleans as Butane (Go YAML) does', () => {
    const c = translateButane(`${hdr('1.3.0')}
storage:
  files:
    - { path: /a, mode: 0600, overwrite: yes, contents: { inline: a } }
    - { path: /b, mode: 0o755 }
    - { path: /c, mode: 420 }
`);
    expect((c.config as any).storage.files.map((f: any) => f.mode)).toEqual([0o600, 0o755, 420]);
    expect((c.config as any).storage.files[0].overwrite).toBe(true);
    expect(c.warnings).toEqual([]);
  });

  it('follows YAML anchors, aliases and << merge keys', () => {
    const c = translateButane(`${hdr('1.4.0')}
storage:
  files:
    - &base
      path: /etc/a
      mode: 0644
      overwrite: true
      contents: { inline: a }
    - <<: *base
      path: /etc/b
      mode: 0600
systemd:
  units:
    - name: a.service
      contents: &unit "[Service]\\nExecStart=/bin/true\\n"
    - name: b.service
      contents: *unit
`).config as any;
    expect(c.storage.files).toEqual([
      { path: '/etc/a', mode: 0o644, overwrite: true, contents: { compression: '', source: 'data:,a' } },
      { path: '/etc/b', mode: 0o600, overwrite: true, contents: { compression: '', source: 'data:,a' } },
    ]);
    expect(c.systemd.units.map((u: any) => u.contents)).toEqual(['[Service]\nExecStart=/bin/true\n', '[Service]\nExecStart=/bin/true\n']);
  });

  it('warns about modes that were surely meant as octal', () => {
    const r = translateButane(`${hdr('1.5.0')}\nstorage:\n  files:\n    - path: /a\n      mode: 644\n`);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'BUTANE_DECIMAL_MODE', line: 7, path: '$.storage.files[0].mode' })]);
  });
});

describe('translateButane: inline and local contents', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flint-butane-'));
    await mkdir(join(dir, 'files'));
    await writeFile(join(dir, 'files', 'big.conf'), 'setting = value\n'.repeat(500));
    await writeFile(join(dir, 'files', 'keys.pub'), 'ssh-ed25519 AAAA one\r\n\nssh-rsa BBBB two\n');
    await writeFile(join(dir, 'files', 'app.service'), '[Service]\nExecStart=/bin/true\n');
    await writeFile(join(dir, 'secret'), 'outside');
    await symlink(join(dir, 'secret'), join(dir, 'files', 'sneaky'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('percent-encodes short text, picks base64 or gzip when shorter, and round-trips', () => {
    expect(makeDataUrl(new TextEncoder().encode('Hello world\n'))).toEqual({ source: 'data:,Hello%20world%0A', compression: '' });
    const bin = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    expect(makeDataUrl(bin)).toEqual({ source: 'data:;base64,AAEC+vv8/f7/', compression: '' });
    const big = new TextEncoder().encode('abc '.repeat(1000));
    const gz = makeDataUrl(big);
    expect(gz.compression).toBe('gzip');
    expect(new TextDecoder().decode(gunzipSync(decodeDataUrl(gz.source)))).toBe('abc '.repeat(1000));
    expect(makeDataUrl(big, 'gzip').compression).toBeUndefined();
  });

  it('encodes like real Butane output (data URLs seen in public Butane-generated configs)', () => {
    // plain vectors must match byte for byte; for gzip ones Go's and zlib's deflate streams differ,
    // so the decoded contents must lead to the same choice (gzip) instead
    const plain = [
      'data:,Hello%2C%20world!%0A',
      'data:;base64,IyEvYmluL2Jhc2gKZWNobyAiSGVsbG8sIFdvcmxkISIK',
      'data:,%5Bupdates%5D%0Aenabled%20%3D%20false%0A',
      'data:;base64,W01hdGNoXQpNQUNBZGRyZXNzPTQ4OjIxOjBiOjUwOjM1OmM3CltMaW5rXQpOYW1lPW5pYzAK',
      'data:,okd4-sno-node.my.awesome.lab%0A',
      'data:,server%3A%20%0Akubelet-arg%3A%0A%20%20-%20--cloud-provider%3Dexternal%0Atoken%3A%20foo%0Anode-taint%3A%0A%20%20-%20karpenter.sh%2Fcontroller%3Dtrue%3ANoSchedule%0A',
    ];
    for (const url of plain) expect(makeDataUrl(decodeDataUrl(url))).toEqual({ source: url, compression: '' });
    const gzipped = [
      'data:;base64,H4sIAAAAAAAC/1yKTY6DIBTH9+8uMuDoTEPCSYyLJ/xbSeRhgNZ4+27aNOny9zH5LALfYpaZ2rnDoa0ogkZRGsqVPTrhBCfRa6LpnWdK7DsOoaBWN1xsb6xe7Kjt72j9P9EU98cwU0Jbc3CJ5c4bvX5UZ7QyRple/emffqAbNxx8frShIPULuwoufnXpVHyg5gS18ULPAAAA//+KH/mzxAAAAA==',
      'data:;base64,H4sIAAAAAAAC/2zLMWuDQBQA4P1+xasdy91V2y4Fhw4OUrFFpdBJTnnqkYse955CID8+mCmB7N/3/KQ7O+vO0CQIGSSuC3jrcTDWCUEO0UP8Kvo1OJA0FDAxe/rUekRW4YCJsgucIS/r5qso2uo7S9q/rKrznzLdYvX2od5fdhbie9P8/2ZpZEacOQKaQJKgEzEee3aAs+kcwv7klSjCsNkebwyxCfyIXAIAAP//XDZ0ZNMAAAA=',
    ];
    for (const url of gzipped) {
      const contents = new Uint8Array(gunzipSync(decodeDataUrl(url)));
      const mine = makeDataUrl(contents);
      expect(mine.compression).toBe('gzip');
      expect(new Uint8Array(gunzipSync(decodeDataUrl(mine.source)))).toEqual(contents);
    }
  });

  it('embeds local files, SSH key files and unit files from --files-dir', () => {
    const c = translateButane(
      `${hdr('1.5.0')}
passwd:
  users:
    - name: core
      ssh_authorized_keys: [ssh-ed25519 AAAA inline]
      ssh_authorized_keys_local: [keys.pub]
storage:
  files:
    - path: /etc/big.conf
      contents: { local: big.conf }
systemd:
  units:
    - name: app.service
      contents_local: app.service
`,
      { filesDir: join(dir, 'files') },
    ).config as any;
    expect(c.passwd.users[0].sshAuthorizedKeys).toEqual(['ssh-ed25519 AAAA inline', 'ssh-ed25519 AAAA one', 'ssh-rsa BBBB two']);
    expect(c.storage.files[0].contents.compression).toBe('gzip');
    expect(new TextDecoder().decode(gunzipSync(decodeDataUrl(c.storage.files[0].contents.source)))).toBe('setting = value\n'.repeat(500));
    expect(c.systemd.units[0]).toEqual({ name: 'app.service', contents: '[Service]\nExecStart=/bin/true\n' });
  });

  it('refuses local files without --files-dir, outside it, or through symlinks', () => {
    const text = (p: string): string => `${hdr('1.5.0')}storage:\n  files:\n    - path: /x\n      contents:\n        local: ${p}\n`;
    expect(errorsOf(text('big.conf')).issues[0]).toMatchObject({ code: 'BUTANE_NO_FILES_DIR', line: 7 });
    expect(errorsOf(text('../secret'), { filesDir: join(dir, 'files') }).issues[0].code).toBe('BUTANE_LOCAL_ESCAPE');
    expect(errorsOf(text('sneaky'), { filesDir: join(dir, 'files') }).issues[0].code).toBe('BUTANE_LOCAL_ESCAPE');
    expect(errorsOf(text('missing'), { filesDir: join(dir, 'files') }).issues[0].code).toBe('BUTANE_LOCAL_READ');
  });
});

describe('translateButane: every unsupported or invalid field is an error with its line', () => {
  const cases: [string, string, string, string, number][] = [
    ['storage.trees', '1.5.0', 'storage:\n  trees:\n    - local: tree\n', 'BUTANE_UNSUPPORTED', 4],
    ['boot_device', '1.5.0', 'boot_device:\n  mirror:\n    devices: [/dev/sda, /dev/sdb]\n', 'BUTANE_UNSUPPORTED', 3],
    ['grub', '1.5.0', 'grub:\n  users: [{ name: root, password_hash: x }]\n', 'BUTANE_UNSUPPORTED', 3],
    [
      'luks.cex',
      '1.6.0',
      'storage:\n  luks:\n    - name: a\n      device: /dev/disk/by-id/x\n      cex: { enabled: true }\n',
      'BUTANE_UNSUPPORTED',
      7,
    ],
    ['unknown top-level field', '1.5.0', 'stroage: {}\n', 'BUTANE_UNKNOWN_FIELD', 3],
    ['unknown nested field', '1.5.0', 'storage:\n  files:\n    - path: /a\n      contnets: { inline: x }\n', 'BUTANE_UNKNOWN_FIELD', 6],
    ['kernel_arguments before 1.4.0', '1.3.0', 'kernel_arguments:\n  should_exist: [a]\n', 'BUTANE_FIELD_VERSION', 3],
    ['luks before 1.2.0', '1.1.0', 'storage:\n  luks: []\n', 'BUTANE_FIELD_VERSION', 4],
    [
      'with_mount_unit in 1.0.0',
      '1.0.0',
      'storage:\n  filesystems:\n    - device: /dev/x\n      format: xfs\n      with_mount_unit: true\n',
      'BUTANE_FIELD_VERSION',
      7,
    ],
    ['local in 1.0.0', '1.0.0', 'storage:\n  files:\n    - path: /a\n      contents: { local: a }\n', 'BUTANE_FIELD_VERSION', 6],
    [
      'contents_local before 1.5.0',
      '1.4.0',
      'systemd:\n  units:\n    - name: a.service\n      contents_local: a\n',
      'BUTANE_FIELD_VERSION',
      6,
    ],
    [
      'swap unit before 1.4.0',
      '1.3.0',
      'storage:\n  filesystems:\n    - device: /dev/x\n      format: swap\n      with_mount_unit: true\n',
      'BUTANE_FIELD_VERSION',
      7,
    ],
    [
      'mount unit without path',
      '1.4.0',
      'storage:\n  filesystems:\n    - device: /dev/x\n      format: xfs\n      with_mount_unit: true\n',
      'BUTANE_MOUNT_UNIT',
      7,
    ],
    [
      'source and inline together',
      '1.4.0',
      'storage:\n  files:\n    - path: /a\n      contents:\n        source: https://e/x\n        inline: x\n',
      'BUTANE_EXCLUSIVE',
      7,
    ],
    ['string mode', '1.4.0', 'storage:\n  files:\n    - path: /a\n      mode: "0644"\n', 'BUTANE_TYPE', 6],
    ['bad boolean', '1.4.0', 'systemd:\n  units:\n    - name: a.service\n      enabled: maybe\n', 'BUTANE_TYPE', 6],
    ['list where a mapping belongs', '1.4.0', 'storage:\n  - files\n', 'BUTANE_TYPE', 4],
  ];
  it.each(cases)('%s', (_name, version, body, code, line) => {
    const err = errorsOf(hdr(version) + body);
    expect(err.issues[0]).toMatchObject({ code, line });
    expect(err.message).toMatch(new RegExp(`^line ${line}: \\$\\.`));
  });

  it('applies Ignition rules to the output and reports them at the YAML line (as Butane does)', () => {
    const err = errorsOf(
      `${hdr('1.4.0')}storage:\n  files:\n    - path: /etc/a\n      contents:\n        inline: x\n    - path: etc/b\n    - path: /etc/a\n  filesystems:\n    - device: /dev/sdb\n      format: zfs\nsystemd:\n  units:\n    - name: foo\n`,
    );
    expect(err.issues.map((i) => [i.code, i.path, i.line])).toEqual([
      ['PATH_NOT_ABSOLUTE', '$.storage.files[1].path', 8],
      ['DUPLICATE', '$.storage.files[2]', 9],
      ['FS_FORMAT', '$.storage.filesystems[0].format', 12],
      ['UNIT_NAME', '$.systemd.units[0].name', 15],
    ]);
    const hash = errorsOf(
      `${hdr('1.4.0')}storage:\n  files:\n    - path: /a\n      contents:\n        inline: x\n        verification: { hash: sha512-00 }\n`,
    );
    expect(hash.issues[0]).toMatchObject({ code: 'HASH_SIZE', path: '$.storage.files[0].contents.verification.hash', line: 8 });
    const fromInline = errorsOf(
      `${hdr('1.4.0')}ignition:\n  config:\n    merge:\n      - inline: '{}'\n        http_headers: [{ name: A, value: b }]\n`,
    );
    expect(fromInline.issues[0]).toMatchObject({ code: 'HTTP_HEADERS_SCHEME', line: 7 });
  });

  it('reports all problems at once', () => {
    const err = errorsOf(`${hdr('1.5.0')}grub: {}\nstorage:\n  trees: []\n  files:\n    - path: /a\n      bogus: 1\n`);
    expect(err.issues.map((i) => [i.code, i.line])).toEqual([
      ['BUTANE_UNSUPPORTED', 3],
      ['BUTANE_UNSUPPORTED', 5],
      ['BUTANE_UNKNOWN_FIELD', 8],
    ]);
  });

  it('rejects other variants, unknown versions and broken YAML', () => {
    expect(errorsOf('variant: flatcar\nversion: 1.0.0\n').issues[0]).toMatchObject({ code: 'BUTANE_VARIANT', line: 1 });
    expect(errorsOf('variant: fcos\nversion: 1.7.0-experimental\n').issues[0]).toMatchObject({ code: 'BUTANE_VERSION', line: 2 });
    expect(errorsOf('variant: fcos\nversion: 1.4.0\nstorage: [\n').issues[0].code).toBe('BUTANE_YAML');
    expect(errorsOf('variant: fcos\nversion: 1.4.0\nsystemd: {}\nsystemd: {}\n').issues[0]).toMatchObject({
      code: 'BUTANE_DUPLICATE_KEY',
      line: 4,
      message: 'duplicate key "systemd" at line 4: already defined at line 3',
    });
  });
});
