/**
 * What `flint burn` and `flint write` show: one confirmation prompt naming each target's size,
 * model and serial; one progress renderer (a line per target with phase, percent, speed and ETA,
 * redrawn in place on a terminal, one line per phase change otherwise); one summary per stick.
 */
import { createInterface } from 'node:readline/promises';
import { ERROR_CODES } from '../contract/error-codes';
import { formatBytes } from '../core/drives/format';
import type { Drive } from '../core/drives/types';
import { FlintError, codedError, toErrorValue } from '../core/errors';
import type { FlashEvent, FlashReport, FlashTargetResult, FleetRowRef, PreparedFlash } from '../core/flash/types';
import { cliMessage } from './messages';

/** One target as the prompt and the summary name it: device, model, size, serial. */
export function targetLine(t: { device: string; description: string; size: number; serial: string }): string {
  return [t.device, t.description, formatBytes(t.size), t.serial ? `serial ${t.serial}` : 'no serial'].join('  ');
}

/** The fleet row a stick is for, as shown after its device: ` -> node1 (row 3, node1.example.com)`. */
export function rowText(row: FleetRowRef | undefined): string {
  if (!row) return '';
  return ` -> ${row.name} (row ${row.row}${row.hostname && row.hostname !== row.name ? `, ${row.hostname}` : ''})`;
}

/** What will be written, before the confirmation (stderr). */
export function planLines(p: PreparedFlash): string[] {
  const img = p.image;
  const lines = [`Image: ${img.path}${img.release ? ` (${img.stream} ${img.release}${img.arch ? ` ${img.arch}` : ''})` : ''}`];
  const customizations = [...new Set(p.targets.map((t) => t.customization))];
  if (p.targets.some((t) => t.fleetRow)) {
    // a fleet: one line per stick with the machine it is for
    for (const t of p.targets) {
      const c = t.customization;
      lines.push(
        `${t.drive.device}${rowText(t.fleetRow)}: live config ${c.liveConfigSha256 ?? 'none'}${c.kargs ? `, kernel arguments ${c.kargs}` : ''}`,
      );
    }
    for (const m of new Set(customizations.flatMap((c) => c.messages))) lines.push(`Note: ${m}`);
    return lines;
  }
  for (const c of customizations) {
    lines.push(`Live config: ${c.liveConfigSha256 ?? 'none'}`);
    if (c.kargs) lines.push(`Live kernel arguments: ${c.kargs}`);
    for (const m of c.messages) lines.push(`Note: ${m}`);
  }
  return lines;
}

/**
 * Asks on the terminal before erasing (a flash, a refresh or a restore), naming every target's
 * size, model and serial; without a terminal only --yes will do (FLASH_NOT_CONFIRMED).
 */
export async function confirmErase(p: { targets: { drive: Drive; fleetRow?: FleetRowRef }[] }, yes: boolean): Promise<void> {
  if (yes) return;
  const devices = p.targets.map((t) => t.drive.device);
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw codedError(ERROR_CODES.FLASH_NOT_CONFIRMED, { devices }, `Refusing to erase ${devices.join(', ')} without confirmation`, [
      'pass --yes to confirm',
    ]);
  }
  const n = p.targets.length;
  process.stderr.write(`Everything on ${n === 1 ? 'this drive' : `these ${n} drives`} will be erased:\n`);
  for (const t of p.targets) process.stderr.write(`  ${targetLine(t.drive)}${rowText(t.fleetRow)}\n`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question('Type "yes" to continue: ');
    if (answer.trim().toLowerCase() !== 'yes') {
      throw codedError(ERROR_CODES.FLASH_NOT_CONFIRMED, { devices }, 'Cancelled; nothing was written');
    }
  } finally {
    rl.close();
  }
}

/** How a stick ended, in the CLI's words. */
export function endingText(r: FlashTargetResult): string {
  const why = r.error ? cliMessage(r.error) : '';
  switch (r.ending) {
    case 'verified':
      return 'written and verified';
    case 'written':
      return 'written (not verified)';
    case 'cancelled-before-write':
      return 'cancelled before writing; not touched';
    case 'cancelled-wiped':
      return 'cancelled; first MiB wiped, it will not boot';
    case 'cancelled-partial':
      return 'cancelled; partly written, it will not boot';
    case 'cancelled-unverified':
      return 'cancelled while verifying; fully written, not verified';
    case 'not-written':
      return `not written: ${why}`;
    case 'failed':
      return `FAILED at byte ${r.failedAt ?? 0}${r.wiped ? ' (first MiB wiped)' : ''}: ${why}`;
  }
}

/** The summary printed after a flash (stdout, without --json). */
export function summaryLines(r: FlashReport): string[] {
  const img = r.image;
  const sig = img.signature === 'verified' ? 'signature verified' : img.signature === 'local' ? 'local file' : 'unsigned';
  const lines = [
    `Image: ${img.path}${img.release ? ` (${img.stream} ${img.release}${img.arch ? ` ${img.arch}` : ''})` : ''}, ${sig}${img.cached ? ', from cache' : ''}`,
    `SHA-256: ${img.sha256 ?? 'not measured (verification was off)'}`,
  ];
  for (const m of r.messages) lines.push(`Note: ${m}`);
  const kargs = [...new Set(r.targets.map((t) => t.kargs))];
  if (kargs.length === 1 && kargs[0]) lines.push(`Live kernel arguments: ${kargs[0]}`);
  for (const t of r.targets) {
    const id = t.target;
    let line = `${id.device}${rowText(t.fleetRow)}: ${endingText(t)}`;
    if (t.ok) line += `, config read back ${t.configSha256 ?? 'none'}`;
    if (t.eject?.ejected) line += '; ejected, safe to remove';
    lines.push(line);
  }
  return lines;
}

