import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { FlintError } from '../errors';
import { driveId } from './id';
import { markSystemDrives } from './system';
import type { Drive, DriveBus, KernelIdentity, SystemContext } from './types';

const run = promisify(execFile);

/** The lsblk columns Flint reads (util-linux >= 2.37 for MOUNTPOINTS). */
export const LSBLK_COLUMNS =
  'NAME,KNAME,TYPE,SIZE,TRAN,RM,HOTPLUG,RO,SUBSYSTEMS,VENDOR,MODEL,SERIAL,PTTYPE,MOUNTPOINTS,LABEL,PHY-SEC,LOG-SEC,FSTYPE,MAJ:MIN,WWN,PTUUID';

/** The argv of the lsblk call (optionally for one device). */
export function lsblkArgs(device?: string): string[] {
  const args = ['--bytes', '--json', '--paths', '-o', LSBLK_COLUMNS];
  return device ? [...args, device] : args;
}

/** One row of `lsblk --json` (only the fields Flint reads). */
export interface LsblkRow {
  name: string;
  kname?: string;
  type: string;
  size: number | string | null;
  tran?: string | null;
  rm?: boolean | string | null;
  hotplug?: boolean | string | null;
  ro?: boolean | string | null;
  subsystems?: string | null;
  vendor?: string | null;
  model?: string | null;
  serial?: string | null;
  pttype?: string | null;
  mountpoints?: (string | null)[] | null;
  mountpoint?: string | null;
  fstype?: string | null;
  'phy-sec'?: number | string | null;
  'log-sec'?: number | string | null;
  'maj:min'?: string | null;
  wwn?: string | null;
  ptuuid?: string | null;
  children?: LsblkRow[];
}

/**
 * What lsblk does not print but /sys does, per device name (e.g. `loop3`): the disk sequence number
 * and a loop device's backing file with its device:inode. Tests pass their own.
 */
export interface SysfsFacts {
  diskseq?: number;
  backingFile?: string;
  /** device:inode of the backing file (absent when it cannot be stat'ed, e.g. deleted). */
  backingId?: string;
}

