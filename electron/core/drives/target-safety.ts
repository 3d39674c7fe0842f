/**
 * The one set of target rules, applied by the flash job before anything is confirmed, by the app
 * when it lists drives (so a refused drive is shown as such, with sizes, at selection) and again by
 * the writer right before it opens each device (the elevated helper trusts nobody's listing but
 * its own). Every refusal is a catalogued error with parameters (electron/contract/error-codes.ts).
 */
import { ERROR_CODES, WARNING_CODES, type WarningValue } from '../../contract/error-codes';
import { codedError, warning, type FlintError } from '../errors';
import { formatBytes } from './format';
import { LARGE_DRIVE_BYTES } from './limits';
import type { Drive } from './types';

export { LARGE_DRIVE_BYTES };

/** What a target is checked against. */
export interface TargetRules {
  /** Size of what will be written. */
  imageSize: number;
  /** Accept loop devices (tests, writing into image files). */
  allowLoop?: boolean;
  /**
   * Whether the person confirmed drives larger than LARGE_DRIVE_BYTES. Absent: a large drive is
   * only a warning (the CLI names every size in its prompt); false: it is refused (the app asks
   * with a separate tick box).
   */
  confirmLarge?: boolean;
}

/** What the rules say about one drive: why it is refused (null: it may be written) and warnings. */
export interface TargetAssessment {
  refusal: FlintError | null;
  warnings: WarningValue[];
}

/** Judges a drive: system, read-only, loop without the option, too small, large and unconfirmed. */
export function assessTarget(drive: Drive, rules: TargetRules): TargetAssessment {
  const { device, description } = drive;
  const name = `${device} (${description})`;
  const refuse = (refusal: FlintError): TargetAssessment => ({ refusal, warnings: [] });
  if (drive.loop && !rules.allowLoop) {
    return refuse(
      codedError(ERROR_CODES.WRITE_LOOP_NOT_ALLOWED, { device }, `${device} is a loop device; loop devices are not targets here`),
    );
  }
  if (drive.system) {
    return refuse(
      codedError(
        ERROR_CODES.WRITE_SYSTEM_DEVICE,
        { device, description, reasons: drive.systemReasons },
        `${name} is a system disk and is never written`,
        drive.systemReasons,
      ),
    );
  }
  if (drive.readOnly) {
    return refuse(
      codedError(ERROR_CODES.WRITE_READ_ONLY, { device, description }, `${name} is read-only; check its write-protect switch or lock`),
    );
  }
  if (drive.size < rules.imageSize) {
    return refuse(
      codedError(
        ERROR_CODES.WRITE_TOO_SMALL,
        { device, description, size: drive.size, needed: rules.imageSize },
        `${name} is too small: it holds ${formatBytes(drive.size)}, the image needs ${formatBytes(rules.imageSize)}`,
      ),
    );
  }
  if (drive.size > LARGE_DRIVE_BYTES) {
    if (rules.confirmLarge === false) {
      return refuse(
        codedError(
          ERROR_CODES.WRITE_LARGE_UNCONFIRMED,
          { device, size: drive.size, limit: LARGE_DRIVE_BYTES },
          `${device} is larger than ${formatBytes(LARGE_DRIVE_BYTES)}; confirm that it is the right drive`,
        ),
      );
    }
    return {
      refusal: null,
      warnings: [
        warning(
          WARNING_CODES.LARGE_DRIVE,
          { device, size: drive.size, limit: LARGE_DRIVE_BYTES },
          `${name} is ${formatBytes(drive.size)}, larger than a usual USB stick; make sure it is the right disk`,
        ),
      ],
    };
  }
  return { refusal: null, warnings: [] };
}

/** Throws the refusal of `assessTarget`; returns its warnings. */
export function checkTarget(drive: Drive, rules: TargetRules): WarningValue[] {
  const a = assessTarget(drive, rules);
  if (a.refusal) throw a.refusal;
  return a.warnings;
}

/** What the user saw of a target when choosing it; the writer re-checks it before writing. */
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

/** The whole disk named `device` (its user-facing or raw path) in a listing, or WRITE_TARGET_NOT_FOUND. */
export function findTarget(device: string, drives: Drive[]): Drive {
  const d = drives.find((x) => x.device === device || x.raw === device);
  if (!d) {
    throw codedError(
      ERROR_CODES.WRITE_TARGET_NOT_FOUND,
      { device },
      `${device} is not a whole disk on this machine (unplugged, or a partition?)`,
    );
  }
  return d;
}

/** Throws WRITE_TARGET_CHANGED when `actual` is not the device the user picked. */
export function checkIdentity(expected: DriveIdentity, actual: Drive): void {
  const changes: string[] = [];
  if (expected.size !== actual.size) changes.push(`size was ${expected.size}, is ${actual.size}`);
  if (expected.serial !== actual.serial) changes.push(`serial was "${expected.serial}", is "${actual.serial}"`);
  if (expected.model !== actual.model) changes.push(`model was "${expected.model}", is "${actual.model}"`);
  if (changes.length) {
    throw codedError(
      ERROR_CODES.WRITE_TARGET_CHANGED,
      { device: expected.device, changes },
      `${expected.device} is no longer the drive you picked (was it swapped?); list drives again`,
      changes,
    );
  }
}

/**
 * The check right before a device is opened, on a fresh listing: still the same device as the one
 * the user saw, a whole disk, and passing the rules. Returns the drive and its warnings.
 */
export function recheckTarget(identity: DriveIdentity, drives: Drive[], rules: TargetRules): { drive: Drive; warnings: WarningValue[] } {
  const drive = findTarget(identity.device, drives);
  checkIdentity(identity, drive);
  return { drive, warnings: checkTarget(drive, rules) };
}
