/**
 * Ignition's semantic findings (electron/core/ignition/semantics*.ts) are worded by the renderer
 * from the code and parameters the core emits, like the findings of config-issues.test.ts: each
 * config below makes the real validator produce one finding, whose sentence must name its values
 * in every language; the core's English sentence is only the fallback.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigIssue } from '../../../electron/core/ignition/types';
import { configIssueText } from '../../../renderer/src/config-words';
import { applyLanguage, LANGUAGES } from '../../../renderer/src/i18n';
import { expectWordedEverywhere, findings } from '../../helpers/config-words';

const v = (version: string, rest: object = {}) => ({ ignition: { version }, ...rest });
const files = (...f: object[]) => v('3.4.0', { storage: { files: f } });
const source = (src: string, more: object = {}) => files({ path: '/etc/a', contents: { source: src, ...more } });
const disk = (...partitions: object[]) => v('3.4.0', { storage: { disks: [{ device: '/dev/disk/by-id/x', partitions }] } });
const luks = (l: object) => v('3.4.0', { storage: { luks: [{ name: 'data', device: '/dev/disk/by-partlabel/x', ...l }] } });
const tang = (t: object) => luks({ clevis: { tang: [t] } });
const fs = (f: object) => v('3.4.0', { storage: { filesystems: [{ device: '/dev/disk/by-partlabel/x', ...f }] } });
const SHA512 = 'sha512-' + '0'.repeat(128);

/**
 * Configs that trigger semantic findings: `params` picks the finding among those of its code (a
 * `reason`, a `what`), `names` are values its sentence must contain in every language.
 */
