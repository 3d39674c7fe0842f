import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { FlintError } from '../../core/errors';
import { checkTarget, formatBytes } from '../../core/drives/check';
import { listAllDrives, systemContext } from '../../core/drives/list';
import type { Drive } from '../../core/drives/types';
import { openFileSource } from '../../core/iso/byte-source';
import { inspectIso } from '../../core/iso/inspect';
import { planCustomize } from '../../core/iso/customize';
import type { PatchPlan } from '../../core/iso/plan';
import { WriteErrorCode } from '../../core/write/codes';
import type { TargetResult, WriteEvent } from '../../core/write/events';
import { writeImage, wasCancelled } from '../../core/write/write-image';
import { addCustomizeOptions, hasCustomizeOptions, readCustomizeRequest } from '../customize-options';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** The customized image: its plan and the SHA-256 of the live Ignition config it embeds (if any). */
async function planFor(
  image: string,
  opts: Record<string, unknown>,
): Promise<{ plan: PatchPlan; ignitionSha256?: string; messages: string[] }> {
  const src = await openFileSource(image);
  try {
    if (!hasCustomizeOptions(opts)) return { plan: { imageSize: src.size, writes: [] }, messages: [] };
    const facts = await inspectIso(src);
    const res = await planCustomize(facts, await readCustomizeRequest(opts));
    const ignitionSha256 = res.liveConfig ? createHash('sha256').update(res.liveConfig).digest('hex') : undefined;
    return { plan: res.plan, ignitionSha256, messages: res.messages };
  } finally {
    await src.close();
  }
}

/** Asks the user to type "yes" on the terminal; refuses without a terminal. */
async function confirm(drives: Drive[]): Promise<void> {
  const names = drives.map((d) => `${d.device} (${d.description}, ${formatBytes(d.size)})`).join(', ');
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new FlintError('WRITE_NOT_CONFIRMED', `refusing to erase ${names} without a terminal to confirm; pass --yes`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Everything on ${names} will be erased. Type "yes" to continue: `);
    if (answer.trim().toLowerCase() !== 'yes') throw new FlintError('WRITE_NOT_CONFIRMED', 'not confirmed; nothing was written');
  } finally {
    rl.close();
  }
}

function progressLine(e: WriteEvent): string | null {
  if (e.type === 'log') return `${e.device ?? ''}: ${e.message}`;
  if (e.type !== 'progress') return null;
  const pct = e.total > 0 ? Math.floor((e.bytes / e.total) * 100) : 0;
  const speed = e.speed ? ` ${(e.speed / 1e6).toFixed(1)} MB/s` : '';
  return `${e.device}: ${e.phase} ${pct}%${speed}`;
}

function summary(r: TargetResult): string {
  if (!r.ok) return `${r.device}: FAILED: ${r.error.message}${r.error.causes?.length ? ': ' + r.error.causes.join(': ') : ''}`;
  const v = r.verified ? 'verified' : 'not verified';
  const ign = r.ignitionSha256 ? `, Ignition config sha256 ${r.ignitionSha256}` : '';
  return `${r.device}: written (${r.bytesWritten} bytes, ${v}${r.sha256 ? `, sha256 ${r.sha256}` : ''}${ign})`;
}

/** Registers `flint write`: customize on the fly and write to one or more drives. */
export function registerWrite(program: Command): void {
  const cmd = program
    .command('write')
    .description('Write a live ISO (customized on the fly) to one or more drives; erases them')
    .requiredOption('--image <iso>', 'the live ISO to write')
    .addOption(new Option('--target <device>', 'whole-disk device to write (repeatable)').argParser(collect).makeOptionMandatory())
    .option('--allow-loop', 'accept loop devices as targets (tests, image files)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--no-verify', 'skip reading the drive back')
    .option('--eject', 'eject the drive afterwards')
    .option('--json', 'print the results as JSON');
  addCustomizeOptions(cmd).action(async (opts: Record<string, unknown>) => {
    const image = String(opts.image);
    const { plan, ignitionSha256, messages } = await planFor(image, opts);
    for (const m of messages) process.stderr.write(m + '\n');
    const all = await listAllDrives(systemContext([image]));
    const targets = (opts.target as string[]).map((t) => {
      const d = all.find((x) => x.device === t || x.raw === t);
      if (!d) throw new FlintError(WriteErrorCode.NOT_FOUND, `${t} is not a whole disk on this machine; see flint drives --all`);
      for (const w of checkTarget(d, { imageSize: plan.imageSize, allowLoop: opts.allowLoop === true })) {
        process.stderr.write(`Warning: ${w.message}\n`);
      }
      return d;
    });
    if (opts.yes !== true) await confirm(targets);
    const ac = new AbortController();
    const onSig = () => ac.abort();
    process.once('SIGINT', onSig);
    process.once('SIGTERM', onSig);
    const tty = process.stderr.isTTY;
    let results: TargetResult[];
    try {
      results = await writeImage({
        image,
        plan,
        targets,
        allowLoop: opts.allowLoop === true,
        verify: opts.verify !== false,
        eject: opts.eject === true,
        expectIgnitionSha256: ignitionSha256,
        signal: ac.signal,
        textPrompt: true,
        onEvent: (e) => {
          const line = tty ? progressLine(e) : e.type === 'log' ? progressLine(e) : null;
          if (line) process.stderr.write(tty && e.type === 'progress' ? `\r\x1b[2K${line}` : `${line}\n`);
        },
      });
    } finally {
      process.off('SIGINT', onSig);
      process.off('SIGTERM', onSig);
      if (tty) process.stderr.write('\r\x1b[2K');
    }
    if (opts.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
    else {
      for (const r of results) {
        process.stdout.write(summary(r) + '\n');
        if (r.ok) for (const w of r.warnings) process.stderr.write(`Warning: ${r.device}: ${w}\n`);
      }
    }
    const failed = results.filter((r) => !r.ok);
    if (wasCancelled(results)) throw new FlintError(WriteErrorCode.CANCELLED, 'cancelled; partly written drives had their first MiB wiped');
    if (failed.length > 0) {
      const f = failed[0];
      if (f.ok) return;
      throw new FlintError(
        f.error.code,
        `${failed.length} of ${results.length} drive(s) failed: ${f.device}: ${f.error.message}`,
        f.error.causes ?? [],
      );
    }
  });
}
