/**
 * The reading commands scripts run most, `flint iso ignition show ISO` and `flint iso kargs show
 * ISO`, without commander: index.ts sends exactly those argument shapes here, and commands/iso.ts
 * runs the same functions for every other spelling (`--`, `-d`...), so output, errors and exit
 * codes are one code path. The bundler (build/bundle.ts) makes this module one file of its own,
 * out/cli/quick.mjs: such a run loads two files of the CLI instead of two dozen chunks.
 */
import { FlintError } from '../core/errors';
import { openFileSourceSync } from '../core/iso/byte-source';
import { inspectIso, type IsoFacts } from '../core/iso/inspect';
import { formatError } from './format-error';

/** Reads the facts of the ISO at `path` (the file is only read). */
async function facts(path: string): Promise<IsoFacts> {
  const src = await openFileSourceSync(path);
  try {
    return await inspectIso(src);
  } finally {
    await src.close();
  }
}

/** `flint iso ignition show ISO`: the embedded Ignition config, as stored. */
export async function showIgnition(input: string): Promise<void> {
  const f = await facts(input);
  if (!f.ignition) throw new FlintError('NO_IGNITION', 'No embedded Ignition config.');
  process.stdout.write(f.ignition);
}

/** `flint iso kargs show [-d] ISO`: the current (or default) kernel arguments. */
export async function showKargs(input: string, defaults: boolean): Promise<void> {
  const f = await facts(input);
  if (!f.kargs) throw new FlintError('KARGS_UNSUPPORTED', 'No karg embed areas found; old or corrupted CoreOS ISO image.');
  process.stdout.write((defaults ? f.kargs.defaultKargs : f.kargs.currentKargs) + '\n');
}

/** Runs `iso ignition show ISO` or `iso kargs show ISO` (`args` as index.ts matched them); returns the exit code. */
export async function runQuick(args: readonly string[]): Promise<number> {
  try {
    const input = args[args.length - 1]!;
    if (args[1] === 'ignition') await showIgnition(input);
    else await showKargs(input, false);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    process.stderr.write(formatError(err) + '\n');
    return 1;
  }
}
