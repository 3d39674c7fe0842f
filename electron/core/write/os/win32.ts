/**
 * Windows steps of the writer, as argv arrays and scripts (unit-tested here; they run only on
 * Windows). Before writing \\.\PhysicalDriveN the disk's volumes must be dismounted and Windows
 * must not re-mount them mid-write: the writer removes the partition table with diskpart
 * (`clean`, as Etcher does), which dismounts every volume, then writes the raw disk.
 */

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

/** The diskpart script that dismounts and clears disk N (only ever built from a validated number). */
export function diskpartCleanScript(diskNumber: number): string {
  if (!Number.isInteger(diskNumber) || diskNumber < 0) throw new Error(`bad disk number ${diskNumber}`);
  return `select disk ${diskNumber}\r\nattributes disk clear readonly noerr\r\nclean\r\nrescan\r\nexit\r\n`;
}

/** `diskpart /s <script>`: runs the clean script (retry a few times: Windows may hold the disk briefly). */
export function diskpartArgv(scriptPath: string): string[] {
  return ['diskpart.exe', '/s', scriptPath];
}

/** After writing: make Windows look at the new partition table. */
export function updateDiskArgv(diskNumber: number): string[] {
  return ['powershell.exe', '-NoProfile', '-NonInteractive', '-Command', `Update-Disk -Number ${Math.trunc(diskNumber)}`];
}
