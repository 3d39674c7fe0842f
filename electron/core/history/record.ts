/**
 * The record of every flash: one JSON line per flash in a per-user file (history.jsonl in the
 * state folder, electron/core/user-dirs.ts), written by whoever ran the flash job (the app,
 * `flint burn`, `flint write`, a refresh in either) from its report. A site can show which stick (model, serial, size)
 * got which image and config (SHA-256 of each) and how it ended. JSON Lines (https://jsonlines.org)
 * so an append never rewrites earlier records and a torn last line loses only itself.
 */
import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FlashEnding } from '../../contract/error-codes';
import type { FlashReport, FleetRowRef } from '../flash/types';

/** Name of the record file in the state folder. */
export const HISTORY_FILE = 'history.jsonl';
/** Records read back at most (the newest are kept). */
export const HISTORY_READ_LIMIT = 10_000;

/** One stick of a recorded flash. */
export interface HistoryStick {
  device: string;
  model: string;
  serial: string;
  /** Bytes. */
  size: number;
  ending: FlashEnding;
  ok: boolean;
  /** The error code when it failed. */
  error?: string;
  bytesWritten: number;
  /** SHA-256 of the live config this stick was to carry (a fleet gives each stick its own). */
  configSha256?: string | null;
  /** SHA-256 of the live config read back off the stick (null: none or not read). */
  configReadBack: string | null;
  /** The fleet manifest row the stick was written for. */
  fleetRow?: FleetRowRef;
  /** Writing and reading back, in milliseconds. */
  writeMs?: number;
  verifyMs?: number;
}

/** One flash. */
export interface HistoryRecord {
  /** When the flash ended (ISO 8601, UTC). */
  time: string;
  startedAt: string;
  /** Which front end ran it. */
  by: 'app' | 'burn' | 'write' | 'refresh';
  ok: boolean;
  cancelled: boolean;
  image: { name: string; sha256: string | null; signature: string; release?: string; stream?: string; arch?: string };
  /** SHA-256 of the live config the (first) stick was to carry (null: none); each stick names its own. */
  configSha256: string | null;
  /** The live kernel arguments written (null: the image has none). */
  kargs: string | null;
  sticks: HistoryStick[];
  /** Whole job, in milliseconds. */
  durationMs: number;
  /** Bytes written to all sticks per second of the whole job (0 when nothing was written). */
  averageSpeed: number;
}

/** The record of one flash report. */
export function historyRecord(report: FlashReport, by: HistoryRecord['by']): HistoryRecord {
  const durationMs = Math.max(0, Date.parse(report.finishedAt) - Date.parse(report.startedAt));
  const written = report.targets.reduce((n, t) => n + t.bytesWritten, 0);
  const first = report.targets[0];
  const img = report.image;
  return {
    time: report.finishedAt,
    startedAt: report.startedAt,
    by,
    ok: report.ok,
    cancelled: report.cancelled,
    image: {
      name: path.basename(img.path),
      sha256: img.sha256,
      signature: img.signature,
      ...(img.release ? { release: img.release } : {}),
      ...(img.stream ? { stream: img.stream } : {}),
      ...(img.arch ? { arch: img.arch } : {}),
    },
    configSha256: first?.expectedConfigSha256 ?? null,
    kargs: first?.kargs ?? null,
    sticks: report.targets.map((t) => ({
      device: t.target.device,
      model: t.target.model ?? '',
      serial: t.target.serial ?? '',
      size: t.target.size,
      ending: t.ending,
      ok: t.ok,
      ...(t.error ? { error: t.error.code } : {}),
      bytesWritten: t.bytesWritten,
      configSha256: t.expectedConfigSha256,
      configReadBack: t.configSha256,
      ...(t.fleetRow ? { fleetRow: t.fleetRow } : {}),
      ...(t.timings?.writeMs !== undefined ? { writeMs: t.timings.writeMs } : {}),
      ...(t.timings?.verifyMs !== undefined ? { verifyMs: t.timings.verifyMs } : {}),
    })),
    durationMs,
    averageSpeed: durationMs > 0 ? Math.round((written * 1000) / durationMs) : 0,
  };
}

/** Appends one record to the file in `dir` (made, private to the user, when missing). */
export async function appendHistory(dir: string, record: HistoryRecord): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, HISTORY_FILE);
  // after a line torn by a crash, the new record starts on a line of its own
  let torn = false;
  const fh = await open(file, 'r').catch(() => null);
  if (fh) {
    try {
      const { size } = await fh.stat();
      const last = Buffer.alloc(1);
      if (size > 0) torn = (await fh.read(last, 0, 1, size - 1)).bytesRead === 1 && last[0] !== 0x0a;
    } finally {
      await fh.close();
    }
  }
  await appendFile(file, (torn ? '\n' : '') + JSON.stringify(record) + '\n', { mode: 0o600 });
}

function isRecord(x: unknown): x is HistoryRecord {
  const r = x as HistoryRecord;
  return typeof r === 'object' && r !== null && typeof r.time === 'string' && Array.isArray(r.sticks) && typeof r.image === 'object';
}

/** The records in `dir`, oldest first; a missing file is an empty record, a torn or foreign line is skipped. */
export async function readHistory(dir: string): Promise<HistoryRecord[]> {
  let text: string;
  try {
    text = await readFile(path.join(dir, HISTORY_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: HistoryRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as unknown;
      if (isRecord(r)) out.push(r);
    } catch {
      // a line cut short by a crash mid-append
    }
  }
  return out.slice(-HISTORY_READ_LIMIT);
}

/** The columns of the CSV export: one row per stick. */
export const HISTORY_CSV_COLUMNS = [
  'time',
  'by',
  'release',
  'stream',
  'image',
  'image_sha256',
  'config_sha256',
  'kargs',
  'device',
  'model',
  'serial',
  'size_bytes',
  'result',
  'error',
  'config_read_back_sha256',
  'duration_s',
  'average_speed_bytes_per_s',
  'fleet_row',
  'fleet_machine',
] as const;

/** One CSV field (RFC 4180: quoted when it holds a comma, quote or line break; a leading =+-@ is defused for spreadsheets). */
function csvField(v: string | number | null | undefined): string {
  let s = v === null || v === undefined ? '' : String(v);
  // OWASP "CSV injection": a cell starting with = + - @ is a formula to spreadsheet programs
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The records as CSV: a header row, then one row per stick (a flash without sticks gets one row). */
export function historyCsv(records: readonly HistoryRecord[]): string {
  const rows: string[] = [HISTORY_CSV_COLUMNS.join(',')];
  for (const r of records) {
    const sticks: (HistoryStick | undefined)[] = r.sticks.length ? r.sticks : [undefined];
    for (const s of sticks) {
      const cells = [
        r.time,
        r.by,
        r.image.release,
        r.image.stream,
        r.image.name,
        r.image.sha256,
        s?.configSha256 !== undefined ? s.configSha256 : r.configSha256,
        r.kargs,
        s?.device,
        s?.model,
        s?.serial,
        s?.size,
        s?.ending ?? (r.cancelled ? 'cancelled' : 'failed'),
        s?.error,
        s?.configReadBack,
        (r.durationMs / 1000).toFixed(1),
        r.averageSpeed,
        s?.fleetRow?.row,
        s?.fleetRow?.name,
      ];
      rows.push(cells.map(csvField).join(','));
    }
  }
  return rows.join('\r\n') + '\r\n';
}
