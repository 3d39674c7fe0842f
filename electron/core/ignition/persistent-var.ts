import { FlintError } from '../errors';
import { makeDataUrl } from './butane/dataurl';
import { mountUnit } from './butane/mount-units';
import type { JsonObject } from './types';

/** Options of `persistentVarFragment`. */
export interface PersistentVarOptions {
  /** The whole disk to hold /var, by a stable name (e.g. /dev/disk/by-id/ata-...); never /dev/sdX. */
  disk: string;
  filesystem: 'xfs' | 'ext4';
  /** Size of the `var` partition in MiB; omitted = the rest of the disk. */
  sizeMiB?: number;
  /** Contents of a LUKS key file: when given, /var is encrypted (LUKS2) and reopened with it on each boot. */
  luksKeyFile?: Uint8Array | string;
}

/** Partition label, LUKS name and filesystem label used for the persistent /var. */
export const VAR_LABEL = 'var';

// kernel device names are not stable across boots (the live USB stick itself may take one)
const UNSTABLE = /^\/dev\/(sd[a-z]+|vd[a-z]+|hd[a-z]+|xvd[a-z]+|nvme\d+n\d+|mmcblk\d+)(p?\d+)?$/;

/**
 * The Ignition fragment for a persistent /var on a live system (the FCOS docs' live-booting
 * example): a partition labelled `var` on `disk`, an xfs/ext4 filesystem on
 * /dev/disk/by-partlabel/var (or on the LUKS volume /dev/mapper/var) mounted at /var by a
 * `var.mount` unit. Created on the first boot and reused afterwards: wipeFilesystem false, no
 * wipeTable/wipePartitionEntry/wipeVolume, no RAID, LUKS only with a key file. The live-boot lint
 * reports nothing for it. Merge it into a config with `mergeConfig`.
 */
export function persistentVarFragment(opts: PersistentVarOptions): JsonObject {
  const { disk, filesystem, sizeMiB, luksKeyFile } = opts;
  if (!disk.startsWith('/dev/'))
    throw new FlintError('VAR_DISK', `the /var disk must be a device path such as /dev/disk/by-id/..., not "${disk}"`);
  if (UNSTABLE.test(disk)) {
    throw new FlintError(
      'VAR_DISK_UNSTABLE',
      `"${disk}" is a kernel name that can change between boots (the live USB stick may take it); use its /dev/disk/by-id/... name`,
    );
  }
  if (filesystem !== 'xfs' && filesystem !== 'ext4')
    throw new FlintError('VAR_FORMAT', `unsupported /var filesystem "${String(filesystem)}" (use xfs or ext4)`);
  if (sizeMiB !== undefined && (!Number.isInteger(sizeMiB) || sizeMiB < 1))
    throw new FlintError('VAR_SIZE', `the /var size must be a whole number of MiB, not ${sizeMiB}`);
  const partdev = `/dev/disk/by-partlabel/${VAR_LABEL}`;
  const partition: JsonObject = { label: VAR_LABEL, ...(sizeMiB !== undefined ? { sizeMiB } : {}) };
  const storage: JsonObject = { disks: [{ device: disk, partitions: [partition] }] };
  let device = partdev;
  if (luksKeyFile !== undefined) {
    const key = typeof luksKeyFile === 'string' ? new TextEncoder().encode(luksKeyFile) : luksKeyFile;
    if (key.length === 0) throw new FlintError('VAR_LUKS_KEY', 'the LUKS key file is empty');
    const url = makeDataUrl(key);
    storage.luks = [{ name: VAR_LABEL, device: partdev, keyFile: { source: url.source, compression: url.compression }, wipeVolume: false }];
    device = `/dev/mapper/${VAR_LABEL}`;
  }
  storage.filesystems = [{ device, format: filesystem, path: '/var', label: VAR_LABEL, wipeFilesystem: false }];
  return {
    ignition: { version: luksKeyFile !== undefined ? '3.2.0' : '3.0.0' },
    storage,
    systemd: { units: [mountUnit({ device, format: filesystem, path: '/var', remote: false })] },
  };
}