/** Reads SysfsFacts from /sys/block/NAME (Documentation/ABI/stable/sysfs-block: diskseq, loop/backing_file). */
export function readSysfsFacts(name: string): SysfsFacts {
  const base = name.replace(/^\/dev\//, '');
  if (!/^[A-Za-z0-9._-]+$/.test(base)) return {};
  const read = (rel: string): string | undefined => {
    try {
      return readFileSync(`/sys/block/${base}/${rel}`, 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  const facts: SysfsFacts = {};
  const seq = read('diskseq');
  if (seq && /^\d+$/.test(seq)) facts.diskseq = Number(seq);
  const backing = read('loop/backing_file');
  if (backing) {
    facts.backingFile = backing;
    try {
      const st = statSync(backing.replace(/ \(deleted\)$/, ''), { bigint: true });
      facts.backingId = `${st.dev}:${st.ino}`;
    } catch {
      /* deleted or unreachable: the path alone names it */
    }
  }
  return facts;
}

const flag = (v: boolean | string | null | undefined): boolean => v === true || v === '1' || v === 'true';
const num = (v: number | string | null | undefined, dflt = 0): number => {
  const n = typeof v === 'string' ? Number(v) : (v ?? dflt);
  return Number.isFinite(n) ? (n as number) : dflt;
};
const text = (v: string | null | undefined): string => (v ?? '').trim();

/** True for devices that are never targets: RAM disks, zram, mmc boot/rpmb areas, empty slots. */
function ignored(row: LsblkRow): boolean {
  const base = row.name.replace(/^\/dev\//, '');
  if (/^(zram|ram)\d+$/.test(base)) return true;
  if (/^mmcblk\d+(boot\d+|rpmb)$/.test(base)) return true;
  if (row.type !== 'disk' && row.type !== 'loop') return true;
  return num(row.size) <= 0;
}

function busOf(row: LsblkRow): DriveBus {
  const tran = text(row.tran).toLowerCase();
  const subs = text(row.subsystems).toLowerCase();
  if (row.type === 'loop') return 'loop';
  if (tran === 'usb' || subs.includes('usb')) return 'usb';
  if (tran === 'mmc' || subs.includes('mmc') || /mmcblk/.test(row.name)) return 'sd';
  if (tran === 'nvme' || subs.includes('nvme')) return 'nvme';
  if (tran === 'sata' || tran === 'ata') return 'sata';
  if (subs.includes('virtio')) return 'virtio';
  if (tran === 'sas' || tran === 'iscsi' || tran === 'fc' || subs.includes('scsi')) return 'scsi';
  return 'other';
}

function collect(row: LsblkRow, mounts: string[], parts: string[]): void {
  for (const mp of row.mountpoints ?? (row.mountpoint !== undefined ? [row.mountpoint] : [])) if (mp) mounts.push(mp);
  for (const child of row.children ?? []) {
    parts.push(child.name);
    collect(child, mounts, parts);
  }
}

/** The kernel identity of a row plus its sysfs facts (absent fields are left out). */
function kernelOf(row: LsblkRow, sys: SysfsFacts): KernelIdentity {
  const k: KernelIdentity = {};
  const majMin = text(row['maj:min']);
  if (majMin) k.majMin = majMin;
  if (sys.diskseq !== undefined) k.diskseq = sys.diskseq;
  const wwn = text(row.wwn);
  if (wwn) k.wwn = wwn;
  const ptuuid = text(row.ptuuid);
  if (ptuuid) k.ptuuid = ptuuid;
  if (sys.backingId) k.backing = sys.backingId;
  else if (sys.backingFile) k.backing = `path:${sys.backingFile}`;
  return k;
}

/** Turns one top-level lsblk row into a Drive (system flags are set later). */
export function driveFromLsblk(row: LsblkRow, sys: SysfsFacts = {}): Drive {
  const mountpoints: string[] = [];
  const partitions: string[] = [];
  collect(row, mountpoints, partitions);
  const bus = busOf(row);
  const vendor = text(row.vendor);
  const model = text(row.model);
  const serial = text(row.serial);
  const size = num(row.size);
  const description = [vendor, model].filter(Boolean).join(' ') || (bus === 'loop' ? 'Loop device' : row.name);
  return {
    id: driveId(row.name, serial, size),
    device: row.name,
    raw: row.name,
    size,
    vendor,
    model,
    description,
    serial,
    bus,
    removable: flag(row.rm) || flag(row.hotplug) || bus === 'usb' || bus === 'sd',
    readOnly: flag(row.ro),
    system: false,
    systemReasons: [],
    loop: bus === 'loop',
    mountpoints: [...new Set(mountpoints)],
    partitions,
    logicalBlockSize: num(row['log-sec'], 512) || 512,
    physicalBlockSize: num(row['phy-sec'], 512) || 512,
    partitionTable: text(row.pttype) || null,
    kernel: kernelOf(row, sys),
    ...(sys.backingFile ? { backingFile: sys.backingFile } : {}),
    sources: ['lsblk'],
  };
}

/**
 * Parses `lsblk --json` output into Drives, dropping zram/ram, and classifies system disks.
 * `sys` adds what /sys knows of each device (default: nothing, for recordings).
 */
export function parseLsblk(
  json: string | { blockdevices?: LsblkRow[] },
  ctx: SystemContext,
  sys: (name: string) => SysfsFacts = () => ({}),
): Drive[] {
  let data: { blockdevices?: LsblkRow[] };
  try {
    data = typeof json === 'string' ? JSON.parse(json) : json;
  } catch (err) {
    throw new FlintError('DRIVES_LIST_FAILED', 'lsblk printed something that is not JSON', [String(err)]);
  }
  if (!data || !Array.isArray(data.blockdevices)) {
    throw new FlintError('DRIVES_LIST_FAILED', 'lsblk output has no "blockdevices" list');
  }
  const drives = data.blockdevices.filter((r) => r && typeof r.name === 'string' && !ignored(r)).map((r) => driveFromLsblk(r, sys(r.name)));
  return markSystemDrives(drives, ctx);
}

/** Runs lsblk and returns every disk and loop device of this Linux machine. */
export async function listLinuxDrives(ctx: SystemContext): Promise<Drive[]> {
  let stdout: string;
  try {
    ({ stdout } = await run('lsblk', lsblkArgs(), { maxBuffer: 16 * 1024 * 1024 }));
  } catch (err) {
    throw new FlintError('DRIVES_LIST_FAILED', 'could not list drives with lsblk (is util-linux >= 2.37 installed?)', [
      (err as Error).message,
    ]);
  }
  return parseLsblk(stdout, ctx, readSysfsFacts);
}
