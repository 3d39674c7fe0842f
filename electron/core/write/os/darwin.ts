/**
 * macOS steps of the writer (argv arrays and output readers are unit-tested here; the steps run
 * only on a Mac). The writer unmounts every volume of the disk with `diskutil unmountDisk`, opens
 * the raw node /dev/rdiskN with O_EXLOCK (as etcher-sdk does, lib/source-destination/block-device.ts)
 * for uncached whole-block I/O, and ejects the disk with `diskutil eject` afterwards, since macOS
 * mounts the new volumes as soon as the device is closed.
 */
import { ERROR_CODES } from '../../../contract/error-codes';
import { codedError } from '../../errors';
import { listAllDrives } from '../../drives/list';
import { FdDevice } from '../engine/raw-device';
import { runTool, toolDetail, type PlatformOps } from './ops';

/** `/dev/disk4` → `/dev/rdisk4` (the raw, uncached node); anything else is returned unchanged. */
export function rawDiskPath(device: string): string {
  const m = /^\/dev\/(r?)disk(\d+)$/.exec(device);
  return m ? `/dev/rdisk${m[2]}` : device;
}

/** `diskutil unmountDisk /dev/diskN`: unmounts every volume of the disk (not forced). */
export function unmountDiskArgv(device: string): string[] {
  return ['diskutil', 'unmountDisk', device.replace('/dev/rdisk', '/dev/disk')];
}

/** `diskutil eject /dev/diskN`: after writing, so the user may pull the stick. */
export function ejectDiskArgv(device: string): string[] {
  return ['diskutil', 'eject', device.replace('/dev/rdisk', '/dev/disk')];
}

/**
 * The program diskutil names when an unmount was refused ("... dissented by PID 1234
 * (/usr/sbin/mds)"), so the error can say what holds the disk.
 */
export function dissenterOf(output: string): { pid: number; program: string } | null {
  const m = /dissented by PID (\d+)(?: \(([^)]+)\))?/i.exec(output);
  return m ? { pid: Number(m[1]), program: m[2] ?? '' } : null;
}

/** macOS: diskutil unmountDisk, write /dev/rdiskN with O_EXLOCK (raw, uncached), diskutil eject. Not runnable here. */
export const darwinOps: PlatformOps = {
  platform: 'darwin',
  listDrives: (ctx) => listAllDrives(ctx, 'darwin'),
  async prepare(drive) {
    const [cmd, ...args] = unmountDiskArgv(drive.device);
    try {
      await runTool(cmd, args);
    } catch (err) {
      const detail = toolDetail(err);
      const who = dissenterOf(`${(err as { stdout?: string }).stdout ?? ''}\n${detail}`);
      throw codedError(
        ERROR_CODES.WRITE_DEVICE_BUSY,
        { device: drive.device },
        who
          ? `${drive.device} is busy: ${who.program || 'a program'} (PID ${who.pid}) kept diskutil from unmounting it`
          : `${drive.device} is busy: diskutil could not unmount it`,
        [detail],
      );
    }
    return [`unmounted ${drive.device}`];
  },
  kernelIdentity: async () => undefined,
  openDevice: (drive, write) =>
    FdDevice.open(drive.device, rawDiskPath(drive.raw), {
      write,
      exclusive: write,
      direct: false,
      sectorSize: drive.logicalBlockSize,
      platform: 'darwin',
    }),
  afterWrite: async () => [],
  dropCache: async () => undefined, // rdisk reads are uncached
  async eject(drive) {
    const [cmd, ...args] = ejectDiskArgv(drive.device);
    try {
      await runTool(cmd, args);
    } catch (err) {
      throw Object.assign(new Error(toolDetail(err)), { stderr: toolDetail(err) });
    }
    return { ejected: true };
  },
};
