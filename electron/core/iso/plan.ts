import { Transform, type TransformCallback } from 'node:stream';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { FlintError } from '../errors';
import { fastCopy } from './fast-copy';

/** One write of a patch plan: put `bytes` at absolute byte `offset` of the image. */
export interface PatchWrite {
  offset: number;
  bytes: Uint8Array;
}

/**
 * What customizing an image means, as data: the pristine image of `imageSize` bytes with
 * `writes` laid over it. Writes are sorted by offset and never overlap. The same plan drives
 * every output mode (in place, copy, stream), so they all produce the same bytes.
 */
export interface PatchPlan {
  imageSize: number;
  writes: PatchWrite[];
}

/** Sorts writes, checks they lie inside the image and do not overlap. */
export function normalizePlan(imageSize: number, writes: PatchWrite[]): PatchPlan {
  const sorted = [...writes].filter((w) => w.bytes.length > 0).sort((a, b) => a.offset - b.offset);
  let end = 0;
  for (const w of sorted) {
    if (!Number.isSafeInteger(w.offset) || w.offset < 0 || w.offset + w.bytes.length > imageSize) {
      throw new FlintError('PLAN_OUT_OF_BOUNDS', `patch at ${w.offset} (+${w.bytes.length}) lies outside the ${imageSize}-byte image`);
    }
    if (w.offset < end) throw new FlintError('PLAN_OVERLAP', `patch writes overlap at byte ${w.offset}`);
    end = w.offset + w.bytes.length;
  }
  return { imageSize, writes: sorted };
}

/** Applies a plan to `chunk`, which holds image bytes [chunkStart, chunkStart+chunk.length). Mutates chunk. */
export function applyPlanToChunk(plan: PatchPlan, chunk: Uint8Array, chunkStart: number): void {
  const chunkEnd = chunkStart + chunk.length;
  for (const w of plan.writes) {
    const wEnd = w.offset + w.bytes.length;
    if (wEnd <= chunkStart) continue;
    if (w.offset >= chunkEnd) break;
    const from = Math.max(w.offset, chunkStart);
    const to = Math.min(wEnd, chunkEnd);
    chunk.set(w.bytes.subarray(from - w.offset, to - w.offset), from - chunkStart);
  }
}

/**
 * A stream transform that turns a stream of the pristine image into the customized image.
 * Chunks pass through with the plan's bytes laid over them; no temporary copy is needed.
 */
export function planTransform(plan: PatchPlan): Transform {
  let pos = 0;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      const start = pos;
      pos += chunk.length;
      if (plan.writes.some((w) => w.offset < pos && w.offset + w.bytes.length > start)) {
        const copy = Buffer.from(chunk); // never mutate a buffer the reader may reuse
        applyPlanToChunk(plan, copy, start);
        cb(null, copy);
      } else {
        cb(null, chunk);
      }
    },
    flush(cb: TransformCallback) {
      if (pos !== plan.imageSize) {
        cb(new FlintError('PLAN_SIZE_MISMATCH', `image stream ended at ${pos} bytes, the plan expects ${plan.imageSize}`));
      } else cb();
    },
  });
}

/**
 * Applies a plan to a file in place, writing only the changed regions, then fsyncs (unless
 * `sync` is false: a fresh copy that is published afterwards needs no flush of its own, like cp).
 */
export async function applyPlanInPlace(path: string, plan: PatchPlan, sync = true): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    const { size } = await fh.stat();
    if (size !== plan.imageSize) {
      throw new FlintError('PLAN_SIZE_MISMATCH', `${path} is ${size} bytes, the plan was made for ${plan.imageSize}`);
    }
    for (const w of plan.writes) await fh.write(w.bytes, 0, w.bytes.length, w.offset);
    if (sync) await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Copies `src` to `dest` with the OS's fast path (fastCopy: reflink / copy_file_range, holes kept),
 * applies the plan to the copy, and publishes it by renaming; an existing `dest` is refused.
 * `plan` may still be in the making: the kernel copies while the plan is computed (parsing and
 * compressing take milliseconds that would otherwise add to the copy). If the plan fails, the
 * temporary copy is removed and nothing is published.
 */
export async function applyPlanToCopy(src: string, dest: string, plan: PatchPlan | Promise<PatchPlan>): Promise<void> {
  const tmp = join(dirname(dest), `.${basename(dest)}.flint-${process.pid}-${Date.now()}.tmp`);
  const copied = fastCopy(src, tmp);
  try {
    const [ready] = await Promise.all([plan, copied]);
    await applyPlanInPlace(tmp, ready, false);
    await linkNoClobber(tmp, dest);
  } finally {
    await copied.catch(() => undefined); // never unlink while the copy may still create tmp
    await unlink(tmp).catch(() => undefined);
  }
}

/** Renames tmp to dest unless dest exists (hard link + unlink gives no-clobber semantics). */
export async function linkNoClobber(tmp: string, dest: string): Promise<void> {
  const { link } = await import('node:fs/promises');
  try {
    await link(tmp, dest);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new FlintError('OUTPUT_EXISTS', `persisting output file to ${dest}`, ['File exists (os error 17)']);
    }
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV' || code === 'EOPNOTSUPP') {
      // Filesystems without hard links (FAT, some network shares): check, then rename.
      const { access } = await import('node:fs/promises');
      const exists = await access(dest).then(
        () => true,
        () => false,
      );
      if (exists) throw new FlintError('OUTPUT_EXISTS', `persisting output file to ${dest}`, ['File exists (os error 17)']);
      await rename(tmp, dest);
      return;
    }
    throw err;
  }
}
