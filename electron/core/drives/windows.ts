import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FlintError } from '../errors';
import { driveId } from './id';
import { markSystemDrives } from './system';
import type { Drive, DriveBus, KernelIdentity, SystemContext } from './types';

const run = promisify(execFile);

/** PowerShell that prints disks and partitions as one JSON object. */
export const LIST_DISKS_SCRIPT = [
  '$ErrorActionPreference = "Stop"',
  '$d = @(Get-Disk | Select-Object Number,FriendlyName,Manufacturer,Model,SerialNumber,Size,BusType,IsReadOnly,IsOffline,IsSystem,IsBoot,LogicalSectorSize,PhysicalSectorSize,PartitionStyle,Guid,Signature,UniqueId)',
  '$p = @(Get-Partition | Select-Object DiskNumber,PartitionNumber,DriveLetter,Size,IsSystem,IsBoot,Type)',
  '[pscustomobject]@{ disks = $d; partitions = $p } | ConvertTo-Json -Depth 4 -Compress',
].join('; ');

/** The argv of the listing call (a fixed script, no user input). */
export const LIST_DISKS_ARGV = [
  'powershell.exe',
  '-NoProfile',
  '-NonInteractive',
  '-ExecutionPolicy',
  'Bypass',
  '-Command',
  LIST_DISKS_SCRIPT,
];

/** One MSFT_Disk as ConvertTo-Json prints it (enums may come as numbers or names). */
export interface WinDisk {
  Number: number;
  FriendlyName?: string | null;
  Manufacturer?: string | null;
  Model?: string | null;
  SerialNumber?: string | null;
  Size: number;
  BusType?: number | string | null;
  IsReadOnly?: boolean | null;
  IsOffline?: boolean | null;
  IsSystem?: boolean | null;
  IsBoot?: boolean | null;
  LogicalSectorSize?: number | null;
  PhysicalSectorSize?: number | null;
  PartitionStyle?: number | string | null;
  /** GPT disk GUID ("{...}"), null on MBR disks. */
  Guid?: string | null;
  /** MBR disk signature, null on GPT disks. */
  Signature?: number | null;
  /** The storage device's unique id (a WWN-like string). */
  UniqueId?: string | null;
}

/** One MSFT_Partition (DriveLetter is a char: a string, a code point, or NUL when unassigned). */
export interface WinPartition {
  DiskNumber: number;
  PartitionNumber?: number;
  DriveLetter?: string | number | null;
  IsSystem?: boolean | null;
  IsBoot?: boolean | null;
}

/** MSFT_Disk BusType numbers (Storage Management API). */
const BUS_TYPES: Record<number, string> = {
  1: 'SCSI',
  2: 'ATAPI',
  3: 'ATA',
  4: '1394',
  5: 'SSA',
  6: 'Fibre Channel',
  7: 'USB',
  8: 'RAID',
  9: 'iSCSI',
  10: 'SAS',
  11: 'SATA',
  12: 'SD',
  13: 'MMC',
  14: 'Virtual',
  15: 'File Backed Virtual',
  16: 'Storage Spaces',
  17: 'NVMe',
};
const PARTITION_STYLES: Record<number, string | null> = { 0: null, 1: 'dos', 2: 'gpt', 3: null };

function busOf(v: number | string | null | undefined): DriveBus {
  const name = (typeof v === 'number' ? (BUS_TYPES[v] ?? '') : String(v ?? '')).toUpperCase().replace(/\s+/g, '');
  if (name === 'USB') return 'usb';
  if (name === 'SD' || name === 'MMC') return 'sd';
  if (name === 'NVME') return 'nvme';
  if (name === 'SATA' || name === 'ATA' || name === 'ATAPI') return 'sata';
  if (name === 'SCSI' || name === 'SAS' || name === 'ISCSI' || name === 'RAID') return 'scsi';
  if (name === 'FILEBACKEDVIRTUAL') return 'image';
  return 'other';
}

function partitionStyle(v: number | string | null | undefined): string | null {
  if (typeof v === 'number') return PARTITION_STYLES[v] ?? null;
  const s = String(v ?? '').toUpperCase();
  return s === 'GPT' ? 'gpt' : s === 'MBR' ? 'dos' : null;
}

