// `flint iso extract pxe` and `flint iso extract minimal-iso` against every ISO fixture, judged by
// tools that are not Flint's: xorriso reads the files out of the ISOs (the PXE files must be
// byte-identical) and finds the karg files of the minimal ISO. The minimal ISO is checked against
// coreos-installer's behaviour (src/live/mod.rs, tests/images/iso-extract-minimal-iso.sh): the
// rebuilt image matches the SHA-256 recorded in miniso.dat, then exactly its karg slots and
// kargs.json change (serde_json pretty text padded with spaces, spelled out here by hand).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { skipReason } from '../../helpers/requirements';
import { fixtureIso, ISO_FIXTURES } from '../../helpers/fixtures';
import { runFlint } from '../../helpers/cli';
import { bufferSource } from '../../../electron/core/iso/byte-source';
import { extractMinimalIso, extractPxe } from '../../../electron/core/iso/extract';
import { inspectIso } from '../../../electron/core/iso/inspect';
import { lookupPath, readIso9660 } from '../../../electron/core/iso/iso9660';
import { parseMiniso, unpackMiniso } from '../../../electron/core/iso/miniso';

const why = skipReason({ tools: ['xorriso'] });
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Fixtures with coreos/miniso.dat and karg areas (coreos-installer's test skips 2023-03.s390x, which has no karg areas). */
const MINISO = [
  'embed-areas-2021-12',
  'embed-areas-2022-02',
  'embed-areas-2022-09',
  'embed-areas-2023-03.x86_64',
  'embed-areas-2023-07.x86_64',
  'embed-areas-2023-07.s390x',
];
const REFUSED: [string, string][] = [
  ['embed-areas-2020-09', 'No karg embed areas found; old or corrupted CoreOS ISO image.'],
  ['embed-areas-2021-01', 'This ISO image does not support extracting a minimal ISO.'],
  ['embed-areas-2021-09', 'This ISO image does not support extracting a minimal ISO.'],
  ['embed-areas-2023-03.s390x', 'No karg embed areas found; old or corrupted CoreOS ISO image.'],
  ['synthetic', 'Unrecognized CoreOS ISO image.'],
];

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flint-extract-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Paths of the files under `isoDir` of an ISO, listed and read by xorriso. */
function xorrisoFiles(iso: string, isoDir: string): Map<string, Buffer> {
  const out = join(dir, `x-${Math.random().toString(36).slice(2)}`);
  execFileSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', isoDir, out], { stdio: 'ignore' });
  return new Map(readdirSync(out).map((n) => [n, readFileSync(join(out, n))]));
}

/** LBA of a file in an ISO, from xorriso's report_lba. */
function lba(iso: string, path: string): number {
  const out = execFileSync('xorriso', ['-indev', iso, '-find', path, '-exec', 'report_lba', '--'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const m = /^File data lba: *\d+ *, *(\d+) *,/m.exec(out);
  if (!m) throw new Error(`xorriso found no ${path} in ${iso}`);
  return Number(m[1]);
}

/** serde_json::to_string_pretty of coreos-installer's KargEmbedInfo, spelled out: fields in struct order. */
function serdePretty(info: { default: string; files: { path: string; offset: number; pad?: string; end?: string }[]; size: number }) {
  const str = (s: string) => '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\0/g, '\\u0000') + '"';
  const files = info.files.map((f) => {
    const fields = [`"path": ${str(f.path)}`, `"offset": ${f.offset}`];
    if (f.pad !== undefined) fields.push(`"pad": ${str(f.pad)}`);
    if (f.end !== undefined) fields.push(`"end": ${str(f.end)}`);
    return '    {\n' + fields.map((x) => '      ' + x).join(',\n') + '\n    }';
  });
  return `{\n  "default": ${str(info.default)},\n  "files": [\n${files.join(',\n')}\n  ],\n  "size": ${info.size}\n}`;
}

/** What coreos-installer writes for `iso extract minimal-iso` of `full`, derived independently of Flint's karg code. */
async function expectedMinimal(full: string, rootfsUrl?: string): Promise<Buffer> {
  const bytes = new Uint8Array(readFileSync(full));
  const src = bufferSource(bytes);
  const iso = await readIso9660(src);
  const rec = await lookupPath(src, iso, 'COREOS/MINISO.DAT');
  const chunks: Uint8Array[] = [];
  await unpackMiniso(parseMiniso(bytes.subarray(rec.offset, rec.offset + rec.length)), src, async (c) => {
    chunks.push(Buffer.from(c));
  });
  const minimal = Buffer.concat(chunks);
  const path = join(dir, `unpacked-${Math.random().toString(36).slice(2)}.iso`);
  writeFileSync(path, minimal);
  const info = JSON.parse(xorrisoFiles(path, '/coreos').get('kargs.json')!.toString('utf8'));
  const kept = (info.default as string).split(' ').filter((k) => !k.startsWith('coreos.liveiso='));
  const newDefault = kept.join(' ');
  const kargs = rootfsUrl === undefined ? newDefault : `${newDefault} coreos.live.rootfs_url=${rootfsUrl}`;
  for (const f of info.files as { path: string; offset: number; pad?: string; end?: string }[]) {
    const slot = Buffer.alloc(info.size, f.pad ?? '#');
    slot.write(kargs + (f.end ?? '\n'));
    slot.copy(minimal, lba(path, '/' + f.path) * 2048 + f.offset);
  }
  const text = Buffer.from(serdePretty({ default: newDefault, files: info.files, size: info.size }));
  const at = lba(path, '/coreos/kargs.json') * 2048;
  const length = xorrisoFiles(path, '/coreos').get('kargs.json')!.length;
  const padded = Buffer.alloc(length, ' ');
  text.copy(padded);
  padded.copy(minimal, at);
  return minimal;
}

async function copy(name: string): Promise<string> {
  const p = join(dir, `${name}-${Math.random().toString(36).slice(2)}.iso`);
  copyFileSync(await fixtureIso(name), p);
  return p;
}

describe.skipIf(why)('iso extract pxe', () => {
  it.each(ISO_FIXTURES.filter((n) => n !== 'synthetic'))(
    '%s: every IMAGES/PXEBOOT file, byte-identical to what xorriso reads',
    async (name) => {
      const iso = await fixtureIso(name);
      const out = join(dir, `pxe-${name}`);
      const got = await extractPxe(iso, out);
      const truth = xorrisoFiles(iso, '/images/pxeboot');
      expect(got.map((g) => g.path).sort()).toEqual([...truth.keys()].map((n) => join(out, `${name}-${n}`)).sort());
      for (const [n, bytes] of truth) expect(sha(readFileSync(join(out, `${name}-${n}`))), n).toBe(sha(bytes));
    },
  );

  it('the CLI prints ./STEM-name in the current folder by default, refuses existing files and non-CoreOS ISOs', async () => {
    const iso = await copy('embed-areas-2023-07.x86_64');
    const cwd = join(dir, 'cwd');
    mkdirSync(cwd);
    const stem = iso
      .split('/')
      .pop()!
      .replace(/\.iso$/, '');
    const r = await runFlint(['iso', 'extract', 'pxe', iso], { cwd });
    expect(r.stderr).toBe('');
    expect(r.stdout.toString()).toBe(['initrd.img', 'rootfs.img', 'vmlinuz'].map((n) => `./${stem}-${n}\n`).join(''));
    const again = await runFlint(['iso', 'extract', 'pxe', iso], { cwd });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`Error: opening ./${stem}-initrd.img: File exists (os error 17)\n`);
    const bad = await runFlint(['iso', 'extract', 'pxe', '-o', join(dir, 'none'), await fixtureIso('synthetic')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error: Unrecognized CoreOS ISO image\.: /);
  });
});

describe.skipIf(why)('iso extract minimal-iso', () => {
  it.each(MINISO)('%s: the minimal ISO coreos-installer writes, a valid ISO without coreos.liveiso=', async (name) => {
    const full = await fixtureIso(name);
    const out = join(dir, `min-${name}.iso`);
    await extractMinimalIso(full, { output: out });
    const got = readFileSync(out);
    expect(sha(got)).toBe(sha(await expectedMinimal(full)));
    // xorriso reads it: the PXE kernel and initramfs are there, the rootfs is not
    const pxe = xorrisoFiles(out, '/images/pxeboot');
    expect([...pxe.keys()]).not.toContain('rootfs.img');
    expect(pxe.get('initrd.img')).toEqual(xorrisoFiles(full, '/images/pxeboot').get('initrd.img'));
    // and Flint's own reader: pristine, no coreos.liveiso= left in current or default kargs
    const facts = await inspectIso(bufferSource(new Uint8Array(got)));
    expect(facts.customized).toBe(false);
    expect(facts.kargs!.defaultKargs).not.toContain('coreos.liveiso');
    expect(facts.kargs!.currentKargs).toBe(facts.kargs!.defaultKargs);
  });

  it('--rootfs-url appends coreos.live.rootfs_url=; --output-rootfs copies rootfs.img; stdout gives the same bytes', async () => {
    const full = await fixtureIso('embed-areas-2023-07.x86_64');
    const url = 'https://example.com/rootfs';
    const out = join(dir, 'url.iso');
    const rootfs = join(dir, 'url-rootfs.img');
    await extractMinimalIso(full, { output: out, rootfsUrl: url, outputRootfs: rootfs });
    expect(sha(readFileSync(out))).toBe(sha(await expectedMinimal(full, url)));
    expect(readFileSync(rootfs)).toEqual(xorrisoFiles(full, '/images/pxeboot').get('rootfs.img'));
    const kargs = await runFlint(['iso', 'kargs', 'show', out]);
    expect(kargs.stdout.toString()).toBe(
      `mitigations=auto,nosmt ignition.firstboot ignition.platform.id=metal coreos.live.rootfs_url=${url}\n`,
    );
    const streamed = await runFlint(['iso', 'extract', 'minimal-iso', '--rootfs-url', url, full]);
    expect(streamed.stderr).toBe('');
    expect(sha(streamed.stdout)).toBe(sha(readFileSync(out)));
    const sink = new PassThrough();
    const parts: Buffer[] = [];
    sink.on('data', (c: Buffer) => parts.push(c));
    await extractMinimalIso(full, { output: '-', stdout: sink });
    expect(sha(Buffer.concat(parts))).toBe(sha(readFileSync(join(dir, 'min-embed-areas-2023-07.x86_64.iso'))));
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    await expect(extractMinimalIso(full, { output: '-', stdout: tty })).rejects.toThrow('Refusing to write binary data to terminal');
  });

  it('refuses, leaving nothing behind: existing outputs, customized ISOs, corrupt ISOs, whitespace in the URL', async () => {
    const full = await copy('embed-areas-2023-07.x86_64');
    const out = join(dir, 'refused.iso');
    const rootfs = join(dir, 'refused-rootfs.img');
    writeFileSync(rootfs, 'mine');
    await expect(extractMinimalIso(full, { output: out, outputRootfs: rootfs })).rejects.toThrow(`opening ${rootfs}`);
    expect(existsSync(out)).toBe(false);
    writeFileSync(out, 'mine too');
    rmSync(rootfs);
    const exists = await runFlint(['iso', 'extract', 'minimal-iso', full, out, '--output-rootfs', rootfs]);
    expect(exists.stderr).toBe(`Error: persisting output file to ${out}: File exists (os error 17)\n`);
    expect(readFileSync(out, 'utf8')).toBe('mine too');
    expect(existsSync(rootfs)).toBe(false);
    rmSync(out);

    await expect(extractMinimalIso(full, { output: out, rootfsUrl: 'http://a b' })).rejects.toMatchObject({
      message: 'modifying miniso kernel args',
      causes: ["forbidden whitespace found in 'http://a b'"],
    });
    expect(existsSync(out)).toBe(false);

    // sed 's/coreos.liveiso/codeos.liveiso/' as coreos-installer's test does: the rebuilt image no longer matches
    const corrupt = join(dir, 'corrupt.iso');
    writeFileSync(corrupt, Buffer.from(readFileSync(full).toString('latin1').replaceAll('coreos.liveiso', 'codeos.liveiso'), 'latin1'));
    const bad = await runFlint(['iso', 'extract', 'minimal-iso', corrupt, out, '--output-rootfs', rootfs]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error: unpacking miniso: wrong final digest: expected [0-9a-f]{64}, found [0-9a-f]{64}\n$/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(rootfs)).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('flint-miniso'))).toEqual([]);

    for (const customize of [
      ['iso', 'kargs', 'modify', '-a', 'foo=bar', full],
      ['iso', 'ignition', 'embed', '-i', join(dir, 'cfg.ign'), full],
    ]) {
      writeFileSync(join(dir, 'cfg.ign'), '{"ignition": {"version": "3.3.0"}}');
      expect((await runFlint(customize)).code).toBe(0);
      const r = await runFlint(['iso', 'extract', 'minimal-iso', full, out]);
      expect(r.stderr).toBe('Error: Cannot operate on ISO with embedded customizations.: Reset it with `flint iso reset` and try again.\n');
      expect((await runFlint(['iso', 'reset', full])).code).toBe(0);
    }
    await extractMinimalIso(full, { output: out });
    expect(sha(readFileSync(out))).toBe(sha(readFileSync(join(dir, 'min-embed-areas-2023-07.x86_64.iso'))));
  });

  it.each(REFUSED)("%s is refused with coreos-installer's error", async (name, message) => {
    await expect(extractMinimalIso(await fixtureIso(name), { output: join(dir, `no-${name}.iso`) })).rejects.toThrow(message);
    expect(existsSync(join(dir, `no-${name}.iso`))).toBe(false);
  });
});
