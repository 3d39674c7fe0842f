import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listAllDrives, systemContext } from '../../../electron/core/drives/list';
import type { Drive } from '../../../electron/core/drives/types';

/** Requirements of the real-device write tests. */
export const WRITE_REQS = { tools: ['losetup', 'lsblk', 'blockdev', 'umount', 'mount', 'mkfs.ext4'], root: true };

/** A temp dir removed by exact name. */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes `mib` MiB of random bytes to `path`. */
export function randomImage(path: string, mib: number): void {
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < mib; i++) writeSync(fd, randomBytes(1024 * 1024));
  } finally {
    closeSync(fd);
  }
}

/** The Drive lsblk reports for a loop device. */
export async function loopDrive(device: string): Promise<Drive> {
  const d = (await listAllDrives(systemContext())).find((x) => x.device === device);
  if (!d) throw new Error(`lsblk does not list ${device}`);
  return d;
}

/** True when `dir` is a mountpoint right now. */
export function isMounted(dir: string): boolean {
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[1] === dir);
}

/** Unmounts `dir` if it is mounted (cleanup by exact name). */
export function umountIfMounted(dir: string): void {
  if (isMounted(dir)) execFileSync('umount', [dir]);
}
