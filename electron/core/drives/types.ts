/** How a drive is attached. */
export type DriveBus = 'usb' | 'sd' | 'sata' | 'nvme' | 'scsi' | 'virtio' | 'loop' | 'image' | 'other';

/**
 * One whole disk as Flint sees it, the same shape on Linux, macOS and Windows. `system` disks are
 * never writable targets; `systemReasons` says why (shown to the user).
 */
export interface Drive {
  /** Stable per device: hash of path, serial and size. */
  id: string;
  /** The path the user sees and passes to `flint write --target` (/dev/sdb, /dev/disk4, \\.\PhysicalDrive2). */
  device: string;
  /** The path the writer opens for raw writes (/dev/sdb, /dev/rdisk4, \\.\PhysicalDrive2). */
  raw: string;
  /** Capacity in bytes. */
  size: number;
  vendor: string;
  model: string;
  /** Vendor and model in one line, for display. */
  description: string;
  /** Serial number ('' when the device has none, e.g. loop devices). */
  serial: string;
  bus: DriveBus;
  removable: boolean;
  readOnly: boolean;
  /** Holds /, /boot, /boot/efi, swap, the running program or the source image. */
  system: boolean;
  /** Why the disk counts as a system disk (empty when it does not). */
  systemReasons: string[];
  /** A loop device (Linux) or disk image (macOS): only a target with the allow-loop option. */
  loop: boolean;
  /** Where the disk or its partitions are mounted ('[SWAP]' for active swap). */
  mountpoints: string[];
  /** Device paths of its partitions (and nested volumes). */
  partitions: string[];
  logicalBlockSize: number;
  physicalBlockSize: number;
  /** 'gpt', 'dos', ... or null when there is no partition table. */
  partitionTable: string | null;
}

/** Paths whose disks are protected: the running program, the source image (besides /, /boot, swap). */
export interface SystemContext {
  protectedPaths: { path: string; reason: string }[];
}
