import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { FlintError } from '../../core/errors';
import { ButaneError, translateButane } from '../../core/ignition/butane/translate';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Registers `flint butane [FILE|-] [-o OUT] [--files-dir DIR] [--pretty]`. */
export function registerButane(program: Command): void {
  program
    .command('butane')
    .description('Translate a Butane config (variant fcos 1.0.0-1.6.0) to an Ignition config')
    .argument('[file]', 'Butane config (.bu); - or nothing reads standard input', '-')
    .option('-o, --output <out>', 'write the Ignition config here instead of stdout')
    .option('-d, --files-dir <dir>', 'directory that local file paths are relative to')
    .option('-p, --pretty', 'indent the JSON output')
    .option('--installed', 'the config is for the installed system (--dest-ignition): allows boot_device, grub and storage.trees')
    .action(async (file: string, opts: { output?: string; filesDir?: string; pretty?: boolean; installed?: boolean }) => {
      let text: string;
      try {
        text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
      } catch (err) {
        throw new FlintError('CONFIG_READ', `cannot read ${file}`, [(err as Error).message]);
      }
      let result;
      try {
        result = translateButane(text, { filesDir: opts.filesDir, target: opts.installed ? 'installed' : 'live' });
      } catch (err) {
        // several problems: one line each, then the summary as the error
        if (!(err instanceof ButaneError) || err.issues.length < 2) throw err;
        for (const i of err.issues) process.stderr.write(`error at line ${i.line} (${i.path}): ${i.message} [${i.code}]\n`);
        throw new FlintError(err.code, `${err.issues.length} errors in ${file === '-' ? 'the Butane config' : file}`);
      }
      for (const w of result.warnings) process.stderr.write(`warning at line ${w.line} (${w.path}): ${w.message}\n`);
      const json = JSON.stringify(result.config, null, opts.pretty ? 2 : undefined) + '\n';
      if (!opts.output) {
        process.stdout.write(json);
        return;
      }
      try {
        await writeFile(opts.output, json);
      } catch (err) {
        throw new FlintError('CONFIG_WRITE', `cannot write ${opts.output}`, [(err as Error).message]);
      }
    });
}
