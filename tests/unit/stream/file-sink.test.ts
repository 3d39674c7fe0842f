import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSink } from '../../../electron/core/stream/file-sink';

describe('FileSink', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'flint-sink-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const direct of [false, true]) {
    const mode = direct ? 'O_DIRECT' : 'page cache';
    it(`${mode}: appends every chunk in order after the existing bytes, splitting big chunks, with backpressure`, async () => {
      const file = path.join(dir, 'out.partial');
      // an unaligned start (a resumed download): the direct path appends a head through the page cache
      const head = randomBytes(1000);
      await writeFile(file, head);
      const sink = await FileSink.open(file, { direct });
      if (direct && process.platform === 'linux') expect(sink.isDirect).toBe(true);
      const chunks: Buffer[] = [];
      // odd sizes, some bigger than one write (512 KiB, a 1 MiB stage) and one over the 2 MiB queue limit
      for (const size of [1, 65536, 700_000, 3, 5 << 20, 131072, 999_999, 0, 17, 3096, 4096, 1 << 20]) chunks.push(randomBytes(size));
      let sawFull = false;
      for (const c of chunks) {
        if (!sink.write(c)) {
          sawFull = true;
          await sink.drained();
        }
      }
      await sink.close();
      expect(sawFull).toBe(true);
      expect((await readFile(file)).equals(Buffer.concat([head, ...chunks]))).toBe(true);
    });

    it(`${mode}: the caller may overwrite a chunk as soon as write returns (an HTTP read buffer), ring full or not`, async () => {
      const file = path.join(dir, 'reused.partial');
      const sink = await FileSink.open(file, { direct });
      const reused = Buffer.allocUnsafe(1 << 20);
      const want: Buffer[] = [];
      let waits = 0;
      // 40 MiB in reads of odd sizes, written without waiting unless asked: the 8 MiB ring fills up
      for (let i = 0; i < 60; i++) {
        const n = 300_000 + ((i * 104_729) % 700_000);
        const view = reused.subarray(0, n);
        view.set(randomBytes(n));
        want.push(Buffer.from(view));
        const ok = sink.write(view);
        reused.fill(0xee); // what the next read into the buffer would do
        if (!ok) {
          waits++;
          await sink.drained();
        }
      }
      await sink.close();
      expect(waits).toBeGreaterThan(0);
      expect((await readFile(file)).equals(Buffer.concat(want))).toBe(true);
    });

    it(`${mode}: with syncEvery, flushes in the background and close() waits for the last flush`, async () => {
      const file = path.join(dir, 'synced.partial');
      const sink = await FileSink.open(file, { syncEvery: 1 << 20, direct });
      const chunks = Array.from({ length: 40 }, () => randomBytes(200_000));
      for (const c of chunks) if (!sink.write(c)) await sink.drained();
      await sink.close();
      expect((await readFile(file)).equals(Buffer.concat(chunks))).toBe(true);
    });

    it(`${mode}: keeps the first write error with its errno code (ENOSPC from /dev/full)`, async () => {
      const sink = await FileSink.open('/dev/full', { direct });
      sink.write(randomBytes(5 << 20));
      await expect(sink.drained()).rejects.toMatchObject({ code: 'ENOSPC' });
      expect(sink.write(Buffer.from('more'))).toBe(false);
      await expect(sink.close()).rejects.toMatchObject({ code: 'ENOSPC' });
    });
  }

  it('O_DIRECT: a file of whole stages and one of a few bytes come out whole', async () => {
    for (const size of [2 << 20, 5]) {
      const file = path.join(dir, `exact-${size}`);
      const sink = await FileSink.open(file, { direct: true });
      const data = randomBytes(size);
      sink.write(data);
      await sink.close();
      expect((await readFile(file)).equals(data)).toBe(true);
    }
  });
});
