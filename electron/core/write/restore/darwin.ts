/**
 * Restoring a stick on macOS: `diskutil eraseDisk` does the whole job in one call (unmounts the
 * disk, writes an MBR with one partition, formats it; diskutil(8), "eraseDisk format name
 * [APM|MBR|GPT] device"), then `diskutil info -plist` reads the new volume back. Built as argv and
 * checked against recorded outputs here; it runs only on a Mac.
 */
import { ERROR_CODES, type RestoreStep } from '../../../contract/error-codes';
import { codedError } from '../../errors';
import { parsePlist } from '../../drives/plist';
import type { Drive } from '../../drives/types';
import { runArgv, toolFailed } from './linux';
import type { RestoredVolume, RestoreFilesystem, RestoreLayout } from './plan';

/** diskutil's personality names (`diskutil listFilesystems`). */
const PERSONALITY: Record<RestoreFilesystem, string> = { fat32: 'FAT32', exfat: 'ExFAT' };
/** FilesystemType of the volume in `diskutil info -plist`. */
const FS_TYPE: Record<RestoreFilesystem, string> = { fat32: 'msdos', exfat: 'exfat' };

/** `/dev/disk4` (or the raw `/dev/rdisk4`) as diskutil names it. */
function diskNode(device: string): string {
  return device.replace('/dev/rdisk', '/dev/disk');
}

/** `diskutil eraseDisk FAT32|ExFAT LABEL MBRFormat /dev/diskN`. */
export function eraseDiskArgv(device: string, layout: RestoreLayout): string[] {
  return ['diskutil', 'eraseDisk', PERSONALITY[layout.filesystem], layout.label, 'MBRFormat', diskNode(device)];
}

/** `diskutil info -plist /dev/diskNs1`: the one volume eraseDisk made. */
export function volumeInfoArgv(device: string): string[] {
  return ['diskutil', 'info', '-plist', `${diskNode(device)}s1`];
}

/** What `diskutil info -plist` says of the new volume, compared with what was asked for. */
export function checkVolumeInfo(xml: string, layout: RestoreLayout): { ok: boolean; found: string; uuid?: string } {
  const info = parsePlist(xml) as Record<string, unknown>;
  const type = typeof info.FilesystemType === 'string' ? info.FilesystemType : '';
  const name = typeof info.VolumeName === 'string' ? info.VolumeName : '';
  const uuid = typeof info.VolumeUUID === 'string' ? info.VolumeUUID : undefined;
  return {
    ok: type === FS_TYPE[layout.filesystem] && name === layout.label,
    found: `${type || 'no file system'} "${name}"`,
    ...(uuid ? { uuid } : {}),
  };
}

/** Restores `drive` with diskutil (macOS only). */
export async function restoreDarwin(
  drive: Drive,
  layout: RestoreLayout,
  onStep: (step: RestoreStep) => void,
  signal?: AbortSignal,
  run: (argv: string[], input?: string, timeoutMs?: number) => Promise<string> = runArgv,
): Promise<RestoredVolume> {
  const erase = eraseDiskArgv(drive.device, layout);
  signal?.throwIfAborted();
  onStep('format');
  await run(erase).catch((err: unknown) => {
    throw toolFailed(drive.device, 'format', erase, err);
  });
  onStep('check');
  const infoArgv = volumeInfoArgv(drive.device);
  const xml = await run(infoArgv).catch((err: unknown) => {
    throw toolFailed(drive.device, 'check', infoArgv, err);
  });
  const partition = infoArgv[3];
  const c = checkVolumeInfo(xml, layout);
  const expected = `${FS_TYPE[layout.filesystem]} "${layout.label}"`;
  if (!c.ok) {
    throw codedError(
      ERROR_CODES.RESTORE_CHECK_FAILED,
      { device: drive.device, partition, expected, found: c.found },
      `${partition} does not hold the file system just made: expected ${expected}, found ${c.found}`,
    );
  }
  return { partition, filesystem: layout.filesystem, label: layout.label, ...(c.uuid ? { uuid: c.uuid } : {}) };
}
