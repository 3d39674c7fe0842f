/**
 * `flint burn` and `flint write`: one command shape over the one flash job (electron/core/flash).
 * Both take the same flags (burn adds where to download from), prepare the flash (every refusal
 * before the prompt), ask once naming each target, run it with one progress renderer and print one
 * summary, or one JSON report with --json.
 */
import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { ERROR_CODES } from '../contract/error-codes';
import { FlintError, codedError, toErrorValue } from '../core/errors';
import { prepareFlash } from '../core/flash/prepare';
import { runFlash } from '../core/flash/run';
import { appendHistory, historyRecord } from '../core/history/record';
import { userStateDir } from '../core/user-dirs';
import type { FlashEvent, FlashRequest, FlashReport, FlashSource } from '../core/flash/types';
import { testHook } from '../core/write/engine/hooks';
import { defaultWriter } from '../core/write/writers';
import { addCustomizeOptions, readCustomization } from './customize-options';
import { cancelOnSignals, confirmErase, planLines, progressRenderer, summaryLines } from './flash-output';
import { cliMessage, printWarnings } from './messages';
import { PROXY_HELP, proxyFlag } from './network';

/** The live karg that makes the live system copy itself into RAM (the stick can be pulled). */
export const FROMRAM_KARG = 'coreos.liveiso.fromram';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** The flags of `burn` and `write`. */
export interface FlashFlags {
  stream?: string;
  arch?: string;
  baseUrl?: string;
  keyring?: string[];
  cacheDir?: string;
  proxy?: string;
  iso?: string;
  image?: string;
  ignition?: string;
  fromram?: boolean;
  karg?: string[];
  target?: string[];
  allowLoop?: boolean;
  yes?: boolean;
  json?: boolean;
  verify?: boolean;
  eject?: boolean;
  fleet?: string;
  rows?: string;
  [customizeFlag: string]: unknown;
}

async function readInput(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw codedError(ERROR_CODES.FLASH_INPUT_UNREADABLE, { path, what }, `Cannot read ${what} ${path}`, [(err as Error).message]);
  }
}

/** Where the image comes from, from the flags (`--iso`/`--image` or `--stream`). */
async function sourceOf(flags: FlashFlags): Promise<FlashSource> {
  const iso = flags.iso ?? flags.image;
  if (flags.stream && iso) throw codedError(ERROR_CODES.FLASH_BAD_SOURCE, { problem: 'both' }, 'Give either --stream or --iso, not both');
  if (!flags.stream && !iso) {
    throw codedError(ERROR_CODES.FLASH_BAD_SOURCE, { problem: 'none' }, 'Say where the image comes from: --stream NAME or --iso FILE');
  }
  if (iso) {
    if (flags.arch || flags.baseUrl || flags.keyring?.length || flags.proxy !== undefined) {
      throw codedError(
        ERROR_CODES.FLASH_BAD_SOURCE,
        { problem: 'stream-only-flags' },
        '--arch, --base-url, --keyring and --proxy only apply to --stream',
      );
    }
    return { kind: 'file', path: iso };
  }
  const keyrings: string[] = [];
  for (const k of flags.keyring ?? []) keyrings.push(await readInput(k, 'the keyring'));
  const source: FlashSource = {
    kind: 'stream',
    stream: flags.stream!,
    arch: flags.arch,
    baseUrl: flags.baseUrl,
    keyrings,
    cacheDir: flags.cacheDir,
  };
  if (flags.proxy !== undefined) source.proxy = flags.proxy;
  return source;
}

/** Turns the flags into a flash request (reads --keyring, the configs and every other named file). */
export async function flashRequestFromFlags(flags: FlashFlags): Promise<FlashRequest> {
  if (!flags.target?.length) throw codedError(ERROR_CODES.FLASH_NO_TARGET, {}, 'No target device given');
  const source = await sourceOf(flags);
  const karg = [...(flags.fromram ? [FROMRAM_KARG] : []), ...(flags.karg ?? [])];
  // a fleet's manifest reader (and yaml) loads only when a manifest is given
  const fleet = flags.fleet ? await import('./fleet-targets') : null;
  if (fleet) fleet.refusePerMachineFlags({ hostname: flags.hostname, staticIp: flags.staticIp });
  else if (flags.rows !== undefined) throw codedError(ERROR_CODES.FLEET_FLAG_CONFLICT, { flag: '--rows' }, '--rows needs --fleet');
  const customization = await readCustomization(flags, { liveIgnition: flags.ignition ? [flags.ignition] : [], liveKargAppend: karg });
  const targets = fleet
    ? fleet.fleetTargets(flags.target, fleet.selectRows(await fleet.readFleetFile(flags.fleet!), flags.rows), customization)
    : flags.target.map((device) => ({ device }));
  return {
    source,
    customization,
    targets,
    allowLoop: flags.allowLoop ?? false,
    verify: flags.verify ?? true,
    eject: flags.eject ?? false,
  };
}

/**
 * Adds a flash to the record `flint history` and the app show. A record that cannot be written
 * (a read-only home) is a warning: the sticks are written either way.
 */
export async function record(report: FlashReport, by: 'burn' | 'write' | 'refresh'): Promise<void> {
  try {
    await appendHistory(userStateDir(), historyRecord(report, by));
  } catch (err) {
    process.stderr.write(`Warning: the flash was not added to the history: ${(err as Error).message}\n`);
  }
}

