// @vitest-environment happy-dom
// The message catalogues (renderer/src/i18n): every language has every key of English with the
// plural forms its Intl.PluralRules needs, the same {{values}} and <tags>, and nothing else; every
// key is used by the sources and every key the sources name exists; every code of the error
// catalogue (electron/contract/error-codes.ts) is worded in every language.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES, WARNING_CODES, type ErrorParams, type WarningParams } from '../../../electron/contract/error-codes';
import { formatBytes, formatDriveSize, formatNumber } from '../../../renderer/src/format';
import type { FleetProblemParams } from '../../../electron/contract/fleet-problems';
import { APP_CODES, errorText, fleetProblemText, hasWords } from '../../../renderer/src/messages';
import { applyLanguage, i18n, LANGUAGES, loadCatalogue, matchLanguage, MISSING, type Language } from '../../../renderer/src/i18n';
import { de } from '../../../renderer/src/i18n/de';
import { en } from '../../../renderer/src/i18n/en';
import { es } from '../../../renderer/src/i18n/es';
import { fr } from '../../../renderer/src/i18n/fr';

const CATALOGUES = { en, de, es, fr } as const;
import { PLURAL_SUFFIXES, type Catalogue } from '../../../renderer/src/i18n/keys';

const SRC = path.resolve(import.meta.dirname, '../../../renderer/src');

/** Every dotted key of a catalogue with its string. */
function flatten(c: Catalogue, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(c)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}

const PLURAL = new RegExp(`_(${PLURAL_SUFFIXES.join('|')})$`);
const baseOf = (key: string) => key.replace(PLURAL, '');
const EN = flatten(CATALOGUES.en as unknown as Catalogue);
/** English keys folded to their base (plural forms become one key). */
const EN_BASE = new Set([...EN.keys()].map(baseOf));
const EN_PLURAL = new Set([...EN.keys()].filter((k) => PLURAL.test(k)).map(baseOf));

/** The keys a language must have: English's, each plural key with that language's categories. */
function expectedKeys(lang: Language): Set<string> {
  const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
  const out = new Set<string>();
  for (const base of EN_BASE) {
    if (EN_PLURAL.has(base)) for (const c of categories) out.add(`${base}_${c}`);
    else out.add(base);
  }
  return out;
}

