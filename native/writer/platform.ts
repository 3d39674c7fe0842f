import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlintError } from '../../electron/core/errors';
import { listAllDrives } from '../../electron/core/drives/list';
import type { Drive, SystemContext } from '../../electron/core/drives/types';
import { WriteErrorCode } from '../../electron/core/write/codes';
import { ejectDiskArgv, unmountDiskArgv } from '../darwin/commands';
import { ejectArgv, flushBuffers, rereadPartitions, runTool, unmountAll } from '../linux/ops';
import { diskNumberOf, diskpartArgv, diskpartCleanScript, updateDiskArgv } from '../win32/commands';
import type { OpenOptions } from './target';

/** The per-OS steps around the (portable) write and verify passes. */
export interface PlatformOps {
  listDrives(ctx: SystemContext): Promise<Drive[]>;
  /** Unmounts / dismounts the target; returns log notes. */
  prepare(drive: Drive): Promise<string[]>;
  openOptions(drive: Drive): OpenOptions;
  /** After writing and closing: let the OS see the new partition table. */
  afterWrite(drive: Drive): Promise<string[]>;
  /** Drops cached blocks so read-back comes from the media. */
  dropCache(drive: Drive): Promise<void>;
  /** Ejects (or just syncs); returns a note. */
  eject(drive: Drive): Promise<string>;
}

function onPath(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Linux: umount (never lazy), O_EXCL + O_DIRECT, BLKRRPART, blockdev --flushbufs, eject/udisksctl. */
export const linuxOps: PlatformOps = {
  listDrives: (ctx) => listAllDrives(ctx, 'linux'),
  async prepare(drive) {
    const done = await unmountAll(drive.device, drive.mountpoints);
    return done.map((mp) => `unmounted ${mp}`);
  },
  openOptions: (drive) => ({ exclusive: true, direct: true, logicalBlockSize: drive.logicalBlockSize }),
  async afterWrite(drive) {
    return (await rereadPartitions(drive.device)) || drive.loop
      ? []
      : [`the kernel did not re-read the partition table of ${drive.device}`];
  },
  dropCache: (drive) => flushBuffers(drive.device),
  async eject(drive) {
    const argv = drive.loop ? null : ejectArgv(drive.device, onPath);
    if (!argv) {
      execFileSync('sync');
      return `synced ${drive.device} (no eject tool, or a loop device)`;
    }
    await runTool(argv[0], argv.slice(1));
    return `ejected ${drive.device}`;
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
      throw new FlintError(WriteErrorCode.DEVICE_BUSY, `${drive.device} is busy: diskutil could not unmount it`, [
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
    return `ejected ${drive.device}`;
  },
};

/** Windows: diskpart clean (dismounts every volume), write \\.\PhysicalDriveN, Update-Disk. Not runnable here. */
export const win32Ops: PlatformOps = {
  listDrives: (ctx) => listAllDrives(ctx, 'win32'),
  async prepare(drive) {
    const n = diskNumberOf(drive.device);
    if (n === null) throw new FlintError(WriteErrorCode.NOT_FOUND, `${drive.device} is not a \\\\.\\PhysicalDriveN path`);
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
      throw new FlintError(WriteErrorCode.DEVICE_BUSY, `${drive.device} is busy: diskpart could not dismount it`, [
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
  eject: async (drive) => `flushed ${drive.device} (remove it safely from the taskbar)`,
};

/** The ops of a platform. */
export function platformOps(platform = process.platform): PlatformOps {
  if (platform === 'linux') return linuxOps;
  if (platform === 'darwin') return darwinOps;
  if (platform === 'win32') return win32Ops;
  throw new FlintError(WriteErrorCode.UNSUPPORTED_PLATFORM, `writing drives is not supported on ${platform}`);
}
