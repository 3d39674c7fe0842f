// `flint pxe export` as a user runs it: per-MAC PXELINUX and iPXE entries with their own config
// initrds, a matchbox data directory checked against the JSON shapes of matchbox's examples, and
// dnsmasq/nginx configurations checked by the real programs (`dnsmasq --test`, `nginx -t`).
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Ajv from 'ajv';
import { writeCpio } from '../../../electron/core/codecs/cpio';
import { readInitrd } from '../../../electron/core/codecs/initrd';
import { runFlint } from '../../helpers/cli';
import { liveConfigContents } from '../../e2e/boot/lib/ignition-data';
import { COREOS_FIXTURES } from '../../helpers/fixtures';
import { useTempDir } from '../../helpers/lifecycle';
import { skipReason } from '../../helpers/requirements';

const LIVE_IGN = join(COREOS_FIXTURES, 'customize', 'live.ign');
const MANIFEST = [
  'name,hostname,ip,gateway,dns,mac,kargs',
  'web1,web1.example,10.1.0.11/24,10.1.0.1,,52:54:00:AA:00:01,flint.n=1',
  'web2,web2.example,,,,52-54-00-aa-00-02,',
  'spare,spare.example,,,,,',
].join('\n');

/**
 * The JSON shapes of a matchbox profile and group, written down from poseidon/matchbox
 * examples/profiles/fedora-coreos.json, examples/groups/fedora-coreos/default.json and the group
 * with a `mac` selector in docs/matchbox.md: the fields those files use, with their types.
 */
const PROFILE_SCHEMA = {
  type: 'object',
  required: ['id', 'name', 'boot'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    boot: {
      type: 'object',
      required: ['kernel', 'initrd', 'args'],
      additionalProperties: false,
      properties: {
        kernel: { type: 'string', pattern: '^/assets/' },
        initrd: { type: 'array', items: { type: 'string', pattern: '^--name [a-z]+ /assets/' } },
        args: { type: 'array', items: { type: 'string', pattern: '^\\S+$' } },
      },
    },
    ignition_id: { type: 'string' },
  },
};
const GROUP_SCHEMA = {
  type: 'object',
  required: ['id', 'name', 'profile', 'selector'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    profile: { type: 'string', minLength: 1 },
    selector: {
      type: 'object',
      additionalProperties: false,
      properties: { mac: { type: 'string', pattern: '^([0-9a-f]{2}:){5}[0-9a-f]{2}$' } },
    },
    metadata: { type: 'object' },
  },
};

