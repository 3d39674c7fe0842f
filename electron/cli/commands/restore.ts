/**
 * `flint restore --target DEVICE`: makes sticks normal drives again (one partition, FAT32 up to
 * 32 GiB, exFAT above, a label), with the flash job's safety rules: every refusal before the
 * prompt, one confirmation naming each drive, the identity re-checked right before it is touched.
 */
import { Option, type Command } from 'commander';
import { ERROR_CODES } from '../../contract/error-codes';
import { codedError } from '../../core/errors';
import { formatBytes } from '../../core/drives/format';
import { prepareRestore, runRestore, type PreparedRestore, type RestoreReport, type RestoreTargetResult } from '../../core/flash/restore';
import { DEFAULT_LABEL } from '../../core/write/restore/plan';
import { defaultWriter } from '../../core/write/writers';
import { cancelOnSignals, confirmErase, phaseName, printStickReport } from '../flash-output';
import { cliMessage, cliWarning } from '../messages';

const collect = (v: string, prev: string[] = []) => [...prev, v];

const FS_NAME = { fat32: 'FAT32', exfat: 'exFAT' } as const;

interface RestoreFlags {
  target?: string[];
  label?: string;
  allowLoop?: boolean;
  yes?: boolean;
  json?: boolean;
}

/** What will be done, before the confirmation (stderr). */
export function restorePlanLines(p: PreparedRestore): string[] {
  return p.targets.map(
    (t) =>
      `${t.drive.device} (${t.drive.description || 'drive'}, ${formatBytes(t.drive.size)}) becomes one ${FS_NAME[t.layout.filesystem]} partition labelled ${t.layout.label}`,
  );
}

/** One line per drive after the run (stdout). */
export function restoreResultLine(r: RestoreTargetResult): string {
  const d = r.target.device;
  if (r.ok && r.restored) {
    return `${d}: ${FS_NAME[r.restored.filesystem]} "${r.restored.label}" on ${r.restored.partition}; it is a normal drive again`;
  }
  const why = r.error ? cliMessage(r.error) : r.ending;
  if (r.ending === 'failed') return `${d}: FAILED: ${why}; it is erased but not usable yet, run flint restore again`;
  if (r.ending === 'cancelled-partial') return `${d}: cancelled after it was erased; run flint restore again`;
  if (r.ending === 'cancelled-before-write') return `${d}: cancelled before it was touched`;
  return `${d}: not touched: ${why}`;
}

async function run(flags: RestoreFlags): Promise<RestoreReport> {
  const json = flags.json === true;
  const tty = !json && Boolean(process.stderr.isTTY);
  const cancel = cancelOnSignals();
  try {
    if (!flags.target?.length) throw codedError(ERROR_CODES.FLASH_NO_TARGET, {}, 'No target device given');
    const prepared = await prepareRestore({
      targets: flags.target.map((device) => ({ device })),
      label: flags.label ?? DEFAULT_LABEL,
      allowLoop: flags.allowLoop ?? false,
    });
    if (!json) {
      if (tty) for (const line of restorePlanLines(prepared)) process.stderr.write(line + '\n');
      for (const w of prepared.targets.flatMap((t) => t.warnings)) process.stderr.write(`Warning: ${cliWarning(w)}\n`);
    }
    await confirmErase(prepared, flags.yes === true);
    return await runRestore(prepared, {
      signal: cancel.signal,
      writer: defaultWriter({ textPrompt: true }),
      onEvent: (e) => {
        if (tty && e.type === 'progress' && e.device) process.stderr.write(`${e.device}: ${phaseName(e.phase)}\n`);
      },
    });
  } finally {
    cancel.release();
  }
}

/** Registers `flint restore`. */
export function registerRestore(program: Command): void {
  program
    .command('restore')
    .description('Make USB sticks normal drives again: one partition, FAT32 up to 32 GiB, exFAT above; erases them')
    .addOption(new Option('--target <device>', 'whole-disk device to restore (repeatable)').argParser(collect))
    .option('--label <name>', `volume label, at most 11 characters (default ${DEFAULT_LABEL})`)
    .option('--allow-loop', 'accept loop devices as targets (tests, image files)')
    .option('-y, --yes', 'do not ask before erasing the targets')
    .option('--json', 'print one JSON report on stdout')
    .action((flags: RestoreFlags) =>
      printStickReport(
        flags.json,
        () => run(flags),
        restoreResultLine,
        (t) => t.error,
        'drives',
      ),
    );
}
