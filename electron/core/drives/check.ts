import { FlintError } from '../errors';
import { WriteErrorCode } from '../write/codes';
import type { Drive } from './types';

import { LARGE_DRIVE_BYTES } from './limits';

export { LARGE_DRIVE_BYTES };

/** Options of the target checks. */
export interface TargetCheckOptions {
  /** Size of what will be written. */
  imageSize: number;
  /** Accept loop devices (tests, writing into image files). */
  allowLoop?: boolean;
}

/** A non-fatal remark about a target (shown before confirming). */
export interface TargetWarning {
  code: 'LARGE_DRIVE';
  message: string;
}

/**
 * Refuses targets that must not be written (system, read-only, too small, loop without the
 * option) with an actionable FlintError; returns warnings for targets that are merely unusual.
 */
export function checkTarget(drive: Drive, opts: TargetCheckOptions): TargetWarning[] {
  const name = `${drive.device} (${drive.description})`;
  if (drive.loop && !opts.allowLoop) {
    throw new FlintError(WriteErrorCode.LOOP_NOT_ALLOWED, `${drive.device} is a loop device; pass --allow-loop to write to it`);
  }
  if (drive.system) {
    throw new FlintError(WriteErrorCode.SYSTEM_DEVICE, `${name} is a system disk and is never written`, drive.systemReasons);
  }
  if (drive.readOnly) {
    throw new FlintError(WriteErrorCode.READ_ONLY, `${name} is read-only; check its write-protect switch or lock`);
  }
  if (drive.size < opts.imageSize) {
    throw new FlintError(
      WriteErrorCode.TOO_SMALL,
      `${name} is too small: it holds ${formatBytes(drive.size)}, the image needs ${formatBytes(opts.imageSize)}`,
    );
  }
  const warnings: TargetWarning[] = [];
  if (drive.size > LARGE_DRIVE_BYTES) {
    warnings.push({
      code: 'LARGE_DRIVE',
      message: `${name} is ${formatBytes(drive.size)}, larger than a usual USB stick; make sure it is the right disk`,
    });
  }
  return warnings;
}

/** What the user saw of a target when choosing it; the helper re-checks it before writing. */
export interface DriveIdentity {
  device: string;
  size: number;
  serial: string;
  model: string;
}

/** The identity of a drive, as put into a write job. */
export function identityOf(d: Drive): DriveIdentity {
  return { device: d.device, size: d.size, serial: d.serial, model: d.model };
}

/** Throws TARGET_CHANGED when `actual` is not the device the user picked. */
export function checkIdentity(expected: DriveIdentity, actual: Drive): void {
  const diffs: string[] = [];
  if (expected.size !== actual.size) diffs.push(`size was ${expected.size}, is ${actual.size}`);
  if (expected.serial !== actual.serial) diffs.push(`serial was "${expected.serial}", is "${actual.serial}"`);
  if (expected.model !== actual.model) diffs.push(`model was "${expected.model}", is "${actual.model}"`);
  if (diffs.length) {
    throw new FlintError(
      WriteErrorCode.TARGET_CHANGED,
      `${expected.device} is no longer the drive you picked (was it swapped?); list drives again`,
      diffs,
    );
  }
}

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

/** 1.5 GB style sizes (decimal units, as drive vendors print them). */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
