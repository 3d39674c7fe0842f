/**
 * macOS steps of the writer, as argv arrays (unit-tested here; they run only on a Mac).
 * The writer unmounts every volume of the disk with diskutil, then writes the raw node
 * /dev/rdiskN (unbuffered, block-multiple I/O) instead of the buffered /dev/diskN.
 */

/** `/dev/disk4` → `/dev/rdisk4` (the raw, uncached node); anything else is returned unchanged. */
export function rawDiskPath(device: string): string {
  const m = /^\/dev\/(r?)disk(\d+)$/.exec(device);
  return m ? `/dev/rdisk${m[2]}` : device;
}

/** `diskutil unmountDisk /dev/diskN`: unmounts every volume of the disk (not forced). */
export function unmountDiskArgv(device: string): string[] {
  return ['diskutil', 'unmountDisk', device.replace('/dev/rdisk', '/dev/disk')];
}

/** `diskutil eject /dev/diskN`: after writing, so the user may pull the stick. */
export function ejectDiskArgv(device: string): string[] {
  return ['diskutil', 'eject', device.replace('/dev/rdisk', '/dev/disk')];
}
