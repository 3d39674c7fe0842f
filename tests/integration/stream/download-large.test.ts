import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlintError } from '../../../electron/core/errors';
import { listCache } from '../../../electron/core/stream/cache';
import { downloadArtifact, type DownloadOptions } from '../../../electron/core/stream/download';
import type { Release } from '../../../electron/core/stream/metadata';
import type { MirrorServer } from '../../helpers/mirror-server';
import { startReleaseMirror, testDownloadOptions } from '../../helpers/release';

// An artifact of many 512 KiB FileSink writes (and of many fillings of the 2 MiB write queue): both
// checks, resume within a call and across calls, nothing published on a bad byte.
const MiB = 1 << 20;
let work: string;
let server: MirrorServer;
let release: Release;
let isoBytes: Buffer;
let cacheDir: string;

const opts = (extra: DownloadOptions = {}): DownloadOptions => testDownloadOptions(cacheDir, extra);

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'flint-dl-large-'));
  cacheDir = path.join(work, 'cache');
  isoBytes = randomBytes(18 * MiB + 777);
  ({ server, release } = await startReleaseMirror(path.join(work, 'mirror'), { iso: isoBytes }));
});

afterEach(async () => {
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

describe('downloadArtifact of an 18 MiB artifact', () => {
  it('resumes after a dropped connection and publishes the verified file', async () => {
    server.addFault(release.iso.name, { kind: 'drop', afterBytes: 7 * MiB });
    const res = await downloadArtifact(release.iso, opts());
    expect(res).toMatchObject({ signature: 'verified', sha256: release.iso.sha256, size: isoBytes.length });
    expect(server.requests.filter((r) => r.range).map((r) => r.status)).toEqual([206]);
    expect(readFileSync(res.path).equals(isoBytes)).toBe(true);
  });

  it('a cancelled download is resumed by the next call, which re-hashes the kept bytes first', async () => {
    server.addFault(release.iso.name, { kind: 'throttle', bytesPerSecond: 32 * MiB });
    const ac = new AbortController();
    const first = await downloadArtifact(release.iso, opts({ signal: ac.signal, onProgress: (p) => p.bytes > 4 * MiB && ac.abort() })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(first).toMatchObject({ code: 'CANCELLED' });
    const phases: string[] = [];
    const res = await downloadArtifact(release.iso, opts({ onProgress: (p) => phases.push(p.phase) }));
    expect(phases[0]).toBe('verify-partial');
    expect(res).toMatchObject({ signature: 'verified', sha256: release.iso.sha256, size: isoBytes.length });
    expect(server.requests.filter((r) => r.range).map((r) => r.status)).toEqual([206]);
    expect(readFileSync(res.path).equals(isoBytes)).toBe(true);
  });

  it('deletes the file and publishes nothing when one byte is corrupted in transit', async () => {
    server.addFault(release.iso.name, { kind: 'corrupt', offset: 17 * MiB });
    const err = await downloadArtifact(release.iso, opts()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FlintError);
    expect((err as FlintError).code).toBe('DOWNLOAD_SHA256_MISMATCH');
    expect((err as FlintError).causes.join('\n')).toMatch(/signature does not match/);
    const listing = await listCache(cacheDir);
    expect(listing.entries).toEqual([]);
    expect(listing.partials).toEqual([]);
  });
});
