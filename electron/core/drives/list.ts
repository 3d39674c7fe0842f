import { listDarwinDrives } from './darwin';
import { listLinuxDrives } from './lsblk';
import { defaultProtectedPaths } from './system';
import type { Drive, SystemContext } from './types';
import { listWindowsDrives } from './windows';

/** Options of the default drive listing filter. */
export interface DriveFilter {
  /** Show system and non-removable disks too. */
  all?: boolean;
  /** Show loop devices. */
  allowLoop?: boolean;
}

/** Default view: removable, non-system drives (plus loop devices with allowLoop); `all` shows every disk. */
export function filterDrives(drives: Drive[], f: DriveFilter = {}): Drive[] {
  return drives.filter((d) => {
    if (d.loop) return !!f.allowLoop;
    if (f.all) return true;
    return d.removable && !d.system;
  });
}

/** Options of listDrives. */
export interface ListDrivesOptions extends DriveFilter {
  /** Files whose disks must be protected besides the program itself (e.g. the source image). */
  sourcePaths?: string[];
}

/** Every disk of this machine, classified (no filtering), on the current platform. */
export async function listAllDrives(ctx: SystemContext, platform = process.platform): Promise<Drive[]> {
  if (platform === 'linux') return listLinuxDrives(ctx);
  if (platform === 'darwin') return listDarwinDrives(ctx);
  if (platform === 'win32') return listWindowsDrives(ctx);
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
export async function listDrives(opts: ListDrivesOptions = {}): Promise<Drive[]> {
  const drives = await listAllDrives(systemContext(opts.sourcePaths));
  return filterDrives(drives, opts);
}
