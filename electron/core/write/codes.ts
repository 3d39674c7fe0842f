/**
 * Error codes of drive discovery, the writer helper and elevation. Each names a situation a
 * person can act on; the message that goes with it says what to do.
 */
export const WriteErrorCode = {
  /** The password prompt was cancelled or the user may not write raw devices. */
  NOT_AUTHORIZED: 'WRITE_NOT_AUTHORIZED',
  /** A partition of the target is mounted and could not be unmounted, or another program holds it. */
  DEVICE_BUSY: 'WRITE_DEVICE_BUSY',
  /** The target holds the running system, the program or the source image. */
  SYSTEM_DEVICE: 'WRITE_SYSTEM_DEVICE',
  /** The target is smaller than the image. */
  TOO_SMALL: 'WRITE_TOO_SMALL',
  /** The target is read-only (write-protect switch, locked card). */
  READ_ONLY: 'WRITE_READ_ONLY',
  /** A loop device was given without the explicit allow-loop option. */
  LOOP_NOT_ALLOWED: 'WRITE_LOOP_NOT_ALLOWED',
  /** The device path does not name a whole disk we can find. */
  NOT_FOUND: 'WRITE_TARGET_NOT_FOUND',
  /** The device at that path is not the one the user picked (size, serial or model changed). */
  TARGET_CHANGED: 'WRITE_TARGET_CHANGED',
  /** The device reported an I/O error (message names the byte offset). */
  IO_ERROR: 'WRITE_IO_ERROR',
  /** The device disappeared (unplugged) during the operation. */
  DEVICE_VANISHED: 'WRITE_DEVICE_VANISHED',
  /** Reading the device back gave different bytes (message names the first bad byte). */
  VERIFY_MISMATCH: 'WRITE_VERIFY_MISMATCH',
  /** The Ignition config read back off the stick is not the one that was meant to be written. */
  IGNITION_MISMATCH: 'WRITE_IGNITION_MISMATCH',
  /** The user cancelled; the stick's first MiB was wiped. */
  CANCELLED: 'WRITE_CANCELLED',
  /** The job handed to the helper is malformed. */
  JOB_INVALID: 'WRITE_JOB_INVALID',
  /** The helper could not be started or died without a result. */
  HELPER_FAILED: 'WRITE_HELPER_FAILED',
  /** The source image could not be read. */
  SOURCE_ERROR: 'WRITE_SOURCE_ERROR',
  /** The helper has no writer for this operating system (only Linux, macOS and Windows have one). */
  UNSUPPORTED_PLATFORM: 'WRITE_UNSUPPORTED_PLATFORM',
} as const;
