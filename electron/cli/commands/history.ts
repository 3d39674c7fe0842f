/**
 * `flint history [--json | --csv]`: the record of every flash made on this machine by this user
 * (the app, `flint burn`, `flint write`, `flint refresh`; electron/core/history), read from the state folder
 * (electron/core/user-dirs.ts). Text: one line per stick; --json: the records; --csv: one row per
 * stick, the app's export.
 */
import type { Command } from 'commander';
import { historyCsv, readHistory, type HistoryRecord } from '../../core/history/record';
import { userStateDir } from '../../core/user-dirs';
import { humanSize } from './stick';

/** One line per stick, newest flash first. */
export function historyText(records: readonly HistoryRecord[]): string {
  if (records.length === 0) return 'No flashes recorded yet.\n';
  const lines: string[] = [];
  for (const r of [...records].reverse()) {
    const image = [r.image.release ?? r.image.name, r.image.stream && `(${r.image.stream})`].filter(Boolean).join(' ');
    const speed = r.averageSpeed ? `, ${humanSize(r.averageSpeed)}/s` : '';
    lines.push(`${r.time}  flint ${r.by === 'app' ? 'app' : r.by}: ${image}, ${(r.durationMs / 1000).toFixed(1)} s${speed}`);
    lines.push(`  image sha256 ${r.image.sha256 ?? 'not measured'}`);
    lines.push(`  config sha256 ${r.configSha256 ?? 'none'}`);
    if (r.kargs !== null) lines.push(`  kargs ${r.kargs}`);
    for (const s of r.sticks) {
      const who = [s.model || 'unknown model', s.serial && `serial ${s.serial}`, humanSize(s.size)].filter(Boolean).join(', ');
      lines.push(`  ${s.device} (${who}): ${s.ending}${s.error ? ` (${s.error})` : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Registers `flint history`. */
export function registerHistory(program: Command): void {
  program
    .command('history')
    .description('Show the record of every flash made here (time, release, image and config SHA-256, each stick, result)')
    .option('--json', 'print the records as one JSON document')
    .option('--csv', 'print one CSV row per stick (the app exports the same)')
    .action(async (opts: { json?: boolean; csv?: boolean }) => {
      const records = await readHistory(userStateDir());
      if (opts.json) process.stdout.write(JSON.stringify(records, null, 2) + '\n');
      else if (opts.csv) process.stdout.write(historyCsv(records));
      else process.stdout.write(historyText(records));
    });
}
