/**
 * Decompression bombs and oversized ISO directories: every decompression of data Flint did not
 * make is capped (codecs/limits.ts) and a directory record cannot make Flint read gigabytes. The
 * hostile inputs are generated here: a zstd frame of RLE blocks (4 bytes per 128 KiB of zeros),
 * xz and gzip streams of zeros, a root directory record claiming 200 MB.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipAt, unxzAt, xzCrc32 } from '../../../electron/core/codecs/compression';
import { decodeBudget } from '../../../electron/core/codecs/limits';
import { zstdDecompress } from '../../../electron/core/codecs/zstd';
import { bufferSource } from '../../../electron/core/iso/byte-source';
import { inspectIso } from '../../../electron/core/iso/inspect';
import { fixtureIso } from '../../helpers/fixtures';
import { skipReason } from '../../helpers/requirements';

const ROOT = resolve(__dirname, '../../..');
const MAX_RSS = pathToFileURL(join(ROOT, 'tests/helpers/max-rss.mjs')).href;
const why = skipReason({ tools: ['zstd'] });

/**
 * A zstd frame (RFC 8878 §3.1.1) of `blocks` RLE blocks of 128 KiB zeros: no content size in the
 * header, a 128 KiB window, 4 bytes per block.
 */
export function zstdZeros(blocks: number, declare?: number): Buffer {
  const BLOCK = 128 * 1024;
  const header = declare === undefined ? [0x28, 0xb5, 0x2f, 0xfd, 0x00, (17 - 10) << 3] : [0x28, 0xb5, 0x2f, 0xfd, 0xc0, (17 - 10) << 3];
  const fcs = declare === undefined ? [] : [...Buffer.from(new BigUint64Array([BigInt(declare)]).buffer)];
  const out = Buffer.alloc(header.length + fcs.length + blocks * 4);
  out.set([...header, ...fcs]);
  let p = header.length + fcs.length;
  for (let i = 0; i < blocks; i++) {
    const h = (BLOCK << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0); // size, type RLE, last
    out[p] = h & 0xff;
    out[p + 1] = (h >> 8) & 0xff;
    out[p + 2] = (h >> 16) & 0xff;
    out[p + 3] = 0; // the repeated byte
    p += 4;
  }
  return out;
}

/** Runs the CLI as a user would, reporting its peak RSS. */
function flint(args: string[]): Promise<{ code: number | null; stderr: string; maxRssMiB: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', MAX_RSS, join(ROOT, 'bin/flint.mjs'), ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', fail);
    child.on('close', (code) => {
      const kib = Number(/FLINT_TEST_MAXRSS_KIB=(\d+)/.exec(stderr)?.[1] ?? NaN);
      done({ code, stderr: stderr.replace(/\nFLINT_TEST_MAXRSS_KIB=\d+\n$/, ''), maxRssMiB: kib / 1024 });
    });
  });
}

describe.skipIf(why)('decompression limits', () => {
  let dir = '';
  let iso: Uint8Array;
  let area: { offset: number; length: number };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flint-bombs-'));
    iso = readFileSync(await fixtureIso('embed-areas-2023-07.x86_64'));
    area = (await inspectIso(bufferSource(iso))).embedArea;
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a zstd frame of 2 GiB of zeros in the embed area fails fast with a small peak RSS', async () => {
    const frame = zstdZeros(16_384); // 64 KiB that decode to 2 GiB
    expect(frame.length).toBeLessThan(area.length);
    const bomb = Buffer.from(iso);
    bomb.fill(0, area.offset, area.offset + area.length).set(frame, area.offset);
    const path = join(dir, 'zstd-bomb.iso');
    writeFileSync(path, bomb);
    const r = await flint(['iso', 'ignition', 'show', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/embed area decompresses to more than \d+ bytes/);
    expect(r.maxRssMiB).toBeLessThan(400);
  }, 120_000);

  it('a PXE initrd of zstd zeros is refused the same way', async () => {
    const path = join(dir, 'bomb.img');
    writeFileSync(path, zstdZeros(16_384));
    const r = await flint(['pxe', 'ignition', 'unwrap', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/initrd decompresses to more than \d+ bytes/);
    expect(r.maxRssMiB).toBeLessThan(400);
  }, 120_000);

  it('caps every codec at its budget', async () => {
    const zeros = new Uint8Array(8 * 1024 * 1024);
    const small = () => decodeBudget(1024 * 1024, 'the test data');
    await expect(unxzAt(await xzCrc32(zeros), 0, small())).rejects.toMatchObject({ code: 'DECOMPRESSED_TOO_LARGE' });
    expect(() => gunzipAt(gzipSync(zeros), 0, small())).toThrow(expect.objectContaining({ code: 'DECOMPRESSED_TOO_LARGE' }));
    expect(() => zstdDecompress(zstdZeros(64), small())).toThrow(expect.objectContaining({ code: 'DECOMPRESSED_TOO_LARGE' }));
    // a frame that declares its size is refused before it is decoded
    expect(() => zstdDecompress(zstdZeros(64, 64 * 128 * 1024), small())).toThrow(
      expect.objectContaining({ code: 'DECOMPRESSED_TOO_LARGE' }),
    );
    // within the budget the same data decodes
    const whole = (await unxzAt(await xzCrc32(zeros), 0, decodeBudget(zeros.length, 'x'))).data;
    expect(Buffer.compare(whole, zeros)).toBe(0);
    expect(zstdDecompress(zstdZeros(64), decodeBudget(64 * 128 * 1024, 'x')).length).toBe(64 * 128 * 1024);
  });

  it('refuses a directory record that claims 200 MB', async () => {
    const bad = Buffer.from(iso);
    const ROOT_RECORD = 16 * 2048 + 156;
    bad.writeUInt32LE(200_000_000, ROOT_RECORD + 10); // data length (ECMA-119 §9.1.4), little-endian half
    const path = join(dir, 'big-dir.iso');
    writeFileSync(path, bad);
    truncateSync(path, 256 * 1024 * 1024); // the claim stays inside the file
    const r = await flint(['iso', 'inspect', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/claims 200000000 bytes/);
    expect(r.maxRssMiB).toBeLessThan(150);
  }, 120_000);
});
