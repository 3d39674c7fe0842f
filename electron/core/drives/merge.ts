/**
 * Two opinions on each disk, the safer one winning. Flint's readers (Get-Disk on Windows, diskutil
 * on macOS) give the identity: device, size, vendor, model, serial, sector sizes, the boot and
 * system flags and the kernel identity. drivelist (./drivelist.ts) gives the system's own answer to
 * "removable? read-only? virtual? system?" and the mounted volumes. Merged:
 *
 * - mountpoints: both lists (a volume either one sees counts, for the system and source checks);
 * - read-only, virtual (a disk image): when either says so;
 * - removable: only when both say so;
 * - system: Flint's reasons, plus drivelist's isSystem on a removable disk: drivelist says that of
 *   a removable disk only when a volume holds Windows, the profile or Program Files
 *   (src/windows/list.cpp IsSystemDevice), so it is never a target;
 * - drivelist's isSystem on a fixed disk means "internal" (it says so of every non-removable SCSI or
 *   IDE disk on Windows, and of every internal disk on macOS): such a disk is never offered, and is
 *   written only after its name is typed, even if Flint's reader saw it on USB;
 * - sector size: the larger of the two (a multiple of the smaller, so every request stays whole);
 * - a disk drivelist does not list, or lists with an error, is treated as internal: nothing
 *   vouches that it is removable.
 */
import { markSystemDrives } from './system';
import type { DrivelistDrive } from './drivelist';
import type { Drive, SystemContext } from './types';

/** drivelist's device name of a disk, in the form Flint's readers use. */
function key(device: string, platform: NodeJS.Platform): string {
  return platform === 'win32' ? device.toUpperCase() : device;
}

/**
 * drivelist's JavaScript folds macOS's synthesized APFS containers into the physical disk that
 * stores them (lib/index.ts handleApfs); Flint calls the addon directly, so it does the same: the
 * container's mountpoints count for the disk with the same bus path.
 */
export function foldApfs(drives: DrivelistDrive[]): DrivelistDrive[] {
  const apfs = drives.filter((d) => d.description === 'AppleAPFSMedia');
  const others = drives.filter((d) => d.description !== 'AppleAPFSMedia');
  for (const c of apfs) {
    const store = others.find((d) => d.devicePath && d.devicePath === c.devicePath && !d.isVirtual);
    if (store) store.mountpoints = [...store.mountpoints, ...c.mountpoints];
  }
  return others;
}

/** Windows mountpoints as Flint's reader writes them (`E:\`), macOS paths as they are. */
function mountpointOf(path: string, platform: NodeJS.Platform): string {
  if (platform === 'win32') {
    const m = /^([A-Za-z]):\\?$/.exec(path);
    if (m) return `${m[1].toUpperCase()}:\\`;
  }
  return path;
}

/**
 * Merges drivelist's view into Flint's drives (see the module comment) and marks system disks
 * again with the merged mountpoints. `drivelist` null: unavailable, Flint's readers alone decide.
 */
export function mergeDrivelist(
  drives: Drive[],
  drivelist: DrivelistDrive[] | null,
  platform: NodeJS.Platform,
  ctx: SystemContext,
): Drive[] {
  if (!drivelist) return drives;
  const byDevice = new Map(foldApfs(drivelist).map((d) => [key(d.device, platform), d]));
  const out = drives.map((d): Drive => {
    const dl = byDevice.get(key(d.device, platform));
    if (!dl || dl.error) {
      // nothing vouches that the disk is removable: internal, written only with its name typed
      return { ...d, fixed: true, systemReasons: [...d.systemReasons] };
    }
    const merged: Drive = {
      ...d,
      systemReasons: [...d.systemReasons],
      mountpoints: [...new Set([...d.mountpoints, ...dl.mountpoints.map((m) => mountpointOf(m.path, platform))])],
      readOnly: d.readOnly || dl.isReadOnly,
      loop: d.loop || dl.isVirtual === true,
      removable: d.removable && dl.isRemovable,
      logicalBlockSize: Math.max(d.logicalBlockSize, dl.logicalBlockSize || 0),
      sources: [...(d.sources ?? []), 'drivelist'],
    };
    if (dl.isSystem && dl.isRemovable) {
      merged.system = true;
      if (!merged.systemReasons.includes('the system counts it as a system drive'))
        merged.systemReasons.push('the system counts it as a system drive');
    } else if (dl.isSystem) merged.fixed = true;
    return merged;
  });
  return platform === 'win32' ? markSystemDrives(out, ctx, []) : markSystemDrives(out, ctx);
}
