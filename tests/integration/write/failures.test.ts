import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { skipReason } from '../../helpers/requirements';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { fixtureIso } from '../../helpers/fixtures';
import { writeImage } from '../../../electron/core/write/write-image';
import type { TargetResult, WriteEvent } from '../../../electron/core/write/events';
import { ERROR_CODES } from '../../../electron/contract/error-codes';
import { WRITE_REQS, isMounted, loopDrive, randomImage, tempDir, umountIfMounted } from './setup';
import { readBytes } from '../../helpers/read-bytes';

const why = skipReason(WRITE_REQS);
const MiB = 1024 * 1024;
type Failed = TargetResult & { error: NonNullable<TargetResult['error']> };

function withHooks<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const keys = ['FLINT_TEST_HOOKS', ...Object.keys(env)];
  process.env.FLINT_TEST_HOOKS = '1';
  Object.assign(process.env, env);
  return fn().finally(() => {
    for (const k of keys) delete process.env[k];
  });
}

describe.skipIf(why)('writer failures on real loop devices', () => {
  // Everything a test makes is undone in reverse order (loop devices before the tmpfs holding them,
  // mounts before their loop devices), by exact name, even when the test failed.
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        c();
      } catch (err) {
        console.warn('cleanup failed:', err);
      }
    }
  });
  const loop = (size: number, dir?: string): LoopDevice => {
    const l = createLoopDevice(size, dir);
    cleanups.push(() => l.remove());
    return l;
  };
  const isoPlan = async () => {
    const iso = await fixtureIso('embed-areas-2023-07.x86_64');
    return { iso, plan: { imageSize: readFileSync(iso).length, writes: [] } };
  };

  it('unmounts a mounted filesystem on the target before writing (never lazily)', async () => {
    const { iso, plan } = await isoPlan();
    const l = loop(16 * MiB);
    execFileSync('mkfs.ext4', ['-q', l.device]);
    const mnt = tempDir('flint-mnt-');
    cleanups.push(
      () => mnt.remove(),
      () => umountIfMounted(mnt.path),
    );
    execFileSync('mount', [l.device, mnt.path]);
    const logs: string[] = [];
    const [r] = await writeImage({
      image: iso,
      plan,
      targets: [await loopDrive(l.device)],
      allowLoop: true,
      onEvent: (e) => e.type === 'log' && logs.push(e.message),
    });
    expect(r.ok).toBe(true);
    expect(isMounted(mnt.path)).toBe(false);
    expect(logs).toContain(`unmounted ${mnt.path}`);
    expect(readBytes(l.device, 0, plan.imageSize).equals(readFileSync(iso))).toBe(true);
  });

  it('reports a busy mount as WRITE_DEVICE_BUSY and leaves the device alone', async () => {
    const { iso, plan } = await isoPlan();
    const l = loop(16 * MiB);
    execFileSync('mkfs.ext4', ['-q', l.device]);
    const mnt = tempDir('flint-mnt-');
    cleanups.push(
      () => mnt.remove(),
      () => umountIfMounted(mnt.path),
    );
    execFileSync('mount', [l.device, mnt.path]);
    writeFileSync(join(mnt.path, 'held'), 'x');
    const fd = openSync(join(mnt.path, 'held'), 'r');
    cleanups.push(() => closeSync(fd));
    const before = readBytes(l.device, 0, MiB);
    const [r] = await writeImage({ image: iso, plan, targets: [await loopDrive(l.device)], allowLoop: true });
    expect(r.ok).toBe(false);
    expect((r as Failed).error.code).toBe(ERROR_CODES.WRITE_DEVICE_BUSY);
    expect((r as Failed).error.message).toContain(mnt.path);
    expect(isMounted(mnt.path)).toBe(true);
    expect(readBytes(l.device, 0, MiB).equals(before)).toBe(true);
  });

  it('refuses a too-small target, a loop device without allowLoop and a swapped device', async () => {
    const { iso, plan } = await isoPlan();
    const small = loop(512 * 1024);
    const other = loop(4 * MiB);
    const wrong = loop(4 * MiB);
    const results = await writeImage({
      image: iso,
      plan,
      targets: [await loopDrive(small.device), await loopDrive(other.device)],
      allowLoop: true,
    }).then(async (r) => [
      ...r,
      ...(await writeImage({ image: iso, plan, targets: [await loopDrive(other.device)], allowLoop: false })),
      ...(await writeImage({
        image: iso,
        plan,
        targets: [{ device: wrong.device, size: 8 * MiB, serial: '', model: '' }],
        allowLoop: true,
      })),
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : r.error!.code))).toEqual([
      ERROR_CODES.WRITE_TOO_SMALL,
      'ok',
      ERROR_CODES.WRITE_LOOP_NOT_ALLOWED,
      ERROR_CODES.WRITE_TARGET_CHANGED,
    ]);
    // refused before any byte: nothing written, and said so
    expect(results.filter((r) => !r.ok).map((r) => [r.ending, r.bytesWritten])).toEqual([
      ['not-written', 0],
      ['not-written', 0],
      ['not-written', 0],
    ]);
    expect(readBytes(wrong.device, 0, MiB).every((b) => b === 0)).toBe(true);
  });

  it('cancel mid-write stops promptly and wipes the first MiB', async () => {
    const dir = tempDir('flint-img-');
    cleanups.push(() => dir.remove());
    const image = join(dir.path, 'big.img');
    randomImage(image, 64);
    const l = loop(80 * MiB);
    const ac = new AbortController();
    let abortedAt = 0;
    const results = await withHooks({ FLINT_TEST_BLOCK_DELAY_MS: '250' }, () =>
      writeImage({
        image,
        plan: { imageSize: 64 * MiB, writes: [] },
        targets: [l.device],
        allowLoop: true,
        signal: ac.signal,
        onEvent: (e: WriteEvent) => {
          if (e.type === 'progress' && e.phase === 'write' && e.bytes >= 8 * MiB && !abortedAt) {
            abortedAt = Date.now();
            ac.abort();
          }
        },
      }),
    );
    expect(Date.now() - abortedAt).toBeLessThan(3000);
    const r = results[0] as Failed;
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe(ERROR_CODES.WRITE_CANCELLED);
    expect(r.error.params).toEqual({ device: l.device, stage: 'writing', wiped: true });
    expect(r).toMatchObject({ ending: 'cancelled-wiped', wiped: true });
    expect(r.bytesWritten).toBeLessThan(64 * MiB);
    expect(readBytes(l.device, 0, MiB).every((b) => b === 0)).toBe(true);
    // written, then wiped: the second MiB still holds the image
    const src = readFileSync(image);
    expect(readBytes(l.device, MiB, MiB).equals(src.subarray(MiB, 2 * MiB))).toBe(true);
  });

  it('an I/O error mid-write (backing tmpfs full) names the byte offset, does not hang, and does not stop the other stick', async () => {
    const dir = tempDir('flint-img-');
    cleanups.push(() => dir.remove());
    const image = join(dir.path, 'big.img');
    randomImage(image, 48);
    const fsDir = join(dir.path, 'tmpfs');
    mkdirSync(fsDir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'flint-eio-test', fsDir]);
    cleanups.push(
      () => rmdirSync(fsDir),
      () => umountIfMounted(fsDir),
    );
    const l = loop(64 * MiB, fsDir);
    const healthy = loop(64 * MiB);
    const t0 = Date.now();
    const [r, good] = await writeImage({
      image,
      plan: { imageSize: 48 * MiB, writes: [] },
      targets: [l.device, healthy.device],
      allowLoop: true,
    });
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(good).toMatchObject({ device: healthy.device, ok: true, verified: true, bytesWritten: 48 * MiB });
    expect(readBytes(healthy.device, 0, 48 * MiB).equals(readFileSync(image))).toBe(true);
    expect(r.ok).toBe(false);
    const f = r as Failed;
    expect(f.error.code).toBe(ERROR_CODES.WRITE_IO_ERROR);
    const at = Number(/at byte (\d+)/.exec(f.error.message)?.[1]);
    expect(at).toBeGreaterThanOrEqual(8 * MiB);
    expect(at).toBeLessThanOrEqual(17 * MiB);
    // the ending says where it failed, and that its start was wiped
    expect(f).toMatchObject({
      ending: 'failed',
      failedAt: at,
      wiped: true,
      error: { params: { device: l.device, offset: at, doing: 'writing' } },
    });
  });

  it('a byte changed between write and verify is caught at that byte', async () => {
    const { iso, plan } = await isoPlan();
    const l = loop(4 * MiB);
    const [r] = await withHooks({ FLINT_TEST_CORRUPT_AT: '300001' }, () =>
      writeImage({ image: iso, plan, targets: [l.device], allowLoop: true }),
    );
    expect(r.ok).toBe(false);
    expect((r as Failed).error.code).toBe(ERROR_CODES.WRITE_VERIFY_MISMATCH);
    expect((r as Failed).error.message).toMatch(/at byte 300001;/);
    expect(r).toMatchObject({ ending: 'failed', failedAt: 300001 });
  });
});
