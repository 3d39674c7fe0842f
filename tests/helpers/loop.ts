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

/**
 * Creates a sparse file of `size` bytes (in `dir`, default a fresh temp dir) and attaches it as a
 * loop device (read-only with `readOnly`, as a write-protected stick). Needs root and losetup.
 * Every device made here is also removed on process exit.
 */
export function createLoopDevice(size: number, dir?: string, opts: { readOnly?: boolean } = {}): LoopDevice {
  if (process.env.FLINT_TEST_PROJECT === 'unit') throw new Error('unit tests touch no device: move this test to tests/integration');
  const ownDir = dir ? undefined : mkdtempSync(join(tmpdir(), 'flint-loop-'));
  const backing = join(dir ?? ownDir!, `stick-${process.pid}-${live.size}-${Date.now()}.img`);
  const fd = openSync(backing, 'w');
  ftruncateSync(fd, size);
  closeSync(fd);
  const device = execFileSync('losetup', [...(opts.readOnly ? ['--read-only'] : []), '--find', '--show', backing], {
    encoding: 'utf8',
  }).trim();
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
      rmSync(backing, { force: true });
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
  live.add(loop);
  return loop;
}

process.on('exit', () => {
  for (const l of [...live]) l.remove();
});
