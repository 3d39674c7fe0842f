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
import type { Drive, KernelIdentity } from './types';

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
  /**
   * The name typed to confirm an internal disk (see isInternal); it must equal the disk's
   * confirmationName. Absent: internal disks are refused.
   */
  confirmedName?: string;
}

/**
 * An internal disk: neither removable nor on a USB or SD/MMC bus (a second SATA disk, an NVMe
 * drive). The one target rule of every front end offers only removable and USB/SD disks; an
 * internal disk is written only after its name was typed (Raspberry Pi Imager asks the same for
 * the disks it counts as system). System disks are never written, whatever is typed.
 */
export function isInternal(d: Drive): boolean {
  return !d.loop && (d.fixed === true || (!d.removable && d.bus !== 'usb' && d.bus !== 'sd'));
}

/** Whether a disk is offered as a target without asking: removable or USB/SD, not system, not a loop device. */
export function isOffered(d: Drive): boolean {
  return !d.loop && !d.system && !isInternal(d);
}

/** What must be typed to write an internal disk: its vendor and model as listed, else its device name. */
export function confirmationName(d: Drive): string {
  const desc = d.description.trim();
  return desc && desc !== d.device ? desc : d.device.replace(/^.*[\\/]/, '');
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
  if (isInternal(drive) && rules.confirmedName?.trim() !== confirmationName(drive)) {
    const expected = confirmationName(drive);
    return refuse(
      codedError(
        ERROR_CODES.WRITE_INTERNAL_UNCONFIRMED,
        { device, description, name: expected, typed: rules.confirmedName !== undefined },
        rules.confirmedName === undefined
          ? `${name} is an internal disk, not a USB stick or SD card; it is written only after its name "${expected}" is typed to confirm`
          : `${name}: the name typed does not match "${expected}"; nothing was written`,
      ),
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
  /** The kernel's identity of the device when it was listed (major:minor, diskseq, WWN, partition table id). */
  kernel?: KernelIdentity;
  /** An internal disk: the name typed to confirm it (the writer checks it again). */
  confirmedName?: string;
}

/** The identity of a drive, as put into a write job. */
export function identityOf(d: Drive, confirmedName?: string): DriveIdentity {
  return {
    device: d.device,
    size: d.size,
    serial: d.serial,
    model: d.model,
    ...(d.kernel && Object.keys(d.kernel).length ? { kernel: { ...d.kernel } } : {}),
    ...(confirmedName !== undefined ? { confirmedName } : {}),
  };
}

const KERNEL_FIELDS: { key: keyof KernelIdentity; what: string }[] = [
  { key: 'majMin', what: 'device number' },
  { key: 'diskseq', what: 'disk sequence number' },
  { key: 'wwn', what: 'WWN' },
  { key: 'ptuuid', what: 'partition table id' },
  { key: 'backing', what: 'backing file' },
];

/**
 * How the kernel identity changed between two listings: every field the first one has is compared
 * (a field that vanished is a change), or only the `only` fields (a partial fresh read).
 */
export function kernelChanges(was: KernelIdentity | undefined, is: KernelIdentity | undefined, only?: (keyof KernelIdentity)[]): string[] {
  const changes: string[] = [];
  for (const { key, what } of KERNEL_FIELDS) {
    if (only && !only.includes(key)) continue;
    const a = was?.[key];
    if (a === undefined) continue;
    const b = is?.[key];
    if (a !== b) changes.push(`${what} was ${String(a)}, is ${b === undefined ? 'unknown' : String(b)}`);
  }
  return changes;
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
  changes.push(...kernelChanges(expected.kernel, actual.kernel));
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
  return { drive, warnings: checkTarget(drive, { ...rules, confirmedName: identity.confirmedName }) };
}
