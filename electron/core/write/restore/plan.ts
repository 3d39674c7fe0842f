/**
 * What "restore" makes of a stick, the same on every OS: one partition over the whole drive in an
 * MBR (DOS) partition table, formatted FAT32 up to 32 GiB and exFAT above, with a volume label.
 * FAT32 up to 32 GiB and exFAT above is the SD Association's split between SDHC and SDXC cards
 * (SD Physical Layer Simplified Specification, "Capacity of Memory Card"), and the largest FAT32
 * volume Windows itself formats; an MBR table is what cameras, car radios and TVs read.
 * Pure: the per-OS steps (./linux.ts, ./darwin.ts, ./win32.ts) take what is decided here.
 */
import { ERROR_CODES, type LabelProblem, type RestoreFilesystem } from '../../../contract/error-codes';
import { codedError } from '../../errors';

export type { RestoreFilesystem } from '../../../contract/error-codes';

/** Largest drive that gets FAT32 (32 GiB); anything larger gets exFAT. */
export const FAT32_MAX_BYTES = 32 * 1024 ** 3;

/** The label a restored stick gets unless another is asked for. */
export const DEFAULT_LABEL = 'USBSTICK';

/**
 * Longest label: 11 characters on both. FAT: the 11-byte BS_VolLab field of the boot sector
 * (Microsoft "FAT: General Overview of On-Disk Format", BPB fields); exFAT: the Volume Label
 * directory entry holds at most 11 UTF-16 characters (Microsoft "exFAT file system
 * specification" §7.3, CharacterCount).
 */
export const LABEL_MAX = 11;

/** Characters FAT does not allow in a short name or label (FAT specification, "short names"). */
const FAT_FORBIDDEN = '"*+,./:;<=>?[\\]|';
/** Characters exFAT does not allow in names (exFAT specification §7.7.3, "invalid FileName characters"). */
const EXFAT_FORBIDDEN = '"*/:<>?\\|';

/** The file system a drive of `size` bytes gets. */
export function filesystemFor(size: number): RestoreFilesystem {
  return size <= FAT32_MAX_BYTES ? 'fat32' : 'exfat';
}

/**
 * The label as it is written: trimmed; FAT labels in upper case (as Windows and mkfs.fat store
 * them; lower case "might not work properly on some systems", mkfs.fat says), plain ASCII only;
 * exFAT labels keep their case. A label that cannot be written is RESTORE_BAD_LABEL.
 */
export function normalizeLabel(label: string, filesystem: RestoreFilesystem): string {
  const t = label.trim();
  const bad = (problem: LabelProblem, char?: string) =>
    codedError(
      ERROR_CODES.RESTORE_BAD_LABEL,
      { label, filesystem, problem, max: LABEL_MAX, ...(char !== undefined ? { char } : {}) },
      problem === 'empty'
        ? 'The volume label is empty'
        : problem === 'too-long'
          ? `The volume label "${t}" is longer than ${LABEL_MAX} characters`
          : `The volume label "${t}" contains '${char}', which ${filesystem === 'fat32' ? 'FAT32' : 'exFAT'} does not allow`,
    );
  if (t === '') throw bad('empty');
  const chars = [...t];
  const forbidden = filesystem === 'fat32' ? FAT_FORBIDDEN : EXFAT_FORBIDDEN;
  for (const c of chars) {
    const code = c.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f || forbidden.includes(c)) throw bad('character', c);
    if (filesystem === 'fat32' && code > 0x7e) throw bad('character', c);
  }
  // exFAT counts UTF-16 units; FAT counts bytes (ASCII: one per character)
  const length = filesystem === 'exfat' ? t.length : chars.length;
  if (length > LABEL_MAX) throw bad('too-long');
  return filesystem === 'fat32' ? t.toUpperCase() : t;
}

/** What a restore makes of one drive. */
export interface RestoreLayout {
  filesystem: RestoreFilesystem;
  label: string;
}

/** The file system and label for a drive of `size` bytes (label checked and normalized). */
export function restoreLayout(size: number, label: string = DEFAULT_LABEL): RestoreLayout {
  const filesystem = filesystemFor(size);
  return { filesystem, label: normalizeLabel(label, filesystem) };
}

/** What a restore made: the partition and its file system, as read back. */
export interface RestoredVolume {
  /** The partition's node (`/dev/sdb1`, `/dev/disk4s1`) or, on Windows, its drive letter (`E:`). */
  partition: string;
  filesystem: RestoreFilesystem;
  label: string;
  /** The file system's id, when the OS reports one. */
  uuid?: string;
}
