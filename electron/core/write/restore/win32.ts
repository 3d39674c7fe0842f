/**
 * Restoring a stick on Windows with the Storage module's cmdlets: Clear-Disk (every partition and
 * the table), Initialize-Disk -PartitionStyle MBR, New-Partition -UseMaximumSize and Format-Volume
 * (Microsoft Learn, "Storage" PowerShell module). The script first checks that disk N is still the
 * drive that was picked (size and serial), since disk numbers change when sticks come and go, and
 * prints the new volume as JSON. It runs through `powershell.exe -EncodedCommand` so no argument
 * quoting is involved. Built and checked as a script here; it runs only on Windows.
 */
import { ERROR_CODES, type RestoreStep } from '../../../contract/error-codes';
import { codedError } from '../../errors';
import type { DriveIdentity } from '../../drives/target-safety';
import type { Drive } from '../../drives/types';
import { diskNumberOf } from '../os/win32';
import { runArgv, toolFailed } from './linux';
import type { RestoredVolume, RestoreFilesystem, RestoreLayout } from './plan';

/** Format-Volume -FileSystem names. */
const FILESYSTEM: Record<RestoreFilesystem, string> = { fat32: 'FAT32', exfat: 'exFAT' };
/** New-Partition -MbrType: FAT32 (0x0c) or IFS (0x07, exFAT/NTFS). */
const MBR_TYPE: Record<RestoreFilesystem, string> = { fat32: 'FAT32', exfat: 'IFS' };

/**
 * A PowerShell single-quoted string literal: a quote inside is doubled, and PowerShell also takes
 * the typographic quotes U+2018..U+201B as single quotes (about_Quoting_Rules), so they are too.
 */
export function psLiteral(s: string): string {
  return `'${s.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}

/** What the script throws when disk N is not the drive that was picked. */
export const CHANGED_MARKER = 'FLINT_TARGET_CHANGED';

/** The PowerShell script that restores disk `n` (only ever built from a validated number and identity). */
export function restoreScript(n: number, identity: Pick<DriveIdentity, 'size' | 'serial'>, layout: RestoreLayout): string {
  if (!Number.isInteger(n) || n < 0) throw new Error(`bad disk number ${n}`);
  if (!Number.isSafeInteger(identity.size)) throw new Error(`bad disk size ${identity.size}`);
  return [
    "$ErrorActionPreference = 'Stop'",
    `$disk = Get-Disk -Number ${n}`,
    `if ($disk.Size -ne ${identity.size}) { throw '${CHANGED_MARKER}: size' }`,
    `if (([string]$disk.SerialNumber).Trim() -ne ${psLiteral(identity.serial)}) { throw '${CHANGED_MARKER}: serial' }`,
    `if ($disk.IsOffline) { Set-Disk -Number ${n} -IsOffline $false }`,
    `if ($disk.PartitionStyle -ne 'RAW') { Clear-Disk -Number ${n} -RemoveData -RemoveOEM -Confirm:$false }`,
    `Initialize-Disk -Number ${n} -PartitionStyle MBR`,
    `$part = New-Partition -DiskNumber ${n} -UseMaximumSize -MbrType ${MBR_TYPE[layout.filesystem]} -AssignDriveLetter`,
    `$vol = Format-Volume -Partition $part -FileSystem ${FILESYSTEM[layout.filesystem]} -NewFileSystemLabel ${psLiteral(layout.label)} -Confirm:$false -Force`,
    '$vol | Select-Object FileSystem, FileSystemLabel, DriveLetter, UniqueId | ConvertTo-Json -Compress',
  ].join('\r\n');
}

/** `powershell.exe ... -EncodedCommand <UTF-16LE base64>` (about_PowerShell_exe, -EncodedCommand). */
export function powershellArgv(script: string): string[] {
  const encoded = Buffer.from(script, 'utf16le').toString('base64');
  return ['powershell.exe', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', encoded];
}

/** The volume the script printed (`{"FileSystem":"FAT32","FileSystemLabel":"USBSTICK","DriveLetter":"E",...}`). */
export function checkVolumeJson(json: string, layout: RestoreLayout): { ok: boolean; found: string; partition: string } {
  const v = JSON.parse(json.trim() || '{}') as { FileSystem?: string; FileSystemLabel?: string; DriveLetter?: string | number | null };
  const fs = v.FileSystem ?? '';
  const label = v.FileSystemLabel ?? '';
  const letter = typeof v.DriveLetter === 'number' ? String.fromCharCode(v.DriveLetter) : (v.DriveLetter ?? '');
  return {
    ok: fs.toUpperCase() === FILESYSTEM[layout.filesystem].toUpperCase() && label === layout.label,
    found: `${fs || 'no file system'} "${label}"`,
    partition: /^[A-Za-z]$/.test(letter) ? `${letter.toUpperCase()}:` : 'partition 1',
  };
}

/** Restores `drive` with PowerShell's Storage cmdlets (Windows only). */
export async function restoreWin32(
  drive: Drive,
  layout: RestoreLayout,
  onStep: (step: RestoreStep) => void,
  signal?: AbortSignal,
  run: (argv: string[], input?: string, timeoutMs?: number) => Promise<string> = runArgv,
): Promise<RestoredVolume> {
  const n = diskNumberOf(drive.device);
  if (n === null) {
    throw codedError(ERROR_CODES.WRITE_TARGET_NOT_FOUND, { device: drive.device }, `${drive.device} is not a \\\\.\\PhysicalDriveN path`);
  }
  const argv = powershellArgv(restoreScript(n, drive, layout));
  signal?.throwIfAborted();
  onStep('format');
  const out = await run(argv, undefined, 300_000).catch((err: unknown) => {
    const text = String((err as { stderr?: string }).stderr ?? '');
    if (text.includes(CHANGED_MARKER)) {
      throw codedError(
        ERROR_CODES.WRITE_TARGET_CHANGED,
        { device: drive.device, changes: [text.slice(text.indexOf(CHANGED_MARKER)).split('\n')[0]] },
        `${drive.device} is no longer the drive you picked (was it swapped?); list drives again`,
      );
    }
    throw toolFailed(drive.device, 'format', ['powershell.exe'], err);
  });
  onStep('check');
  const c = checkVolumeJson(out, layout);
  if (!c.ok) {
    const expected = `${FILESYSTEM[layout.filesystem]} "${layout.label}"`;
    throw codedError(
      ERROR_CODES.RESTORE_CHECK_FAILED,
      { device: drive.device, partition: c.partition, expected, found: c.found },
      `${c.partition} does not hold the file system just made: expected ${expected}, found ${c.found}`,
    );
  }
  return { partition: c.partition, filesystem: layout.filesystem, label: layout.label };
}
