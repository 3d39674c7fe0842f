import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A FAT32 or exFAT file system mounted for one test; unmounted by its exact path. */
export interface Mounted {
  /** The directory it is mounted on. */
  dir: string;
  /** `kernel` (mount -t vfat/exfat) or `fuse` (fusefat / mount.exfat-fuse). */
  driver: 'kernel' | 'fuse';
  /** Unmounts (by exact path) and removes the empty directory; safe to call twice. */
  unmount(): void;
}

const live = new Set<Mounted>();

/** True when the running kernel has the file system built in or loaded (/proc/filesystems). */
function kernelHas(type: string): boolean {
  try {
    return readFileSync('/proc/filesystems', 'utf8')
      .split('\n')
      .some((l) => l.trim().split(/\s+/).pop() === type);
  } catch {
    return false;
  }
}

/** The tools `mountVolume` needs on this machine: the kernel's drivers when present, else the FUSE ones. */
export function mountTools(): string[] {
  return [...(kernelHas('vfat') ? ['mount', 'umount'] : ['fusefat', 'fusermount']), ...(kernelHas('exfat') ? [] : ['mount.exfat-fuse'])];
}

/**
 * Mounts `partition` (vfat or exfat) on a fresh directory, read-only with `readOnly`. Uses the
 * kernel's driver when it has one, else the FUSE driver (fusefat, exfat-fuse: a kernel without
 * vfat or exfat, such as this project's test VM). Needs root.
 */
export function mountVolume(partition: string, type: 'vfat' | 'exfat', opts: { readOnly?: boolean } = {}): Mounted {
  const dir = mkdtempSync(join(tmpdir(), 'flint-mnt-'));
  const ro = opts.readOnly === true;
  let driver: Mounted['driver'];
  try {
    if (kernelHas(type)) {
      execFileSync('mount', ['-t', type, '-o', ro ? 'ro' : 'rw', partition, dir]);
      driver = 'kernel';
    } else {
      if (type === 'vfat') execFileSync('fusefat', ['-o', ro ? 'ro' : 'rw+', partition, dir], { stdio: 'ignore' });
      else execFileSync('mount.exfat-fuse', ['-o', ro ? 'ro' : 'rw', partition, dir], { stdio: 'ignore' });
      driver = 'fuse';
    }
  } catch (err) {
    rmdirSync(dir);
    throw err;
  }
  let done = false;
  const m: Mounted = {
    dir,
    driver,
    unmount() {
      if (done) return;
      done = true;
      live.delete(m);
      execFileSync(driver === 'kernel' ? 'umount' : 'fusermount', driver === 'kernel' ? [dir] : ['-u', dir]);
      // only the empty mount point: never what a failed unmount left visible
      rmdirSync(dir);
    },
  };
  live.add(m);
  return m;
}

process.on('exit', () => {
  for (const m of [...live]) {
    try {
      m.unmount();
    } catch {
      // the process is ending; nothing more can be done
    }
  }
});
