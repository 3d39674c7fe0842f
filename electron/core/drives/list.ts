import { listDarwinDrives } from './darwin';
import { listWithDrivelist, type DrivelistDrive } from './drivelist';
import { listLinuxDrives } from './lsblk';
import { mergeDrivelist } from './merge';
import { defaultProtectedPaths } from './system';
import { isInternal, isOffered } from './target-safety';
import type { Drive, SystemContext } from './types';
import { listWindowsDrives } from './windows';

/** Options of the drive listing filter. */
export interface DriveFilter {
  /** Show internal and system disks too (system disks are shown, never writable). */
  all?: boolean;
  /** Show internal disks (written only after their name is typed), not system disks. */
  internal?: boolean;
  /** Show loop devices. */
  allowLoop?: boolean;
}

/**
 * The one target list of every front end (`flint drives`, the app's drive list): removable and
 * USB/SD disks that hold no system (isOffered), plus loop devices with allowLoop; `internal` adds
 * internal disks, `all` adds system disks too.
 */
export function filterDrives(drives: Drive[], f: DriveFilter = {}): Drive[] {
  return drives.filter((d) => {
    if (d.loop) return !!f.allowLoop;
    if (f.all || isOffered(d)) return true;
    return !!f.internal && !d.system && isInternal(d);
  });
}

/** Options of listDrives. */
export interface ListDrivesOptions extends DriveFilter {
  /** Files whose disks must be protected besides the program itself (e.g. the source image). */
  sourcePaths?: string[];
}

/** The system's disk readers (tests replay recorded outputs through them). */
export interface DriveReaders {
  linux(ctx: SystemContext): Promise<Drive[]>;
  darwin(ctx: SystemContext): Promise<Drive[]>;
  win32(ctx: SystemContext): Promise<Drive[]>;
  /** drivelist's addon; null when it is unavailable. */
  drivelist(): Promise<DrivelistDrive[] | null>;
}

const SYSTEM_READERS: DriveReaders = {
  linux: listLinuxDrives,
  darwin: listDarwinDrives,
  win32: listWindowsDrives,
  drivelist: () => listWithDrivelist(),
};

/**
 * Every disk of this machine, classified (no filtering), on the current platform: lsblk on Linux;
 * diskutil or Get-Disk on macOS and Windows, merged with drivelist's view (./merge.ts).
 */
export async function listAllDrives(
  ctx: SystemContext,
  platform = process.platform,
  readers: DriveReaders = SYSTEM_READERS,
): Promise<Drive[]> {
  if (platform === 'linux') return readers.linux(ctx);
  if (platform === 'darwin' || platform === 'win32') {
    const [own, dl] = await Promise.all([readers[platform](ctx), readers.drivelist()]);
    return mergeDrivelist(own, dl, platform, ctx);
  }
  return [];
}

/** The system context for this process plus the given source paths. */
export function systemContext(sourcePaths: string[] = []): SystemContext {
  return defaultProtectedPaths(sourcePaths.map((path) => ({ path, reason: 'holds the source image' })));
}

/**
 * Lists drives: by default removable non-system disks; `all` adds system and internal disks
 * (marked), `allowLoop` adds loop devices.
 */
export async function listDrives(opts: ListDrivesOptions = {}, platform = process.platform, readers?: DriveReaders): Promise<Drive[]> {
  const drives = await listAllDrives(systemContext(opts.sourcePaths), platform, readers);
  return filterDrives(drives, opts);
}
