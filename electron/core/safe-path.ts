import { existsSync } from 'node:fs';
import { type FileHandle, lstat, open, readlink, realpath } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { resolve, sep } from 'node:path';

/**
 * The lexical target of `urlPath` under the real root, or null when it would leave the folder:
 * encoded `..`, backslashes and NUL bytes are refused before the path is resolved.
 */
async function candidateInside(root: string, urlPath: string): Promise<{ path: string; realRoot: string } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return null;
  const realRoot = await realpath(root);
  return { path: resolve(realRoot, ...parts), realRoot };
}

const within = (real: string, realRoot: string): boolean => real === realRoot || real.startsWith(realRoot + sep);

/** Linux names every open descriptor's file in /proc/self/fd; elsewhere the path is re-checked by inode. */
const PROC_FD = process.platform === 'linux' && existsSync('/proc/self/fd');

/** A regular file opened inside the served folder. */
export interface OpenedInside {
  handle: FileHandle;
  /** Its real path (inside the root). */
  path: string;
  stat: Stats;
}

/**
 * Opens the regular file `urlPath` names inside `root` for reading. Returns 'outside' when the
 * path, or the file actually opened, is outside the folder, and 'missing' when there is no regular
 * file. Checking a path and then opening it leaves a gap in which the file can be swapped for a
 * symlink to anywhere; so the file is opened once, and the opened descriptor is checked: on Linux
 * through /proc/self/fd/N (the kernel's name for what was opened), elsewhere by resolving the path
 * again and comparing device and inode with the descriptor's (`viaProc` false: what macOS and
 * Windows do, also testable on Linux).
 */
export async function openInside(root: string, urlPath: string, viaProc = PROC_FD): Promise<OpenedInside | 'outside' | 'missing'> {
  const candidate = await candidateInside(root, urlPath);
  if (candidate === null) return 'outside';
  let handle: FileHandle;
  try {
    handle = await open(candidate.path, 'r');
  } catch {
    // a dangling symlink or nothing there: outside if it points outside, else missing
    const real = await realpath(candidate.path).catch(() => null);
    return real !== null && !within(real, candidate.realRoot) ? 'outside' : 'missing';
  }
  try {
    const st = await handle.stat();
    let real: string;
    if (viaProc) {
      real = await readlink(`/proc/self/fd/${handle.fd}`);
    } else {
      // no name for the descriptor: resolve the path again, check that this symlink-free path
      // names the very file opened (lstat: a last component swapped back into a symlink does not
      // match), and that resolving once more gives the same path (a directory swapped meanwhile
      // would change it). Narrower than /proc, which leaves no gap at all.
      real = await realpath(candidate.path);
      const again = await lstat(real);
      if (again.dev !== st.dev || again.ino !== st.ino || (await realpath(candidate.path)) !== real) {
        throw new Error('the file changed while it was opened');
      }
    }
    if (!within(real, candidate.realRoot)) {
      await handle.close();
      return 'outside';
    }
    if (!st.isFile()) {
      await handle.close();
      return 'missing';
    }
    return { handle, path: real, stat: st };
  } catch {
    await handle.close();
    return 'outside';
  }
}
