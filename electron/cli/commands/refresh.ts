/**
 * `flint refresh --target DEVICE`: gives live sticks the newest release of their stream with the
 * customization they carry, through the one flash job: every refusal before the prompt, one
 * confirmation naming each stick, progress, and one line per stick such as
 * "38.20230718.3.0 -> 44.20260707.3.1, config sha256 kept".
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { ERROR_CODES } from '../../contract/error-codes';
import { codedError } from '../../core/errors';
import type { KargChanges } from '../../core/iso/karg-changes';
import {
  prepareRefresh,
  runRefresh,
  type PreparedRefresh,
  type RefreshPlanTarget,
  type RefreshReport,
  type RefreshTargetResult,
} from '../../core/flash/refresh';
import type { FlashEvent } from '../../core/flash/types';
import { testHook } from '../../core/write/engine/hooks';
import { defaultWriter } from '../../core/write/writers';
import { record } from '../flash-command';
import { cancelOnSignals, confirmErase, endingText, printStickReport, progressRenderer } from '../flash-output';
import { printWarnings } from '../messages';
import { PROXY_HELP, proxyFlag } from '../network';

const collect = (v: string, prev: string[] = []) => [...prev, v];

interface RefreshFlags {
  target?: string[];
  stream?: string;
  baseUrl?: string;
  keyring?: string[];
  cacheDir?: string;
  proxy?: string;
  allowLoop?: boolean;
  yes?: boolean;
  json?: boolean;
  verify?: boolean;
  eject?: boolean;
}

/** The karg changes in a few words (`+coreos.liveiso.fromram -quiet`). */
function kargWords(k: KargChanges | null): string {
  if (!k) return '';
  return [...k.append.map((a) => `+${a}`), ...k.delete.map((d) => `-${d}`), ...k.replace.map((r) => `~${r}`)].join(' ');
}

/** What a stick carries over, in words. */
function carried(t: { configSha256: string | null; members: number; kargChanges: KargChanges | null }): string {
  const parts = [t.configSha256 ? `config sha256 ${t.configSha256}` : 'no config'];
  const others = t.members - (t.configSha256 ? 1 : 0);
  if (others > 0) parts.push(`${others} other embedded file${others > 1 ? 's' : ''}`);
  const k = kargWords(t.kargChanges);
  if (k) parts.push(`kargs ${k}`);
  return parts.join(', ');
}

/** One line per stick before the confirmation (stderr). */
export function refreshPlanLine(t: RefreshPlanTarget): string {
  const d = t.drive.device;
  const from = t.from.version ?? t.from.volumeId;
  if (t.status === 'current') return `${d}: already current (${from}, ${t.stream}); nothing to do`;
  if (t.status === 'newer') return `${d}: ${from} is newer than ${t.stream}'s ${t.to}; left alone`;
  return `${d}: ${from} -> ${t.to} (${t.stream}), keeping ${carried({ ...t, members: t.customization.members.length, kargChanges: t.customization.kargChanges })}`;
}

/** One line per stick after the run (stdout). */
export function refreshResultLine(r: RefreshTargetResult): string {
  const d = r.target.device;
  const from = r.from ?? 'an unknown release';
  switch (r.ending) {
    case 'current':
      return `${d}: already current (${from}, ${r.stream}); nothing done`;
    case 'newer':
      return `${d}: ${from} is newer than ${r.stream}'s ${r.to}; left alone`;
    case 'refreshed': {
      const config = r.configSha256 === null ? 'no config, as before' : r.configKept ? 'config sha256 kept' : 'CONFIG CHANGED';
      return `${d}: ${from} -> ${r.to}, ${config}`;
    }
    default:
      return `${d}: ${from} -> ${r.to}: ${r.flash ? endingText(r.flash) : r.ending}`;
  }
}

async function keyrings(files: string[] = []): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    out.push(
      await readFile(f, 'utf8').catch((err: Error) => {
        throw codedError(ERROR_CODES.FLASH_INPUT_UNREADABLE, { path: f, what: 'the keyring' }, `Cannot read the keyring ${f}`, [
          err.message,
        ]);
      }),
    );
  }
  return out;
}

async function run(flags: RefreshFlags): Promise<RefreshReport> {
  const json = flags.json === true;
  const tty = !json && Boolean(process.stderr.isTTY);
  const events = testHook('FLINT_TEST_EVENTS') === '1';
  const renderer = tty ? progressRenderer(process.stderr) : null;
  const emit = (e: FlashEvent) => {
    if (events) process.stderr.write(JSON.stringify(e) + '\n');
    renderer?.onEvent(e);
  };
  const cancel = cancelOnSignals();
  try {
    if (!flags.target?.length) throw codedError(ERROR_CODES.FLASH_NO_TARGET, {}, 'No target device given');
    const prepared: PreparedRefresh = await prepareRefresh(
      {
        targets: flags.target.map((device) => ({ device })),
        stream: flags.stream,
        baseUrl: flags.baseUrl,
        keyrings: await keyrings(flags.keyring),
        cacheDir: flags.cacheDir,
        proxy: flags.proxy,
        allowLoop: flags.allowLoop ?? false,
        verify: flags.verify ?? true,
        eject: flags.eject ?? false,
      },
      {
        signal: cancel.signal,
        onProgress: (p) => emit({ type: 'progress', phase: p.phase, bytes: p.bytes, total: p.total, speed: p.speed, eta: p.eta }),
      },
    );
    if (!json) {
      for (const t of prepared.targets) process.stderr.write(refreshPlanLine(t) + '\n');
      const c = [...new Set(prepared.flashes.flatMap((f) => f.targets.map((t) => t.customization)))];
      printWarnings(
        c.flatMap((x) => x.configWarnings),
        [...c.flatMap((x) => x.kargWarnings), ...prepared.flashes.flatMap((f) => f.targets.flatMap((t) => t.warnings))],
      );
    }
    const updates = prepared.flashes.flatMap((f) => f.targets);
    if (updates.length > 0) await confirmErase({ targets: updates }, flags.yes === true);
    return await runRefresh(prepared, {
      signal: cancel.signal,
      onEvent: emit,
      writer: defaultWriter({ textPrompt: true }),
      onFlashReport: (report) => record(report, 'refresh'),
    });
  } finally {
    renderer?.stop();
    cancel.release();
  }
}

/** Registers `flint refresh`. */
export function registerRefresh(program: Command): void {
  program
    .command('refresh')
    .description("Give live sticks the newest release of their stream, keeping each stick's config, files and kernel arguments")
    .addOption(new Option('--target <device>', 'a live stick to refresh (repeatable)').argParser(collect))
    .option('--stream <name>', "take the newest release of this stream instead of each stick's own")
    .option('--base-url <url>', 'stream metadata mirror (default: the Fedora build server)')
    .option('--keyring <file>', 'also trust the OpenPGP public keys in this file (repeatable)', collect)
    .option('--cache-dir <dir>', 'download cache directory')
    .option('--proxy <url>', PROXY_HELP, proxyFlag)
    .option('--allow-loop', 'accept loop devices as targets (tests, image files)')
    .option('-y, --yes', 'do not ask before erasing the sticks')
    .option('--json', 'print one JSON report on stdout')
    .option('--no-verify', 'skip reading the sticks back')
    .option('--eject', 'eject the sticks when done')
    .action((flags: RefreshFlags) =>
      printStickReport(
        flags.json,
        () => run(flags),
        refreshResultLine,
        (t) => t.flash?.error,
        'sticks',
      ),
    );
}
