import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readCpio, readCpioEntries, writeCpio } from '../../../electron/core/codecs/cpio';
import { buildEmbedPayload, decodeEmbedArea, encodeEmbedArea } from '../../../electron/core/iso/payload';
import { unxzAt, xzStreamLength } from '../../../electron/core/codecs/compression';
import { COREOS_FIXTURES } from '../../helpers/fixtures';
import { skipReason } from '../../helpers/requirements';

const enc = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const initrd = async (name: string) => {
  const raw = await readFile(join(COREOS_FIXTURES, 'initrd', name));
  return name.endsWith('.xz') ? (await unxzAt(raw, 0)).data : new Uint8Array(raw);
};

describe('newc cpio writer (docs/live-iso-format.md §5.2)', () => {
  it('emits parents with the virtual-cwd rule, sorted, inode = index, files 0600, dirs 0755', () => {
    const archive = writeCpio([
      { path: 'etc/coreos-firstboot-network/a.nmconnection', data: enc('[connection]\n') },
      { path: 'config.ign', data: enc('{}') },
    ]);
    const { entries, end } = readCpioEntries(archive);
    expect(end).toBe(archive.length);
    expect(entries.map((e) => [e.path, e.ino, e.mode.toString(8)])).toEqual([
      ['config.ign', 0, '100600'],
      ['etc', 1, '40755'],
      ['etc/coreos-firstboot-network', 2, '40755'],
      ['etc/coreos-firstboot-network/a.nmconnection', 3, '100600'],
    ]);
    // first header, field by field: magic, ino 0, mode 0100600, uid, gid, nlink 1, mtime 0, size 2, ..., namesize 11, check 0
    expect(Buffer.from(archive.subarray(0, 110)).toString('latin1')).toBe(
      '070701' +
        [
          '00000000',
          '00008180',
          '00000000',
          '00000000',
          '00000001',
          '00000000',
          '00000002',
          '00000000',
          '00000000',
          '00000000',
          '00000000',
          '0000000b',
          '00000000',
        ].join(''),
    );
    // trailer: 110-byte header + "TRAILER!!!\0" padded to 124 bytes, nothing after it
    const trailer = Buffer.from(archive.subarray(archive.length - 124)).toString('latin1');
    expect(trailer.startsWith('070701' + '00000000' + '00000000')).toBe(true);
    expect(trailer.slice(110)).toBe('TRAILER!!!\0\0\0\0');
    expect(archive.length % 4).toBe(0);
  });

  it('round-trips through its reader', () => {
    const members = [
      { path: 'b/x', data: enc('x') },
      { path: 'a', data: enc('aaaaa') },
      { path: 'b/y', data: new Uint8Array(0) },
    ];
    expect(readCpio(writeCpio(members)).members.map((m) => [m.path, text(m.data)])).toEqual([
      ['a', 'aaaaa'],
      ['b/x', 'x'],
      ['b/y', ''],
    ]);
  });
});

describe('embed payload and area decoding (docs/live-iso-format.md §5.1, §5.2)', () => {
  it('compresses as xz with the CRC32 check and decodes back', async () => {
    const payload = await buildEmbedPayload([{ path: 'config.ign', data: enc('{"ignition":{"version":"3.3.0"}}\n') }]);
    expect([...payload.subarray(0, 6)]).toEqual([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
    expect([...payload.subarray(6, 8)]).toEqual([0x00, 0x01]); // stream flags: CRC32
    expect(xzStreamLength(payload, 0)).toBe(payload.length);
    const area = await encodeEmbedArea([{ path: 'config.ign', data: enc('{"ignition":{"version":"3.3.0"}}\n') }], 262144);
    expect(area.length).toBe(262144);
    expect(area.subarray(payload.length).every((b) => b === 0)).toBe(true);
    const members = await decodeEmbedArea(area);
    expect(members.map((m) => [m.path, text(m.data)])).toEqual([['config.ign', '{"ignition":{"version":"3.3.0"}}\n']]);
  });

  it('no members means an all-zero area, and an all-zero area means no members', async () => {
    const area = await encodeEmbedArea([], 4096);
    expect(area.every((b) => b === 0)).toBe(true);
    expect(await decodeEmbedArea(area)).toEqual([]);
  });

  it('refuses a payload over capacity, naming both sizes (incompressible 300 KB)', async () => {
    const big = randomBytes(300_000);
    const err = await encodeEmbedArea([{ path: 'config.ign', data: big }], 262144).catch((e) => e);
    expect(err.code).toBe('EMBED_TOO_LARGE');
    expect(err.message).toMatch(/^Compressed initramfs is too large: (\d+) > 262144$/);
    expect(Number(/: (\d+) >/.exec(err.message)![1])).toBeGreaterThan(300_000);
  });

  it('reads uncompressed, gzip and xz archives in sequence', async () => {
    const img = await initrd('compressed.img.xz');
    const head = await decodeEmbedArea(img.subarray(0, 1366)); // everything before the zstd archive
    expect(head.map((m) => [m.path, text(m.data)])).toEqual([
      ['gzip/hello', 'HELLO\n'],
      ['gzip/world', 'WORLD\n'],
      ['uncompressed-1/hello', 'HELLO\n'],
      ['uncompressed-1/world', 'WORLD\n'],
      ['xz/hello', 'HELLO\n'],
      ['xz/world', 'WORLD\n'],
    ]);
  });

  it.skipIf(skipReason({ tools: ['zstd'] }))('reads a zstd archive too (node:zlib or the zstd tool)', async () => {
    const img = await initrd('compressed.img.xz');
    const all = await decodeEmbedArea(img);
    expect(all.map((m) => m.path)).toEqual([
      'gzip/hello',
      'gzip/world',
      'uncompressed-1/hello',
      'uncompressed-1/world',
      'uncompressed-2/hello',
      'uncompressed-2/world',
      'xz/hello',
      'xz/world',
      'zstd/hello',
      'zstd/world',
    ]);
    expect(text(all.find((m) => m.path === 'zstd/world')!.data)).toBe('WORLD\n');
  });

  it('keeps the last copy of a path, and reads padded name fields', async () => {
    const red = await decodeEmbedArea(await initrd('redundant.img.xz'));
    expect(red.map((m) => [m.path, text(m.data)])).toEqual([['data/file', 'third\n']]);
    const padded = await decodeEmbedArea(await initrd('padded-names.img.xz'));
    expect(padded.map((m) => [m.path, m.data.length])).toEqual([
      ['dir/hello', 5000],
      ['dir/world', 4500],
    ]);
  });

  it('accepts a gzip archive written by another tool and rejects garbage', async () => {
    const area = new Uint8Array(8192);
    area.set(gzipSync(writeCpio([{ path: 'config.ign', data: enc('{}') }])));
    expect((await decodeEmbedArea(area)).map((m) => m.path)).toEqual(['config.ign']);
    const junk = new Uint8Array(4096);
    junk.set(enc('this is not an archive'), 100);
    await expect(decodeEmbedArea(junk)).rejects.toMatchObject({ code: 'EMBED_CORRUPT', message: 'decoding initrd embed area' });
  });
});
