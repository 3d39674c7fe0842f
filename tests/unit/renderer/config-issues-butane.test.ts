/**
 * The Butane translation's findings (electron/core/ignition/butane) are worded by the renderer from
 * the code and parameters the core emits, like Ignition's (config-issues-semantics.test.ts): each
 * config below makes the real translation, through the config gate the app uses
 * (electron/core/flash/config-gate.ts), produce one finding, whose sentence must name its YAML line
 * and its values in every language; the core's English sentence is only the fallback.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ConfigProblem } from '../../../electron/contract/error-codes';
import { checkConfigInput } from '../../../electron/core/flash/config-gate';
import { configIssueText } from '../../../renderer/src/config-words';
import { errorDetails } from '../../../renderer/src/messages';
import { applyLanguage, LANGUAGES } from '../../../renderer/src/i18n';
import { aliasFanOut } from '../../helpers/hostile-butane';

const HDR = 'variant: fcos\nversion: 1.5.0\n';
const V = (version: string, rest: string) => `variant: fcos\nversion: ${version}\n${rest}`;

// a files directory: a file, a directory tree with a file and a link, a link out of it, a FIFO
const dir = mkdtempSync(join(tmpdir(), 'flint-butane-words-'));
const files = join(dir, 'files');
mkdirSync(join(files, 'tree'), { recursive: true });
mkdirSync(join(files, 'linktree'), { recursive: true });
mkdirSync(join(files, 'fifotree'), { recursive: true });
writeFileSync(join(files, 'a.txt'), 'a\n');
writeFileSync(join(files, 'tree', 'conf'), 'x\n');
writeFileSync(join(dir, 'outside.txt'), 'secret\n');
symlinkSync(join(dir, 'outside.txt'), join(files, 'out.txt'));
symlinkSync('/etc/target', join(files, 'linktree', 'l'));
execFileSync('mkfifo', [join(files, 'fifotree', 'pipe')]);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Case = {
  what: string;
  yaml: string;
  code: string;
  params?: Record<string, string | number>;
  names: string[];
  installed?: boolean;
  filesDir?: boolean;
};

/** Configs that trigger Butane findings: `params` picks the finding (a `reason`), `names` are values its sentence must contain in every language. */
const CASES: Case[] = [
  { what: 'a list as the config', yaml: '- a\n', code: 'BUTANE_TYPE', params: { reason: 'root' }, names: [] },
  {
    what: 'a mapping for a string',
    yaml: HDR + 'passwd:\n  users:\n    - name: { a: b }\n',
    code: 'BUTANE_TYPE',
    params: { reason: 'scalar', expected: 'string', actual: 'mapping' },
    names: [],
  },
  {
    what: 'a word for a boolean',
    yaml: HDR + 'storage:\n  files:\n    - path: /etc/a\n      overwrite: maybe\n',
    code: 'BUTANE_TYPE',
    params: { reason: 'boolean' },
    names: ['"maybe"'],
  },
  {
    what: 'a word for an integer',
    yaml: HDR + 'storage:\n  files:\n    - path: /etc/a\n      mode: abc\n',
    code: 'BUTANE_TYPE',
    params: { reason: 'integer' },
    names: ['"abc"'],
  },
  {
    what: 'a string for contents',
    yaml: HDR + 'storage:\n  files:\n    - path: /etc/a\n      contents: x\n',
    code: 'BUTANE_TYPE',
    params: { reason: 'resource' },
    names: ['source, inline'],
  },
  { what: 'a string for storage', yaml: HDR + 'storage: x\n', code: 'BUTANE_TYPE', params: { reason: 'mapping' }, names: [] },
  {
    what: 'a string for SSH keys',
    yaml: HDR + 'passwd:\n  users:\n    - name: core\n      ssh_authorized_keys: x\n',
    code: 'BUTANE_TYPE',
    params: { reason: 'strings' },
    names: [],
  },
  { what: 'a string for users', yaml: HDR + 'passwd:\n  users: x\n', code: 'BUTANE_TYPE', params: { reason: 'list' }, names: [] },
  { what: 'no variant', yaml: 'version: 1.5.0\n', code: 'BUTANE_VARIANT', params: { reason: 'missing' }, names: ['variant: fcos'] },
  {
    what: 'another variant',
    yaml: 'variant: openshift\nversion: 4.14.0\n',
    code: 'BUTANE_VARIANT',
    params: { reason: 'unsupported' },
    names: ['"openshift"', 'fcos'],
  },
  { what: 'no version', yaml: 'variant: fcos\n', code: 'BUTANE_VERSION', params: { reason: 'missing' }, names: ['1.5.0'] },
  {
    what: 'an unknown version',
    yaml: 'variant: fcos\nversion: 9.9.9\n',
    code: 'BUTANE_VERSION',
    params: { reason: 'unsupported' },
    names: ['"9.9.9"', '1.0.0, 1.1.0'],
  },
  { what: 'broken YAML', yaml: HDR + 'storage: [\n', code: 'BUTANE_YAML', names: [] },
  { what: 'two documents', yaml: HDR + '---\na: 1\n', code: 'BUTANE_MULTIPLE_DOCUMENTS', names: ['---'] },
  { what: 'a key twice', yaml: HDR + 'variant: fcos\n', code: 'BUTANE_DUPLICATE_KEY', names: ['"variant"', ' 1'] },
  { what: 'alias fan-out', yaml: aliasFanOut(2000), code: 'BUTANE_TOO_LARGE', names: ['<<'] },
  { what: 'a merge of itself', yaml: HDR + 'storage: &x\n  <<: *x\n', code: 'BUTANE_ALIAS_LOOP', names: ['<<'] },
  {
    what: 'a mount unit without format',
    yaml: HDR + 'storage:\n  filesystems:\n    - device: /dev/vdb\n      path: /var/x\n      with_mount_unit: true\n',
    code: 'BUTANE_MOUNT_UNIT',
    params: { reason: 'device-format' },
    names: ['with_mount_unit', 'device', 'format'],
  },
  {
    what: 'a mount unit outside /etc and /var',
    yaml: V(
      '1.6.0',
      'storage:\n  filesystems:\n    - device: /dev/vdb\n      format: xfs\n      path: /srv\n      with_mount_unit: true\n',
    ),
    code: 'BUTANE_MOUNT_UNIT',
    params: { reason: 'outside' },
    names: ['/srv', '1.6.0', '/etc', '/var'],
  },
  {
    what: 'a mount unit without path',
    yaml: HDR + 'storage:\n  filesystems:\n    - device: /dev/vdb\n      format: xfs\n      with_mount_unit: true\n',
    code: 'BUTANE_MOUNT_UNIT',
    params: { reason: 'no-path' },
    names: ['with_mount_unit'],
  },
  {
    what: 'a field of a later version',
    yaml: V('1.0.0', 'kernel_arguments:\n  should_exist: [quiet]\n'),
    code: 'BUTANE_FIELD_VERSION',
    params: { reason: 'field' },
    names: ['"kernel_arguments"', '1.4.0', '1.0.0'],
  },
  {
    what: 'a swap mount unit before 1.4.0',
    yaml: V('1.3.0', 'storage:\n  filesystems:\n    - device: /dev/vdb\n      format: swap\n      with_mount_unit: true\n'),
    code: 'BUTANE_FIELD_VERSION',
    params: { reason: 'swap' },
    names: ['with_mount_unit', '1.4.0', '1.3.0'],
  },
  { what: 'an unknown field', yaml: HDR + 'foo: 1\n', code: 'BUTANE_UNKNOWN_FIELD', names: ['"foo"', '1.5.0'] },
  {
    what: 'IBM Z cex',
    yaml: V('1.6.0', 'storage:\n  luks:\n    - name: a\n      device: /dev/vdb\n      cex: x\n'),
    code: 'BUTANE_UNSUPPORTED',
    params: { reason: 'field' },
    names: ['"cex"'],
  },
  {
    what: 'boot_device in a live config',
    yaml: HDR + 'boot_device:\n  mirror:\n    devices: [/dev/vda, /dev/vdb]\n',
    code: 'BUTANE_UNSUPPORTED',
    params: { reason: 'installed-only' },
    names: ['"boot_device"', '--dest-ignition'],
  },
  {
    what: 'storage.trees in a live config',
    yaml: HDR + 'storage:\n  trees:\n    - local: tree\n',
    code: 'BUTANE_UNSUPPORTED',
    params: { reason: 'trees' },
    names: ['"trees"', 'storage.files', 'contents.local'],
  },
  {
    what: 'an IBM Z boot_device layout',
    yaml: HDR + 'boot_device:\n  layout: s390x-virt\n  mirror:\n    devices: [/dev/vda, /dev/vdb]\n',
    installed: true,
    code: 'BUTANE_UNSUPPORTED',
    params: { reason: 'layout' },
    names: ['s390x-virt', 'IBM Z'],
  },
  {
    what: 'a decimal mode',
    yaml: HDR + 'storage:\n  files:\n    - path: /etc/a\n      mode: 644\n',
    code: 'BUTANE_DECIMAL_MODE',
    names: ['644', '0644'],
  },
  {
    what: 'a local file without a files directory',
    yaml: HDR + 'storage:\n  files:\n    - path: /etc/a\n      contents:\n        local: a.txt\n',
    code: 'BUTANE_NO_FILES_DIR',
    params: { reason: 'file' },
    names: ['"a.txt"', '--files-dir'],
  },
  {
    what: 'trees without a files directory',
    yaml: HDR + 'storage:\n  trees:\n    - local: tree\n',
    installed: true,
    code: 'BUTANE_NO_FILES_DIR',
    params: { reason: 'trees' },
    names: ['storage.trees', '--files-dir'],
  },
  {
    what: 'a local file outside the files directory',
    yaml: HDR + 'storage:\n  files:\n    - path: /etc/a\n      contents:\n        local: ../outside.txt\n',
    filesDir: true,
    code: 'BUTANE_LOCAL_ESCAPE',
    params: { reason: 'file' },
    names: ['"../outside.txt"'],
  },
  {
    what: 'a local file linking out',
    yaml: HDR + 'storage:\n  files:\n    - path: /etc/a\n      contents:\n        local: out.txt\n',
    filesDir: true,
    code: 'BUTANE_LOCAL_ESCAPE',
    params: { reason: 'file-link' },
    names: ['"out.txt"'],
  },
  {
    what: 'a tree outside the files directory',
    yaml: HDR + 'storage:\n  trees:\n    - local: ..\n',
    installed: true,
    filesDir: true,
    code: 'BUTANE_LOCAL_ESCAPE',
    params: { reason: 'directory' },
    names: ['".."'],
  },
  {
    what: 'a missing local file',
    yaml: HDR + 'storage:\n  files:\n    - path: /etc/a\n      contents:\n        local: missing.txt\n',
    filesDir: true,
    code: 'BUTANE_LOCAL_READ',
    params: { reason: 'file' },
    names: ['"missing.txt"', 'ENOENT'],
  },
  {
    what: 'a missing tree',
    yaml: HDR + 'storage:\n  trees:\n    - local: missing\n',
    installed: true,
    filesDir: true,
    code: 'BUTANE_LOCAL_READ',
    params: { reason: 'directory' },
    names: ['"missing"', 'ENOENT'],
  },
  {
    what: 'source and inline together',
    yaml: HDR + 'storage:\n  files:\n    - path: /etc/a\n      contents:\n        source: https://e/x\n        inline: x\n',
    code: 'BUTANE_EXCLUSIVE',
    params: { reason: 'fields' },
    names: ['source, inline'],
  },
  {
    what: 'contents and contents_local together',
    yaml: HDR + 'systemd:\n  units:\n    - name: a.service\n      contents: x\n      contents_local: a.txt\n',
    filesDir: true,
    code: 'BUTANE_EXCLUSIVE',
    params: { reason: 'json' },
    names: ['"contents_local"', 'contents'],
  },
  {
    what: 'an unknown boot_device layout',
    yaml: HDR + 'boot_device:\n  layout: sparc\n  mirror:\n    devices: [/dev/vda, /dev/vdb]\n',
    installed: true,
    code: 'BUTANE_BOOT_DEVICE',
    params: { reason: 'layout' },
    names: ['"sparc"', 'x86_64'],
  },
  {
    what: 'a mirror of one device',
    yaml: HDR + 'boot_device:\n  mirror:\n    devices: [/dev/vda]\n',
    installed: true,
    code: 'BUTANE_BOOT_DEVICE',
    params: { reason: 'mirror' },
    names: [],
  },
  {
    what: 'a GRUB user without a name',
    yaml: HDR + 'grub:\n  users:\n    - password_hash: grub.pbkdf2.sha512.x\n',
    installed: true,
    code: 'BUTANE_GRUB_USER',
    params: { reason: 'name' },
    names: ['GRUB'],
  },
  {
    what: 'a GRUB user without a hash',
    yaml: HDR + 'grub:\n  users:\n    - name: root\n',
    installed: true,
    code: 'BUTANE_GRUB_USER',
    params: { reason: 'password' },
    names: ['GRUB', 'password_hash', 'grub2-mkpasswd-pbkdf2'],
  },
  {
    what: 'a tree without local',
    yaml: HDR + 'storage:\n  trees:\n    - path: /etc\n',
    installed: true,
    filesDir: true,
    code: 'BUTANE_TREE',
    params: { reason: 'no-local' },
    names: ['local'],
  },
  {
    what: 'a tree of a file',
    yaml: HDR + 'storage:\n  trees:\n    - local: a.txt\n',
    installed: true,
    filesDir: true,
    code: 'BUTANE_TREE',
    params: { reason: 'not-directory' },
    names: ['"a.txt"'],
  },
  {
    what: 'a tree holding a FIFO',
    yaml: HDR + 'storage:\n  trees:\n    - local: fifotree\n      path: /etc/x\n',
    installed: true,
    filesDir: true,
    code: 'BUTANE_TREE',
    params: { reason: 'node-kind' },
    names: ['/etc/x/pipe'],
  },
  {
    what: 'a tree file the config fills already',
    yaml:
      HDR +
      'storage:\n  files:\n    - path: /etc/x/conf\n      contents:\n        inline: y\n  trees:\n    - local: tree\n      path: /etc/x\n',
    installed: true,
    filesDir: true,
    code: 'BUTANE_TREE',
    params: { reason: 'contents' },
    names: ['/etc/x/conf'],
  },
  {
    what: 'a tree file the config has as a directory',
    yaml: HDR + 'storage:\n  directories:\n    - path: /etc/x/conf\n  trees:\n    - local: tree\n      path: /etc/x\n',
    installed: true,
    filesDir: true,
    code: 'BUTANE_TREE',
    params: { reason: 'other-kind' },
    names: ['/etc/x/conf'],
  },
  {
    what: 'a tree link the config has with a target',
    yaml: HDR + 'storage:\n  links:\n    - path: /etc/x/l\n      target: /etc/y\n  trees:\n    - local: linktree\n      path: /etc/x\n',
    installed: true,
    filesDir: true,
    code: 'BUTANE_TREE',
    params: { reason: 'link-target' },
    names: ['/etc/x/l'],
  },
];

