/** Linux steps of the writer: unmounting, the kernel's identity, re-reading the partition table, dropping the cache, ejecting. */
import { readFile } from 'node:fs/promises';
import { ERROR_CODES, WARNING_CODES } from '../../../contract/error-codes';
import { codedError, warning } from '../../errors';
import { listAllDrives } from '../../drives/list';
import { readSysfsFacts } from '../../drives/lsblk';
import type { KernelIdentity } from '../../drives/types';
import { FdDevice } from '../engine/raw-device';
import { onPath, runTool, skipped, toolDetail, type PlatformOps } from './ops';

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
      throw codedError(
        ERROR_CODES.WRITE_DEVICE_BUSY,
        { device, mountpoint: mp },
        `${device} is busy: ${mp} could not be unmounted; close the programs using it and try again`,
        [toolDetail(err)],
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

/**
 * The kernel's identity of a whole disk now, from /sys/block/NAME: `dev` (major:minor), `diskseq`
 * and a loop device's backing file (Documentation/ABI/stable/sysfs-block). Undefined when the
 * device is gone.
 */
export async function linuxKernelIdentity(device: string): Promise<KernelIdentity | undefined> {
  const base = device.replace(/^\/dev\//, '');
  if (!/^[A-Za-z0-9._-]+$/.test(base)) return undefined;
  let majMin: string;
  try {
    majMin = (await readFile(`/sys/block/${base}/dev`, 'utf8')).trim();
  } catch {
    return undefined;
  }
  const facts = readSysfsFacts(base);
  const k: KernelIdentity = { majMin };
  if (facts.diskseq !== undefined) k.diskseq = facts.diskseq;
  if (facts.backingId) k.backing = facts.backingId;
  else if (facts.backingFile) k.backing = `path:${facts.backingFile}`;
  return k;
}

/** Linux: umount (never lazy), O_EXCL + O_DIRECT, BLKRRPART, blockdev --flushbufs, eject/udisksctl. */
export const linuxOps: PlatformOps = {
  platform: 'linux',
  listDrives: (ctx) => listAllDrives(ctx, 'linux'),
  async prepare(drive) {
    const done = await unmountAll(drive.device, drive.mountpoints);
    return done.map((mp) => `unmounted ${mp}`);
  },
  kernelIdentity: (drive) => linuxKernelIdentity(drive.device),
  openDevice: (drive, write) =>
    FdDevice.open(drive.device, drive.raw, {
      write,
      exclusive: write,
      direct: true,
      sectorSize: drive.logicalBlockSize,
      platform: 'linux',
    }),
  async afterWrite(drive) {
    if ((await rereadPartitions(drive.device)) || drive.loop) return [];
    return [
      warning(
        WARNING_CODES.PARTITIONS_NOT_REREAD,
        { device: drive.device },
        `the kernel did not re-read the partition table of ${drive.device}`,
      ),
    ];
  },
  dropCache: (drive) => flushBuffers(drive.device),
  async eject(drive) {
    // a loop device has no medium to eject; detaching it is its owner's business
    if (drive.loop) return skipped(drive, 'loop', `${drive.device} is a loop device: nothing to eject`);
    const argv = ejectArgv(drive.device, onPath);
    if (!argv) {
      // in-process (flint ui as root) a blocking sync would stall the server: run it as a child
      await runTool('sync', []);
      return skipped(drive, 'no-tool', `${drive.device} was synced but not ejected: neither eject nor udisksctl is installed`);
    }
    await runTool(argv[0], argv.slice(1));
    return { ejected: true };
  },
};