function letterOf(v: string | number | null | undefined): string | null {
  const c = typeof v === 'number' ? String.fromCharCode(v) : (v ?? '');
  return /^[A-Za-z]$/.test(c) ? c.toUpperCase() : null;
}

const list = <T>(v: T | T[] | null | undefined): T[] => (v == null ? [] : Array.isArray(v) ? v : [v]);

/** The identity Windows gives a disk beyond its number: partition table id and unique id. */
function kernelOf(d: WinDisk): KernelIdentity {
  const k: KernelIdentity = {};
  const guid = (d.Guid ?? '').trim();
  if (guid) k.ptuuid = guid.replace(/^\{|\}$/g, '').toLowerCase();
  else if (typeof d.Signature === 'number' && d.Signature > 0) k.ptuuid = d.Signature.toString(16).padStart(8, '0');
  const uid = (d.UniqueId ?? '').trim();
  if (uid) k.wwn = uid;
  return k;
}

/** Builds Drives from the listing JSON; boot and system disks (or partitions) count as system. */
export function parseWindowsDrives(json: string, ctx: SystemContext): Drive[] {
  let data: { disks?: WinDisk | WinDisk[]; partitions?: WinPartition | WinPartition[] };
  try {
    data = JSON.parse(json.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new FlintError('DRIVES_LIST_FAILED', 'PowerShell printed something that is not JSON', [String(err)]);
  }
  const parts = list(data.partitions);
  const drives: Drive[] = [];
  for (const d of list(data.disks)) {
    if (!Number.isInteger(d.Number) || !(d.Size > 0)) continue;
    const device = `\\\\.\\PhysicalDrive${d.Number}`;
    const mine = parts.filter((p) => p.DiskNumber === d.Number);
    const serial = (d.SerialNumber ?? '').trim();
    const vendor = (d.Manufacturer ?? '').trim();
    const model = (d.Model ?? d.FriendlyName ?? '').trim();
    const bus = busOf(d.BusType);
    const drive: Drive = {
      id: driveId(device, serial, d.Size),
      device,
      raw: device,
      size: d.Size,
      vendor,
      model,
      description: (d.FriendlyName ?? '').trim() || [vendor, model].filter(Boolean).join(' ') || device,
      serial,
      bus,
      removable: bus === 'usb' || bus === 'sd',
      readOnly: d.IsReadOnly === true,
      system: false,
      systemReasons: [],
      loop: bus === 'image',
      mountpoints: mine
        .map((p) => letterOf(p.DriveLetter))
        .filter((l): l is string => !!l)
        .map((l) => `${l}:\\`),
      partitions: mine.map((p) => `${device}\\Partition${p.PartitionNumber ?? 0}`),
      logicalBlockSize: d.LogicalSectorSize || 512,
      physicalBlockSize: d.PhysicalSectorSize || d.LogicalSectorSize || 512,
      partitionTable: partitionStyle(d.PartitionStyle),
      kernel: kernelOf(d),
      ...(d.IsOffline ? { offline: true } : {}),
      sources: ['get-disk'],
    };
    if (d.IsBoot || d.IsSystem || mine.some((p) => p.IsBoot || p.IsSystem)) {
      drive.system = true;
      drive.systemReasons.push('holds the running Windows (boot or system disk)');
    }
    drives.push(drive);
  }
  return markSystemDrives(drives, ctx, []);
}

/** Lists drives on Windows with PowerShell's Storage cmdlets. */
export async function listWindowsDrives(ctx: SystemContext): Promise<Drive[]> {
  try {
    const [cmd, ...args] = LIST_DISKS_ARGV;
    const { stdout } = await run(cmd, args, { maxBuffer: 16 * 1024 * 1024, windowsHide: true });
    return parseWindowsDrives(stdout, ctx);
  } catch (err) {
    if (err instanceof FlintError) throw err;
    throw new FlintError('DRIVES_LIST_FAILED', 'could not list drives with PowerShell Get-Disk', [(err as Error).message]);
  }
}
