/**
 * Restoring a stick on Linux: zero its first and last MiB (the live image's MBR, GPT and ISO 9660
 * descriptors at the start, a backup GPT at the end), write a DOS partition table with one
 * partition over the whole drive (sfdisk), make the kernel show that partition (partx), format it
 * (mkfs.vfat -F 32 or mkfs.exfat) and read the result back with blkid. Every tool runs with a fixed
 * argv, never a shell.
 */
import { execFile } from 'node:child_process';
import { constants as C } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ERROR_CODES, type RestoreStep } from '../../../contract/error-codes';
import { codedError } from '../../errors';
import type { Drive } from '../../drives/types';
import type { RestoredVolume, RestoreFilesystem, RestoreLayout } from './plan';

/** Bytes zeroed at each end of the drive (Fedora Media Writer's restore zeroes both ends too). */
export const WIPE_BYTES = 1024 * 1024;

/** MBR partition type of the one partition: 0x0c FAT32 (LBA), 0x07 exFAT (shared with NTFS/HPFS). */
export const MBR_TYPE: Record<RestoreFilesystem, string> = { fat32: 'c', exfat: '7' };

/** blkid's TYPE for each file system. */
export const BLKID_TYPE: Record<RestoreFilesystem, string> = { fat32: 'vfat', exfat: 'exfat' };

/** The sfdisk script: a DOS label and one partition of `type`, default (1 MiB aligned) start, the rest of the drive. */
export function sfdiskScript(filesystem: RestoreFilesystem): string {
  return `label: dos\n,,${MBR_TYPE[filesystem]}\n`;
}

/** sfdisk, wiping old partition-table and file-system signatures on the disk and in the new partition. */
export function sfdiskArgv(device: string): string[] {
  return ['sfdisk', '--quiet', '--wipe', 'always', '--wipe-partitions', 'always', device];
}

/** `sfdisk --json DEVICE`: the partition table as written. */
export function sfdiskDumpArgv(device: string): string[] {
  return ['sfdisk', '--json', device];
}

/** `partx --update DEVICE`: make the kernel's view of the partitions match the disk. */
export function partxArgv(how: 'update' | 'add' | 'delete', device: string): string[] {
  return ['partx', `--${how}`, device];
}

/** The formatting command for the partition. */
export function mkfsArgv(filesystem: RestoreFilesystem, label: string, partition: string): string[] {
  return filesystem === 'fat32' ? ['mkfs.vfat', '-F', '32', '-n', label, partition] : ['mkfs.exfat', '-L', label, partition];
}

/** `blkid --probe` (the superblock itself, not blkid's cache) in `KEY=value` lines. */
export function blkidArgv(partition: string): string[] {
  return ['blkid', '--probe', '--output', 'export', partition];
}

/**
 * The node of partition `n` of a whole-disk device: a name that ends in a digit takes a `p`
 * (loop0p1, nvme0n1p1, mmcblk0p1), any other just the number (sdb1): the kernel's rule
 * (block/partitions/core.c, `bdevt_str`/`disk_name`).
 */
export function partitionPath(device: string, n = 1): string {
  return /\d$/.test(device) ? `${device}p${n}` : `${device}${n}`;
}

/**
 * Parses `blkid --output export` (`KEY=value` lines; blkid escapes spaces and shell characters in
 * a value with a backslash, misc-utils/blkid.c `safe_print`).
 */
export function parseBlkidExport(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1).replace(/\\(.)/g, '$1');
  }
  return out;
}

/** Partition 1 of `sfdisk --json` output: start and size in 512-byte sectors (sysfs's unit). */
export function firstPartition(json: string): { start: number; size: number } | null {
  const t = (JSON.parse(json) as { partitiontable?: { sectorsize?: number; partitions?: { start: number; size: number }[] } })
    .partitiontable;
  const p = t?.partitions?.[0];
  if (!p) return null;
  const k = (t.sectorsize ?? 512) / 512;
  return { start: p.start * k, size: p.size * k };
}

/** A command's failure, with what it printed on stderr. */
type ToolError = Error & { stderr?: string; code?: string | number };

/** Runs `argv` (stdin `input` when given); resolves to stdout, rejects with stderr attached. */
export function runArgv(argv: string[], input?: string, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(argv[0], argv.slice(1), { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr: String(stderr).trim() }));
      else resolve(String(stdout));
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

/** A tool's failure as RESTORE_TOOL_FAILED, naming the step and what the tool said. */
export function toolFailed(device: string, step: RestoreStep, argv: string[], err: unknown) {
  const e = err as ToolError;
  const detail = e.code === 'ENOENT' ? `${argv[0]} is not installed` : e.stderr || e.message;
  return codedError(
    ERROR_CODES.RESTORE_TOOL_FAILED,
    { device, tool: argv[0], step },
    `${argv[0]} failed while restoring ${device}`,
    detail ? [detail] : [],
  );
}

