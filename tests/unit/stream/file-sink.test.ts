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

  it('appends every chunk in order after the existing bytes, splitting big chunks, with backpressure', async () => {
    const file = path.join(dir, 'out.partial');
    const head = randomBytes(1000);
    await writeFile(file, head);
    const sink = await FileSink.open(file);
    const chunks: Buffer[] = [];
    // odd sizes, some bigger than one write (512 KiB) and one over the 2 MiB queue limit
    for (const size of [1, 65536, 700_000, 3, 5 << 20, 131072, 999_999, 0, 17]) chunks.push(randomBytes(size));
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

  it('with syncEvery, flushes in the background and close() waits for the last flush', async () => {
    const file = path.join(dir, 'synced.partial');
    const sink = await FileSink.open(file, { syncEvery: 1 << 20 });
    const chunks = Array.from({ length: 40 }, () => randomBytes(200_000));
    for (const c of chunks) if (!sink.write(c)) await sink.drained();
    await sink.close();
    expect((await readFile(file)).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('keeps the first write error with its errno code (ENOSPC from /dev/full)', async () => {
    const sink = await FileSink.open('/dev/full');
    sink.write(randomBytes(5 << 20));
    await expect(sink.drained()).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(sink.write(Buffer.from('more'))).toBe(false);
    await expect(sink.close()).rejects.toMatchObject({ code: 'ENOSPC' });
  });
});
