import { FlintError } from '../../electron/core/errors';
import { checkIdentity, checkTarget, type DriveIdentity, type TargetWarning } from '../../electron/core/drives/check';
import type { Drive } from '../../electron/core/drives/types';
import { WriteErrorCode } from '../../electron/core/write/codes';

/**
 * The helper's own check before touching a target, on a fresh drive listing: the device must still
 * be the one the user saw (size, serial, model), and pass the system / read-only / size / loop
 * rules. Returns the drive and its warnings, or throws an actionable FlintError.
 */
export function preflight(
  identity: DriveIdentity,
  drives: Drive[],
  opts: { imageSize: number; allowLoop: boolean },
): { drive: Drive; warnings: TargetWarning[] } {
  const drive = drives.find((d) => d.device === identity.device || d.raw === identity.device);
  if (!drive) {
    throw new FlintError(
      WriteErrorCode.NOT_FOUND,
      `${identity.device} is not a whole disk on this machine (unplugged, or a partition?); list drives again`,
    );
  }
  checkIdentity(identity, drive);
  const warnings = checkTarget(drive, opts);
  return { drive, warnings };
}
