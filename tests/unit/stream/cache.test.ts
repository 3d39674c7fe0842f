import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachePaths, defaultCacheDir, listCache, lookupCache, pruneCache, type CacheRecord } from '../../../electron/core/stream/cache';

let dir: string;
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-26T00:00:00Z');

async function entry(name: string, daysOld: number, body = `${name} bytes`) {
  const p = cachePaths(dir, name);
  await writeFile(p.file, body);
  await writeFile(p.sig, 'sig');
  const rec: CacheRecord = {
    name,
    url: `http://m/${name}`,
    sha256: 'a'.repeat(64),
    size: Buffer.byteLength(body),
    signature: 'verified',
    addedAt: new Date(NOW - daysOld * DAY).toISOString(),
  };
  await writeFile(p.record, JSON.stringify(rec));
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flint-cache-'));
  await mkdir(path.join(dir, '.partial'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('defaultCacheDir', () => {
  it('follows each OS convention and honours FLINT_CACHE_DIR', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' }, 'linux')).toBe('/x/cache/flint');
    expect(defaultCacheDir({ HOME: '/h' }, 'linux')).toMatch(/\/\.cache\/flint$/);
    expect(defaultCacheDir({}, 'darwin')).toMatch(/\/Library\/Caches\/Flint$/);
    expect(defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32')).toContain(path.join('Flint', 'Cache'));
    expect(defaultCacheDir({ FLINT_CACHE_DIR: '/elsewhere' }, 'linux')).toBe('/elsewhere');
  });
});

describe('listCache / lookupCache', () => {
  it('lists complete entries newest first, and partials separately', async () => {
    await entry('old.iso', 10);
    await entry('new.iso', 1);
    await writeFile(cachePaths(dir, 'half.iso').partial, 'xx');
    await writeFile(cachePaths(dir, 'half.iso').partialMeta, JSON.stringify({ url: 'http://m/half.iso', sha256: 'b'.repeat(64) }));
    const l = await listCache(dir);
    expect(l.entries.map((e) => e.name)).toEqual(['new.iso', 'old.iso']);
    expect(l.entries[0]).toMatchObject({ path: path.join(dir, 'new.iso'), sigPath: path.join(dir, 'new.iso.sig') });
    expect(l.partials).toEqual([
      { name: 'half.iso', path: cachePaths(dir, 'half.iso').partial, size: 2, url: 'http://m/half.iso', sha256: 'b'.repeat(64) },
    ]);
  });
  it('ignores an entry whose size does not match its record or whose SHA-256 differs', async () => {
    await entry('a.iso', 1);
    await writeFile(path.join(dir, 'a.iso'), 'changed length!!!!!');
    expect(await lookupCache(dir, 'a.iso')).toBeUndefined();
    await entry('b.iso', 1);
    expect(await lookupCache(dir, 'b.iso', 'c'.repeat(64))).toBeUndefined();
    await entry('c.iso', 1);
    await writeFile(cachePaths(dir, 'c.iso').sig, ''); // torn by a crash: the entry no longer counts
    expect(await lookupCache(dir, 'c.iso')).toBeUndefined();
    expect(await lookupCache(dir, 'b.iso', 'A'.repeat(64))).toMatchObject({ name: 'b.iso' });
  });
  it('returns an empty listing for a cache that does not exist yet', async () => {
    expect(await listCache(path.join(dir, 'none'))).toEqual({ dir: path.join(dir, 'none'), entries: [], partials: [] });
  });
});

describe('pruneCache', () => {
  beforeEach(async () => {
    await entry('e1.iso', 1);
    await entry('e2.iso', 5);
    await entry('e3.iso', 30);
    await writeFile(cachePaths(dir, 'p.iso').partial, '12345');
    await writeFile(path.join(dir, 'orphan.iso.sig'), 'sig');
    await writeFile(path.join(dir, 'x.iso.tmp-123'), 'tmp');
  });
  it('by default removes only partials and stray files', async () => {
    const r = await pruneCache(dir, { now: NOW });
    expect(r.removed).toEqual([cachePaths(dir, 'p.iso').partial, path.join(dir, 'orphan.iso.sig'), path.join(dir, 'x.iso.tmp-123')].sort());
    expect(r.freedBytes).toBe(5 + 3 + 3);
    expect((await listCache(dir)).entries).toHaveLength(3);
  });
  it('removes entries older than a limit, or beyond the newest N, or all', async () => {
    await pruneCache(dir, { olderThanMs: 7 * DAY, now: NOW });
    expect((await listCache(dir)).entries.map((e) => e.name)).toEqual(['e1.iso', 'e2.iso']);
    expect(existsSync(path.join(dir, 'e3.iso.sig'))).toBe(false);
    await pruneCache(dir, { keepNewest: 1, now: NOW });
    expect((await listCache(dir)).entries.map((e) => e.name)).toEqual(['e1.iso']);
    await pruneCache(dir, { all: true });
    expect(await listCache(dir)).toMatchObject({ entries: [], partials: [] });
  });
  it('dry run removes nothing; keepPartials keeps unfinished downloads', async () => {
    const r = await pruneCache(dir, { all: true, dryRun: true });
    expect(r.removed).toHaveLength(3 * 3 + 3);
    expect((await listCache(dir)).entries).toHaveLength(3);
    await pruneCache(dir, { keepPartials: true });
    expect((await listCache(dir)).partials.map((p) => p.name)).toEqual(['p.iso']);
  });
  it('leaves the partial file of a running download alone', async () => {
    await writeFile(cachePaths(dir, 'p.iso').lock, String(process.pid));
    await pruneCache(dir, { all: true });
    expect((await listCache(dir)).partials.map((p) => p.name)).toEqual(['p.iso']);
    await writeFile(cachePaths(dir, 'p.iso').lock, '999999999'); // its process is gone
    await pruneCache(dir, { all: true });
    expect((await listCache(dir)).partials).toEqual([]);
  });

  it('removes a record together with its artifact when the sizes disagree', async () => {
    await writeFile(path.join(dir, 'e2.iso'), 'truncated');
    await pruneCache(dir, { now: NOW });
    expect(existsSync(path.join(dir, 'e2.iso'))).toBe(false);
    expect(existsSync(cachePaths(dir, 'e2.iso').record)).toBe(false);
  });
});
