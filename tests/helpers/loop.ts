import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, openSync, ftruncateSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A loop device on a sparse backing file, made for one test and removed by its exact name. */
export interface LoopDevice {
  /** e.g. /dev/loop7 */
  device: string;
  /** The sparse backing file. */
  backing: string;
  /** Detaches the device and deletes the backing file; safe to call twice. */
  remove(): void;
}

const live = new Set<LoopDevice>();

/** Options of createLoopDevice. */
export interface LoopOptions {
  /** Attach read-only, as a write-protected stick. */
  readOnly?: boolean;
  /** Logical sector size (`losetup --sector-size`): 4096 makes a 4K-native stand-in. */
  sectorSize?: number;
  /** Attach this existing file instead of a new sparse one (it is not deleted on removal). */
  backing?: string;
  /** Attach at this device name (`losetup DEVICE FILE`) instead of the first free one. */
  at?: string;
  /** Partition scanning: the kernel shows its partitions as /dev/loopNpM, as it does for a real stick. */
  partscan?: boolean;
}

/**
 * Creates a sparse file of `size` bytes (in `dir`, default a fresh temp dir) and attaches it as a
 * loop device (see LoopOptions). Needs root and losetup.
 * Every device made here is also removed on process exit.
 */
export function createLoopDevice(size: number, dir?: string, opts: LoopOptions = {}): LoopDevice {
  if (process.env.FLINT_TEST_PROJECT === 'unit') throw new Error('unit tests touch no device: move this test to tests/integration');
  const ownDir = dir || opts.backing ? undefined : mkdtempSync(join(tmpdir(), 'flint-loop-'));
  const backing = opts.backing ?? join(dir ?? ownDir!, `stick-${process.pid}-${live.size}-${Date.now()}.img`);
  if (!opts.backing) {
    const fd = openSync(backing, 'w');
    ftruncateSync(fd, size);
    closeSync(fd);
  }
  const flags = [
    ...(opts.readOnly ? ['--read-only'] : []),
    ...(opts.sectorSize ? ['--sector-size', String(opts.sectorSize)] : []),
    ...(opts.partscan ? ['--partscan'] : []),
  ];
  let device: string;
  try {
    device = opts.at
      ? attachAt(flags, opts.at, backing)
      : execFileSync('losetup', [...flags, '--find', '--show', backing], { encoding: 'utf8' }).trim();
  } catch (err) {
    // nothing was attached: the backing file and its folder go too
    if (!opts.backing) rmSync(backing, { force: true });
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    throw err;
  }
  if (!/^\/dev\/loop\d+$/.test(device)) throw new Error(`losetup gave an unexpected name: ${device}`);
  let removed = false;
  const loop: LoopDevice = {
    device,
    backing,
    remove() {
      if (removed) return;
      removed = true;
      live.delete(loop);
      try {
        // detach only if this exact device is still backed by our file
        const info = execFileSync('losetup', ['--noheadings', '-O', 'BACK-FILE', device], { encoding: 'utf8' }).trim();
        if (info.includes(backing)) execFileSync('losetup', ['-d', device]);
      } catch {
        /* already gone */
      }
      if (!opts.backing) rmSync(backing, { force: true });
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
  live.add(loop);
  return loop;
}

/**
 * Attaches `backing` at the named device. A device detached a moment ago can still be busy (the
 * kernel finishes the detach once its last opener, often udev's probe, lets go: losetup(8)
 * `--detach`), so a busy device is tried again for up to two seconds.
 */
function attachAt(flags: string[], at: string, backing: string): string {
  for (let tries = 0; ; tries++) {
    try {
      execFileSync('losetup', [...flags, at, backing], { stdio: ['ignore', 'ignore', 'pipe'] });
      return at;
    } catch (err) {
      const busy = /busy/i.test(String((err as { stderr?: Buffer }).stderr ?? ''));
      if (!busy || tries >= 20) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
}

process.on('exit', () => {
  for (const l of [...live]) l.remove();
});
