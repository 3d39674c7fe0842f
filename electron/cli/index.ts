import type { Command } from 'commander';
import { VERSION } from './version';

type Register = (program: Command) => void;

/**
 * Where each top-level verb is registered, in `flint --help` order: a file of ./commands per
 * feature (one entry below per file). Each is loaded by `import()`, so a run loads commander and
 * the one file its verb needs, not the engine behind every other verb (openpgp, Ajv, yaml...).
 */
const COMMANDS: readonly { verbs: readonly string[]; load: () => Promise<Register> }[] = [
  { verbs: ['iso'], load: async () => (await import('./commands/iso')).registerIso },
  { verbs: ['ignition'], load: async () => (await import('./commands/ignition')).registerIgnition },
  { verbs: ['butane'], load: async () => (await import('./commands/butane')).registerButane },
  { verbs: ['streams', 'download', 'cache'], load: async () => (await import('./commands/stream')).registerStream },
  { verbs: ['ui'], load: async () => (await import('./commands/ui')).registerUi },
  { verbs: ['pxe', 'serve'], load: async () => (await import('./commands/pxe')).registerPxe },
  { verbs: ['drives'], load: async () => (await import('./commands/drives')).registerDrives },
  // write and burn are one command shape over the one flash job (./flash-command)
  { verbs: ['write'], load: async () => flashCommand('write') },
  { verbs: ['burn'], load: async () => flashCommand('burn') },
  { verbs: ['stick'], load: async () => (await import('./commands/stick')).registerStick },
  { verbs: ['history'], load: async () => (await import('./commands/history')).registerHistory },
  { verbs: ['refresh'], load: async () => (await import('./commands/refresh')).registerRefresh },
  { verbs: ['restore'], load: async () => (await import('./commands/restore')).registerRestore },
];

/** The registration of `flint write` or `flint burn`. */
async function flashCommand(name: 'write' | 'burn'): Promise<Register> {
  const { registerFlashCommand } = await import('./flash-command');
  return (program) => registerFlashCommand(program, name);
}

/**
 * Builds the `flint` command tree: with `verb`, only the commands of the file that registers it
 * (parsing and that verb's help are the same); without (help, a typo, no arguments), all of them.
 */
export async function buildProgram(verb?: string): Promise<Command> {
  const { Command } = await import('commander');
  const program = new Command('flint')
    .description('Flint: customize Fedora CoreOS live ISOs and write them to USB sticks')
    .version(VERSION)
    .showHelpAfterError(false)
    .exitOverride();
  const owner = COMMANDS.find((c) => verb !== undefined && c.verbs.includes(verb));
  const registers = await Promise.all((owner ? [owner] : COMMANDS).map((c) => c.load()));
  for (const register of registers) register(program);
  return program;
}

/**
 * The reading commands ./quick answers without commander: exactly these words, then one operand
 * that is no option (anything else, `--help` included, goes through commander).
 */
const QUICK_COMMANDS: readonly (readonly string[])[] = [
  ['iso', 'ignition', 'show'],
  ['iso', 'kargs', 'show'],
];

/** True when `args` (argv without node and the script) is a command ./quick answers. */
export function isQuickCommand(args: readonly string[]): boolean {
  const n = args.length - 1;
  return n > 0 && !args[n]!.startsWith('-') && QUICK_COMMANDS.some((w) => w.length === n && w.every((x, i) => args[i] === x));
}

/** Runs the CLI with `argv` (as process.argv) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const args = argv.slice(2);
  // the one global option that needs no command tree (answered as commander would)
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  // reading commands run without commander (./quick: the same output, errors and exit codes)
  if (isQuickCommand(args)) return (await import('./quick')).runQuick(args);
  const { CommanderError } = await import('commander');
  try {
    // the program's own options are --version and --help, so a first word without a dash is the verb
    const program = await buildProgram(args[0]?.startsWith('-') ? undefined : args[0]);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; usage errors were already printed by commander
      return err.exitCode === 0 ? 0 : 2;
    }
    const { formatError } = await import('./format-error');
    process.stderr.write(formatError(err) + '\n');
    return 1;
  }
}
