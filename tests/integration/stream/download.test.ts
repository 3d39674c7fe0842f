import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Progress } from '../../../electron/core/progress';
import { cachePaths, listCache } from '../../../electron/core/stream/cache';
import { downloadArtifact, type DownloadOptions } from '../../../electron/core/stream/download';
import { fetchStreamMetadata, type Release } from '../../../electron/core/stream/metadata';
import { sha256File, signFile, type MirrorServer } from '../../helpers/mirror-server';
import { startReleaseMirror, testDownloadOptions } from '../../helpers/release';
import { failure } from '../../helpers/failure';

const MiB = 1 << 20;
let work: string;
let server: MirrorServer;
let release: Release;
let isoBytes: Buffer;
let cacheDir: string;

const opts = (extra: DownloadOptions = {}): DownloadOptions => testDownloadOptions(cacheDir, extra);
const isoGets = () => server.requests.filter((r) => r.path === new URL(release.iso.url).pathname);

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'flint-dl-'));
  cacheDir = path.join(work, 'cache');
  isoBytes = randomBytes(3 * MiB + 12345);
  ({ server, release } = await startReleaseMirror(path.join(work, 'mirror'), { iso: isoBytes, kernel: randomBytes(64 * 1024) }));
});

afterEach(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

describe('downloadArtifact against a local mirror', () => {
  it('downloads, verifies both checks, publishes, reports progress, then reuses the cache with zero requests', async () => {
    const progress: Progress[] = [];
    const res = await downloadArtifact(release.iso, opts({ onProgress: (p) => progress.push(p) }));
    expect(res).toMatchObject({ signature: 'verified', cached: false, size: isoBytes.length, name: release.iso.name });
    expect(res.path).toBe(path.join(cacheDir, release.iso.name));
    expect(readFileSync(res.path).equals(isoBytes)).toBe(true);
    expect(res.sha256).toBe(release.iso.sha256);
    expect(readFileSync(res.sigPath!).length).toBeGreaterThan(100);
    expect(progress.at(-1)).toMatchObject({ phase: 'download', bytes: isoBytes.length, total: isoBytes.length, item: release.iso.name });
    expect(progress.map((p) => p.bytes)).toEqual([...progress.map((p) => p.bytes)].sort((a, b) => a - b));
    const listing = await listCache(cacheDir);
    expect(listing.entries.map((e) => [e.name, e.sha256, e.signature])).toEqual([[release.iso.name, release.iso.sha256, 'verified']]);
    expect(listing.partials).toEqual([]);

    const before = server.requests.length;
    const again = await downloadArtifact(release.iso, opts());
    expect(again).toMatchObject({ cached: true, path: res.path, sha256: res.sha256, signature: 'verified' });
    expect(server.requests.length).toBe(before);
  });

  it('resumes with a Range request after the connection drops mid-body', async () => {
    server.addFault(release.iso.name, { kind: 'drop', afterBytes: MiB });
    const res = await downloadArtifact(release.iso, opts());
    expect(res.sha256).toBe(release.iso.sha256);
    const gets = isoGets();
    expect(gets).toHaveLength(2);
    expect(gets[0]).toMatchObject({ status: 200, fault: 'drop' });
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(gets[1].range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(MiB);
    expect(gets[1].status).toBe(206);
    expect(readFileSync(res.path).equals(isoBytes)).toBe(true);
  });

  it('restarts from zero when the server ignores Range', async () => {
    server.addFault(release.iso.name, { kind: 'drop', afterBytes: MiB });
    server.addFault(release.iso.name, { kind: 'ignore-range' });
    const res = await downloadArtifact(release.iso, opts());
    const gets = isoGets();
    expect(gets).toHaveLength(2);
    expect(gets[1].range).toMatch(/^bytes=\d+-$/);
    expect(gets[1]).toMatchObject({ status: 200, fault: 'ignore-range' });
    expect(res.size).toBe(isoBytes.length);
    expect(readFileSync(res.path).equals(isoBytes)).toBe(true);
  });

  it('fails on 404 without retrying and publishes nothing', async () => {
    server.addFault(release.iso.name, { kind: 'status', status: 404, times: 5 });
    const err = await failure(downloadArtifact(release.iso, opts({ fetchRetries: 3 })));
    expect(err.code).toBe('HTTP_STATUS');
    expect(err.message).toBe(`Fetching ${release.iso.url} failed: the server answered 404 Not Found`);
    expect(isoGets()).toHaveLength(1);
    expect((await listCache(cacheDir)).entries).toEqual([]);
  });

  it('retries after a 500 and succeeds', async () => {
    server.addFault(release.iso.name, { kind: 'status', status: 500 });
    const res = await downloadArtifact(release.iso, opts());
    expect(isoGets().map((r) => r.status)).toEqual([500, 200]);
    expect(res.sha256).toBe(release.iso.sha256);
  });

  it('gives up after fetchRetries transient failures', async () => {
    server.addFault(release.iso.name, { kind: 'status', status: 503, times: 10 });
    const err = await failure(downloadArtifact(release.iso, opts({ fetchRetries: 2 })));
    expect(err.code).toBe('HTTP_TRANSIENT');
    expect(err.message).toContain('503');
    expect(isoGets()).toHaveLength(3);
  });

  it('rejects a bad signature, deletes the file and names the check and the file', async () => {
    const other = path.join(work, 'other');
    await writeFile(other, 'not the ISO');
    await writeFile(path.join(server.root, new URL(release.iso.sigUrl).pathname), await signFile(other));
    const err = await failure(downloadArtifact(release.iso, opts()));
    expect(err.code).toBe('DOWNLOAD_SIGNATURE_INVALID');
    expect(err.message).toBe(
      `OpenPGP signature check failed for ${release.iso.name}: the signature does not match the file: the file was deleted`,
    );
    const p = cachePaths(cacheDir, release.iso.name);
    expect([p.file, p.partial, p.record].filter(existsSync)).toEqual([]);
  });

  it('rejects a signature file that is not an OpenPGP signature before downloading anything', async () => {
    await writeFile(path.join(server.root, new URL(release.iso.sigUrl).pathname), '<html>not found</html>');
    const err = await failure(downloadArtifact(release.iso, opts()));
    expect(err.code).toBe('DOWNLOAD_SIGNATURE_INVALID');
    expect(err.message).toBe(
      `OpenPGP signature check failed for ${release.iso.name}: the signature file is not a valid OpenPGP signature (${release.iso.sigUrl}); nothing was downloaded`,
    );
    expect(isoGets()).toEqual([]);
  });

  it('rejects a signature by a key that is not trusted before downloading the artifact', async () => {
    const err = await failure(downloadArtifact(release.iso, opts({ keyrings: [] })));
    expect(err.code).toBe('DOWNLOAD_SIGNATURE_UNKNOWN_KEY');
    expect(err.message).toBe(`${release.iso.name} is signed by key 5FBDA8071BF24B78, which is not a trusted key; nothing was downloaded`);
    expect(err.params).toEqual({ artifact: release.iso.name, keyId: '5FBDA8071BF24B78', url: release.iso.sigUrl });
    expect(isoGets()).toEqual([]);
    expect(server.count(new URL(release.iso.sigUrl).pathname)).toBe(1);
    expect((await listCache(cacheDir)).entries).toEqual([]);
  });

  it('rejects a SHA-256 mismatch even when the signature is good', async () => {
    const wrong = { ...release.iso, sha256: 'ab'.repeat(32) };
    const err = await failure(downloadArtifact(wrong, opts()));
    expect(err.code).toBe('DOWNLOAD_SHA256_MISMATCH');
    expect(err.message).toBe(`SHA-256 check failed for ${release.iso.name}: the file was deleted`);
    expect(err.causes[0]).toBe(`expected ${'ab'.repeat(32)}, got ${release.iso.sha256} (${isoBytes.length} bytes from ${release.iso.url})`);
    expect(existsSync(cachePaths(cacheDir, release.iso.name).partial)).toBe(false);
  });

  it('reports both checks when the served bytes are corrupted', async () => {
    server.addFault(release.iso.name, { kind: 'corrupt', offset: 2 * MiB });
    const err = await failure(downloadArtifact(release.iso, opts()));
    expect(err.code).toBe('DOWNLOAD_SHA256_MISMATCH');
    expect(err.causes.at(-1)).toMatch(new RegExp(`^OpenPGP signature check failed for ${release.iso.name}`));
    expect((await listCache(cacheDir)).entries).toEqual([]);
  });

  it('keeps a body shorter than its Content-Length as a partial, then resumes it in a later call', async () => {
    server.addFault(release.iso.name, { kind: 'short-body', afterBytes: MiB });
    const err = await failure(downloadArtifact(release.iso, opts({ fetchRetries: 0 })));
    expect(err.code).toBe('HTTP_INCOMPLETE');
    expect(err.message).toBe(`The connection broke after ${MiB} of ${isoBytes.length} bytes of ${release.iso.name}`);
    const listing = await listCache(cacheDir);
    expect(listing.entries).toEqual([]);
    expect(listing.partials.map((p) => [p.name, p.size])).toEqual([[release.iso.name, MiB]]);

    const res = await downloadArtifact(release.iso, opts());
    expect(isoGets().at(-1)).toMatchObject({ range: `bytes=${MiB}-`, status: 206 });
    expect(readFileSync(res.path).equals(isoBytes)).toBe(true);
    expect((await listCache(cacheDir)).partials).toEqual([]);
  });

  it('cancels mid-download, keeps the partial for resume and publishes nothing', async () => {
    server.addFault(release.iso.name, { kind: 'throttle', bytesPerSecond: 4 * MiB });
    const ac = new AbortController();
    const err = await failure(
      downloadArtifact(release.iso, opts({ signal: ac.signal, onProgress: (p) => p.bytes > MiB / 2 && ac.abort() })),
    );
    expect(err.code).toBe('CANCELLED');
    expect(err.message).toBe(`Download of ${release.iso.name} was cancelled`);
    const p = cachePaths(cacheDir, release.iso.name);
    expect(existsSync(p.file)).toBe(false);
    const kept = statSync(p.partial).size;
    expect(kept).toBeGreaterThan(MiB / 2);
    expect(kept).toBeLessThan(isoBytes.length);
    expect(err.causes).toEqual([`${kept} bytes kept for resume`]);

    const res = await downloadArtifact(release.iso, opts());
    expect(isoGets().at(-1)).toMatchObject({ range: `bytes=${kept}-`, status: 206 });
    expect(await sha256File(res.path)).toBe(release.iso.sha256);
  });

  it('checks and publishes a partial file that is already complete (416 from the server)', async () => {
    const p = cachePaths(cacheDir, release.iso.name);
    await mkdir(path.dirname(p.partial), { recursive: true });
    await writeFile(p.partial, isoBytes);
    await writeFile(p.partialMeta, JSON.stringify({ url: release.iso.url, sha256: release.iso.sha256 }));
    const res = await downloadArtifact(release.iso, opts());
    expect(isoGets()).toEqual([expect.objectContaining({ range: `bytes=${isoBytes.length}-`, status: 416 })]);
    expect(res).toMatchObject({ cached: false, signature: 'verified', sha256: release.iso.sha256 });
    expect(existsSync(p.partial)).toBe(false);
  });

  it('times out a stalled body and resumes it', async () => {
    server.addFault(release.iso.name, { kind: 'stall', afterBytes: MiB });
    const res = await downloadArtifact(release.iso, opts({ timeoutMs: 300 }));
    const gets = isoGets();
    expect(gets.map((g) => g.fault ?? g.status)).toEqual(['stall', 206]);
    expect(gets[1].range).toMatch(/^bytes=\d+-$/);
    expect(res.sha256).toBe(release.iso.sha256);
  });

  it('follows redirects', async () => {
    const isoPath = new URL(release.iso.url).pathname;
    server.addFault('/moved.iso', { kind: 'redirect', to: isoPath });
    const res = await downloadArtifact({ ...release.iso, url: `${server.url}/moved.iso` }, opts());
    expect(server.requests.filter((r) => r.path === '/moved.iso' || r.path === isoPath).map((r) => r.status)).toEqual([302, 200]);
    expect(res.sha256).toBe(release.iso.sha256);
  });

  it('allows one download of a file at a time and takes over a stale lock', async () => {
    server.addFault(release.iso.name, { kind: 'throttle', bytesPerSecond: 8 * MiB });
    let flowing: () => void = () => {};
    const started = new Promise<void>((r) => (flowing = r));
    const first = downloadArtifact(release.iso, opts({ onProgress: () => flowing() }));
    await started; // bytes arrive: the first download holds the lock
    const err = await failure(downloadArtifact(release.iso, opts()));
    expect(err.code).toBe('DOWNLOAD_BUSY');
    expect(err.message).toBe(`${release.iso.name} is already being downloaded into ${cacheDir}`);
    expect((await first).sha256).toBe(release.iso.sha256);
    expect(existsSync(cachePaths(cacheDir, release.iso.name).lock)).toBe(false);

    const kernel = release.pxe.kernel;
    await writeFile(cachePaths(cacheDir, kernel.name).lock, '999999999'); // no such process
    expect((await downloadArtifact(kernel, opts())).signature).toBe('verified');
  });

  it('retries stream metadata after a transient failure, and reports a permanent one', async () => {
    server.addFault('/streams/stable.json', { kind: 'status', status: 503 });
    const meta = await fetchStreamMetadata('stable', { baseUrl: server.url, retryDelayMs: 10 });
    expect(meta.stream).toBe('stable');
    expect(server.requests.filter((r) => r.path === '/streams/stable.json').map((r) => r.status)).toEqual([200, 503, 200]);
    server.addFault('/streams/next.json', { kind: 'status', status: 403 });
    const err = await failure(fetchStreamMetadata('next', { baseUrl: server.url, retryDelayMs: 10 }));
    expect(err.code).toBe('HTTP_STATUS');
    expect(err.message).toBe(`Fetching ${server.url}/streams/next.json failed: the server answered 403 Forbidden`);
    expect(server.count('/streams/next.json')).toBe(1);
  });

  it('reports malformed metadata served by the mirror', async () => {
    await writeFile(path.join(server.root, 'streams/broken.json'), '{"stream": "broken", "architectures": ');
    const err = await failure(fetchStreamMetadata('broken', { baseUrl: server.url }));
    expect(err.code).toBe('STREAM_METADATA_INVALID');
    expect(err.message).toBe(`Malformed stream metadata from ${server.url}/streams/broken.json`);
    expect(err.causes[0]).toMatch(/^not valid JSON: /);
  });

  it('refuses to start when the signal is already aborted', async () => {
    const err = await failure(downloadArtifact(release.iso, opts({ signal: AbortSignal.abort() })));
    expect(err.code).toBe('CANCELLED');
    expect(server.requests.filter((r) => !r.path.startsWith('/streams/'))).toEqual([]);
  });

  it('requires a signature unless allowUnsigned is set', async () => {
    await rm(path.join(server.root, new URL(release.pxe.kernel.sigUrl).pathname));
    const err = await failure(downloadArtifact(release.pxe.kernel, opts()));
    expect(err.code).toBe('DOWNLOAD_SIGNATURE_MISSING');
    expect(err.message).toBe(`Cannot fetch the OpenPGP signature of ${release.pxe.kernel.name}`);
    const res = await downloadArtifact(release.pxe.kernel, opts({ allowUnsigned: true }));
    expect(res).toMatchObject({ signature: 'none', cached: false });
    expect(res.sigPath).toBeUndefined();
  });

  it('gives a clear error for a PXE artifact the mirror does not have', async () => {
    const err = await failure(downloadArtifact(release.pxe.rootfs, opts()));
    expect(err.code).toBe('DOWNLOAD_SIGNATURE_MISSING');
    expect(err.causes[0]).toContain('404');
  });
});

describe('a stream the mirror does not have', () => {
  it('is STREAM_NOT_FOUND listing the streams and the nearest name, not a 404', async () => {
    const err = await failure(fetchStreamMetadata('stabel', { baseUrl: server.url }));
    expect(err.code).toBe('STREAM_NOT_FOUND');
    expect(err.message).toBe('There is no stream "stabel"; did you mean "stable"?');
    expect(err.causes).toEqual(['the streams are stable, testing, next', `${server.url}/streams/stabel.json does not exist`]);
    expect(err.params).toMatchObject({ stream: 'stabel', suggestion: 'stable' });
    const far = await failure(fetchStreamMetadata('rawhide', { baseUrl: server.url }));
    expect(far.message).toBe('There is no stream "rawhide"');
    expect(server.count('/streams/stabel.json')).toBe(1); // not retried
  });
});
