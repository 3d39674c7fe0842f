/**
 * The per-OS steps around the portable write and verify passes (electron/core/write/engine), as
 * one interface. Each system's file (linux.ts, darwin.ts, win32.ts) implements it; platform.ts
 * picks one. Tests hand the engine their own (a device with another system's rules).
 */
import { execFile, execFileSync } from 'node:child_process';
import { WARNING_CODES, type EjectSkip, type WarningValue } from '../../../contract/error-codes';
import { warning } from '../../errors';
import type { Drive, KernelIdentity, SystemContext } from '../../drives/types';
import type { DeviceIo } from '../engine/raw-device';

/** What ejecting did: `ejected` only when the OS really let go of the stick; else a warning says why. */
export interface EjectOutcome {
  ejected: boolean;
  warning?: WarningValue;
}

/** The per-OS steps around the (portable) write and verify passes. */
export interface PlatformOps {
  /** The system whose rules the devices follow (error wording, retries). */
  readonly platform: NodeJS.Platform;
  listDrives(ctx: SystemContext): Promise<Drive[]>;
  /** Unmounts / dismounts the target; returns log notes. */
  prepare(drive: Drive): Promise<string[]>;
  /**
   * What the kernel says the device is right now (cheap, no full listing), to compare with the
   * identity the user saw right before and right after opening it; undefined where unknown.
   */
  kernelIdentity(drive: Drive): Promise<KernelIdentity | undefined>;
  /** Opens the raw device for whole-sector I/O: exclusively when writing. */
  openDevice(drive: Drive, write: boolean): Promise<DeviceIo>;
  /** After writing and closing: let the OS see the new partition table; returns warnings. */
  afterWrite(drive: Drive): Promise<WarningValue[]>;
  /** Drops cached blocks so read-back comes from the media. */
  dropCache(drive: Drive): Promise<void>;
  /** Ejects the stick; throws when the OS tool fails (the engine turns that into a warning). */
  eject(drive: Drive): Promise<EjectOutcome>;
}

/** A failed tool run: its exit, and what it printed on both streams (tools such as diskutil and diskpart report on stdout). */
export type ToolError = Error & { stderr: string; stdout: string; code?: number | string };

/** Runs a command with a fixed argv (never a shell); resolves to its output or rejects with both streams. */
export function runTool(cmd: string, args: string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr: String(stderr).trim(), stdout: String(stdout).trim() }));
      else resolve(String(stdout));
    });
  });
}

/** The words of a failed tool run worth showing: its stderr, else the end of its stdout, else the error. */
export function toolDetail(err: unknown): string {
  const e = err as Partial<ToolError>;
  const out = (e.stdout ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (e.stderr ?? '').trim() || out.slice(-3).join(' ') || (e as Error)?.message || String(err);
}

/** True when `tool` is on PATH. */
export function onPath(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** An eject that did not happen, with the warning saying why. */
export const skipped = (drive: Drive, why: EjectSkip, message: string): EjectOutcome => ({
  ejected: false,
  warning: warning(WARNING_CODES.EJECT_SKIPPED, { device: drive.device, why }, message),
});
