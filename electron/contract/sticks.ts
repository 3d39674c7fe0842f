/**
 * Sticks already written (sticks:inspect, refresh, restore): the plain data that crosses the IPC
 * contract about them. JSON-serializable, no Node or Electron imports (the renderer uses it too).
 */
import type { FlashEnding } from './error-codes';
import type { ErrorValue, StickSeen } from './types';

/** A stick's release compared with its stream's newest: older (`update`), the same, or ahead. */
export type StickStatus = 'update' | 'current' | 'newer';

/** What the Target step shows about a drive that may hold a live image (sticks:inspect). */
export interface StickInfo {
  driveId: string;
  /** A CoreOS live image was found on it. */
  live: boolean;
  /** Why it could not be read (not allowed, gone...); absent when it was read. */
  error?: ErrorValue;
  /** The release on the stick (live sticks). */
  release?: { version: string | null; stream: string | null; volumeId: string; productName: string | null };
  arch?: string;
  /** Carries a config, network files or kernel-argument changes. */
  customized?: boolean;
  /** SHA-256 of its live config (null: none). */
  configSha256?: string | null;
  /** Files in its Ignition embed area. */
  members?: number;
  /** The newest release of its stream, and how the stick compares; absent when unknown. */
  latest?: string;
  status?: StickStatus;
  /** That release is already in the download cache (verified). */
  latestCached?: boolean;
  /** Why the newest release could not be asked (offline...). */
  latestError?: ErrorValue;
}

/** How one stick's refresh ended. */
export type StickRefreshEnding = 'refreshed' | 'current' | 'newer' | 'failed' | 'cancelled' | 'not-written';

/** What happened to one stick of a refresh. */
export interface StickRefreshResult extends StickSeen {
  ok: boolean;
  ending: StickRefreshEnding;
  from: string | null;
  to: string;
  stream: string;
  /** SHA-256 of the live config before and as read back after (null: none, or not written). */
  configSha256: string | null;
  configSha256After: string | null;
  /** The config read back is the one the stick had (null: not written). */
  configKept: boolean | null;
  /** How the write ended, for a stick that was written. */
  flashEnding?: FlashEnding;
  error?: ErrorValue;
}

/** The end of a refresh job. */
export interface StickRefreshFinished {
  jobId: string;
  ok: boolean;
  cancelled: boolean;
  results: StickRefreshResult[];
  /** The refresh could not start (a stick is not live any more, offline, a drive swapped...). */
  error?: ErrorValue;
}

/** Restores sticks to normal drives. */
export interface StickRestoreRequest {
  driveIds: string[];
  /** Volume label (at most 11 characters; FAT32 stores it in upper case). */
  label: string;
  /** The user confirmed erasing drives larger than LARGE_DRIVE_BYTES. */
  confirmLarge: boolean;
}

/** What happened to one restored drive. */
export interface StickRestoreResult {
  driveId: string;
  device: string;
  ok: boolean;
  ending: FlashEnding;
  filesystem: 'fat32' | 'exfat';
  label: string;
  /** The new partition (`/dev/sdb1`, `E:`), when made. */
  partition?: string;
  error?: ErrorValue;
}