const PHASES: Record<string, string> = {
  download: 'download',
  'verify-image': 'verify image',
  signature: 'signature',
  check: 'checking',
  unmount: 'unmounting',
  write: 'writing',
  flush: 'flushing',
  verify: 'verifying',
  ignition: 'reading config',
  eject: 'ejecting',
  wipe: 'wiping',
  partition: 'partitioning',
  format: 'formatting',
};

/** A progress phase in the CLI's words (`write` → `writing`). */
export function phaseName(phase: string): string {
  return PHASES[phase] ?? phase;
}

const mb = (n: number) => (n / 1e6).toFixed(1);
const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

/** One progress line: phase, percent, speed and ETA. */
function progressText(p: Extract<FlashEvent, { type: 'progress' }>): string {
  const phase = phaseName(p.phase);
  if (!p.total || p.bytes === 0) return phase;
  const pct = Math.min(100, Math.floor((p.bytes / p.total) * 100));
  const speed = p.speed ? `  ${mb(p.speed)} MB/s` : '';
  const eta = p.eta !== undefined && p.bytes < p.total ? `  ETA ${clock(p.eta)}` : '';
  return `${phase.padEnd(14)} ${String(pct).padStart(3)}%  ${mb(p.bytes)}/${mb(p.total)} MB${speed}${eta}`;
}

/** The progress renderer: feed it the job's events; `stop()` leaves the last state on screen. */
export interface ProgressRenderer {
  onEvent(e: FlashEvent): void;
  stop(): void;
}

/**
 * The renderer for a terminal: one line per target (and one for the image), redrawn in place;
 * `labels` (device -> fleet machine) are shown after the device.
 */
export function progressRenderer(out: NodeJS.WriteStream, labels: ReadonlyMap<string, string> = new Map()): ProgressRenderer {
  const lines = new Map<string, string>();
  const phases = new Map<string, string>();
  let drawn = 0;
  let last = 0;
  const draw = (force: boolean) => {
    const now = Date.now();
    if (!force && now - last < 200) return;
    last = now;
    let s = drawn ? `\x1b[${drawn}A` : '';
    const name = (key: string) => (labels.has(key) ? `${key} ${labels.get(key)}` : key);
    const width = Math.max(14, ...[...lines.keys()].map((k) => name(k).length));
    for (const [key, text] of lines) s += `\r\x1b[2K${name(key).padEnd(width)} ${text}\n`;
    drawn = lines.size;
    out.write(s);
  };
  return {
    onEvent(e) {
      if (e.type === 'log') return;
      const key = e.type === 'target-done' ? e.result.target.device : (e.device ?? 'image');
      const phase = e.type === 'target-done' ? `done:${e.result.ending}` : e.phase;
      lines.set(key, e.type === 'target-done' ? endingText(e.result) : progressText(e));
      // a new phase or a result is always shown; progress within a phase at most 5 times a second
      const changed = phases.get(key) !== phase;
      phases.set(key, phase);
      draw(changed);
    },
    stop() {
      draw(true);
    },
  };
}

/** A multi-stick report as `flint refresh` and `flint restore` give it: per-target results and whether it was cancelled. */
interface StickReport<T> {
  ok: boolean;
  cancelled: boolean;
  targets: T[];
}

/**
 * Runs a multi-stick command and prints its report (one JSON document with --json, else a line per
 * stick); a failed or cancelled run becomes FLASH_CANCELLED / FLASH_TARGET_FAILED with each failing
 * stick's cause, so refresh and restore end the way burn and write do.
 */
export async function printStickReport<T extends { ok: boolean; ending: string; target: { device: string } }>(
  json: boolean | undefined,
  run: () => Promise<StickReport<T>>,
  line: (t: T) => string,
  errorOf: (t: T) => Parameters<typeof cliMessage>[0] | undefined,
  noun: string,
): Promise<void> {
  let report: StickReport<T>;
  try {
    report = await run();
  } catch (err) {
    if (json) process.stdout.write(JSON.stringify({ ok: false, error: toErrorValue(err) }, null, 2) + '\n');
    throw err;
  }
  process.stdout.write(json ? JSON.stringify(report, null, 2) + '\n' : report.targets.map(line).join('\n') + '\n');
  if (report.ok) return;
  const failed = report.targets.filter((t) => !t.ok);
  const causes = failed.map((t) => {
    const e = errorOf(t);
    return `${t.target.device}: ${e ? cliMessage(e) : t.ending}`;
  });
  if (report.cancelled) throw new FlintError(ERROR_CODES.FLASH_CANCELLED, 'Cancelled', causes, {});
  throw codedError(
    ERROR_CODES.FLASH_TARGET_FAILED,
    { failed: failed.length, total: report.targets.length },
    `${failed.length} of ${report.targets.length} ${noun} failed`,
    causes,
  );
}

/**
 * A signal that Ctrl-C (SIGINT) and SIGTERM abort while a job erases sticks: the flash job stops
 * between blocks and reports each stick's state (untouched, wiped, written) instead of the
 * process dying mid-write. `release` removes the handlers once the job is over.
 */
export function cancelOnSignals(): { signal: AbortSignal; release(): void } {
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: ac.signal,
    release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