const values = (s: string) => [...s.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();
const tags = (s: string) => [...s.matchAll(/<\/?(\w+)>/g)].map((m) => m[0]).sort();

/** Every .ts/.tsx file of the renderer except the catalogues themselves. */
function sources(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return p.endsWith(`${path.sep}i18n`) ? [p + '/index.ts', p + '/use-t.ts'] : sources(p);
    return /\.tsx?$/.test(name) ? [p] : [];
  });
}
const SOURCE = sources()
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');
/** Every quoted literal of the sources that looks like a message key of a known group. */
const GROUPS = new Set([...EN_BASE].map((k) => k.split('.')[0]));
const LITERALS = new Set(
  [...SOURCE.matchAll(/['"`]([a-z][A-Za-z]*(?:\.[A-Za-z0-9_]+)+)['"`]/g)].map((m) => m[1]).filter((k) => GROUPS.has(k.split('.')[0])),
);

afterEach(() => applyLanguage('en'));

describe('message catalogues', () => {
  it('offers English, German, Spanish and French, each named in itself', async () => {
    expect(LANGUAGES.map((l) => l.id)).toEqual(['en', 'de', 'es', 'fr']);
    // the app loads the same catalogues the checks below read
    for (const { id } of LANGUAGES) expect(await loadCatalogue(id)).toBe(CATALOGUES[id]);
  });

  for (const { id } of LANGUAGES) {
    it(`${id}: has every key of English (with its plural forms) and no other`, () => {
      const have = flatten(CATALOGUES[id] as unknown as Catalogue);
      const want = expectedKeys(id);
      expect(
        [...want].filter((k) => !have.has(k)),
        'missing',
      ).toEqual([]);
      expect(
        [...have.keys()].filter((k) => !want.has(k)),
        'extra',
      ).toEqual([]);
      for (const [k, v] of have) expect(v.trim(), k).not.toBe('');
    });

    it(`${id}: every message keeps the {{values}} and <tags> of English`, () => {
      const have = flatten(CATALOGUES[id] as unknown as Catalogue);
      for (const [k, v] of have) {
        const en = EN.get(k) ?? EN.get(`${baseOf(k)}_other`)!;
        // a singular may spell the number out ("an error"); every other value must stay
        const need = values(en).filter((x) => !(x === 'count' && k.endsWith('_one')));
        expect(
          values(v).filter((x) => !(x === 'count' && k.endsWith('_one'))),
          k,
        ).toEqual(need);
        expect(tags(v), k).toEqual(tags(en));
      }
    });
  }

  it('every key is used by the sources, and every key the sources name exists', () => {
    expect(
      [...EN_BASE].filter((k) => !LITERALS.has(k)),
      'unused keys',
    ).toEqual([]);
    expect(
      [...LITERALS].filter((k) => !EN_BASE.has(k)),
      'keys English lacks',
    ).toEqual([]);
  });
});

/** Parameters for every code of the error catalogue (the type makes this list complete). */
const ERROR_SAMPLES: { [C in keyof ErrorParams]: ErrorParams[C] } = {
  WRITE_TARGET_NOT_FOUND: { device: '/dev/sdb' },
  WRITE_TARGET_TWICE: { device: '/dev/sdb' },
  WRITE_SYSTEM_DEVICE: { device: '/dev/sda', description: 'Disk', reasons: ['mounted at /'] },
  WRITE_READ_ONLY: { device: '/dev/sdb', description: 'Stick' },
  WRITE_TOO_SMALL: { device: '/dev/sdb', description: 'Stick', size: 500_000_000, needed: 800_000_000 },
  WRITE_LOOP_NOT_ALLOWED: { device: '/dev/loop3' },
  WRITE_TARGET_CHANGED: { device: '/dev/sdb', changes: ['serial'] },
  WRITE_LARGE_UNCONFIRMED: { device: '/dev/sdb', size: 4e12, limit: 256e9 },
  WRITE_DEVICE_BUSY: { device: '/dev/sdb', mountpoint: '/media/x' },
  WRITE_NOT_AUTHORIZED: {},
  WRITE_IO_ERROR: { device: '/dev/sdb', offset: 8_388_608, doing: 'writing' },
  WRITE_DEVICE_VANISHED: { device: '/dev/sdb', offset: 1_048_576 },
  WRITE_VERIFY_MISMATCH: { device: '/dev/sdb', offset: 4096 },
  WRITE_IGNITION_MISMATCH: { device: '/dev/sdb', expected: 'a', found: 'b' },
  WRITE_CANCELLED: { device: '/dev/sdb', stage: 'writing', wiped: true },
  WRITE_JOB_INVALID: { reason: 'x' },
  WRITE_HELPER_FAILED: { exitCode: 1, signal: null, lastOffset: 1_000_000 },
  WRITE_SOURCE_ERROR: { image: 'fcos.iso', offset: 2048 },
  WRITE_UNSUPPORTED_PLATFORM: { platform: 'aix' },
  CONFIG_INVALID: { file: 'bad.ign', errors: [{ code: 'X', message: 'm' }] },
  KARG_EMPTY: { arg: '' },
  KARG_CONTROL_CHAR: { arg: 'a\tb', char: 'U+0009' },
  KARG_NOT_ASCII: { arg: 'é', char: 'é' },
  KARG_BOOTLOADER_CHAR: { arg: 'a$b', char: '$' },
  KARG_UNBALANCED_QUOTE: { arg: 'a="b' },
  KARG_MANAGED: { arg: 'ignition.config.url=x', key: 'ignition.config.url', option: 'ignitionUrl' },
  KARGS_TOO_LARGE: { bytes: 3000, limit: 2048 },
  PXE_CMDLINE_TOO_LONG: { bytes: 5000, limit: 4096 },
  FLASH_NO_TARGET: {},
  FLASH_NOT_CONFIRMED: { devices: ['/dev/sdb'] },
  FLASH_BAD_SOURCE: { problem: 'both' },
  FLASH_ISO_NOT_FOUND: { path: '/x.iso' },
  FLASH_ISO_NOT_FILE: { path: '/x' },
  FLASH_INPUT_UNREADABLE: { path: '/x.ign', what: 'config' },
  FLASH_CANCELLED: {},
  FLASH_TARGET_FAILED: { failed: 1, total: 3 },
  FLASH_BUSY: {},
  FLASH_NOT_RUNNING: {},
  PXE_NO_ROOTFS_URL: {},
  WRITE_NO_ELEVATION_TOOL: { tool: 'pkexec' },
  NETWORK_UNREACHABLE: { host: 'builds.coreos.fedoraproject.org', url: 'https://builds.coreos.fedoraproject.org/' },
  PROXY_BAD_URL: { proxy: 'socks://p' },
  PROXY_UNREACHABLE: { proxy: 'http://p:3128', host: 'h' },
  PROXY_REFUSED: { proxy: 'http://p:3128', host: 'h', status: 403 },
  PROXY_AUTH_REQUIRED: { proxy: 'http://p:3128' },
  STREAM_NOT_FOUND: { stream: 'stabel', streams: ['stable', 'testing', 'next'], url: 'u', production: false, suggestion: 'stable' },
  DOWNLOAD_SIGNATURE_UNKNOWN_KEY: { artifact: 'fcos.iso', keyId: 'ABCD', url: 'u' },
  IMAGE_CHANGED: { path: '/c/fcos.iso' },
  WRITE_INTERNAL_UNCONFIRMED: { device: '/dev/sdy', description: 'WDC', name: 'WDC WD20EZRZ', typed: false },
  WRITE_ACCESS_DENIED: { device: '/dev/sdb', doing: 'opening', hint: 'macos-privacy' },
  REFRESH_NOT_LIVE: { device: '/dev/sdb' },
  REFRESH_NO_STREAM: { device: '/dev/sdb', volumeId: 'fedora-coreos-38.20230718.dev.0' },
  REFRESH_NO_ARCH: { device: '/dev/sdb' },
  RESTORE_BAD_LABEL: { label: 'A/B', filesystem: 'fat32', problem: 'character', max: 11, char: '/' },
  RESTORE_TOOL_FAILED: { device: '/dev/sdb', tool: 'mkfs.vfat', step: 'format' },
  RESTORE_NO_PARTITION: { device: '/dev/sdb', partition: '/dev/sdb1' },
  RESTORE_CHECK_FAILED: { device: '/dev/sdb', partition: '/dev/sdb1', expected: 'vfat', found: 'none' },
  STATIC_IP_INVALID: { reason: 'gateway', value: '10.0.0.1', family: 6, address: '2001:db8::5/64' },
  SSH_KEY_INVALID: { key: '-----BEGIN OPENSSH PRIVATE KEY-----' },
  HOSTNAME_INVALID: { hostname: 'bad_host!' },
  TIMEZONE_INVALID: { timezone: 'Mars/Olympus', reason: 'unknown' },
  FLEET_INVALID: {
    file: 'site.csv',
    problems: [{ line: 3, row: 2, field: 'mac', code: 'FLEET_MAC_INVALID', params: { mac: 'zz' }, message: 'x' }],
  },
  FLEET_TARGET_COUNT: { rows: 3, targets: 2 },
  FLEET_ROW_UNKNOWN: { row: 'pump-9', rows: 3 },
  FLEET_FLAG_CONFLICT: { flag: 'hostname' },
};
const WARNING_SAMPLES: { [C in keyof WarningParams]: WarningParams[C] } = {
  LARGE_DRIVE: { device: '/dev/sdb', size: 4e12, limit: 256e9 },
  EJECT_FAILED: { device: '/dev/sdb', detail: 'busy' },
  EJECT_SKIPPED: { device: '/dev/sdb', why: 'no-tool' },
  PARTITIONS_NOT_REREAD: { device: '/dev/sdb' },
  NO_CONFIG_READ_BACK: { device: '/dev/sdb' },
  KARG_ALREADY_DEFAULT: { arg: 'quiet' },
  KARG_OVERRIDES_DEFAULT: { arg: 'console=ttyS1', previous: 'console=ttyS0' },
  KARG_REPEATED: { arg: 'a=2', previous: 'a=1' },
};

describe('errors in every language', () => {
  it('the sample list covers the whole code catalogue', () => {
    expect(Object.keys(ERROR_SAMPLES).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    expect(Object.keys(WARNING_SAMPLES).sort()).toEqual(Object.keys(WARNING_CODES).sort());
  });

  for (const { id } of LANGUAGES) {
    it(`${id}: every code of the core's catalogue and the app's own codes is worded from its parameters`, async () => {
      await applyLanguage(id);
      const samples: [string, Record<string, unknown>][] = [
        ...Object.entries(ERROR_SAMPLES),
        ...Object.entries(WARNING_SAMPLES),
        ...Object.keys(APP_CODES).map((c): [string, Record<string, unknown>] => [c, { name: 'x.iso' }]),
      ];
      for (const [code, params] of samples) {
        expect(hasWords(code), code).toBe(true);
        const text = errorText({ code, message: 'CORE-FALLBACK', params });
        expect(text, code).not.toContain('CORE-FALLBACK');
        expect(text, code).not.toContain(MISSING);
        expect(text, code).not.toMatch(/\{\{|\}\}/);
        expect(text, code).not.toMatch(/--[a-z]/);
      }
    });
  }

  it('German words differ from English for every code (nothing is left untranslated)', async () => {
    const words = async (lang: Language) => {
      await applyLanguage(lang);
      return Object.entries(ERROR_SAMPLES).map(([code, params]) => errorText({ code, message: '', params }));
    };
    const english = await words('en');
    const german = await words('de');
    expect(german.filter((t, i) => t === english[i])).toEqual([]);
  });
});

/** One sample of every fleet problem, and the variants of the field-settings codes' reasons. */
const FLEET_PROBLEM_SAMPLES: { [C in keyof FleetProblemParams]: FleetProblemParams[C] } = {
  FLEET_CSV_UNCLOSED_QUOTE: { start: 4 },
  FLEET_CSV_TEXT_AFTER_QUOTE: {},
  FLEET_CSV_STRAY_QUOTE: {},
  FLEET_YAML_SYNTAX: { detail: 'Nested mappings are not allowed' },
  FLEET_YAML_SECOND_DOCUMENT: {},
  FLEET_YAML_TOP_KEY: { key: 'hosts' },
  FLEET_YAML_NOT_LIST: {},
  FLEET_YAML_NOT_MAPPING: {},
  FLEET_YAML_ALIAS: {},
  FLEET_YAML_NOT_TEXT: { key: 'dns' },
  FLEET_UNKNOWN_FIELD: { name: 'colour', known: 'name, hostname' },
  FLEET_UNKNOWN_COLUMN: { name: 'colour', known: 'name, hostname' },
  FLEET_COLUMN_TWICE: { column: 'mac' },
  FLEET_NO_NAME_COLUMN: {},
  FLEET_FIELD_COUNT: { fields: 4, columns: 3 },
  FLEET_NO_MACHINES: {},
  FLEET_TOO_MANY: { max: 4096 },
  FLEET_NAME_MISSING: {},
  FLEET_NAME_INVALID: { name: 'pump 7' },
  FLEET_GATEWAY_MISSING: { ip: '10.0.0.5/24' },
  FLEET_ADDRESS_MISSING: {},
  FLEET_MAC_INVALID: { mac: 'zz' },
  FLEET_MAC_MULTICAST: { mac: '01:00:5e:00:00:01' },
  FLEET_DUPLICATE: { value: '10.0.0.5', line: 2, name: 'pump-1' },
};
const REASON_SAMPLES: [string, Record<string, unknown>][] = [
  ...(['format', 'address', 'dns', 'interface', 'needs-address', 'needs-gateway'] as const).map(
    (reason): [string, Record<string, unknown>] => ['STATIC_IP_INVALID', { reason, value: '10.0.0.x' }],
  ),
  ['SSH_KEY_INVALID', { key: '' }],
  ['TIMEZONE_INVALID', { timezone: '../etc', reason: 'syntax' }],
];

describe('fleet and field-settings problems in every language', () => {
  const fleetWords = () =>
    Object.entries(FLEET_PROBLEM_SAMPLES).map(([code, params]) => fleetProblemText({ line: 1, code, params, message: 'CORE-FALLBACK' }));
  const reasonWords = () => REASON_SAMPLES.map(([code, params]) => errorText({ code, message: 'CORE-FALLBACK', params }));

  for (const { id } of LANGUAGES) {
    it(`${id}: every fleet problem and every reason of a field setting is worded from its parameters`, async () => {
      await applyLanguage(id);
      for (const text of [...fleetWords(), ...reasonWords()]) {
        expect(text).not.toContain('CORE-FALLBACK');
        expect(text).not.toContain(MISSING);
        expect(text).not.toMatch(/\{\{|\}\}/);
      }
      // a problem with a field's value is worded by that field's own code (here a kernel argument's)
      const karg = fleetProblemText({ line: 2, code: 'KARG_UNBALANCED_QUOTE', params: { arg: 'a="b' }, message: 'CORE-FALLBACK' });
      expect(karg).not.toContain('CORE-FALLBACK');
      expect(karg).toContain('a="b');
      // a code from elsewhere keeps the core's sentence
      expect(fleetProblemText({ line: 2, code: 'SOMETHING_NEW', message: 'CORE-FALLBACK' })).toBe('CORE-FALLBACK');
    });
  }

  it('German words differ from English for every fleet problem and reason', async () => {
    await applyLanguage('en');
    const english = [...fleetWords(), ...reasonWords()];
    await applyLanguage('de');
    const german = [...fleetWords(), ...reasonWords()];
    expect(german.filter((t, i) => t === english[i])).toEqual([]);
    await applyLanguage('en');
  });
});

describe('language choice and formats', () => {
  it('follows the preferred languages by primary subtag, English otherwise', () => {
    expect(matchLanguage(['de-AT', 'en'])).toBe('de');
    expect(matchLanguage(['pt-BR', 'fr-CA'])).toBe('fr');
    expect(matchLanguage(['es-419'])).toBe('es');
    expect(matchLanguage(['ja', 'zh-CN'])).toBe('en');
    expect(matchLanguage([])).toBe('en');
  });

  it('numbers and sizes use the language’s separators and unit names', async () => {
    const cases: [Language, string, string, string][] = [
      ['en', '8,388,608', '1.5 GiB', '67.1 MB'],
      ['de', '8.388.608', '1,5 GiB', '67,1 MB'],
      ['es', '8.388.608', '1,5 GiB', '67,1 MB'],
      ['fr', '8\u202f388\u202f608', '1,5 Gio', '67,1 Mo'],
    ];
    for (const [lang, n, bytes, drive] of cases) {
      await applyLanguage(lang);
      expect(i18n.language).toBe(lang);
      expect((globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang).toBe(lang);
      expect(formatNumber(8_388_608), lang).toBe(n);
      expect(formatBytes(1.5 * 1024 ** 3), lang).toBe(bytes);
      expect(formatDriveSize(67_108_864), lang).toBe(drive);
    }
  });

  it('plurals follow the language’s rules', async () => {
    await applyLanguage('fr');
    // French counts zero as singular
    expect(i18n.t('rail.drives', { count: 0 })).toBe('0 lecteur');
    await applyLanguage('de');
    expect(i18n.t('rail.drives', { count: 1 })).toBe('1 Laufwerk');
    expect(i18n.t('rail.drives', { count: 3 })).toBe('3 Laufwerke');
    await applyLanguage('en');
    expect(i18n.t('rail.drives', { count: 0 })).toBe('0 drives');
  });
});
