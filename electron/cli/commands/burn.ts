import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { FlintError, toErrorValue } from '../../core/errors';
import { burn, type BurnOptions, type BurnReport, type BurnSource } from '../../core/burn';
import type { Progress } from '../../core/progress';
import { addCustomizeOptions, readCustomizeRequest } from '../customize-options';
import { PROXY_HELP, proxyFlag } from '../network';

/** The live karg that makes the live system copy itself into RAM (the stick can be pulled). */
export const FROMRAM_KARG = 'coreos.liveiso.fromram';

const collect = (v: string, prev: string[] = []) => [...prev, v];

interface BurnFlags {
  stream?: string;
  arch?: string;
  baseUrl?: string;
  keyring?: string[];
  cacheDir?: string;
  proxy?: string;
  iso?: string;
  ignition?: string;
  fromram?: boolean;
  karg?: string[];
  target?: string[];
  allowLoop?: boolean;
  yes?: boolean;
  json?: boolean;
  verify?: boolean;
  eject?: boolean;
  [customizeFlag: string]: unknown;
}

async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new FlintError('BURN_INPUT_UNREADABLE', `Cannot read ${what} ${path}`, [(err as Error).message]);
  }
}

/** Turns the flags into BurnOptions (reads --keyring and --ignition files; checks the source flags). */
export async function burnOptionsFromFlags(flags: BurnFlags): Promise<BurnOptions> {
  if (flags.stream && flags.iso) throw new FlintError('BURN_BAD_SOURCE', 'Give either --stream or --iso, not both');
  if (!flags.stream && !flags.iso) throw new FlintError('BURN_BAD_SOURCE', 'Say where the image comes from: --stream NAME or --iso FILE');
  if (flags.iso && (flags.arch || flags.baseUrl || flags.keyring?.length || flags.proxy !== undefined)) {
    throw new FlintError('BURN_BAD_SOURCE', '--arch, --base-url, --keyring and --proxy only apply to --stream');
  }
  let source: BurnSource;
  if (flags.stream) {
    const keyrings: string[] = [];
    for (const k of flags.keyring ?? []) keyrings.push((await readInput(k, 'the keyring')).toString('utf8'));
    source = { kind: 'stream', stream: flags.stream, arch: flags.arch, baseUrl: flags.baseUrl, keyrings, cacheDir: flags.cacheDir };
    if (flags.proxy !== undefined) source.proxy = flags.proxy;
  } else {
    source = { kind: 'iso', path: flags.iso! };
  }
  const customize = await readCustomizeRequest(flags, { liveIgnition: flags.ignition ? [flags.ignition] : [] });
  const append = [...(flags.fromram ? [FROMRAM_KARG] : []), ...(flags.karg ?? [])];
  if (append.length) customize.liveKargAppend = [...(customize.liveKargAppend ?? []), ...append];
  return {
    source,
    customize,
    targets: flags.target ?? [],
    allowLoop: flags.allowLoop ?? false,
    verify: flags.verify ?? true,
    eject: flags.eject ?? false,
  };
}

