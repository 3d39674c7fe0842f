import { Command, CommanderError } from 'commander';
import { FlintError } from '../core/errors';
import { VERSION } from './version';
import { registerIso } from './commands/iso';
import { registerIgnition } from './commands/ignition';
import { registerButane } from './commands/butane';
import { registerStream } from './commands/stream';
import { registerUi } from './commands/ui';
import { registerPxe } from './commands/pxe';
import { registerDrives } from './commands/drives';
import { registerBurn } from './commands/burn';
import { registerStick } from './commands/stick';

/**
 * Builds the `flint` command tree. Each feature registers its verbs from its own file in
 * ./commands (one import and one call below per file).
 */
export function buildProgram(): Command {
  const program = new Command('flint')
    .description('Flint: customize Fedora CoreOS live ISOs and write them to USB sticks')
    .version(VERSION)
    .showHelpAfterError(false)
    .exitOverride();
  registerIso(program);
  registerIgnition(program);
  registerButane(program);
  registerStream(program);
  registerUi(program);
  registerPxe(program);
  registerDrives(program);
  registerBurn(program);
  registerStick(program);
  return program;
}

/** Formats an error as the single stderr line Flint prints (message, then causes). */
export function formatError(err: unknown): string {
  if (err instanceof FlintError) return ['Error: ' + err.message, ...err.causes].join(': ');
  if (err instanceof Error) return 'Error: ' + err.message;
  return 'Error: ' + String(err);
}

/** Runs the CLI with `argv` (as process.argv) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; usage errors were already printed by commander
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(formatError(err) + '\n');
    return 1;
  }
}