/** Every finding (errors and warnings) the config gate reports for `c`, as the app receives them. */
async function findings(c: Case): Promise<ConfigProblem[]> {
  const r = await checkConfigInput(
    { name: 'c.bu', data: new TextEncoder().encode(c.yaml), format: 'butane', ...(c.filesDir ? { filesDir: files } : {}) },
    { live: !c.installed, capacity: 0 },
  );
  return [...r.errors, ...r.warnings];
}

const find = async (c: Case): Promise<ConfigProblem | undefined> =>
  (await findings(c)).find((i) => i.code === c.code && Object.entries(c.params ?? {}).every(([k, v]) => i.params?.[k] === v));

afterEach(async () => {
  await applyLanguage('en');
});

describe('Butane findings in the language of the app', () => {
  it('every Butane code the translation reports has a case', () => {
    const src = ['translate', 'yaml', 'walk', 'output', 'installed', 'trees']
      .map((f) => readFileSync(join(__dirname, `../../../electron/core/ignition/butane/${f}.ts`), 'utf8'))
      .join('\n');
    const codes = new Set(src.match(/'BUTANE_[A-Z_]+'/g)!.map((c) => c.slice(1, -1)));
    expect(codes.size).toBeGreaterThan(15);
    for (const code of codes)
      expect(
        CASES.map((c) => c.code),
        code,
      ).toContain(code);
  });

  for (const c of CASES) {
    it(`words ${c.code}${c.params?.reason ? ` (${c.params.reason})` : ''}: ${c.what}`, async () => {
      const issue = await find(c);
      expect(issue, c.what).toBeDefined();
      expect(issue!.params?.line, c.what).toEqual(expect.any(Number));
      const texts = new Set<string>();
      for (const { id } of LANGUAGES) {
        await applyLanguage(id);
        const text = configIssueText(issue!);
        expect(text, `${c.what} ${id}`).not.toBe(issue!.message);
        expect(text, `${c.what} ${id}`).not.toMatch(/\{\{|\}\}/);
        expect(text, `${c.what} ${id}`).toContain(String(issue!.params!.line));
        for (const name of c.names) expect(text, `${c.what} ${id}`).toContain(name);
        // a parser's or the system's own detail stays English inside the sentence
        if (typeof issue!.params!.detail === 'string') expect(text, `${c.what} ${id}`).toContain(issue!.params!.detail);
        texts.add(text);
      }
      expect(texts.size, c.what).toBe(LANGUAGES.length);
    }, 30_000);
  }

  it('an unknown reason or kind, a missing line or parameter, keeps the core sentence', async () => {
    await applyLanguage('de');
    const core = (code: string, params: Record<string, string | number>) => configIssueText({ code, message: 'CORE-FALLBACK', params });
    expect(core('BUTANE_TREE', { reason: 'something-new', line: 3 })).toBe('CORE-FALLBACK');
    expect(core('BUTANE_TYPE', { reason: 'scalar', expected: 'date', actual: 'list', line: 3 })).toBe('CORE-FALLBACK');
    expect(core('BUTANE_UNKNOWN_FIELD', { field: 'foo', version: '1.5.0' })).toBe('CORE-FALLBACK');
    expect(core('BUTANE_DUPLICATE_KEY', { key: 'a', first: '1', line: 2 })).toBe('CORE-FALLBACK');
    expect(configIssueText({ code: 'BUTANE_ALIAS_LOOP', message: 'CORE-FALLBACK' })).toBe('CORE-FALLBACK');
    expect(core('BUTANE_SOMETHING_NEW', { line: 1 })).toBe('CORE-FALLBACK');
  });

  it('a refused flash lists the Butane errors in the language of the app', async () => {
    const c = CASES.find((x) => x.code === 'BUTANE_UNKNOWN_FIELD')!;
    const errors = await findings(c);
    await applyLanguage('es');
    const [line] = errorDetails({ code: 'CONFIG_INVALID', message: 'x', params: { file: 'c.bu', errors } });
    expect(line).toBe(
      '$.foo: Línea 3: Campo desconocido o no compatible "foo" en Butane fcos 1.5.0 (revise la ortografía; Flint no lo traduce).',
    );
  });

  it('an Ignition finding on the translated output keeps the core sentence and its line', async () => {
    const [issue] = await findings({ what: '', code: '', names: [], yaml: HDR + 'storage:\n  files:\n    - path: etc/a\n' });
    expect(issue).toMatchObject({ code: 'PATH_NOT_ABSOLUTE', message: expect.stringMatching(/^line 5: /) });
    await applyLanguage('fr');
    expect(configIssueText(issue!)).toBe(issue!.message);
  });
});
