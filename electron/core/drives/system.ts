import { realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
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
  for (const { path, reason, fileId } of ctx.protectedPaths) {
    // a loop device backed by the file is that file (issue: writing it rewrote the source)
    const id = fileId ?? `path:${path}`;
    for (const d of drives) {
      if (d.kernel?.backing && (d.kernel.backing === id || d.backingFile === path)) addReason(d, `is backed by ${path}, which ${reason}`);
    }
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

/**
 * Folders whose disk is never a target: the home folder (the profile on Windows) and, on Windows,
 * the Windows and Program Files folders, the known folders drivelist checks for its isSystem
 * (src/windows/list.hpp KNOWN_FOLDER_IDS), so Flint's own readers agree with it. Empty entries
 * (an environment without them) are left out.
 */
export function userSystemFolders(platform = process.platform, env: NodeJS.ProcessEnv = process.env, home = homedir()): string[] {
  const folders = [home];
  if (platform === 'win32') folders.push(env.SystemRoot ?? env.windir ?? '', env.ProgramFiles ?? '', env['ProgramFiles(x86)'] ?? '');
  return folders.filter((f) => f !== '' && f !== '/');
}

/** The protected paths of this process: the Node/Electron binary, the running script, the user's and the system's folders. */
export function defaultProtectedPaths(extra: { path: string; reason: string }[] = []): SystemContext {
  const list = [{ path: process.execPath, reason: 'holds the running program' }];
  if (process.argv[1]) list.push({ path: process.argv[1], reason: 'holds the running program' });
  for (const f of userSystemFolders()) list.push({ path: f, reason: `holds ${f}` });
  const protectedPaths = [...list, ...extra].map((p) => {
    const path = resolveReal(p.path);
    const fileId = fileIdOf(path);
    return { path, reason: p.reason, ...(fileId ? { fileId } : {}) };
  });
  return { protectedPaths };
}

/** A file's device:inode (the identity a loop device's backing file is compared by), if it exists. */
export function fileIdOf(path: string): string | undefined {
  try {
    const st = statSync(path, { bigint: true });
    return st.isFile() ? `${st.dev}:${st.ino}` : undefined;
  } catch {
    return undefined;
  }
}

function resolveReal(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
