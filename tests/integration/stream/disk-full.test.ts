import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlintError } from '../../../electron/core/errors';
import { listCache } from '../../../electron/core/stream/cache';
import { downloadArtifact } from '../../../electron/core/stream/download';
import { startReleaseMirror, testDownloadOptions } from '../../helpers/release';
import { skipReason } from '../../helpers/requirements';

const why = skipReason({ tools: ['mount', 'umount', 'mountpoint'], root: true });

describe.skipIf(why)('download into a full disk', () => {
  it('fails with DOWNLOAD_DISK_FULL and publishes nothing (4 MiB tmpfs cache, 6 MiB ISO)', async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'flint-full-'));
    const mnt = path.join(work, 'cachefs');
    const { server, release } = await startReleaseMirror(path.join(work, 'mirror'), { iso: randomBytes(6 << 20) });
    let mounted = false;
    try {
      await mkdir(mnt);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'flint-test-cache', mnt]);
      mounted = true;
      const err = await downloadArtifact(release.iso, testDownloadOptions(mnt)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(FlintError);
      expect((err as FlintError).code).toBe('DOWNLOAD_DISK_FULL');
      expect((err as FlintError).message).toBe(`Not enough space in ${mnt} to download ${release.iso.name}; nothing was saved`);
      expect((err as FlintError).causes[0]).toMatch(/ENOSPC/);
      const listing = await listCache(mnt);
      expect(listing.entries).toEqual([]);
      expect(listing.partials).toEqual([]);
      expect((await readdir(mnt)).filter((n) => n !== '.partial')).toEqual([]);
      // nothing was retried: a full disk is not a transient network error
      expect(server.count(release.iso.name)).toBe(2); // the .sig and the ISO itself
    } finally {
      await server.close();
      if (mounted) execFileSync('umount', [mnt]);
      await rm(work, { recursive: true, force: true });
    }
  });
});