const CASES: { what: string; config: unknown; code: string; params?: Record<string, string | number>; names: string[] }[] = [
  {
    what: 'a relative file path',
    config: files({ path: 'etc/motd' }),
    code: 'PATH_NOT_ABSOLUTE',
    params: { what: 'path' },
    names: ['etc/motd'],
  },
  {
    what: 'a relative disk device',
    config: v('3.4.0', { storage: { disks: [{ device: 'sdb' }] } }),
    code: 'PATH_NOT_ABSOLUTE',
    params: { what: 'device' },
    names: ['"sdb"', '/dev/disk/by-id/'],
  },
  { what: 'a path with //', config: files({ path: '/etc//motd' }), code: 'PATH_NOT_SIMPLIFIED', names: ['/etc//motd'] },
  {
    what: 'a file under a link of the config',
    config: v('3.4.0', { storage: { links: [{ path: '/opt/app', target: '/var/app' }], files: [{ path: '/opt/app/conf' }] } }),
    code: 'PATH_THROUGH_LINK',
    names: ['/opt/app/conf', '/opt/app,'],
  },
  {
    what: 'a URL Go cannot parse',
    config: source('http://host:port/x'),
    code: 'URL_INVALID',
    params: { reason: 'parse' },
    names: ['http://host:port/x', '":port"'],
  },
  {
    what: 'a proxy URL Go cannot parse',
    config: v('3.4.0', { ignition: { version: '3.4.0', proxy: { httpProxy: 'http://proxy:port' } } }),
    code: 'URL_INVALID',
    params: { reason: 'parse' },
    names: ['http://proxy:port'],
  },
  {
    what: 'a URL with a space',
    config: source('https://example.com/a b'),
    code: 'URL_INVALID',
    params: { reason: 'unescaped' },
    names: ['https://example.com/a b'],
  },
  {
    what: 'an ftp source',
    config: source('ftp://example.com/x'),
    code: 'URL_SCHEME',
    params: { reason: 'unsupported' },
    names: ['ftp://example.com/x', 'http, https, tftp, s3, data, gs, arn'],
  },
  {
    what: 'an ftp Tang server',
    config: tang({ url: 'ftp://tang.example', thumbprint: 'abc' }),
    code: 'URL_SCHEME',
    params: { reason: 'tang' },
    names: ['ftp://tang.example', 'https://'],
  },
  {
    what: 'a data URL without comma',
    config: source('data:text/plain'),
    code: 'DATA_URL_INVALID',
    params: { reason: 'no-comma' },
    names: ['data:', '","'],
  },
  {
    what: 'a data URL media type without /',
    config: source('data:texty;base64,aGk='),
    code: 'DATA_URL_INVALID',
    params: { reason: 'media-type' },
    names: ['"texty"'],
  },
  { what: 'a broken %-escape', config: source('data:,abc%zz'), code: 'DATA_URL_INVALID', params: { reason: 'escape' }, names: [' 9 '] },
  { what: 'an unescaped space', config: source('data:,a b'), code: 'DATA_URL_INVALID', params: { reason: 'character' }, names: ['" "'] },
  {
    what: 'base64 that is not',
    config: source('data:;base64,@@@'),
    code: 'DATA_URL_INVALID',
    params: { reason: 'not-base64' },
    names: ['base64'],
  },
  {
    what: 'HTTP headers on a data URL',
    config: source('data:,x', { httpHeaders: [{ name: 'A', value: 'b' }] }),
    code: 'HTTP_HEADERS_SCHEME',
    names: ['HTTP', 'http://', 'https://'],
  },
  {
    what: 'a hash without source',
    config: files({ path: '/etc/a', contents: { verification: { hash: SHA512 } } }),
    code: 'VERIFICATION_NO_SOURCE',
    names: [],
  },
  { what: 'xz compression', config: source('data:,x', { compression: 'xz' }), code: 'COMPRESSION', names: ['"xz"', '"gzip"'] },
  {
    what: 'an md5 hash (spec 3.4.0)',
    config: source('https://example.com/x', { verification: { hash: 'md5-abc' } }),
    code: 'HASH_FUNCTION',
    params: { sha256: 1 },
    names: ['"md5"', 'sha512-<hex>', 'sha256-<hex>'],
  },
  {
    what: 'a sha256 hash (spec 3.0.0)',
    config: v('3.0.0', {
      storage: {
        files: [{ path: '/etc/a', contents: { source: 'https://example.com/x', verification: { hash: 'sha256-' + '0'.repeat(64) } } }],
      },
    }),
    code: 'HASH_FUNCTION',
    params: { sha256: 0 },
    names: ['"sha256"', 'sha512-<hex>'],
  },
  {
    what: 'a short sha512 hash',
    config: source('https://example.com/x', { verification: { hash: 'sha512-abc' } }),
    code: 'HASH_SIZE',
    names: ['sha512', '128'],
  },
  {
    what: 'a sha256 hash that is not hex',
    config: source('https://example.com/x', { verification: { hash: 'sha256-' + 'z'.repeat(64) } }),
    code: 'HASH_NOT_HEX',
    names: ['sha256'],
  },
  {
    what: 'two files with one path',
    config: files({ path: '/etc/a' }, { path: '/etc/a' }),
    code: 'DUPLICATE',
    params: { reason: 'entry', what: 'path' },
    names: ['"/etc/a"', '$.storage.files[0]'],
  },
  {
    what: 'two units with one name',
    config: v('3.4.0', { systemd: { units: [{ name: 'a.service' }, { name: 'a.service' }] } }),
    code: 'DUPLICATE',
    params: { reason: 'entry', what: 'unit' },
    names: ['"a.service"', '$.systemd.units[0]'],
  },
  {
    what: 'a group listed twice for a user',
    config: v('3.4.0', { passwd: { users: [{ name: 'core', groups: ['wheel', 'wheel'] }] } }),
    code: 'DUPLICATE',
    params: { reason: 'list' },
    names: ['"wheel"'],
  },
  {
    what: 'a kernel argument listed twice',
    config: v('3.4.0', { kernelArguments: { shouldExist: ['quiet', 'quiet'] } }),
    code: 'DUPLICATE',
    params: { reason: 'kernel-argument' },
    names: ['"quiet"', '$.kernelArguments.shouldExist[0]'],
  },
  {
    what: 'a kernel argument required and forbidden',
    config: v('3.4.0', { kernelArguments: { shouldExist: ['quiet'], shouldNotExist: ['quiet'] } }),
    code: 'DUPLICATE',
    params: { reason: 'kernel-argument-conflict' },
    names: ['"quiet"'],
  },
  { what: 'mode 99999', config: files({ path: '/etc/a', mode: 99999 }), code: 'MODE_INVALID', names: ['99999', '0644', '420'] },
  {
    what: 'a setuid mode before spec 3.4.0',
    config: v('3.3.0', { storage: { files: [{ path: '/etc/a', mode: 0o4755 }] } }),
    code: 'MODE_SPECIAL_BITS',
    names: ['setuid', '3.4.0'],
  },
  {
    what: 'overwrite without source',
    config: files({ path: '/etc/a', overwrite: true }),
    code: 'OVERWRITE_NO_SOURCE',
    names: ['overwrite', 'contents.source'],
  },
  { what: 'a link without target', config: v('3.4.0', { storage: { links: [{ path: '/etc/l' }] } }), code: 'LINK_TARGET', names: [] },
  {
    what: 'a unit without extension',
    config: v('3.4.0', { systemd: { units: [{ name: 'myapp.serv' }] } }),
    code: 'UNIT_NAME',
    names: ['"myapp.serv"', '.service'],
  },
  {
    what: 'a drop-in not ending in .conf',
    config: v('3.4.0', { systemd: { units: [{ name: 'a.service', dropins: [{ name: 'x.txt' }] }] } }),
    code: 'DROPIN_NAME',
    names: ['.conf'],
  },
  {
    what: 'an ntfs filesystem',
    config: fs({ format: 'ntfs' }),
    code: 'FS_FORMAT',
    params: { reason: 'unsupported' },
    names: ['"ntfs"', 'xfs, ext4, btrfs, vfat, swap, none'],
  },
  {
    what: 'a filesystem without format',
    config: fs({ path: '/var/data', label: 'data' }),
    code: 'FS_FORMAT',
    params: { reason: 'missing' },
    names: ['path, label', 'xfs, ext4'],
  },
  {
    what: 'a long xfs label',
    config: fs({ format: 'xfs', label: 'averyverylonglabel' }),
    code: 'FS_LABEL',
    names: ['xfs', '12', '"averyverylonglabel"', '18'],
  },
  { what: 'a malformed GUID', config: disk({ label: 'a', guid: 'not-a-guid' }), code: 'GUID_INVALID', names: ['"not-a-guid"'] },
  { what: 'a 37-character partition label', config: disk({ label: 'x'.repeat(37) }), code: 'PARTITION_LABEL', names: ['36'] },
  {
    what: 'a partition with neither number nor label',
    config: disk({ sizeMiB: 10 }),
    code: 'PARTITION_UNMATCHABLE',
    names: ['>= 1', 'label'],
  },
  {
    what: 'a deleted partition next to an unnumbered one',
    config: disk({ number: 1, shouldExist: false }, { label: 'b' }),
    code: 'PARTITION_SHOULD_EXIST',
    params: { reason: 'unnumbered-sibling' },
    names: ['shouldExist false'],
  },
  {
    what: 'a deleted partition with a label',
    config: disk({ number: 1, shouldExist: false, label: 'x' }),
    code: 'PARTITION_SHOULD_EXIST',
    params: { reason: 'number-only', remove: 'label' },
    names: ['shouldExist false', 'label)'],
  },
  {
    what: 'a deleted partition without a number',
    config: disk({ shouldExist: false }),
    code: 'PARTITION_SHOULD_EXIST',
    params: { reason: 'number-only' },
    names: ['shouldExist false'],
  },
  {
    what: 'a RAID level 7',
    config: v('3.4.0', { storage: { raid: [{ name: 'md0', level: 'raid7', devices: ['/dev/disk/by-id/a', '/dev/disk/by-id/b'] }] } }),
    code: 'RAID_LEVEL',
    names: ['"raid7"', 'raid1'],
  },
  { what: 'a LUKS name with /', config: luks({ name: 'a/b' }), code: 'LUKS_NAME', names: ['"a/b"', '"/"'] },
  {
    what: 'a LUKS volume without device',
    config: v('3.4.0', { storage: { luks: [{ name: 'data' }] } }),
    code: 'LUKS_DEVICE',
    names: ['LUKS', '(device)'],
  },
  {
    what: 'a custom Clevis pin with tpm2',
    config: luks({ clevis: { custom: { pin: 'sss', config: '{}' }, tpm2: true } }),
    code: 'CLEVIS_CUSTOM',
    names: ['Clevis', 'tpm2'],
  },
  {
    what: 'a Tang server without thumbprint',
    config: tang({ url: 'https://tang.example' }),
    code: 'TANG_THUMBPRINT',
    names: ['Tang', 'thumbprint'],
  },
  {
    what: 'a Tang advertisement that is not JSON',
    config: tang({ url: 'https://tang.example', thumbprint: 'abc', advertisement: '{nope' }),
    code: 'TANG_ADVERTISEMENT',
    names: ['Tang', 'JSON'],
  },
  {
    what: 'a socks proxy',
    config: v('3.4.0', { ignition: { version: '3.4.0', proxy: { httpProxy: 'socks5://proxy.example:1080' } } }),
    code: 'PROXY_SCHEME',
    names: ['"socks5://proxy.example:1080"', 'https://'],
  },
  {
    what: 'a plain-http HTTPS proxy',
    config: v('3.4.0', { ignition: { version: '3.4.0', proxy: { httpsProxy: 'http://proxy.example:3128' } } }),
    code: 'PROXY_INSECURE',
    names: ['http://', 'HTTPS'],
  },
];

