import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { FlintError } from '../../core/errors';
import { type ConfigIssue, type ValidationReport } from '../../core/ignition/types';
import { validateIgnition } from '../../core/ignition/validate';

/** Formats a validation report as the human-readable lines `flint ignition validate` prints. */
export function formatReport(file: string, report: ValidationReport): string[] {
  const line = (kind: string, i: ConfigIssue): string => `${kind} at ${i.path}: ${i.message} [${i.code}]`;
  const lines = [...report.errors.map((i) => line('error', i)), ...report.warnings.map((i) => line('warning', i))];
  const size = report.compressedSize !== undefined ? `; embedded size ${report.compressedSize} of ${report.capacity} bytes` : '';
  const verdict = report.ok ? `valid Ignition ${report.version} config` : `INVALID (${report.errors.length} error${report.errors.length === 1 ? '' : 's'})`;
  lines.push(`${file}: ${verdict}, ${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'}${size}`);
  return lines;
}

async function readInput(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    throw new FlintError('CONFIG_READ', `cannot read ${file}`, [(err as Error).message]);
  }
}

/** Registers `flint ignition validate FILE [--json] [--no-live]`. */
export function registerIgnition(program: Command): void {
  const ign = program.command('ignition').description('Check and build Ignition configs');
  ign
    .command('validate')
    .description('Validate an Ignition config (spec 3.x) and lint it for live-boot traps; exit 1 on errors')
    .argument('<file>', 'Ignition config (.ign)')
    .option('--json', 'print the report as JSON')
    .option('--no-live', 'skip the live-boot lint (config for an installed system)')
    .action(async (file: string, opts: { json?: boolean; live: boolean }) => {
      const report = await validateIgnition(await readInput(file), { live: opts.live });
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(file, report).join('\n') + '\n');
      if (!report.ok) {
        const first = report.errors[0];
        throw new FlintError('IGNITION_INVALID', `${file} is not a valid Ignition config`, [`${first.path}: ${first.message}`]);
      }
    });
}