/** Prepares (refusing before the prompt), confirms and runs a flash; Ctrl-C cancels it. */
async function runCommand(flags: FlashFlags, by: 'burn' | 'write'): Promise<FlashReport> {
  const json = flags.json === true;
  const tty = !json && Boolean(process.stderr.isTTY);
  const events = testHook('FLINT_TEST_EVENTS') === '1';
  // progress only on a terminal; a log gets the summary (stdout) and warnings (stderr)
  const labels = new Map<string, string>();
  const renderer = tty ? progressRenderer(process.stderr, labels) : null;
  const emit = (e: FlashEvent) => {
    if (events) process.stderr.write(JSON.stringify(e) + '\n');
    renderer?.onEvent(e);
  };
  const cancel = cancelOnSignals();
  try {
    const req = await flashRequestFromFlags(flags);
    const prepared = await prepareFlash(req, {
      signal: cancel.signal,
      onProgress: (p) => emit({ type: 'progress', phase: p.phase, bytes: p.bytes, total: p.total, speed: p.speed, eta: p.eta }),
    });
    for (const t of prepared.targets) if (t.fleetRow) labels.set(t.drive.device, t.fleetRow.name);
    if (!json) {
      if (tty) for (const line of planLines(prepared)) process.stderr.write(line + '\n');
      const c = [...new Set(prepared.targets.map((t) => t.customization))];
      printWarnings(
        c.flatMap((x) => x.configWarnings),
        [...c.flatMap((x) => x.kargWarnings), ...prepared.targets.flatMap((t) => t.warnings)],
      );
    }
    await confirmErase(prepared, flags.yes === true);
    const report = await runFlash(prepared, { signal: cancel.signal, onEvent: emit, writer: defaultWriter({ textPrompt: true }) });
    await record(report, by);
    return report;
  } finally {
    renderer?.stop();
    cancel.release();
  }
}

/** The flags both commands share (burn adds the download flags before them). */
function addFlashOptions(cmd: Command): Command {
  cmd
    .option('--iso <file>', 'the live ISO to write (customized on the fly)')
    .addOption(new Option('--image <file>', 'the same as --iso').hideHelp())
    .option('--ignition <file>', 'Ignition config (.ign, or Butane .bu) for the live system, like --live-ignition')
    .option('--fromram', `run the live system from RAM (appends ${FROMRAM_KARG})`)
    .option('--karg <arg>', 'append a live kernel argument (repeatable)', collect)
    .addOption(new Option('--target <device>', 'whole-disk device to write (repeatable)').argParser(collect))
    .option('--allow-loop', 'accept loop devices as targets (tests, image files)')
    .option('-y, --yes', 'do not ask before erasing the targets')
    .option('--json', 'print one JSON report on stdout')
    .option('-f, --force', 'customize even if the ISO already is (its customization is replaced)')
    .option('--no-verify', 'skip reading the sticks back')
    .option('--eject', 'eject the sticks when done')
    .option('--fleet <file>', "fleet manifest (CSV or YAML): each --target gets the next machine's settings on top of the common config")
    .option('--rows <list>', 'with --fleet: the machines of this batch, e.g. 5-8 or node1,node2 (default: all, one per --target)');
  return addCustomizeOptions(cmd);
}

/** Registers `flint burn` (stream or local ISO) or `flint write` (local ISO): the same flash job. */
export function registerFlashCommand(program: Command, name: 'burn' | 'write'): void {
  const cmd = program.command(name);
  if (name === 'burn') {
    cmd
      .description('Download a Fedora CoreOS live ISO (or take --iso), customize it on the fly and write it to USB sticks')
      .option('--stream <name>', 'download the live ISO of this stream (stable, testing, next)')
      .option('--arch <arch>', 'architecture to download (default: this machine)')
      .option('--base-url <url>', 'stream metadata mirror (default: the Fedora build server)')
      .option('--keyring <file>', 'also trust the OpenPGP public keys in this file (repeatable)', collect)
      .option('--cache-dir <dir>', 'download cache directory')
      .option('--proxy <url>', PROXY_HELP, proxyFlag);
  } else {
    cmd.description('Write a live ISO (customized on the fly) to one or more drives; erases them (flint burn without the download)');
  }
  addFlashOptions(cmd).action(async (flags: FlashFlags) => {
    let report: FlashReport;
    try {
      report = await runCommand(flags, name);
    } catch (err) {
      // with --json a refusal is still one JSON document on stdout (and one line on stderr)
      if (flags.json) process.stdout.write(JSON.stringify({ ok: false, error: toErrorValue(err) }, null, 2) + '\n');
      throw err;
    }
    process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : summaryLines(report).join('\n') + '\n');
    if (report.ok) return;
    const failed = report.targets.filter((t) => !t.ok);
    const causes = failed.map((t) => `${t.target.device}: ${t.error ? cliMessage(t.error) : t.ending}`);
    if (report.cancelled) throw new FlintError(ERROR_CODES.FLASH_CANCELLED, 'Cancelled', causes, {});
    throw codedError(
      ERROR_CODES.FLASH_TARGET_FAILED,
      { failed: failed.length, total: report.targets.length },
      `${failed.length} of ${report.targets.length} sticks failed`,
      causes,
    );
  });
}
