// The boot mirror's shared block cache (electron/core/pxe/block-cache.ts) on real files: responses
// of the same file share the bytes read, the cache stays within its size once blocks are
// released, a failed or short read is not kept, and a changed file is read afresh.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BLOCK_BYTES, BlockCache, fileIdentity } from '../../../electron/core/pxe/block-cache';

describe('BlockCache', () => {
  let dir = '';
  const handles: FileHandle[] = [];
  const openFile = async (name: string) => {
    const h = await open(join(dir, name), 'r');
    handles.push(h);
    const st = await h.stat();
    return { h, id: fileIdentity(st), size: st.size };
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flint-block-cache-'));
  });
  afterAll(async () => {
    for (const h of handles) await h.close().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives every response of a file the same block, read once, with the right bytes and length', async () => {
    const bytes = randomBytes(2 * BLOCK_BYTES + 100);
    writeFileSync(join(dir, 'a.img'), bytes);
    const f = await openFile('a.img');
    const cache = new BlockCache(4 * BLOCK_BYTES);
    const [x, y] = await Promise.all([cache.acquire(f.h, f.id, f.size, 1), cache.acquire(f.h, f.id, f.size, 1)]);
    expect(x).toBe(y);
    expect(x.data.equals(bytes.subarray(BLOCK_BYTES, 2 * BLOCK_BYTES))).toBe(true);
    const tail = await cache.acquire(f.h, f.id, f.size, 2);
    expect(tail.data.length).toBe(100);
    expect(tail.data.equals(bytes.subarray(2 * BLOCK_BYTES))).toBe(true);
    // still cached after release: a later response gets the same block
    cache.release(x);
    cache.release(y);
    expect(await cache.acquire(f.h, f.id, f.size, 1)).toBe(x);
    await expect(cache.acquire(f.h, f.id, f.size, 3)).rejects.toThrow(RangeError);
  });

  it('stays within its size once blocks are released, and grows only while all are held', async () => {
    const bytes = randomBytes(8 * BLOCK_BYTES);
    writeFileSync(join(dir, 'b.img'), bytes);
    const f = await openFile('b.img');
    const cache = new BlockCache(2 * BLOCK_BYTES);
    const held = [];
    for (let i = 0; i < 4; i++) held.push(await cache.acquire(f.h, f.id, f.size, i));
    expect(cache.heldBytes).toBe(4 * BLOCK_BYTES);
    held.forEach((b, i) => expect(b.data.equals(bytes.subarray(i * BLOCK_BYTES, (i + 1) * BLOCK_BYTES))).toBe(true));
    for (const b of held) cache.release(b);
    expect(cache.heldBytes).toBe(2 * BLOCK_BYTES);
    // the rest of the file goes through the two buffers left, each block still right
    for (let i = 4; i < 8; i++) {
      const b = await cache.acquire(f.h, f.id, f.size, i);
      expect(b.data.equals(bytes.subarray(i * BLOCK_BYTES, (i + 1) * BLOCK_BYTES))).toBe(true);
      cache.release(b);
      expect(cache.heldBytes).toBe(2 * BLOCK_BYTES);
    }
  });

  it('keeps no block of a file that turned out shorter, and reads a changed file afresh', async () => {
    const file = join(dir, 'c.img');
    writeFileSync(file, randomBytes(2 * BLOCK_BYTES));
    const f = await openFile('c.img');
    truncateSync(file, BLOCK_BYTES + 10);
    const cache = new BlockCache(4 * BLOCK_BYTES);
    // identity and size as opened, bytes gone: every waiting response fails, nothing is kept
    const both = [cache.acquire(f.h, f.id, f.size, 1), cache.acquire(f.h, f.id, f.size, 1)];
    for (const p of both) await expect(p).rejects.toThrow(/shorter than its size/);
    expect(cache.heldBytes).toBe(BLOCK_BYTES);
    const fresh = randomBytes(2 * BLOCK_BYTES);
    writeFileSync(file, fresh);
    const g = await openFile('c.img');
    expect(g.id).not.toBe(f.id);
    const b = await cache.acquire(g.h, g.id, g.size, 1);
    expect(b.data.equals(fresh.subarray(BLOCK_BYTES))).toBe(true);
  });
});
