import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { validateIgnition } from '../../../electron/core/ignition/validate';
import { skipReason } from '../../helpers/requirements';
import { useTempDir } from '../../helpers/lifecycle';
import { ignitionValidate } from '../../helpers/ignition-validate';

/**
 * Debian's `ignition-validate` (Ignition 2.14: stable specs 3.0.0 to 3.3.0; it knows 3.4.0 only as
 * "3.4.0-experimental" and rejects "3.4.0", so 3.4.0 rows are checked against the 3.3.0 rules
 * by relabelling the version for the oracle only) is the oracle: it exits 0 for a
 * valid config (printing warnings) and 1 with "error at $.path ..." lines for an invalid one.
 * Flint must reach the same verdict on each config of this table.
 */
const oracle = ignitionValidate;

const v = (version: string, rest: object = {}): object => ({ ignition: { version }, ...rest });
const file = (f: object): object => ({ storage: { files: [f] } });

export const TABLE: { name: string; config: object | string; ok: boolean; otherEntry?: boolean }[] = [
  { name: 'empty 3.0.0', config: v('3.0.0'), ok: true },
  { name: 'empty 3.4.0', config: v('3.4.0'), ok: true },
  { name: 'invalid JSON', config: '{"ignition": {"version": "3.3.0"}', ok: false },
  { name: 'spec 2.2.0', config: v('2.2.0'), ok: false },
  { name: 'unknown version 3.9.0', config: v('3.9.0'), ok: false },
  {
    name: 'users + ssh keys 3.1.0',
    config: v('3.1.0', { passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['ssh-ed25519 AAAA test'], groups: ['wheel'] }] } }),
    ok: true,
  },
  {
    name: 'file with data URL 3.2.0',
    config: v('3.2.0', file({ path: '/etc/motd', mode: 420, overwrite: true, contents: { source: 'data:,hello%20world%0A' } })),
    ok: true,
  },
  { name: 'mode as string', config: v('3.3.0', file({ path: '/etc/motd', mode: '0644' })), ok: false },
  { name: 'relative path', config: v('3.3.0', file({ path: 'etc/motd' })), ok: false },
  { name: 'unsimplified path', config: v('3.3.0', file({ path: '/etc/../motd' })), ok: false },
  { name: 'duplicate file path', config: v('3.3.0', { storage: { files: [{ path: '/etc/a' }, { path: '/etc/a' }] } }), ok: false },
  {
    name: 'file and tmp.path share a path',
    config: v('3.3.0', { storage: { files: [{ path: '/etc/a' }], directories: [{ path: '/etc/a' }] } }),
    ok: false,
    otherEntry: true,
  },
  { name: 'ftp source', config: v('3.3.0', file({ path: '/etc/a', contents: { source: 'ftp://example.com/a' } })), ok: false },
  { name: 'unescaped data URL', config: v('3.3.0', file({ path: '/etc/a', contents: { source: 'data:,a b' } })), ok: false },
  {
    name: 'short sha512',
    config: v('3.3.0', file({ path: '/etc/a', contents: { source: 'https://example.com/a', verification: { hash: 'sha512-abcd' } } })),
    ok: false,
  },
  {
    name: 'sha256 in 3.0.0',
    config: v(
      '3.0.0',
      file({ path: '/etc/a', contents: { source: 'https://example.com/a', verification: { hash: 'sha256-' + 'a'.repeat(64) } } }),
    ),
    ok: false,
  },
  {
    name: 'sha256 in 3.1.0',
    config: v(
      '3.1.0',
      file({ path: '/etc/a', contents: { source: 'https://example.com/a', verification: { hash: 'sha256-' + 'a'.repeat(64) } } }),
    ),
    ok: true,
  },
  { name: 'xz compression', config: v('3.3.0', file({ path: '/etc/a', contents: { source: 'data:,a', compression: 'xz' } })), ok: false },
  { name: 'overwrite without source', config: v('3.3.0', file({ path: '/etc/a', overwrite: true })), ok: false },
  { name: 'zfs format', config: v('3.3.0', { storage: { filesystems: [{ device: '/dev/sdb', format: 'zfs' }] } }), ok: false },
  { name: 'format none in 3.2.0', config: v('3.2.0', { storage: { filesystems: [{ device: '/dev/sdb', format: 'none' }] } }), ok: false },
  {
    name: 'live /var (docs example) 3.4.0',
    config: v('3.4.0', {
      storage: {
        disks: [{ device: '/dev/sda', wipeTable: true, partitions: [{ label: 'var' }] }],
        filesystems: [{ device: '/dev/disk/by-partlabel/var', format: 'xfs', path: '/var', label: 'var', wipeFilesystem: false }],
      },
    }),
    ok: true,
  },
  {
    name: 'duplicate partition label',
    config: v('3.3.0', {
      storage: {
        disks: [
          {
            device: '/dev/sda',
            partitions: [
              { label: 'a', number: 1 },
              { label: 'a', number: 2 },
            ],
          },
        ],
      },
    }),
    ok: false,
  },
  { name: 'unit without extension', config: v('3.3.0', { systemd: { units: [{ name: 'foo', enabled: true }] } }), ok: false },
  {
    name: 'drop-in without .conf',
    config: v('3.3.0', { systemd: { units: [{ name: 'a.service', dropins: [{ name: 'x' }] }] } }),
    ok: false,
  },
  {
    name: 'luks with key file 3.2.0',
    config: v('3.2.0', { storage: { luks: [{ name: 'data', device: '/dev/disk/by-partlabel/data', keyFile: { source: 'data:,k' } }] } }),
    ok: true,
  },
  {
    name: 'kernel argument both ways 3.3.0',
    config: v('3.3.0', { kernelArguments: { shouldExist: ['a'], shouldNotExist: ['a'] } }),
    ok: false,
  },
  { name: 'link without target', config: v('3.3.0', { storage: { links: [{ path: '/etc/l' }] } }), ok: false },
  { name: 'unknown key (warning only)', config: v('3.3.0', { bogus: 1 }), ok: true },
  {
    name: 'unknown RAID level',
    config: v('3.3.0', { storage: { raid: [{ name: 'md', level: 'foo', devices: ['/dev/a', '/dev/b'] }] } }),
    ok: false,
  },
  {
    name: 'bad partition type GUID',
    config: v('3.3.0', { storage: { disks: [{ device: '/dev/sda', partitions: [{ label: 'a', typeGuid: 'xyz' }] }] } }),
    ok: false,
  },
  {
    name: 'shouldExist false with a label',
    config: v('3.3.0', { storage: { disks: [{ device: '/dev/sda', partitions: [{ number: 1, shouldExist: false, label: 'x' }] }] } }),
    ok: false,
  },
  { name: 'relative disk device', config: v('3.3.0', { storage: { disks: [{ device: 'sda' }] } }), ok: false },
  {
    name: 'filesystem path without format',
    config: v('3.3.0', { storage: { filesystems: [{ device: '/dev/sdb', path: '/x' }] } }),
    ok: false,
  },
  { name: 'LUKS name with a slash', config: v('3.3.0', { storage: { luks: [{ name: 'a/b', device: '/dev/sdb' }] } }), ok: false },
  { name: 'duplicate SSH key', config: v('3.3.0', { passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['a', 'a'] }] } }), ok: false },
  {
    name: 'HTTP headers on a data URL',
    config: v('3.3.0', file({ path: '/x', contents: { source: 'data:,a', httpHeaders: [{ name: 'A', value: 'b' }] } })),
    ok: false,
  },
  {
    name: 'HTTP headers on https',
    config: v('3.3.0', file({ path: '/x', contents: { source: 'https://e/x', httpHeaders: [{ name: 'A', value: 'b' }] } })),
    ok: true,
  },
  {
    name: 'hash without source',
    config: v('3.3.0', file({ path: '/x', contents: { verification: { hash: 'sha512-' + 'a'.repeat(128) } } })),
    ok: false,
  },
  {
    name: 'xfs label of 13 characters',
    config: v('3.3.0', { storage: { filesystems: [{ device: '/dev/sdb', format: 'xfs', label: 'x'.repeat(13) }] } }),
    ok: false,
  },
  {
    name: 'ext4 label of 16 characters',
    config: v('3.3.0', { storage: { filesystems: [{ device: '/dev/sdb', format: 'ext4', label: 'x'.repeat(16) }] } }),
    ok: true,
  },
  {
    name: 'file under a link',
    config: v('3.3.0', { storage: { files: [{ path: '/etc/a/b' }], links: [{ path: '/etc/a', target: '/x' }] } }),
    ok: false,
  },
  {
    name: 'swap with a path',
    config: v('3.3.0', { storage: { filesystems: [{ device: '/dev/sdb', format: 'swap', path: '/x' }] } }),
    ok: true,
  },
  // rules added with issue 14 (Flint accepted these; Ignition refuses them)
  { name: 'UTF-8 byte-order mark', config: '\uFEFF{"ignition":{"version":"3.3.0"}}', ok: false },
  { name: 'LUKS without device', config: v('3.3.0', { storage: { luks: [{ name: 'data' }] } }), ok: false },
  {
    name: 'custom clevis with tpm2',
    config: v('3.3.0', {
      storage: { luks: [{ name: 'd', device: '/dev/sdb', clevis: { tpm2: true, custom: { pin: 'tpm2', config: '{}' } } }] },
    }),
    ok: false,
  },
  { name: 'kernel argument twice in shouldExist', config: v('3.3.0', { kernelArguments: { shouldExist: ['a', 'a'] } }), ok: false },
  { name: 'kernel argument twice in shouldNotExist', config: v('3.3.0', { kernelArguments: { shouldNotExist: ['a', 'a'] } }), ok: false },
  {
    name: 'shouldExist false beside a partition without number',
    config: v('3.3.0', {
      storage: {
        disks: [
          {
            device: '/dev/sdb',
            partitions: [
              { number: 1, shouldExist: false },
              { label: 'data', sizeMiB: 0, startMiB: 0 },
            ],
          },
        ],
      },
    }),
    ok: false,
  },
  {
    name: 'shouldExist false beside numbered partitions',
    config: v('3.3.0', {
      storage: {
        disks: [
          {
            device: '/dev/sdb',
            partitions: [
              { number: 1, shouldExist: false },
              { number: 2, label: 'data', sizeMiB: 0 },
            ],
          },
        ],
      },
    }),
    ok: true,
  },
  ...[
    'http://[::1/x',
    'http://host:port/x',
    'http://a/%zz',
    'http://a b/',
    'http://a/#%zz',
    'http://us%zzer@a/',
    'http://a%41/',
    'http://a/\u0001',
  ].map((source) => ({
    name: `source ${JSON.stringify(source)} does not parse`,
    config: v('3.3.0', file({ path: '/a', contents: { source } })),
    ok: false,
  })),
  {
    name: 'query escapes are not checked',
    config: v('3.3.0', file({ path: '/a', contents: { source: 'http://a/b%20c?x=%zz' } })),
    ok: true,
  },
  { name: 'proxy that does not parse', config: { ignition: { version: '3.3.0', proxy: { httpProxy: 'http://[::1' } } }, ok: false },
  { name: 'socks proxy', config: { ignition: { version: '3.3.0', proxy: { httpsProxy: 'socks5://x' } } }, ok: false },
  { name: 'proxy without scheme', config: { ignition: { version: '3.3.0', proxy: { httpProxy: 'proxy:3128' } } }, ok: false },
  { name: 'http proxy', config: { ignition: { version: '3.3.0', proxy: { httpProxy: 'http://proxy:3128', noProxy: ['a'] } } }, ok: true },
  ...[
    ['tang URL that does not parse', { url: 'http://%zz', thumbprint: 'x' }, false],
    ['tang without thumbprint', { url: 'http://t' }, false],
    ['tang over ftp', { url: 'ftp://t', thumbprint: 'x' }, false],
    ['tang server', { url: 'http://t', thumbprint: 'x' }, true],
  ].map(([name, tang, ok]) => ({
    name: name as string,
    config: v('3.3.0', { storage: { luks: [{ name: 'd', device: '/dev/sdb', clevis: { tang: [tang] } }] } }),
    ok: ok as boolean,
  })),
];

