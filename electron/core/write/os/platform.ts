import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERROR_CODES, WARNING_CODES, type WarningValue } from '../../../contract/error-codes';
import { codedError, warning } from '../../errors';
import { listAllDrives } from '../../drives/list';
import type { Drive, SystemContext } from '../../drives/types';
import type { OpenOptions } from '../engine/target-writer';
import { ejectDiskArgv, unmountDiskArgv } from './darwin';
import { ejectArgv, flushBuffers, rereadPartitions, runTool, unmountAll } from './linux';
import { diskNumberOf, diskpartArgv, diskpartCleanScript, updateDiskArgv } from './win32';

/** What ejecting did: `ejected` only when the OS really let go of the stick; else a warning says why. */
export interface EjectOutcome {
  ejected: boolean;
  warning?: WarningValue;
}

/** The per-OS steps around the (portable) write and verify passes. */
export interface PlatformOps {
  listDrives(ctx: SystemContext): Promise<Drive[]>;
  /** Unmounts / dismounts the target; returns log notes. */
  prepare(drive: Drive): Promise<string[]>;
  openOptions(drive: Drive): OpenOptions;
  /** After writing and closing: let the OS see the new partition table; returns warnings. */
  afterWrite(drive: Drive): Promise<WarningValue[]>;
  /** Drops cached blocks so read-back comes from the media. */
  dropCache(drive: Drive): Promise<void>;
  /** Ejects the stick; throws when the OS tool fails (the engine turns that into a warning). */
  eject(drive: Drive): Promise<EjectOutcome>;
}

function onPath(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skipped = (drive: Drive, why: 'loop' | 'no-tool' | 'windows', message: string): EjectOutcome => ({
  ejected: false,
  warning: warning(WARNING_CODES.EJECT_SKIPPED, { device: drive.device, why }, message),
});

/** Linux: umount (never lazy), O_EXCL + O_DIRECT, BLKRRPART, blockdev --flushbufs, eject/udisksctl. */
export const linuxOps: PlatformOps = {
  listDrives: (ctx) => listAllDrives(ctx, 'linux'),
  async prepare(drive) {
    const done = await unmountAll(drive.device, drive.mountpoints);
    return done.map((mp) => `unmounted ${mp}`);
  },
  openOptions: (drive) => ({ exclusive: true, direct: true, logicalBlockSize: drive.logicalBlockSize }),
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

/** macOS: diskutil unmountDisk, write /dev/rdiskN (raw, uncached), diskutil eject. Not runnable here. */
export const darwinOps: PlatformOps = {
  listDrives: (ctx) => listAllDrives(ctx, 'darwin'),
  async prepare(drive) {
    const [cmd, ...args] = unmountDiskArgv(drive.device);
    try {
      await runTool(cmd, args);
    } catch (err) {
      throw codedError(ERROR_CODES.WRITE_DEVICE_BUSY, { device: drive.device }, `${drive.device} is busy: diskutil could not unmount it`, [
        (err as { stderr?: string }).stderr ?? '',
      ]);
    }
    return [`unmounted ${drive.device}`];
  },
  openOptions: (drive) => ({ exclusive: false, direct: false, logicalBlockSize: drive.logicalBlockSize }),
  afterWrite: async () => [],
  dropCache: async () => undefined, // rdisk reads are uncached
  async eject(drive) {
    const [cmd, ...args] = ejectDiskArgv(drive.device);
    await runTool(cmd, args);
    return { ejected: true };
  },
};

/** Windows: diskpart clean (dismounts every volume), write \\.\PhysicalDriveN, Update-Disk. Not runnable here. */
export const win32Ops: PlatformOps = {
  listDrives: (ctx) => listAllDrives(ctx, 'win32'),
  async prepare(drive) {
    const n = diskNumberOf(drive.device);
    if (n === null) {
      throw codedError(ERROR_CODES.WRITE_TARGET_NOT_FOUND, { device: drive.device }, `${drive.device} is not a \\\\.\\PhysicalDriveN path`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'flint-diskpart-'));
    const script = join(dir, 'clean.txt');
    writeFileSync(script, diskpartCleanScript(n));
    try {
      const [cmd, ...args] = diskpartArgv(script);
      let last: unknown;
      for (let i = 0; i < 5; i++) {
        try {
          await runTool(cmd, args, 60_000);
          return [`cleared disk ${n} with diskpart`];
        } catch (err) {
          last = err;
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
      throw codedError(ERROR_CODES.WRITE_DEVICE_BUSY, { device: drive.device }, `${drive.device} is busy: diskpart could not dismount it`, [
        String((last as Error)?.message),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  openOptions: (drive) => ({ exclusive: false, direct: false, logicalBlockSize: drive.logicalBlockSize }),
  async afterWrite(drive) {
    const n = diskNumberOf(drive.device);
    if (n !== null) {
      const [cmd, ...args] = updateDiskArgv(n);
      await runTool(cmd, args).catch(() => undefined);
    }
    return [];
  },
  dropCache: async () => undefined,
  // Windows offers no eject a program can rely on for a raw disk; the data is flushed (fdatasync)
  eject: async (drive) => skipped(drive, 'windows', `${drive.device} was flushed; remove it with "Safely Remove Hardware"`),
};

/** The ops of a platform. */
export function platformOps(platform = process.platform): PlatformOps {
  if (platform === 'linux') return linuxOps;
  if (platform === 'darwin') return darwinOps;
  if (platform === 'win32') return win32Ops;
  throw codedError(ERROR_CODES.WRITE_UNSUPPORTED_PLATFORM, { platform }, `writing drives is not supported on ${platform}`);
}
