import type { FlashEnding, WarningValue } from '../../contract/error-codes';
import type { FlintErrorValue } from '../errors';
import type { RestoredVolume } from './restore/plan';

/**
 * The phases a target goes through, in order (a restore job: check, unmount, then the steps of
 * RestoreStep: wipe, partition, format, check).
 */
export type WritePhase = 'check' | 'unmount' | 'write' | 'flush' | 'verify' | 'ignition' | 'eject' | 'wipe' | 'partition' | 'format';

/** Progress of one target (one JSON line of the helper). */
export interface WriteProgressEvent {
  type: 'progress';
  device: string;
  phase: WritePhase;
  bytes: number;
  total: number;
  /** Bytes per second, smoothed (absent until measurable). */
  speed?: number;
}

/** The helper accepted the job and starts (elevation succeeded). */
export interface WriteStartEvent {
  type: 'start';
  pid: number;
  devices: string[];
  imageSize: number;
  /** 'direct' (O_DIRECT, page cache bypassed) or 'buffered' (the system's path, fdatasync every few MiB). */
  mode?: string;
}

/** How one target's part of a job ended (see FlashEnding in the catalogue). */
export type TargetEnding = FlashEnding;

/** What happened to one target. */
export interface TargetResult {
  device: string;
  /** True for `verified` and `written`. */
  ok: boolean;
  ending: TargetEnding;
  /** Bytes known to be on the device (written with O_DIRECT, or synced). */
  bytesWritten: number;
  /** Byte offset of the failure (I/O error, mismatch) for `failed`. */
  failedAt?: number;
  /** Whether the first MiB was overwritten with zeros after a cancel or failure. */
  wiped?: boolean;
  error?: FlintErrorValue;
  /**
   * SHA-256 of the bytes written (source + plan), computed while reading the stick back; present
   * when verified (every byte on the stick matched, so it is also the SHA-256 of the stick's first
   * bytesWritten bytes). Not computed with verify off, to keep writing at device speed, nor when
   * the job's sticks each got their own config (a fleet: one SHA-256 pass per stick would bound
   * how many sticks one machine writes at once; see verifyAll).
   */
  sha256?: string;
  /** Whether the device was read back past the page cache and matched. */
  verified: boolean;
  /** SHA-256 of the Ignition config read back off the device (null: none embedded or not readable). */
  ignitionSha256: string | null;
  warnings: WarningValue[];
  /** Present when ejecting was asked for: whether the OS really let go of the stick. */
  eject?: { ejected: boolean };
  /** Milliseconds spent writing (open to flushed) and reading back. */
  timings: { writeMs?: number; verifyMs?: number };
  /** A restore job's target: the partition and file system made, as read back. */
  restored?: RestoredVolume;
}

/** One target finished (success or failure). */
export interface WriteTargetDoneEvent {
  type: 'target-done';
  result: TargetResult;
}

/** A note for the log (unmounted a partition, O_DIRECT unavailable, ...). */
export interface WriteLogEvent {
  type: 'log';
  device?: string;
  message: string;
}

/** The job failed as a whole before any target was written (invalid job, unreadable source). */
export interface WriteFatalEvent {
  type: 'fatal';
  error: FlintErrorValue;
}

/** The last line: every target's result. */
export interface WriteDoneEvent {
  type: 'done';
  results: TargetResult[];
  cancelled: boolean;
  /** The helper's peak resident set size in bytes (diagnostics, benchmarks). */
  peakRssBytes?: number;
  /** SHA-256 of the pristine image, measured by the verify pass (absent without verify or when cut short). */
  sourceSha256?: string;
}

/** Everything the helper prints on stdout, one JSON object per line. */
export type WriteEvent = WriteStartEvent | WriteProgressEvent | WriteTargetDoneEvent | WriteLogEvent | WriteFatalEvent | WriteDoneEvent;

/** Helper exit codes (documented in native/README.md). */
export const HelperExit = {
  OK: 0,
  /** At least one target failed; see the results. */
  TARGET_FAILED: 1,
  /** The job was invalid or could not start (source unreadable). */
  BAD_JOB: 2,
  /** Cancelled by signal, stdin closing or the cancel file. */
  CANCELLED: 3,
  /** Unexpected internal error. */
  INTERNAL: 4,
} as const;

/** Parses one line of helper output; null for a line that is not an event. */
export function parseEventLine(line: string): WriteEvent | null {
  const s = line.trim();
  if (!s.startsWith('{')) return null;
  try {
    const e = JSON.parse(s) as WriteEvent;
    return e && typeof e.type === 'string' ? e : null;
  } catch {
    return null;
  }
}