const fits = (issue: ConfigIssue, want: Record<string, string | number> = {}) =>
  Object.entries(want).every(([k, x]) => issue.params?.[k] === x);

afterEach(async () => {
  await applyLanguage('en');
});

describe('semantic config findings in the app language', () => {
  for (const c of CASES) {
    const label = c.params ? `${c.code} (${Object.values(c.params).join(', ')})` : c.code;
    it(`${c.what}: ${label} carries parameters and is worded in every language`, async () => {
      const all = await findings(c.config);
      const issue = all.find((i) => i.code === c.code && fits(i, c.params));
      expect(issue, `${label} among ${all.map((i) => i.code).join(', ')}`).toBeDefined();
      expect(issue!.params).toBeDefined();
      await expectWordedEverywhere(issue!, c.names);
    });
  }

  it('covers every code the semantic rules raise', () => {
    const raised = new Set<string>();
    for (const f of ['semantics.ts', 'semantics-storage.ts', 'semantics-network.ts']) {
      const src = readFileSync(new URL(`../../../electron/core/ignition/${f}`, import.meta.url), 'utf8');
      for (const m of src.matchAll(/code: '([A-Z0-9_]+)'/g)) raised.add(m[1]!);
    }
    expect(raised.size).toBeGreaterThan(30);
    expect([...raised].filter((code) => !CASES.some((c) => c.code === code))).toEqual([]);
  });

  it("words each rule of Go's URL parser a source can break", async () => {
    const samples: [string, string, string?][] = [
      ['http://a/\u0001', 'control-character'],
      [':foo', 'missing-scheme'],
      ['1a:b', 'colon-in-first-segment'],
      ['http://a/%zz', 'escape', '"%zz"'],
      ['http://a b/', 'host-character', '" "'],
      ['http://[::1/x', 'host-bracket'],
      ['http://host:port/x', 'port', '":port"'],
      ['http://a b@host/', 'userinfo'],
    ];
    for (const [src, problem, value] of samples) {
      const issue = (await findings(source(src))).find((i) => i.code === 'URL_INVALID');
      expect(issue?.params, src).toMatchObject({ reason: 'parse', problem, ...(value ? { value } : {}) });
      const texts = new Set<string>();
      for (const { id } of LANGUAGES) {
        await applyLanguage(id);
        const text = configIssueText(issue!);
        expect(text, `${src} ${id}`).not.toMatch(/\{\{|\}\}/);
        if (value) expect(text, `${src} ${id}`).toContain(value);
        if (id !== 'en') expect(text, `${src} ${id}`).not.toContain(String(issue!.params!.detail));
        texts.add(text);
      }
      expect(texts.size, src).toBe(LANGUAGES.length);
    }
  });

  it('words a DUPLICATE of every kind of entry', async () => {
    const twice = <T>(x: T): T[] => [x, x];
    const dev = '/dev/disk/by-id/a';
    const kinds: [string, unknown][] = [
      [
        'http-header',
        source('https://example.com/x', {
          httpHeaders: [
            { name: 'A', value: '1' },
            { name: 'A', value: '2' },
          ],
        }),
      ],
      ['path', files({ path: '/etc/a' }, { path: '/etc/a' })],
      ['disk', v('3.4.0', { storage: { disks: twice({ device: dev }) } })],
      ['partition-label', disk({ label: 'a' }, { label: 'a' })],
      ['partition-number', disk({ number: 1 }, { number: 1 })],
      ['raid', v('3.4.0', { storage: { raid: twice({ name: 'md0', level: 'raid1', devices: [dev, '/dev/disk/by-id/b'] }) } })],
      ['luks', v('3.4.0', { storage: { luks: twice({ name: 'data', device: dev }) } })],
      ['filesystem', v('3.4.0', { storage: { filesystems: twice({ device: dev, format: 'xfs' }) } })],
      ['unit', v('3.4.0', { systemd: { units: twice({ name: 'a.service' }) } })],
      ['dropin', v('3.4.0', { systemd: { units: [{ name: 'a.service', dropins: twice({ name: 'x.conf' }) }] } })],
      ['user', v('3.4.0', { passwd: { users: twice({ name: 'core' }) } })],
      ['group', v('3.4.0', { passwd: { groups: twice({ name: 'admins' }) } })],
    ];
    for (const [what, config] of kinds) {
      const all = await findings(config);
      const issue = all.find((i) => i.code === 'DUPLICATE' && i.params?.what === what);
      expect(issue, `${what} among ${all.map((i) => i.code).join(', ')}`).toBeDefined();
      for (const { id } of LANGUAGES) {
        await applyLanguage(id);
        const text = configIssueText(issue!);
        expect(text, `${what} ${id}`).not.toBe(issue!.message);
        expect(text, `${what} ${id}`).toContain(`"${String(issue!.params!.value)}"`);
      }
    }
  });

  it('a DUPLICATE names the kind of entry in the language in use', async () => {
    const issue = (await findings(files({ path: '/etc/a' }, { path: '/etc/a' }))).find((i) => i.code === 'DUPLICATE')!;
    const kinds: Record<string, string> = { en: 'Duplicate path "', de: '(Pfad)', es: '(ruta)', fr: '(chemin)' };
    for (const { id } of LANGUAGES) {
      await applyLanguage(id);
      expect(configIssueText(issue), id).toContain(kinds[id]);
    }
  });

  it('an unknown reason or kind, or a missing parameter, keeps the core sentence', async () => {
    await applyLanguage('fr');
    const core = (code: string, params: Record<string, string | number>) => configIssueText({ code, message: 'CORE-FALLBACK', params });
    expect(core('DATA_URL_INVALID', { reason: 'something-new' })).toBe('CORE-FALLBACK');
    expect(core('DUPLICATE', { reason: 'entry', what: 'printer', value: 'x', first: '$.a' })).toBe('CORE-FALLBACK');
    expect(core('DUPLICATE', { reason: 'kernel-argument', value: 'quiet' })).toBe('CORE-FALLBACK');
    expect(core('FS_LABEL', { format: 'xfs', max: '12', label: 'x', length: 13 })).toBe('CORE-FALLBACK');
    expect(core('URL_SCHEME', { url: 'ftp://x' })).toBe('CORE-FALLBACK');
    expect(configIssueText({ code: 'PATH_NOT_SIMPLIFIED', message: 'CORE-FALLBACK' })).toBe('CORE-FALLBACK');
  });
});
