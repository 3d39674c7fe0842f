import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDefaultCore } from '../../../electron/app/core-default';
import { dispatch } from '../../../electron/app/handlers';
import { Session } from '../../../electron/app/session';
import type { ImageState, Outcome } from '../../../electron/contract/types';
import type { Drive } from '../../../electron/core/drives/types';
import { obtainImage } from '../../../electron/core/flash/source';
import type { Progress } from '../../../electron/core/progress';
import { cachePaths, listCache, type CacheRecord } from '../../../electron/core/stream/cache';
import { downloadArtifact } from '../../../electron/core/stream/download';
import { fetchStreamMetadata, selectRelease, type Release } from '../../../electron/core/stream/metadata';
import { fixtureIso } from '../../helpers/fixtures';
import { TEST_KEY, populateMirror, sha256File, startMirrorServer, type MirrorServer } from '../../helpers/mirror-server';

/**
 * A cached ISO is reported "verified" with a SHA-256 only while its bytes are the ones verified:
 * the record keeps the file's stamp (size, inode, mtime, ctime); any change makes every user of
 * the cache (download, burn's obtainImage, the app's cached images) read it again, and a file
 * that no longer matches is dropped and downloaded again.
 */
let work: string;
let cacheDir: string;
let server: MirrorServer;
let release: Release;
let isoBytes: Buffer;

const keyrings = [TEST_KEY.publicArmored];
const isoGets = () => server.requests.filter((r) => r.path === new URL(release.iso.url).pathname).length;

/** Changes one byte in place: same size, same name. */
async function flipByte(file: string, offset: number): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, offset);
    b[0] ^= 0xff;
    await fh.write(b, 0, 1, offset);
  } finally {
    await fh.close();
  }
}

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'flint-cache-trust-'));
  cacheDir = path.join(work, 'cache');
  isoBytes = randomBytes((2 << 20) + 99);
  await populateMirror(path.join(work, 'mirror'), { iso: isoBytes });
  server = await startMirrorServer({ root: path.join(work, 'mirror') });
  release = selectRelease(await fetchStreamMetadata('stable', { baseUrl: server.url }), 'x86_64');
  await downloadArtifact(release.iso, { cacheDir, keyrings });
});

afterEach(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

describe('trusting the download cache', () => {
  it('a same-size change to a cached ISO is caught: never reported with the recorded SHA-256, downloaded again', async () => {
    const file = cachePaths(cacheDir, release.iso.name).file;
    await flipByte(file, 123_456);
    const r = await downloadArtifact(release.iso, { cacheDir, keyrings });
    expect(r.cached).toBe(false);
    expect(isoGets()).toBe(2);
    expect(await sha256File(r.path)).toBe(r.sha256);
    expect(readFileSync(r.path).equals(isoBytes)).toBe(true);
  });

  it('restoring the mtime after a change does not hide it (the ctime moved)', async () => {
    const file = cachePaths(cacheDir, release.iso.name).file;
    const before = await stat(file);
    await flipByte(file, 5);
    await utimes(file, before.atime, before.mtime);
    const r = await downloadArtifact(release.iso, { cacheDir, keyrings });
    expect(r.cached).toBe(false);
    expect(readFileSync(r.path).equals(isoBytes)).toBe(true);
  });

  it('an unchanged entry is used without reading it; a touched or unstamped one is read once, then stamped', async () => {
    const phases = (events: Progress[]) => new Set(events.map((e) => e.phase));
    let events: Progress[] = [];
    const again = () => downloadArtifact(release.iso, { cacheDir, keyrings, onProgress: (p) => events.push(p) });
    expect(await again()).toMatchObject({ cached: true, signature: 'verified', sha256: release.iso.sha256 });
    expect(phases(events).has('verify-image')).toBe(false);

    const p = cachePaths(cacheDir, release.iso.name);
    const now = new Date();
    await utimes(p.file, now, now); // same bytes, new mtime
    events = [];
    expect(await again()).toMatchObject({ cached: true, signature: 'verified' });
    expect(phases(events).has('verify-image')).toBe(true);

    const rec = JSON.parse(await readFile(p.record, 'utf8')) as CacheRecord;
    delete rec.stamp; // as written by an older Flint
    await writeFile(p.record, JSON.stringify(rec));
    events = [];
    expect(await again()).toMatchObject({ cached: true });
    expect(phases(events).has('verify-image')).toBe(true);
    expect((JSON.parse(await readFile(p.record, 'utf8')) as CacheRecord).stamp).toBeDefined();
    events = [];
    await again();
    expect(phases(events).has('verify-image')).toBe(false);
    expect(isoGets()).toBe(1);
  });

  it("burn's obtainImage reports the SHA-256 of the bytes it hands on, not the record's", async () => {
    await flipByte(cachePaths(cacheDir, release.iso.name).file, 2 << 20);
    const image = await obtainImage({ kind: 'stream', stream: 'stable', arch: 'x86_64', baseUrl: server.url, keyrings, cacheDir });
    expect(image).toMatchObject({ cached: false, signature: 'verified' });
    expect(await sha256File(image.path)).toBe(image.sha256);
    expect(image.sha256).toBe(release.iso.sha256);
  });

  it("the app's cached images leave out (and remove) a changed ISO and re-check a touched one", async () => {
    const core = createDefaultCore({ cacheDir, keyrings, baseUrl: server.url });
    expect((await core.cachedImages()).map((i) => i.sha256)).toEqual([release.iso.sha256]);
    const file = cachePaths(cacheDir, release.iso.name).file;
    await flipByte(file, 77);
    expect(await core.cachedImages()).toEqual([]);
    expect((await listCache(cacheDir)).entries).toEqual([]);
    const [info] = await core.releases(['stable'], 'x86_64');
    expect(info.cached).toBe(false);
  });
});

describe("the app's flash and a cached image that changes after it was picked", () => {
  it('is refused with IMAGE_CHANGED before any drive is looked at, never written as verified', async () => {
    // a real live ISO this time: the app inspects the image it holds
    const dir = await mkdtemp(path.join(tmpdir(), 'flint-cache-trust-app-'));
    const iso = await fixtureIso('embed-areas-2023-07.x86_64');
    await populateMirror(path.join(dir, 'mirror'), { iso: { file: iso } });
    const mirror = await startMirrorServer({ root: path.join(dir, 'mirror') });
    try {
      const core = createDefaultCore({ cacheDir: path.join(dir, 'cache'), keyrings, baseUrl: mirror.url });
      const session = new Session({ mode: 'browser', core, app: { name: 'Flint', version: '0' } });
      const call = async <T>(channel: string, req: unknown) => (await dispatch(session, channel, req)) as Outcome<T>;
      const got = await call<ImageState>('image:download', { stream: 'stable', arch: 'x86_64' });
      if (!got.ok) throw new Error(got.error.message);
      expect(got.value).toMatchObject({ signature: 'verified', sha256: await sha256File(got.value.path) });
      // the drive the user picked; the flash must stop before it is even listed again
      const stick = { id: 'stick-1', device: '/dev/flint-test-never-opened' } as Drive;
      session.drives.set(stick.id, stick);
      await flipByte(got.value.path, 4096);
      const r = await call<{ jobId: string }>('flash:start', {
        imageId: got.value.id,
        options: { fromRam: false, extraKargs: '', networkIds: [], caIds: [] },
        targetIds: [stick.id],
        verify: true,
        eject: false,
        confirmLarge: false,
      });
      expect(r).toMatchObject({ ok: false, error: { code: 'IMAGE_CHANGED', params: { path: got.value.path } } });
      expect(session.flash).toBeNull();
    } finally {
      await mirror.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
