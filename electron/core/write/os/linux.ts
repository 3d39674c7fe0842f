/** Linux steps of the writer: unmounting, re-reading the partition table, dropping the cache, ejecting. */
import { execFile } from 'node:child_process';
import { ERROR_CODES } from '../../../contract/error-codes';
import { codedError } from '../../errors';

/** Runs a command with a fixed argv (never a shell); resolves to its output or rejects with stderr. */
export function runTool(cmd: string, args: string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr: String(stderr).trim() }));
      else resolve(String(stdout));
    });
  });
}

/** The argv that unmounts one mountpoint: a plain umount, never lazy (-l) or forced (-f). */
export function umountArgv(mountpoint: string): string[] {
  return ['umount', mountpoint];
}

/**
 * Unmounts every mountpoint of a target, deepest first. A busy filesystem is a DEVICE_BUSY
 * error naming the mountpoint; nothing is unmounted lazily, so no filesystem keeps writing to the
 * device behind our back.
 */
export async function unmountAll(device: string, mountpoints: string[]): Promise<string[]> {
  const done: string[] = [];
  const order = [...mountpoints].filter((m) => m !== '[SWAP]').sort((a, b) => b.length - a.length);
  for (const mp of order) {
    const [cmd, ...args] = umountArgv(mp);
    try {
      await runTool(cmd, args);
      done.push(mp);
    } catch (err) {
      const msg = (err as { stderr?: string }).stderr || (err as Error).message;
      throw codedError(
        ERROR_CODES.WRITE_DEVICE_BUSY,
        { device, mountpoint: mp },
        `${device} is busy: ${mp} could not be unmounted; close the programs using it and try again`,
        [msg],
      );
    }
  }
  return done;
}

/** Drops the kernel's cached blocks of the device (so read-back comes from the media). */
export async function flushBuffers(device: string): Promise<void> {
  await runTool('blockdev', ['--flushbufs', device]);
}

/** Asks the kernel to re-read the partition table (BLKRRPART); false when the device refuses. */
export async function rereadPartitions(device: string): Promise<boolean> {
  try {
    await runTool('blockdev', ['--rereadpt', device]);
    return true;
  } catch {
    return false;
  }
}

/** The argv that ejects a device, given which tools exist: eject, else udisksctl power-off, else none. */
export function ejectArgv(device: string, has: (tool: string) => boolean): string[] | null {
  if (has('eject')) return ['eject', device];
  if (has('udisksctl')) return ['udisksctl', 'power-off', '--no-user-interaction', '-b', device];
  return null;
}