/** Asks on the terminal before erasing; without a terminal only --yes will do. */
async function confirm(targets: string[], yes: boolean | undefined): Promise<void> {
  if (yes) return;
  const list = targets.join(', ');
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new FlintError('BURN_NOT_CONFIRMED', `Refusing to erase ${list} without confirmation`, ['pass --yes to confirm']);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Everything on ${list} will be erased. Type "yes" to continue: `);
    if (answer.trim().toLowerCase() !== 'yes') throw new FlintError('BURN_NOT_CONFIRMED', 'Cancelled; nothing was written');
  } finally {
    rl.close();
  }
}

/** A progress bar on stderr when it is a terminal; silent otherwise. */
function progressPrinter(enabled: boolean): { onProgress: (p: Progress) => void; stop(): void } {
  if (!enabled) return { onProgress: () => undefined, stop: () => undefined };
  const bar = new SingleBar(
    { format: '{phase} {item} [{bar}] {percentage}% {done}/{all} MiB {rate} MiB/s', hideCursor: true },
    Presets.shades_classic,
  );
  let phase = '';
  let started = false;
  const mib = (n: number) => (n / 1048576).toFixed(1);
  return {
    onProgress(p) {
      const total = p.total ?? p.bytes;
      const payload = { phase: p.phase, item: p.item ?? '', done: mib(p.bytes), all: mib(total), rate: mib(p.speed ?? 0) };
      if (!started || p.phase + (p.item ?? '') !== phase) {
        if (started) bar.stop();
        bar.start(Math.max(total, 1), p.bytes, payload);
        started = true;
        phase = p.phase + (p.item ?? '');
      } else bar.update(p.bytes, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function summary(r: BurnReport, notes: boolean): string {
  const img = r.image;
  const lines = [
    `Image: ${img.path}${img.release ? ` (${img.stream} ${img.release} ${img.arch})` : ''}, ${img.signature === 'verified' ? 'signature verified' : img.signature === 'local' ? 'local file' : 'unsigned'}${img.cached ? ', from cache' : ''}`,
    `SHA-256: ${img.sha256}`,
    `Live config: ${r.liveConfigSha256 ?? 'none'}`,
  ];
  if (r.kargs) lines.push(`Live kernel arguments: ${r.kargs}`);
  if (notes) for (const m of r.messages) lines.push(`Note: ${m}`);
  for (const t of r.targets) {
    lines.push(
      t.ok
        ? `${t.device}: written${t.verified ? ' and verified' : ''}, config read back ${t.configSha256 ?? 'none'}`
        : `${t.device}: FAILED: ${t.error?.message}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** Checks, confirms and runs the burn with a progress bar on a terminal and Ctrl-C as cancel. */
async function runBurn(flags: BurnFlags): Promise<BurnReport> {
  if (!flags.target?.length) throw new FlintError('BURN_NO_TARGET', 'No target device given', ['name the stick with --target DEVICE']);
  const opts = await burnOptionsFromFlags(flags);
  await confirm(opts.targets, flags.yes);
  const bar = progressPrinter(!flags.json && Boolean(process.stderr.isTTY));
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  try {
    return await burn(opts, {
      signal: ac.signal,
      onProgress: bar.onProgress,
      // on a terminal notes show as they happen; otherwise they are in the summary or the JSON
      onMessage: (m) => {
        if (!flags.json && process.stderr.isTTY) process.stderr.write(m + '\n');
      },
    });
  } finally {
    bar.stop();
    process.removeListener('SIGINT', onSigint);
  }
}

/** Registers `flint burn`: download (or --iso), customize on the fly, write, verify, read back. */
export function registerBurn(program: Command): void {
  const cmd = program
    .command('burn')
    .description('Download a Fedora CoreOS live ISO (or take --iso), customize it on the fly and write it to USB sticks')
    .option('--stream <name>', 'download the live ISO of this stream (stable, testing, next)')
    .option('--arch <arch>', 'architecture to download (default: this machine)')
    .option('--base-url <url>', 'stream metadata mirror (default: the Fedora build server)')
    .option('--keyring <file>', 'also trust the OpenPGP public keys in this file (repeatable)', collect)
    .option('--cache-dir <dir>', 'download cache directory')
    .option('--proxy <url>', PROXY_HELP, proxyFlag)
    .option('--iso <file>', 'use this local live ISO instead of downloading')
    .option('--ignition <file>', 'Ignition config (.ign, or Butane .bu) for the live system, like --live-ignition')
    .option('--fromram', `run the live system from RAM (appends ${FROMRAM_KARG})`)
    .option('--karg <arg>', 'append a live kernel argument (repeatable)', collect)
    .addOption(new Option('--target <device>', 'whole-disk device to write (repeatable)').argParser(collect))
    .option('--allow-loop', 'accept loop devices as targets')
    .option('-y, --yes', 'do not ask before erasing the targets')
    .option('--json', 'print one JSON report on stdout')
    .option('-f, --force', 'customize even if the ISO already is (its customization is replaced)')
    .option('--no-verify', 'skip reading the sticks back')
    .option('--eject', 'eject the sticks when done');
  addCustomizeOptions(cmd);
  cmd.action(async (flags: BurnFlags) => {
    let report: BurnReport;
    try {
      report = await runBurn(flags);
    } catch (err) {
      // with --json a failure is still one JSON document on stdout (and one line on stderr)
      if (flags.json) process.stdout.write(JSON.stringify({ ok: false, error: toErrorValue(err) }, null, 2) + '\n');
      throw err;
    }
    process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : summary(report, !process.stderr.isTTY));
    if (!report.ok) {
      const failed = report.targets.filter((t) => !t.ok);
      throw new FlintError(
        'BURN_TARGET_FAILED',
        `${failed.length} of ${report.targets.length} sticks failed`,
        failed.map((t) => `${t.device}: ${t.error?.message ?? 'failed'}`),
      );
    }
  });
}
