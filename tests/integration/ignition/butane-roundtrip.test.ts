import { readFile, writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { translateButane } from '../../../electron/core/ignition/butane/translate';
import { loadConfigFile } from '../../../electron/core/ignition/load';
import { validateIgnition } from '../../../electron/core/ignition/validate';
import { skipReason } from '../../helpers/requirements';
import { useTempDir } from '../../helpers/lifecycle';
import { ignitionValidate } from '../../helpers/ignition-validate';
import { runFlint, runFlintText } from '../../helpers/cli';

/** Butane configs of our own, one or more per fcos version, each using that version's features. */
const CASES: Record<string, string> = {
  '1.0.0 users and files': `variant: fcos
version: 1.0.0
passwd:
  users:
    - name: core
      ssh_authorized_keys: [ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample tech@example]
storage:
  files:
    - path: /etc/hostname
      mode: 0644
      overwrite: true
      contents:
        inline: edge-01
`,
  '1.1.0 mount unit and proxy': `variant: fcos
version: 1.1.0
ignition:
  proxy:
    https_proxy: https://proxy.example:3128
storage:
  disks:
    - device: /dev/disk/by-id/ata-DATA
      partitions:
        - label: var
  filesystems:
    - device: /dev/disk/by-partlabel/var
      format: xfs
      path: /var
      label: var
      with_mount_unit: true
`,
  '1.2.0 luks with key file': `variant: fcos
version: 1.2.0
storage:
  luks:
    - name: data
      device: /dev/disk/by-partlabel/data
      key_file:
        inline: not-a-real-secret
  filesystems:
    - device: /dev/mapper/data
      format: ext4
      path: /var/lib/data
      with_mount_unit: true
`,
  '1.3.0 units and dropins': `variant: fcos
version: 1.3.0
systemd:
  units:
    - name: hello.service
      enabled: true
      contents: |
        [Service]
        ExecStart=/usr/bin/echo hello
        [Install]
        WantedBy=multi-user.target
    - name: sshd.service
      dropins:
        - name: 10-quiet.conf
          contents: |
            [Service]
            Environment=QUIET=1
`,
  '1.4.0 kargs, swap and big file': `variant: fcos
version: 1.4.0
kernel_arguments:
  should_exist: [console=ttyS0]
storage:
  filesystems:
    - device: /dev/disk/by-partlabel/swap
      format: swap
      with_mount_unit: true
  files:
    - path: /etc/big.txt
      overwrite: true
      contents:
        inline: "${'0123456789'.repeat(300)}"
`,
  '1.5.0 remote file with hash, links, dirs': `variant: fcos
version: 1.5.0
storage:
  directories:
    - path: /opt/tools
      mode: 0755
  links:
    - path: /etc/localtime
      target: ../usr/share/zoneinfo/America/Chicago
      overwrite: true
  files:
    - path: /opt/tools/run.sh
      mode: 0755
      overwrite: true
      contents:
        source: https://example.com/run.sh
        verification:
          hash: sha512-${'ab'.repeat(64)}
`,
};

const why = skipReason({ tools: ['ignition-validate'] });

describe.skipIf(why)('Butane translations pass ignition-validate', () => {
  const tmp = useTempDir('flint-buval-');

  it.each(Object.keys(CASES))('%s', async (name) => {
    const { config, ignitionVersion } = translateButane(CASES[name]);
    const json = JSON.stringify(config);
    const file = tmp.join(name.replace(/\W+/g, '_') + '.ign');
    // Debian's ignition-validate (2.14) knows 3.4.0 only as 3.4.0-experimental
    await writeFile(file, ignitionVersion === '3.4.0' ? json.replace('"version":"3.4.0"', '"version":"3.4.0-experimental"') : json);
    expect(await ignitionValidate(file)).toEqual({ ok: true, output: '' });
    const ours = await validateIgnition(new TextEncoder().encode(json));
    expect(ours.errors).toEqual([]);
  });
});

describe('flint butane and loadConfigFile', () => {
  const tmp = useTempDir('flint-bucli-');
  beforeAll(async () => {
    await writeFile(tmp.join('motd'), 'Welcome to the field unit\n');
    await writeFile(
      tmp.join('cfg.bu'),
      'variant: fcos\nversion: 1.4.0\nstorage:\n  files:\n    - path: /etc/motd\n      overwrite: true\n      contents:\n        local: motd\n',
    );
    await writeFile(tmp.join('noext'), 'variant: fcos\nversion: 1.4.0\n');
    await writeFile(tmp.join('bad.bu'), 'variant: fcos\nversion: 1.4.0\nstorage:\n  trees:\n    - local: x\n');
  });

  it('writes Ignition JSON to stdout or -o, using --files-dir', async () => {
    const r = await runFlintText(['butane', '--files-dir', tmp.path, tmp.join('cfg.bu')]);
    expect(r.code, r.stderr).toBe(0);
    const config = JSON.parse(r.stdout);
    expect(config.storage.files[0].contents).toEqual({ compression: '', source: 'data:,Welcome%20to%20the%20field%20unit%0A' });
    expect((await runFlint(['butane', '-d', tmp.path, '-o', tmp.join('out.ign'), tmp.join('cfg.bu')])).code).toBe(0);
    expect(JSON.parse(await readFile(tmp.join('out.ign'), 'utf8'))).toEqual(config);
  });

  it('reads standard input when no file is given', async () => {
    const r = await runFlintText(['butane', '--pretty'], { input: 'variant: fcos\nversion: 1.0.0\n' });
    expect([r.code, r.stdout]).toEqual([0, '{\n  "ignition": {\n    "version": "3.0.0"\n  }\n}\n']);
  });

  it('fails with one Error line naming the unsupported field and its line', async () => {
    const err = await runFlint(['butane', tmp.join('bad.bu')]);
    expect(err.code).toBe(1);
    expect(err.stderr).toBe(
      'Error: line 4: $.storage.trees: storage.trees (embedding local directory trees) is not supported by Flint; list the files under storage.files with contents.local instead\n',
    );
  });

  it('accepts .bu (files tmp.path = its directory) and sniffs extension-less files', async () => {
    const bytes = await loadConfigFile(tmp.join('cfg.bu'));
    expect(JSON.parse(new TextDecoder().decode(bytes)).storage.files[0].path).toBe('/etc/motd');
    expect(JSON.parse(new TextDecoder().decode(await loadConfigFile(tmp.join('noext'))))).toEqual({ ignition: { version: '3.3.0' } });
    await writeFile(tmp.join('plain.ign'), '{"ignition":{"version":"3.4.0"}}');
    expect(new TextDecoder().decode(await loadConfigFile(tmp.join('plain.ign')))).toBe('{"ignition":{"version":"3.4.0"}}');
    await expect(loadConfigFile(tmp.join('bad.bu'))).rejects.toMatchObject({ code: 'BUTANE_UNSUPPORTED' });
    await expect(loadConfigFile(tmp.join('missing.ign'))).rejects.toMatchObject({ code: 'CONFIG_READ' });
  });
});
