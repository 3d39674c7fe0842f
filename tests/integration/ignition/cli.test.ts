import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlintText } from '../../helpers/cli';

/** Runs the real `flint` CLI and returns its exit code and output. */
const flint = (...args: string[]) => runFlintText(args);

describe('flint ignition validate', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flint-igncli-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prints warnings and exits 0 for a valid config with live-boot traps', async () => {
    const f = join(dir, 'warn.ign');
    await writeFile(
      f,
      JSON.stringify({
        ignition: { version: '3.3.0' },
        storage: { filesystems: [{ device: '/dev/disk/by-partlabel/var', format: 'xfs', wipeFilesystem: true }] },
      }),
    );
    const r = await flint('ignition', 'validate', f);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('warning at $.storage.filesystems[0].wipeFilesystem');
    expect(r.stdout).toMatch(/valid Ignition 3\.3\.0 config, 1 warning; embedded size \d+ of 262144 bytes/);
  });

  it('exits 1 with one Error line for an invalid config, JSON report on stdout', async () => {
    const f = join(dir, 'bad.ign');
    await writeFile(f, JSON.stringify({ ignition: { version: '2.2.0' } }));
    const r = await flint('ignition', 'validate', '--json', f);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.errors[0].code).toBe('VERSION_2X');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: .*bad\.ign is not a valid Ignition config: \$\.ignition\.version/);
  });

  it('fails cleanly on a missing file', async () => {
    const r = await flint('ignition', 'validate', join(dir, 'nope.ign'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: cannot read .*nope\.ign: ENOENT/);
  });

  it('validates a Butane file after translating it', async () => {
    const f = join(dir, 'cfg.bu');
    await writeFile(f, 'variant: fcos\nversion: 1.4.0\nstorage:\n  files:\n    - path: /etc/motd\n      contents:\n        inline: hi\n');
    const r = await flint('ignition', 'validate', f);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('warning at $.storage.files[0].overwrite');
  });
});

describe('flint ignition fragment', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flint-igfrag-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('var: prints the /var fragment, or merges it --into a config', async () => {
    const r = await flint('ignition', 'fragment', 'var', '--disk', '/dev/disk/by-id/virtio-flint-var');
    expect(r.code).toBe(0);
    const expected = JSON.parse(await readFile(join(__dirname, '../../../examples/live-var.ign'), 'utf8'));
    expect({ ...JSON.parse(r.stdout), ignition: { version: '3.4.0' } }).toEqual(expected);
    const base = join(dir, 'base.ign');
    await writeFile(base, JSON.stringify({ ignition: { version: '3.4.0' } }));
    const out = join(dir, 'merged.ign');
    const m = await flint('ignition', 'fragment', 'var', '--disk', '/dev/disk/by-id/virtio-flint-var', '--into', base, '-o', out);
    expect(m.code).toBe(0);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(expected);
    const bad = await flint('ignition', 'fragment', 'var', '--disk', '/dev/sdb');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error: "\/dev\/sdb" is a kernel name/);
  });

  it('settings: writes the keyfile (0600) and prints the fragment', async () => {
    const key = join(dir, 'id.pub');
    await writeFile(key, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample tech@laptop\n');
    const kdir = join(dir, 'keyfiles');
    const r = await flint(
      'ignition',
      'fragment',
      'settings',
      '--ssh-key',
      key,
      '--hostname',
      'edge-1',
      '--timezone',
      'UTC',
      '--static-ip',
      '10.0.0.5/24,10.0.0.1,1.1.1.1',
      '--keyfile-dir',
      kdir,
    );
    expect(r.code).toBe(0);
    const frag = JSON.parse(r.stdout);
    expect(frag.passwd.users[0].sshAuthorizedKeys).toEqual(['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample tech@laptop']);
    expect((await stat(join(kdir, 'static.nmconnection'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(kdir, 'static.nmconnection'), 'utf8')).toContain('address1=10.0.0.5/24,10.0.0.1\ndns=1.1.1.1;\n');
    const missing = await flint('ignition', 'fragment', 'settings', '--static-ip', '10.0.0.5/24,10.0.0.1');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--keyfile-dir/);
  });
});
