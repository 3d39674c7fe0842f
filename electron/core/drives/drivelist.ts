/**
 * drivelist (balena-io-modules/drivelist 12.0.2, pinned, built from source by `npm ci`: its npm
 * tarball has no binaries) as a second opinion on Windows and macOS. Its N-API addon asks the
 * system itself (SetupAPI and IOCTLs on Windows, src/windows/list.cpp; DiskArbitration on macOS,
 * src/darwin/list.mm) whether a disk is removable, read-only, virtual or a system disk, and where
 * its volumes are mounted; Flint's own readers (Get-Disk, diskutil) give the identity.
 * electron/core/drives/merge.ts combines both, the safer answer winning.
 *
 * Flint loads the addon itself rather than through drivelist's JavaScript, which finds it with
 * the `bindings` package by walking up from its own file: that walk fails inside Flint's bundles.
 * On Linux drivelist's JavaScript runs lsblk and never calls the addon (its src/linux/list.cpp
 * returns an empty list): Flint keeps its own lsblk reader there.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installRoot } from '../install-root';

/** One drive as drivelist's addon reports it (its lib/index.ts `Drive`, with the fields its TypeScript types as null filled in). */
export interface DrivelistDrive {
  device: string;
  raw: string;
  /** macOS: the IORegistry bus path (APFS containers share it with their physical store); Windows: null. */
  devicePath: string | null;
  description: string;
  size: number | null;
  blockSize: number;
  logicalBlockSize: number;
  busType: string;
  enumerator: string;
  /** Windows: why details could not be read. */
  error: string | null;
  mountpoints: { path: string; label?: string | null }[];
  isReadOnly: boolean;
  isSystem: boolean;
  isRemovable: boolean;
  isVirtual: boolean | null;
  isUSB: boolean | null;
  isSCSI: boolean | null;
  isCard: boolean | null;
  partitionTableType: 'mbr' | 'gpt' | null;
}

/** The addon's one export: `list(callback)`, run on a libuv worker thread. */
export interface DrivelistAddon {
  list(callback: (error: Error | null | undefined, drives: DrivelistDrive[]) => void): void;
}

/** The file name of the addon inside Flint's layouts. */
const ADDON = join('native', 'drivelist', 'drivelist.node');

/**
 * Where the addon may be, first found wins: beside the packaged app's resources
 * (`<resources>/native/drivelist`, electron-builder.yml), beside the bundles in out/ (build/bundle.ts
 * copies it there; the helper bundle finds it next to its own directory), and where `npm ci`
 * built it in a checkout.
 */
export function addonCandidates(
  moduleUrl = import.meta.url,
  resourcesPath = (process as { resourcesPath?: string }).resourcesPath,
): string[] {
  const out: string[] = [];
  if (resourcesPath) out.push(join(resourcesPath, ADDON));
  try {
    out.push(fileURLToPath(new URL('../drivelist/drivelist.node', moduleUrl)));
  } catch {
    /* not a file URL */
  }
  try {
    const root = installRoot(moduleUrl);
    out.push(join(root, 'out', ADDON), join(root, 'node_modules', 'drivelist', 'build', 'Release', 'drivelist.node'));
  } catch {
    /* a packaged layout without package.json */
  }
  return out;
}

let problem: string | null = null;
let loaded: DrivelistAddon | null | undefined;

/** Why drivelist could not be loaded (null when it loaded or was not tried). */
export function drivelistProblem(): string | null {
  return problem;
}

/** The addon, loaded once; null (and drivelistProblem() says why) when it is not built or does not load. */
export function loadDrivelist(candidates = addonCandidates()): DrivelistAddon | null {
  if (loaded !== undefined) return loaded;
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    problem = 'the drivelist addon is not built (npm ci builds it; the desktop app ships it)';
    return (loaded = null);
  }
  try {
    const addon = createRequire(import.meta.url)(path) as DrivelistAddon;
    if (typeof addon?.list !== 'function') throw new Error(`${path} exports no list()`);
    problem = null;
    return (loaded = addon);
  } catch (err) {
    problem = `the drivelist addon did not load: ${(err as Error).message}`;
    return (loaded = null);
  }
}

/** Lists drives with the addon; null when it is unavailable or fails (the caller's readers still classify). */
export async function listWithDrivelist(addon = loadDrivelist()): Promise<DrivelistDrive[] | null> {
  if (!addon) return null;
  return new Promise((resolve) => {
    try {
      addon.list((error, drives) => resolve(error || !Array.isArray(drives) ? null : drives));
    } catch {
      resolve(null);
    }
  });
}
