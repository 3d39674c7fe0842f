import { createHash } from 'node:crypto';
import type { BootResult } from './qemu';

/**
 * What the tiny guest's /init printed on ttyS0 (see make-live-iso.sh):
 * `CMDLINE:`, `INIT-ARGn:`, `INITRAMFS-ERROR:`, `EXTRA-FILE:`, then `IGNITION-BEGIN` / the
 * file / `IGNITION-END` / `IGNITION-SIZE:` / `IGNITION-SHA256:` or `IGNITION-NONE`, then `BOOT-OK`.
 */
export interface BootReport {
  /** The guest saw BOOT-OK (its /init ran to the end). */
  bootOk: boolean;
  /** /proc/cmdline, or undefined when the guest never got that far. */
  cmdline?: string;
  /** Arguments the kernel passed to /init (unknown parameters end up here). */
  initArgs: string[];
  /** The kernel's "Initramfs unpacking failed" lines. */
  initramfsErrors: string[];
  /** Files in the booted root that are not in the base initramfs (e.g. /config.ign). */
  extraFiles: string[];
  /** /config.ign as printed (null: IGNITION-NONE or not reached). */
  ignition: string | null;
  /** The size and SHA-256 of /config.ign the guest itself computed. */
  ignitionSize?: number;
  ignitionSha256?: string;
  /** Kernel messages worth seeing in a failure (unknown parameters, panics, unpack failures). */
  kernelMessages: string[];
}

/** Parses the guest report out of a serial log (CRs already removed). */
export function parseBootReport(serial: string): BootReport {
  const lines = serial.split('\n');
  const after = (prefix: string) => lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
  const r: BootReport = {
    bootOk: lines.includes('BOOT-OK'),
    initArgs: lines.filter((l) => /^INIT-ARG\d+: /.test(l)).map((l) => l.replace(/^INIT-ARG\d+: /, '')),
    initramfsErrors: after('INITRAMFS-ERROR: '),
    extraFiles: after('EXTRA-FILE: '),
    ignition: null,
    kernelMessages: [
      ...new Set(serial.match(/(Unknown kernel command line parameters.*|Kernel panic.*|Initramfs unpacking failed.*)/g) ?? []),
    ],
  };
  const cmd = after('CMDLINE: ');
  if (cmd.length) r.cmdline = cmd[0];
  const b = lines.indexOf('IGNITION-BEGIN');
  const e = lines.indexOf('IGNITION-END', b + 1);
  if (b >= 0 && e > b) {
    const size = Number(after('IGNITION-SIZE: ')[0]);
    let text = lines.slice(b + 1, e).join('\n');
    // the guest adds a newline when the file has none; a file that has one shows it via its size
    if (Buffer.byteLength(text) + 1 === size) text += '\n';
    r.ignition = text;
    r.ignitionSize = size;
    r.ignitionSha256 = after('IGNITION-SHA256: ')[0];
  }
  return r;
}

/** What a boot must show; every given check is applied by {@link bootProblems}. */
export interface BootExpectations {
  /** /config.ign must be exactly these bytes. */
  ignition?: string | Uint8Array;
  /** There must be no /config.ign. */
  noIgnition?: boolean;
  /** Whole words that must be on /proc/cmdline. */
  kargs?: string[];
  /** Whole words that must not be on /proc/cmdline. */
  rejectKargs?: string[];
  /** No '#' padding or COREOS_KARG_EMBED_AREA may reach /proc/cmdline (default true). */
  cleanCmdline?: boolean;
}

/** The SHA-256 (hex) of bytes or text. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Lists every way the boot fell short of `want` (empty = all good), with the serial tail when the
 * guest never printed BOOT-OK, so a failing test shows why.
 */
export function bootProblems(result: BootResult, want: BootExpectations): string[] {
  const p: string[] = [];
  const r = result.report;
  if (result.outcome !== 'BOOT-OK' || !r.bootOk) {
    p.push(`no BOOT-OK: ${result.outcome}; serial tail:\n${result.serial.split('\n').slice(-15).join('\n')}\n${result.qemuOutput}`);
    return p;
  }
  const words = (r.cmdline ?? '').split(/\s+/).filter(Boolean);
  for (const k of want.kargs ?? []) if (!words.includes(k)) p.push(`karg '${k}' missing from '${r.cmdline}'`);
  for (const k of want.rejectKargs ?? []) if (words.includes(k)) p.push(`karg '${k}' present in '${r.cmdline}'`);
  for (const e of r.initramfsErrors) p.push(`the kernel could not unpack an initrd: ${e}`);
  if (r.initramfsErrors.length === 0) {
    // also as the kernel logged it on the console, in case the guest's own report missed it
    for (const m of r.kernelMessages) if (m.startsWith('Initramfs unpacking failed')) p.push(`the kernel could not unpack an initrd: ${m}`);
  }
  if ((want.cleanCmdline ?? true) && /#|COREOS_KARG_EMBED_AREA/.test(r.cmdline ?? '')) {
    p.push(`'#' padding or COREOS_KARG_EMBED_AREA reached /proc/cmdline: '${r.cmdline}'`);
  }
  if (want.noIgnition && r.ignition !== null) p.push(`expected no /config.ign, got ${r.ignitionSize} bytes`);
  if (want.ignition !== undefined) {
    const expected = sha256(want.ignition);
    if (r.ignition === null) p.push('expected /config.ign, the guest has none');
    else if (r.ignitionSha256 !== expected) p.push(`/config.ign sha256 ${r.ignitionSha256} != ${expected}`);
    else if (sha256(r.ignition) !== expected) p.push('/config.ign printed on the console differs from its sha256');
  }
  return p;
}