/** Writes zeros over the first and last WIPE_BYTES of the device (opened exclusively), then syncs. */
async function zeroEnds(drive: Drive): Promise<void> {
  const fh = await open(drive.device, C.O_RDWR | C.O_EXCL);
  try {
    const zeros = Buffer.alloc(Math.min(WIPE_BYTES, drive.size));
    await fh.write(zeros, 0, zeros.length, 0);
    const block = drive.logicalBlockSize || 512;
    // the tail, on a whole block so a 4Kn drive accepts it
    const tail = Math.max(0, Math.floor((drive.size - zeros.length) / block) * block);
    if (tail > 0) await fh.write(zeros, 0, Math.min(zeros.length, drive.size - tail), tail);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Sysfs geometry of a partition node (512-byte sectors), or null while the kernel does not show it. */
async function kernelGeometry(partition: string): Promise<{ start: number; size: number } | null> {
  const dir = `/sys/class/block/${basename(partition)}`;
  try {
    const [start, size] = await Promise.all([readFile(`${dir}/start`, 'utf8'), readFile(`${dir}/size`, 'utf8')]);
    const st = await stat(partition);
    return st.isBlockDevice() ? { start: Number(start), size: Number(size) } : null;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the kernel shows partition 1 where the table says it is. sfdisk asks the kernel to
 * re-read the table (BLKRRPART), which a device in use or a loop device may ignore; partx then
 * adds, resizes or removes the kernel's partitions one by one (BLKPG). A stale node with the old
 * image's geometry must never be formatted, so the start and size are compared, not just the name.
 */
async function awaitPartition(device: string, partition: string, want: { start: number; size: number }): Promise<void> {
  const matches = async () => {
    const g = await kernelGeometry(partition);
    return g !== null && g.start === want.start && g.size === want.size;
  };
  const poll = async (ms: number) => {
    for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (await matches()) return true;
    return matches();
  };
  if (await matches()) return;
  await runArgv(partxArgv('update', device)).catch(() => undefined);
  if (await poll(2000)) return;
  await runArgv(partxArgv('delete', device)).catch(() => undefined);
  await runArgv(partxArgv('add', device)).catch(() => undefined);
  if (await poll(5000)) return;
  throw codedError(
    ERROR_CODES.RESTORE_NO_PARTITION,
    { device, partition },
    `The kernel does not show the new partition ${partition} of ${device}`,
    ['partition scanning may be off for this device (a loop device made without --partscan); unplug and replug it, then try again'],
  );
}

/**
 * Restores `drive` (already re-checked and unmounted) to one partition with `layout`. `onStep`
 * hears each step as it starts; `signal` stops between steps (a half-made drive is still erased,
 * never the old live image).
 */
export async function restoreLinux(
  drive: Drive,
  layout: RestoreLayout,
  onStep: (step: RestoreStep) => void,
  signal?: AbortSignal,
): Promise<RestoredVolume> {
  const device = drive.device;
  const step = async <T>(s: RestoreStep, argv: string[], fn: () => Promise<T>): Promise<T> => {
    signal?.throwIfAborted();
    onStep(s);
    try {
      return await fn();
    } catch (err) {
      throw toolFailed(device, s, argv, err);
    }
  };
  await step('wipe', ['zero', device], () => zeroEnds(drive));
  const sfdisk = sfdiskArgv(device);
  await step('partition', sfdisk, () => runArgv(sfdisk, sfdiskScript(layout.filesystem)));
  const dump = sfdiskDumpArgv(device);
  const want = firstPartition(await step('partition', dump, () => runArgv(dump)));
  const partition = partitionPath(device);
  if (!want) throw codedError(ERROR_CODES.RESTORE_NO_PARTITION, { device, partition }, `sfdisk made no partition on ${device}`);
  await awaitPartition(device, partition, want);
  const mkfs = mkfsArgv(layout.filesystem, layout.label, partition);
  await step('format', mkfs, () => runArgv(mkfs));
  const blkid = blkidArgv(partition);
  const found = parseBlkidExport(await step('check', blkid, () => runArgv(blkid)));
  const expected = `${BLKID_TYPE[layout.filesystem]} "${layout.label}"`;
  const got = `${found.TYPE ?? 'no file system'} "${found.LABEL ?? ''}"`;
  if (got !== expected) {
    throw codedError(
      ERROR_CODES.RESTORE_CHECK_FAILED,
      { device, partition, expected, found: got },
      `${partition} does not hold the file system just made: expected ${expected}, found ${got}`,
    );
  }
  return { partition, filesystem: layout.filesystem, label: layout.label, ...(found.UUID ? { uuid: found.UUID } : {}) };
}
