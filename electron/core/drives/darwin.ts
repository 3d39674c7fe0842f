import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FlintError } from '../errors';
import { driveId } from './id';
import { parsePlist, type PlistValue } from './plist';
import { markSystemDrives } from './system';
import type { Drive, DriveBus, SystemContext } from './types';

const run = promisify(execFile);
type Dict = { [key: string]: PlistValue };

/** `diskutil list -plist`: every disk and partition. */
export const DISKUTIL_LIST_ARGV = ['diskutil', 'list', '-plist'];

/** `diskutil info -plist diskN`: one disk's details. */
export function diskutilInfoArgv(id: string): string[] {
  return ['diskutil', 'info', '-plist', id];
}

const str = (v: PlistValue | undefined): string => (typeof v === 'string' ? v.trim() : '');
const num = (v: PlistValue | undefined): number => (typeof v === 'number' ? v : 0);
const bool = (v: PlistValue | undefined): boolean => v === true;
const dicts = (v: PlistValue | undefined): Dict[] =>
  Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object' && !Array.isArray(x) && !(x instanceof Uint8Array)) as Dict[]) : [];

function busOf(protocol: string): DriveBus {
  switch (protocol) {
    case 'USB':
      return 'usb';
    case 'Secure Digital':
      return 'sd';
    case 'PCI-Express':
    case 'PCI':
    case 'NVMe':
    case 'Apple Fabric':
      return 'nvme';
    case 'SATA':
    case 'ATA':
      return 'sata';
    case 'SAS':
    case 'SCSI':
      return 'scsi';
    case 'Disk Image':
      return 'image';
    default:
      return 'other';
  }
}

/** Whole disks named in `diskutil list -plist` that are real media (APFS containers are folded into their store). */
export function wholeDisksOf(listXml: string): string[] {
  const list = parsePlist(listXml) as Dict;
  return dicts(list.AllDisksAndPartitions)
    .filter((d) => dicts(d.APFSPhysicalStores).length === 0)
    .map((d) => str(d.DeviceIdentifier))
    .filter(Boolean);
}

/**
 * Builds Drives from `diskutil list -plist` and `diskutil info -plist` of each whole disk. The
 * mountpoints of an APFS container count for the physical disk that stores it, so the boot disk
 * (whose `/` lives in a synthesized container) is a system disk.
 */
export function parseDarwinDrives(listXml: string, infoXml: Record<string, string>, ctx: SystemContext): Drive[] {
  const list = parsePlist(listXml) as Dict;
  const entries = dicts(list.AllDisksAndPartitions);
  const mounts = new Map<string, string[]>();
  const parts = new Map<string, string[]>();
  const wholeOf = (id: string) => id.replace(/s\d+$/, '');
  const add = (disk: string, mp: string) => {
    if (!mp) return;
    mounts.set(disk, [...(mounts.get(disk) ?? []), mp]);
  };
  for (const e of entries) {
    const id = str(e.DeviceIdentifier);
    const stores = dicts(e.APFSPhysicalStores).map((s) => wholeOf(str(s.DeviceIdentifier)));
    const owners = stores.length ? stores : [id];
    for (const owner of owners) {
      add(owner, str(e.MountPoint));
      for (const p of [...dicts(e.Partitions), ...dicts(e.APFSVolumes)]) {
        add(owner, str(p.MountPoint));
        for (const mp of dicts(p.MountedSnapshots)) add(owner, str(mp.SnapshotMountPoint));
        parts.set(owner, [...(parts.get(owner) ?? []), `/dev/${str(p.DeviceIdentifier)}`]);
      }
    }
  }
  const drives: Drive[] = [];
  for (const id of wholeDisksOf(listXml)) {
    const xml = infoXml[id];
    if (!xml) continue;
    const info = parsePlist(xml) as Dict;
    const device = str(info.DeviceNode) || `/dev/${id}`;
    const size = num(info.TotalSize) || num(info.Size);
    if (size <= 0) continue;
    const bus = busOf(str(info.BusProtocol));
    const model = str(info.MediaName) || str(info.IORegistryEntryName);
    const internal = bool(info.Internal);
    const blockSize = num(info.DeviceBlockSize) || 512;
    drives.push({
      id: driveId(device, '', size),
      device,
      raw: device.replace('/dev/disk', '/dev/rdisk'),
      size,
      vendor: '',
      model,
      description: model || device,
      serial: '',
      bus,
      removable: bool(info.Removable) || bool(info.RemovableMedia) || (bool(info.Ejectable) && !internal) || bus === 'usb' || bus === 'sd',
      readOnly: info.WritableMedia === false || info.Writable === false,
      system: false,
      systemReasons: [],
      loop: bus === 'image',
      mountpoints: [...new Set(mounts.get(id) ?? [])],
      partitions: parts.get(id) ?? [],
      logicalBlockSize: blockSize,
      physicalBlockSize: blockSize,
      partitionTable: str(info.Content) || null,
      sources: ['diskutil'],
    });
  }
  return markSystemDrives(drives, ctx);
}

/** Lists drives on macOS with diskutil. */
export async function listDarwinDrives(ctx: SystemContext): Promise<Drive[]> {
  try {
    const [cmd, ...args] = DISKUTIL_LIST_ARGV;
    const { stdout: listXml } = await run(cmd, args, { maxBuffer: 16 * 1024 * 1024 });
    const infos: Record<string, string> = {};
    for (const id of wholeDisksOf(listXml)) {
      const [c, ...a] = diskutilInfoArgv(id);
      infos[id] = (await run(c, a, { maxBuffer: 16 * 1024 * 1024 })).stdout;
    }
    return parseDarwinDrives(listXml, infos, ctx);
  } catch (err) {
    if (err instanceof FlintError) throw err;
    throw new FlintError('DRIVES_LIST_FAILED', 'could not list drives with diskutil', [(err as Error).message]);
  }
}
