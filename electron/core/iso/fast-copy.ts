import { execFile } from 'node:child_process';
import { copyFile, stat, unlink, constants as fsc } from 'node:fs/promises';

/** Slack before a file counts as sparse (allocated bytes may be a bit below the size). */
const SPARSE_SLACK = 1 << 20;
const BLOCK = 512;

function runCp(src: string, dest: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('cp', ['--sparse=auto', '--reflink=auto', '--', src, dest], (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * Copies `src` to a new file `dest` (which must not exist) with the OS's fast path: fs.copyFile (reflink where the file
 * system can, else copy_file_range in the kernel). A sparse source on Linux (e.g. an ISO padded with
 * truncate) is copied with GNU cp instead, which skips holes; copy_file_range would write them out
 * as zeros. Never a JavaScript read/write loop.
 */
export async function fastCopy(src: string, dest: string): Promise<void> {
  if (process.platform === 'linux') {
    const st = await stat(src);
    if (st.isFile() && st.blocks * BLOCK + SPARSE_SLACK < st.size) {
      try {
        await runCp(src, dest);
        return;
      } catch {
        await unlink(dest).catch(() => undefined); // fall back to copyFile below
      }
    }
  }
  // EXCL: `dest` is a fresh name; without it libuv truncates the new file, and ext4's
  // auto_da_alloc then flushes the whole copy to disk on close (measured: +0.3 s per GiB).
  await copyFile(src, dest, fsc.COPYFILE_FICLONE | fsc.COPYFILE_EXCL);
}