describe('flint pxe export', () => {
  const tmp = useTempDir('flint-pxe-export-');
  const boot = ['--kernel', 'vmlinuz', '--initramfs', 'initramfs.img', '--rootfs', 'rootfs.img'];
  const newSite = (name: string) => {
    const dir = tmp.join(name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'vmlinuz'), 'kernel');
    // a live initramfs as far as export looks: the live marker and the features file
    const features = Buffer.from(JSON.stringify({ 'installer-config': true, 'live-initrd-network': true }));
    const initramfs = writeCpio([
      { path: 'etc/coreos-live-initramfs', data: Buffer.alloc(0) },
      { path: 'etc/coreos/features.json', data: features },
    ]);
    writeFileSync(join(dir, 'initramfs.img'), gzipSync(initramfs));
    writeFileSync(join(dir, 'rootfs.img'), 'rootfs');
    return dir;
  };
  beforeAll(() => {
    writeFileSync(tmp.join('fleet.csv'), MANIFEST);
  });

  it('writes a default entry and per-MAC entries, each machine with its own config initrd; a re-export removes a dropped machine', async () => {
    const dir = newSite('plain');
    const args = ['pxe', 'export', '--dir', dir, ...boot, '--base-url', 'http://10.1.0.1:8080/', '--ignition', LIVE_IGN];
    const r = await runFlint([...args, '--fleet', tmp.join('fleet.csv'), '--json']);
    expect(r.stderr).not.toMatch(/^Error/m);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.toString()) as { machines: { name: string; mac: string }[]; skipped: string[]; notes: string[] };
    expect(out.machines.map((m) => [m.name, m.mac])).toEqual([
      ['web1', '52:54:00:aa:00:01'],
      ['web2', '52:54:00:aa:00:02'],
    ]);
    expect(out.skipped).toEqual(['spare']);

    const pxe1 = readFileSync(join(dir, 'pxelinux.cfg/01-52-54-00-aa-00-01'), 'utf8');
    expect(pxe1).toMatch(/APPEND initrd=initramfs\.img,machines\/web1\/config\.img .*flint\.n=1$/m);
    expect(pxe1).toContain('coreos.live.rootfs_url=http://10.1.0.1:8080/rootfs.img');
    expect(readFileSync(join(dir, 'pxelinux.cfg/default'), 'utf8')).toMatch(/APPEND initrd=initramfs\.img,config\.img /);
    const boot1 = readFileSync(join(dir, 'boot.ipxe'), 'utf8');
    expect(boot1).toContain('chain --autofree ${BASEURL}/ipxe/${mac:hexhyp}.ipxe || ');
    expect(boot1).toContain('initrd --name ignition ${BASEURL}/config.img');
    expect(readFileSync(join(dir, 'ipxe/52-54-00-aa-00-02.ipxe'), 'utf8')).toContain(
      'initrd --name ignition ${BASEURL}/machines/web2/config.img',
    );

    // each config initrd carries the common config merged with the machine's settings
    const members = async (rel: string) => new Map((await readInitrd(readFileSync(join(dir, rel)))).map((m) => [m.path, m.data]));
    const web1 = await members('machines/web1/config.img');
    expect(Buffer.from(web1.get('config.ign')!).equals(readFileSync(join(dir, 'machines/web1/config.ign')))).toBe(true);
    const fragment = liveConfigContents(liveConfigContents(Buffer.from(web1.get('config.ign')!).toString()).merges[1]!.toString());
    expect(fragment.files.get('/etc/hostname')!.data.toString()).toBe('web1.example');
    expect([...web1.keys()].some((p) => p.endsWith('static.nmconnection'))).toBe(true);
    const web2 = await members('machines/web2/config.img');
    expect([...web2.keys()].some((p) => p.endsWith('.nmconnection'))).toBe(false);
    expect((await members('config.img')).get('config.ign')).toBeDefined();

    // web2 leaves the fleet: its files go, nothing else does
    writeFileSync(tmp.join('fleet1.csv'), MANIFEST.split('\n').slice(0, 2).join('\n'));
    const again = await runFlint([...args, '--fleet', tmp.join('fleet1.csv'), '--json']);
    expect(again.code).toBe(0);
    expect((JSON.parse(again.stdout.toString()) as { removed: string[] }).removed.sort()).toEqual([
      'ipxe/52-54-00-aa-00-02.ipxe',
      'machines/web2/config.ign',
      'machines/web2/config.img',
      'pxelinux.cfg/01-52-54-00-aa-00-02',
    ]);
    expect(existsSync(join(dir, 'machines/web1/config.img'))).toBe(true);
    expect(existsSync(join(dir, 'rootfs.img'))).toBe(true);
  });

  it('refuses a manifest whose kargs do not suit network boot before writing anything', async () => {
    const dir = newSite('refused');
    writeFileSync(tmp.join('bad.csv'), 'name,mac,kargs\nn1,52:54:00:00:00:01,ignition.platform.id=qemu\n');
    const r = await runFlint(['pxe', 'export', '--dir', dir, ...boot, '--fleet', tmp.join('bad.csv')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/line 2 \(row 1, kargs\)/);
    expect(readdirSync(dir).sort()).toEqual(['initramfs.img', 'rootfs.img', 'vmlinuz']);
  });

  it('matchbox: profiles, groups by MAC, ignition and assets in the shapes of matchbox examples', async () => {
    const dir = newSite('matchbox');
    const r = await runFlint([
      'pxe',
      'export',
      '--dir',
      dir,
      ...boot,
      '--format',
      'matchbox',
      '--base-url',
      'http://matchbox.example:8080',
      '--ignition',
      LIVE_IGN,
      '--fleet',
      tmp.join('fleet.csv'),
    ]);
    expect(r.stderr).not.toMatch(/^Error/m);
    expect(r.code).toBe(0);
    const ajv = new Ajv({ allErrors: true });
    const profileOk = ajv.compile(PROFILE_SCHEMA);
    const groupOk = ajv.compile(GROUP_SCHEMA);
    const read = <T = Record<string, unknown>>(rel: string) => JSON.parse(readFileSync(join(dir, rel), 'utf8')) as T;
    const profiles = readdirSync(join(dir, 'profiles')).sort();
    const groups = readdirSync(join(dir, 'groups')).sort();
    expect(profiles).toEqual(['flint-default.json', 'web1.json', 'web2.json']);
    expect(groups).toEqual(['default.json', 'web1.json', 'web2.json']);
    for (const f of profiles) {
      const p = read<{ id: string; boot: { kernel: string; initrd: string[] }; ignition_id?: string }>(`profiles/${f}`);
      expect(profileOk(p), `${f}: ${ajv.errorsText(profileOk.errors)}`).toBe(true);
      expect(`${p.id}.json`).toBe(f);
      // every file a profile names is in the data directory
      expect(existsSync(join(dir, p.boot.kernel))).toBe(true);
      for (const i of p.boot.initrd) expect(existsSync(join(dir, i.split(' ')[2]!)), i).toBe(true);
      expect(existsSync(join(dir, 'ignition', p.ignition_id!))).toBe(true);
    }
    for (const f of groups) {
      const g = read<{ profile: string; selector: { mac?: string } }>(`groups/${f}`);
      expect(groupOk(g), `${f}: ${ajv.errorsText(groupOk.errors)}`).toBe(true);
      expect(profiles).toContain(`${g.profile}.json`);
    }
    expect(read('groups/web1.json')).toMatchObject({ profile: 'web1', selector: { mac: '52:54:00:aa:00:01' } });
    expect(read('groups/default.json')).toMatchObject({ profile: 'flint-default', selector: {} });
    const web1 = read<{ boot: { args: string[]; initrd: string[] } }>('profiles/web1.json');
    expect(web1.boot.args).toEqual(
      expect.arrayContaining([
        'initrd=main',
        'coreos.live.rootfs_url=http://matchbox.example:8080/assets/fedora-coreos/rootfs.img',
        'ignition.config.url=http://matchbox.example:8080/ignition?uuid=${uuid}&mac=${mac:hexhyp}',
        'flint.n=1',
      ]),
    );
    // the static IP keyfile travels as an initrd of its own under assets/
    expect(web1.boot.initrd).toContain('--name network /assets/flint/web1/network.img');
    expect(readFileSync(join(dir, 'ignition/web1.ign'), 'utf8')).toContain('"version"');
  });

  it.skipIf(skipReason({ tools: ['dnsmasq', 'nginx'], files: ['/usr/lib/ipxe/ipxe.efi', '/usr/lib/ipxe/undionly.kpxe'] }))(
    'dnsmasq (DHCP and proxy-DHCP) and nginx accept the configurations',
    async () => {
      for (const [mode, range] of [
        ['dhcp', '10.1.0.100,10.1.0.200,12h'],
        ['proxy', '10.1.0.0'],
      ] as const) {
        const dir = newSite(`servers-${mode}`);
        const r = await runFlint([
          'pxe',
          'export',
          '--dir',
          dir,
          ...boot,
          '--format',
          'ipxe',
          '--base-url',
          'http://10.1.0.1:8080/',
          '--dnsmasq',
          mode,
          '--dhcp-range',
          range,
          '--nginx',
        ]);
        expect(r.stderr).not.toMatch(/^Error/m);
        expect(r.code).toBe(0);
        const conf = readFileSync(join(dir, 'dnsmasq.conf'), 'utf8');
        expect(conf).toContain(`tftp-root=${dir}`);
        expect(conf).toContain(mode === 'proxy' ? 'dhcp-range=10.1.0.0,proxy' : 'dhcp-range=10.1.0.100,10.1.0.200,12h');
        expect(conf).toContain('http://10.1.0.1:8080/boot.ipxe');
        expect(existsSync(join(dir, 'ipxe.efi')) && existsSync(join(dir, 'undionly.kpxe'))).toBe(true);
        expect(execFileSync('dnsmasq', ['--test', `--conf-file=${join(dir, 'dnsmasq.conf')}`], { encoding: 'utf8', stdio: 'pipe' })).toBe(
          '',
        );
        const main = join(dir, 'main.conf');
        writeFileSync(
          main,
          `pid ${join(dir, 'nginx.pid')};\nerror_log stderr;\nevents {}\nhttp {\n  include ${join(dir, 'nginx.conf')};\n}\n`,
        );
        execFileSync('nginx', ['-t', '-q', '-p', dir, '-c', main], { stdio: 'pipe' });
      }
    },
  );

  it('refuses server options that would break the configurations', async () => {
    const dir = newSite('bad-servers');
    const range = await runFlint([
      'pxe',
      'export',
      '--dir',
      dir,
      ...boot,
      '--rootfs-initrd',
      '--dnsmasq',
      'dhcp',
      '--dhcp-range',
      '10.1.0.100',
    ]);
    expect(range.code).not.toBe(0);
    expect(range.stderr).toContain('is not an address range');
    const mode = await runFlint(['pxe', 'export', '--dir', dir, ...boot, '--dnsmasq', 'relay', '--dhcp-range', '10.1.0.0']);
    expect(mode.stderr).toContain("--dnsmasq takes dhcp or proxy, not 'relay'");
    const matchbox = await runFlint(['pxe', 'export', '--dir', dir, ...boot, '--format', 'matchbox,ipxe', '--base-url', 'http://m:8080']);
    expect(matchbox.stderr).toContain('matchbox renders the iPXE entries itself');
    expect(readdirSync(dir).sort()).toEqual(['initramfs.img', 'rootfs.img', 'vmlinuz']);
  });
});
