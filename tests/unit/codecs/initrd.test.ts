import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { FlintError } from '../../../electron/core/errors';
import { writeCpio } from '../../../electron/core/codecs/cpio';
import { xzCrc32 } from '../../../electron/core/codecs/compression';
import { decodeEmbedArea } from '../../../electron/core/iso/payload';
import { readInitrd } from '../../../electron/core/codecs/initrd';
import { pxeCustomize } from '../../../electron/core/pxe/customize';
import { inspectInitramfs, unwrapIgnition } from '../../../electron/core/pxe/initramfs';
import { zstdFrameLength } from '../../../electron/core/codecs/zstd';
import { skipReason } from '../../helpers/requirements';

const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** A block header: last flag, type (0 raw, 1 RLE, 2 compressed), size; 3 bytes little-endian. */
function block(last: boolean, type: number, size: number): number[] {
  const h = (last ? 1 : 0) | (type << 1) | (size << 3);
  return [h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff];
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return err instanceof FlintError ? err.code : String(err);
  }
  return 'no error';
}

describe('zstd frame walking (RFC 8878), without a decoder', () => {
  it('measures frames with window descriptor, dictionary id, content size, raw/RLE blocks and checksum', () => {
    // FHD: FCS flag 1 (2 bytes), no single segment (window byte), checksum, dict id flag 2 (2 bytes)
    const frame = [
      ...MAGIC,
      0b01000110,
      0x50,
      0x01,
      0x02,
      0x10,
      0x00,
      ...block(false, 0, 5),
      1,
      2,
      3,
      4,
      5,
      ...block(true, 1, 300),
      0x41,
      9,
      9,
      9,
      9,
    ];
    const buf = new Uint8Array([0xaa, ...frame, 0xbb, 0xcc]);
    expect(zstdFrameLength(buf, 1)).toBe(frame.length);
    // single segment, FCS flag 0 -> 1 byte content size, no window byte
    const small = [...MAGIC, 0x20, 3, ...block(true, 0, 3), 7, 8, 9];
    expect(zstdFrameLength(new Uint8Array(small), 0)).toBe(small.length);
  });

  it('skips skippable frames and refuses truncated frames and reserved blocks', () => {
    const skippable = [0x5e, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3];
    expect(zstdFrameLength(new Uint8Array(skippable), 0)).toBe(11);
    expect(codeOf(() => zstdFrameLength(new Uint8Array([...MAGIC, 0x20, 3, ...block(true, 0, 30), 1, 2]), 0))).toBe('ZSTD_CORRUPT');
    expect(codeOf(() => zstdFrameLength(new Uint8Array([...MAGIC, 0x20, 3, ...block(true, 3, 0)]), 0))).toBe('ZSTD_CORRUPT');
    expect(codeOf(() => zstdFrameLength(new Uint8Array(skippable.slice(0, 9)), 0))).toBe('ZSTD_CORRUPT');
  });
});

const why = skipReason({ tools: ['zstd'] });
describe.skipIf(why)('zstd-compressed initramfs (as Fedora CoreOS ships it), via the zstd tool', () => {
  const zstd = (data: Uint8Array, level = '-19') => new Uint8Array(execFileSync('zstd', [level, '-c', '-q'], { input: data }));
  const early = writeCpio([{ path: 'kernel/x86/microcode/GenuineIntel.bin', data: Buffer.from('ucode') }]);
  const main = writeCpio([
    { path: 'etc/coreos-live-initramfs', data: new Uint8Array(0) },
    { path: 'etc/coreos/features.json', data: Buffer.from('{"live-initrd-network":true}') },
    { path: 'usr/lib/big', data: Buffer.alloc(300_000, 7) },
  ]);

  it('reads an uncompressed early archive followed by a zstd main archive, and one split over several frames', async () => {
    const img = Buffer.concat([early, zstd(main)]);
    const paths = (await readInitrd(img)).map((m) => m.path).sort();
    expect(paths).toEqual([
      'etc/coreos-live-initramfs',
      'etc/coreos/features.json',
      'kernel/x86/microcode/GenuineIntel.bin',
      'usr/lib/big',
    ]);
    const split = Buffer.concat([early, zstd(main.subarray(0, 1000)), zstd(main.subarray(1000))]);
    const big = (await readInitrd(split)).find((m) => m.path === 'usr/lib/big');
    expect(big?.data.length).toBe(300_000);
  });

  it('pxe customize works on it and appends an xz archive the kernel can read', async () => {
    const img = Buffer.concat([early, zstd(main)]);
    const cfg = Buffer.from('{"ignition":{"version":"3.4.0"}}\n');
    const r = await pxeCustomize(img, { liveIgnition: [{ name: 'a.ign', data: cfg }] });
    expect(Buffer.from(r.initramfs.subarray(0, img.length)).equals(img)).toBe(true);
    expect(JSON.parse(Buffer.from(await unwrapIgnition(r.initramfs)).toString()).ignition.version).toBe('3.3.0');
  });
});

describe('one initrd reader for the ISO embed area and the PXE initramfs (coreos-installer src/io/initrd.rs)', () => {
  const file = (path: string, text: string) => ({ path, data: Buffer.from(text) });
  const a = writeCpio([file('a', 'first'), file('etc/x', 'x')]);
  const b = writeCpio([file('a', 'second')]);
  /** The two callers, each with its own error code. */
  const readers = [
    { name: 'embed area', read: (img: Uint8Array) => decodeEmbedArea(img), code: 'EMBED_CORRUPT' },
    { name: 'initramfs', read: async (img: Uint8Array) => (await inspectInitramfs(img)).members, code: 'PXE_INITRAMFS_CORRUPT' },
  ];

  it.each(readers)('$name: archives in sequence, zero padding between and inside, the later copy wins, sorted', async ({ read }) => {
    const xzB = await xzCrc32(Buffer.concat([b, Buffer.alloc(64)])); // zeros after the trailer inside the stream are padding
    const img = Buffer.concat([a, Buffer.alloc(512), xzB, Buffer.alloc(3)]);
    const members = await read(img);
    expect(members.map((m) => [m.path, Buffer.from(m.data).toString()])).toEqual([
      ['a', 'second'],
      ['etc/x', 'x'],
    ]);
  });

  it.each(readers)('$name: a compressed stream holds one archive; a second one inside it is refused', async ({ read, code }) => {
    const twoInOne = await xzCrc32(Buffer.concat([a, b]));
    const img = Buffer.concat([b, twoInOne]);
    const err = await read(img).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlintError);
    expect((err as FlintError).code).toBe(code);
    expect((err as FlintError).causes).toEqual(['found trailing garbage inside compressed archive', `archive 2 at byte ${b.length}`]);
  });

  it('names the failing archive and keeps the codec cause (gzip cut short)', async () => {
    const gz = gzipSync(b);
    const err = await readInitrd(Buffer.concat([a, gz.subarray(0, gz.length - 12)])).then(
      () => new FlintError('NONE', 'expected a failure'),
      (e: unknown) => e as FlintError,
    );
    expect(err.code).toBe('INITRD_CORRUPT');
    expect(err.message).toBe('reading initrd');
    expect(err.causes.at(-1)).toBe(`archive 2 at byte ${a.length}`);
  });
});