const why = skipReason({ tools: ['ignition-validate'] });

describe.skipIf(why)('Flint agrees with ignition-validate', () => {
  const tmp = useTempDir('flint-ignval-');

  it.each(TABLE.map((t, i) => [i, t.name] as const))('config %i: %s', async (i) => {
    const t = TABLE[i];
    const text = typeof t.config === 'string' ? t.config : JSON.stringify(t.config);
    const path = tmp.join(`c${i}.ign`);
    await writeFile(path, text.replace('"version":"3.4.0"', '"version":"3.4.0-experimental"'));
    const theirs = await oracle(path);
    const ours = await validateIgnition(new TextEncoder().encode(text), { capacity: 0 });
    expect(theirs.ok, `ignition-validate: ${theirs.output}`).toBe(t.ok);
    expect(ours.ok, JSON.stringify(ours.errors)).toBe(t.ok);
    if (!t.ok && !t.otherEntry && theirs.output.includes('error at $.')) {
      // both point at the same entry: Ignition writes $.a.0.b where Flint writes $.a[0].b
      const at = /error at (\$[^,]*),/.exec(theirs.output)?.[1]?.replace(/\.(\d+)/g, '[$1]');
      expect(ours.errors.map((e) => e.path).some((p) => at && (p === at || p.startsWith(at) || at.startsWith(p)))).toBe(true);
    }
  });
});
