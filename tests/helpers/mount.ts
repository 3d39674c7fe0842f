import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
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

/** The FUSE daemon serving `dir`: the process whose arguments include that exact (fresh, unique) path. */
function daemonOf(dir: string): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(dir)) return Number(entry);
    } catch {
      // the process ended while the list was read
    }
  }
  return null;
}

/**
 * Waits (up to 10 s) until process `pid` has ended: fusermount -u returns before the daemon has
 * written its last sectors (fusefat clears the FAT dirty bit on its way out), so a check run at
 * once could see a half-closed file system.
 */
function waitForExit(pid: number): void {
  const tick = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 500; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    Atomics.wait(tick, 0, 0, 20);
  }
  throw new Error(`the FUSE daemon ${pid} did not end after its unmount`);
}

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
  const daemon = driver === 'fuse' ? daemonOf(dir) : null;
  let done = false;
  const m: Mounted = {
    dir,
    driver,
    unmount() {
      if (done) return;
      done = true;
      live.delete(m);
      execFileSync(driver === 'kernel' ? 'umount' : 'fusermount', driver === 'kernel' ? [dir] : ['-u', dir]);
      if (daemon !== null) waitForExit(daemon);
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
