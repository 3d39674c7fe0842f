import { realpathSync } from 'node:fs';
import type { Drive, SystemContext } from './types';

/** Mountpoints that make a disk a system disk (Linux and macOS names; '[SWAP]' is active swap). */
export const SYSTEM_MOUNTPOINTS = ['/', '/boot', '/boot/efi', '/efi', '/usr', '[SWAP]', '/System/Volumes/Data'];

/** True when `mountpoint` contains `path` (both absolute, POSIX or Windows drive letters). */
export function mountContains(mountpoint: string, path: string): boolean {
  if (mountpoint === '[SWAP]' || mountpoint === '') return false;
  const win = /^[A-Za-z]:\\?$/.test(mountpoint);
  if (win) return path.toUpperCase().startsWith(mountpoint.slice(0, 2).toUpperCase());
  if (mountpoint === '/') return path.startsWith('/');
  return path === mountpoint || path.startsWith(mountpoint.endsWith('/') ? mountpoint : mountpoint + '/');
}

/**
 * Marks `drives` as system disks (mutating `system` and `systemReasons`): a disk is system when it
 * or any partition is mounted at a system mountpoint, or holds a protected path (the mount with the
 * longest matching prefix across all disks wins, so /home on another disk is told apart from /).
 */
export function markSystemDrives(drives: Drive[], ctx: SystemContext, systemMounts = SYSTEM_MOUNTPOINTS): Drive[] {
  for (const d of drives) {
    for (const mp of d.mountpoints) {
      if (systemMounts.includes(mp)) addReason(d, mp === '[SWAP]' ? 'holds active swap' : `holds ${mp}`);
    }
  }
  for (const { path, reason } of ctx.protectedPaths) {
    let best: { drive: Drive; len: number } | undefined;
    for (const d of drives) {
      for (const mp of d.mountpoints) {
        if (mountContains(mp, path) && (!best || mp.length > best.len)) best = { drive: d, len: mp.length };
      }
    }
    if (best) addReason(best.drive, reason);
  }
  return drives;
}

function addReason(d: Drive, reason: string): void {
  d.system = true;
  if (!d.systemReasons.includes(reason)) d.systemReasons.push(reason);
}

/** The protected paths of this process: the Node/Electron binary and the running script. */
export function defaultProtectedPaths(extra: { path: string; reason: string }[] = []): SystemContext {
  const list = [{ path: process.execPath, reason: 'holds the running program' }];
  if (process.argv[1]) list.push({ path: process.argv[1], reason: 'holds the running program' });
  const protectedPaths = [...list, ...extra].map((p) => ({ path: resolveReal(p.path), reason: p.reason }));
  return { protectedPaths };
}

function resolveReal(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
