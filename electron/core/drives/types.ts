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
  /**
   * What the kernel (or Windows) says identifies this very device beyond size, serial and model,
   * so that two same-size sticks without a serial cannot be swapped unnoticed (see KernelIdentity).
   */
  kernel?: KernelIdentity;
  /**
   * The system calls the disk fixed although its bus may be USB or SD (drivelist's isSystem on a
   * non-removable disk), or nothing vouched for it: an internal disk for the target rule.
   */
  fixed?: boolean;
  /** Windows: the disk is offline (nothing of it is mounted; diskpart cannot clean it). */
  offline?: boolean;
  /** A loop device's backing file, as the kernel names it. */
  backingFile?: string;
  /** Where the classification came from: 'lsblk', 'get-disk', 'diskutil', plus 'drivelist' when it agreed to be asked. */
  sources?: string[];
}

/**
 * The kernel's identity of a device (Linux: /sys/block and lsblk; Windows: Get-Disk). Every field
 * is optional: a field that is absent is not compared. `diskseq` changes whenever the medium or
 * a loop device's backing file changes (Linux >= 5.15, block/genhd.c inc_diskseq), which catches a
 * swap that keeps the same device name and major:minor.
 */
export interface KernelIdentity {
  /** major:minor (Linux) */
  majMin?: string;
  /** The disk sequence number (Linux /sys/block/NAME/diskseq). */
  diskseq?: number;
  /** The world wide name (lsblk WWN; Windows Get-Disk UniqueId). */
  wwn?: string;
  /** The partition table's id (lsblk PTUUID: GPT disk GUID or MBR signature; Windows Get-Disk Guid or Signature). */
  ptuuid?: string;
  /** A loop device's backing file as device:inode (it is what the loop device is). */
  backing?: string;
}

/** Paths whose disks are protected: the running program, the source image (besides /, /boot, swap). */
export interface SystemContext {
  /** `fileId` (device:inode, see fileIdOf) also protects loop devices backed by the file. */
  protectedPaths: { path: string; reason: string; fileId?: string }[];
}
