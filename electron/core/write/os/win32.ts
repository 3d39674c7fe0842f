/**
 * Windows steps of the writer (argv arrays and scripts are unit-tested here; they run only on
 * Windows). Before \\.\PhysicalDriveN is written, every volume of the disk is dismounted and its
 * drive letter removed (diskpart `remove all dismount`), the partition table is cleared (`clean`,
 * as etcher-sdk does in lib/diskpart.ts) and the disk is re-read (`rescan`); the disk is then
 * opened with share mode 0 (libuv's UV_FS_O_EXLOCK), so nothing else opens it mid-write, and its
 * first MiB is written last (engine/target-writer.ts), so Windows finds no partition to mount
 * before the image is complete. An offline disk has nothing mounted and `clean` refuses it: it is
 * written as it is.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERROR_CODES } from '../../../contract/error-codes';
import { codedError } from '../../errors';
import { listAllDrives } from '../../drives/list';
import type { Drive } from '../../drives/types';
import { FdDevice } from '../engine/raw-device';
import { runTool, skipped, toolDetail, type PlatformOps } from './ops';

/** `\\.\PhysicalDrive2` for disk number 2. */
export function physicalDrivePath(diskNumber: number): string {
  if (!Number.isInteger(diskNumber) || diskNumber < 0) throw new Error(`bad disk number ${diskNumber}`);
  return `\\\\.\\PhysicalDrive${diskNumber}`;
}

/** The disk number of `\\.\PhysicalDriveN` (or null). */
export function diskNumberOf(device: string): number | null {
  const m = /^\\\\\.\\PhysicalDrive(\d+)$/i.exec(device);
  return m ? Number(m[1]) : null;
}

/** The drive letters among a disk's mountpoints (`E:\` → `E`). */
export function lettersOf(mountpoints: string[]): string[] {
  return mountpoints.map((m) => /^([A-Za-z]):\\?$/.exec(m)?.[1]?.toUpperCase()).filter((l): l is string => !!l);
}

/**
 * The diskpart script that dismounts each lettered volume of disk N (closing the handles programs
 * hold, and removing the letter so Windows does not mount it again), clears the read-only flag,
 * removes the partition table and re-reads the disk. Built only from a validated number and letters.
 */
export function diskpartCleanScript(diskNumber: number, letters: string[] = []): string {
  if (!Number.isInteger(diskNumber) || diskNumber < 0) throw new Error(`bad disk number ${diskNumber}`);
  const lines: string[] = [];
  for (const l of letters) {
    if (!/^[A-Z]$/.test(l)) throw new Error(`bad drive letter ${l}`);
    lines.push(`select volume ${l}`, 'remove all dismount noerr');
  }
  lines.push(`select disk ${diskNumber}`, 'attributes disk clear readonly noerr', 'clean', 'rescan', 'exit');
  return lines.join('\r\n') + '\r\n';
}

/** `diskpart /s <script>`: runs the clean script (retried: Windows may hold the disk briefly). */
export function diskpartArgv(scriptPath: string): string[] {
  return ['diskpart.exe', '/s', scriptPath];
}

/** After writing: make Windows look at the new partition table. */
export function updateDiskArgv(diskNumber: number): string[] {
  return ['powershell.exe', '-NoProfile', '-NonInteractive', '-Command', `Update-Disk -Number ${Math.trunc(diskNumber)}`];
}

/** diskpart tries, and the pause between them (etcher-sdk lib/diskpart.ts: 5 retries, 2 s). */
export const DISKPART_TRIES = 5;
const DISKPART_PAUSE_MS = 2000;

/** Runs the clean script on `drive`, retrying; throws WRITE_DEVICE_BUSY with diskpart's own words. */
async function cleanDisk(drive: Drive, n: number, run: typeof runTool, pauseMs: number): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flint-diskpart-'));
  const script = join(dir, 'clean.txt');
  const letters = lettersOf(drive.mountpoints);
  writeFileSync(script, diskpartCleanScript(n, letters));
  try {
    const [cmd, ...args] = diskpartArgv(script);
    let last: unknown;
    for (let i = 0; i < DISKPART_TRIES; i++) {
      try {
        await run(cmd, args, 60_000);
        return [...letters.map((l) => `dismounted ${l}:`), `cleared disk ${n} with diskpart`];
      } catch (err) {
        last = err;
        if (i < DISKPART_TRIES - 1) await new Promise((r) => setTimeout(r, pauseMs));
      }
    }
    throw codedError(
      ERROR_CODES.WRITE_DEVICE_BUSY,
      { device: drive.device },
      `${drive.device} is busy: diskpart could not dismount and clear it`,
      [toolDetail(last)],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Windows preparation of one disk (the run function and pause are parameters for tests). */
export async function prepareWindowsDisk(drive: Drive, run: typeof runTool = runTool, pauseMs = DISKPART_PAUSE_MS): Promise<string[]> {
  const n = diskNumberOf(drive.device);
  if (n === null) {
    throw codedError(ERROR_CODES.WRITE_TARGET_NOT_FOUND, { device: drive.device }, `${drive.device} is not a \\\\.\\PhysicalDriveN path`);
  }
  // an offline disk mounts nothing, and diskpart's clean refuses it ("The disk is offline")
  if (drive.offline) return [`disk ${n} is offline: none of its volumes is mounted; writing it as it is`];
  return cleanDisk(drive, n, run, pauseMs);
}

/** Windows: dismount + diskpart clean, \\.\PhysicalDriveN with share mode 0, first MiB last, Update-Disk. Not runnable here. */
export const win32Ops: PlatformOps = {
  platform: 'win32',
  listDrives: (ctx) => listAllDrives(ctx, 'win32'),
  prepare: (drive) => prepareWindowsDisk(drive),
  kernelIdentity: async () => undefined,
  openDevice: (drive, write) =>
    FdDevice.open(drive.device, drive.raw, {
      write,
      exclusive: write,
      direct: false,
      sectorSize: drive.logicalBlockSize,
      platform: 'win32',
    }),
  async afterWrite(drive) {
    const n = diskNumberOf(drive.device);
    if (n !== null && !drive.offline) {
      const [cmd, ...args] = updateDiskArgv(n);
      await runTool(cmd, args).catch(() => undefined);
    }
    return [];
  },
  dropCache: async () => undefined,
  // Windows offers no eject a program can rely on for a raw disk; the data is flushed (FlushFileBuffers)
  eject: async (drive) => skipped(drive, 'windows', `${drive.device} was flushed; remove it with "Safely Remove Hardware"`),
};
