import { constants as fsc } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { FlintError, toErrorValue } from '../../core/errors';
import type { Progress } from '../../core/progress';
import { defaultCacheDir, listCache, pruneCache } from '../../core/stream/cache';
import { downloadArtifact, type DownloadResult } from '../../core/stream/download';
import { loadKeyring } from '../../core/stream/keyring';
import { PROXY_HELP, proxyFlag } from '../network';
import { STREAMS, fetchStreamMetadata, nodeArchToCoreos, selectRelease, type Artifact, type Release } from '../../core/stream/metadata';

const collect = (v: string, prev: string[] = []) => [...prev, v];
const MiB = 1024 * 1024;

function nonNegativeInt(flag: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v)) throw new FlintError('CLI_BAD_NUMBER', `${flag} needs a whole number, got "${v}"`);
    return Number(v);
  };
}

/** Reads `--keyring` files (armored public keys) into text. */
export async function readKeyringFiles(files: string[] = []): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    try {
      out.push(await readFile(f, 'utf8'));
    } catch (err) {
      throw new FlintError('KEYRING_UNREADABLE', `Cannot read the keyring file ${f}`, [(err as Error).message]);
    }
  }
  return out;
}

function releaseText(r: Release): string {
  const lines = [`${r.stream} ${r.release} (${r.arch})${r.date ? `, published ${r.date}` : ''}`];
  lines.push(`  iso        ${r.iso.name}`);
  for (const k of ['kernel', 'initramfs', 'rootfs'] as const) lines.push(`  ${k.padEnd(10)} ${r.pxe[k].name}`);
  return lines.join('\n') + '\n';
}

/**
 * Progress output: a cli-progress bar on a terminal, otherwise a plain line per artifact at
 * most every 2 s (and when it completes). Writes to stderr so stdout keeps the paths/JSON.
 */
export function progressReporter(tty: boolean): { update: (p: Progress) => void; stop: () => void } {
  if (tty) {
    const bar = new SingleBar(
      { format: '{item} [{bar}] {percentage}% {done}/{all} MiB {rate} MiB/s ETA {eta_formatted}', hideCursor: true, etaBuffer: 50 },
      Presets.shades_classic,
    );
    let item: string | undefined;
    return {
      update(p) {
        if (p.phase !== 'download' || p.total === undefined) return;
        const payload = {
          item: p.item ?? '',
          done: (p.bytes / MiB).toFixed(1),
          all: (p.total / MiB).toFixed(1),
          rate: ((p.speed ?? 0) / MiB).toFixed(1),
        };
        if (p.item !== item) {
          if (item !== undefined) bar.stop();
          item = p.item;
          bar.start(p.total, p.bytes, payload);
        } else bar.update(p.bytes, payload);
      },
      stop: () => item !== undefined && bar.stop(),
    };
  }
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      const done = p.total !== undefined && p.bytes >= p.total;
      if (p.phase !== 'download' || (!done && (p.bytes === 0 || now - last < 2000))) return;
      last = now;
      const pct = p.total ? ` ${((100 * p.bytes) / p.total).toFixed(0)}%` : '';
      const speed = p.speed ? `, ${(p.speed / MiB).toFixed(1)} MiB/s` : '';
      const eta = p.eta !== undefined && !done ? `, ${Math.ceil(p.eta)} s left` : '';
      process.stderr.write(`downloading ${p.item ?? ''}:${pct} (${(p.bytes / MiB).toFixed(1)} MiB${speed}${eta})\n`);
    },
    stop: () => undefined,
  };
}

/** Copies (reflink when the filesystem can) a verified file into `dir`, atomically. */
async function place(src: string, dir: string): Promise<string> {
  const dest = path.join(dir, path.basename(src));
  const tmp = `${dest}.flint-tmp-${process.pid}`;
  try {
    await copyFile(src, tmp, fsc.COPYFILE_FICLONE);
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new FlintError('DOWNLOAD_PLACE_FAILED', `Cannot copy ${path.basename(src)} into ${dir}`, [(err as Error).message]);
  }
  return dest;
}

interface DownloadFlags {
  stream: string;
  arch?: string;
  format: 'iso' | 'pxe';
  dir?: string;
  baseUrl?: string;
  keyring?: string[];
  cacheDir?: string;
  fetchRetries?: number;
  proxy?: string;
  json?: boolean;
}

async function runDownload(flags: DownloadFlags): Promise<void> {
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  const reporter = progressReporter(!flags.json && Boolean(process.stderr.isTTY));
  try {
    const arch = flags.arch ?? nodeArchToCoreos(process.arch);
    const meta = await fetchStreamMetadata(flags.stream, { baseUrl: flags.baseUrl, signal: ac.signal, proxy: flags.proxy });
    const rel = selectRelease(meta, arch);
    const artifacts: Artifact[] = flags.format === 'pxe' ? [rel.pxe.kernel, rel.pxe.initramfs, rel.pxe.rootfs] : [rel.iso];
    const keys = await loadKeyring(await readKeyringFiles(flags.keyring));
    const cacheDir = flags.cacheDir ?? defaultCacheDir();
    if (flags.dir) await mkdir(flags.dir, { recursive: true });
    const results: (DownloadResult & { placed?: string; placedSig?: string })[] = [];
    for (const a of artifacts) {
      const r: DownloadResult & { placed?: string; placedSig?: string } = await downloadArtifact(a, {
        cacheDir,
        keys,
        signal: ac.signal,
        onProgress: reporter.update,
        fetchRetries: flags.fetchRetries,
        proxy: flags.proxy,
      });
      if (flags.dir) {
        r.placed = await place(r.path, flags.dir);
        if (r.sigPath) r.placedSig = await place(r.sigPath, flags.dir);
      }
      results.push(r);
      if (!flags.json) process.stdout.write((r.placed ?? r.path) + '\n');
    }
    reporter.stop();
    if (flags.json) {
      process.stdout.write(
        JSON.stringify({ stream: rel.stream, arch: rel.arch, release: rel.release, date: rel.date, files: results }, null, 2) + '\n',
      );
    }
  } finally {
    reporter.stop();
    process.removeListener('SIGINT', onSigint);
  }
}

/** Registers `flint streams`, `flint download` and `flint cache list|prune`. */
export function registerStream(program: Command): void {
  program
    .command('streams')
    .description('Show the current Fedora CoreOS release of each stream (live ISO and PXE artifacts)')
    .option('--stream <name>', `only this stream (${STREAMS.join(', ')})`)
    .option('--arch <arch>', 'architecture (x86_64, aarch64, ...; default: this machine)')
    .option('--base-url <url>', 'stream metadata mirror (default https://builds.coreos.fedoraproject.org)')
    .option('--proxy <url>', PROXY_HELP, proxyFlag)
    .option('--json', 'print JSON')
    .action(async (o: { stream?: string; arch?: string; baseUrl?: string; proxy?: string; json?: boolean }) => {
      const arch = o.arch ?? nodeArchToCoreos(process.arch);
      const names = o.stream ? [o.stream] : [...STREAMS];
      const out: (Release | { stream: string; error: ReturnType<typeof toErrorValue> })[] = [];
      for (const s of names) {
        try {
          out.push(selectRelease(await fetchStreamMetadata(s, { baseUrl: o.baseUrl, proxy: o.proxy }), arch));
        } catch (err) {
          // no network or a bad proxy would fail every stream the same way: say it once, now
          if (o.stream || (err instanceof FlintError && /^(NETWORK_UNREACHABLE|PROXY_)/.test(err.code))) throw err;
          out.push({ stream: s, error: toErrorValue(err) });
        }
      }
      if (out.every((r) => 'error' in r)) {
        const first = out[0] as { error: { message: string } };
        throw new FlintError('STREAMS_UNAVAILABLE', 'No stream metadata could be fetched', [first.error.message]);
      }
      if (o.json) {
        process.stdout.write(JSON.stringify(o.stream ? out[0] : out, null, 2) + '\n');
        return;
      }
      for (const r of out) {
        process.stdout.write('error' in r ? `${r.stream} unavailable: ${r.error.message}\n` : releaseText(r));
      }
    });

  program
    .command('download')
    .description('Download and verify (SHA-256 + OpenPGP) the live ISO or the PXE files of a stream; prints their paths')
    .option('--stream <name>', `stream (${STREAMS.join(', ')})`, 'stable')
    .option('--arch <arch>', 'architecture (default: this machine)')
    .addOption(new Option('--format <format>', 'what to download').choices(['iso', 'pxe']).default('iso'))
    .option('--dir <dir>', 'also place the verified files (and .sig) here; default: leave them in the cache')
    .option('--base-url <url>', 'stream metadata mirror')
    .option('--keyring <file>', 'also trust the armored public keys in FILE (repeatable)', collect)
    .option('--cache-dir <dir>', 'download cache (default: the per-user cache directory)')
    .option('--fetch-retries <n>', 'retries after transient network errors (default 3)', nonNegativeInt('--fetch-retries'))
    .option('--proxy <url>', PROXY_HELP, proxyFlag)
    .option('--json', 'print JSON')
    .action(runDownload);

  const cache = program.command('cache').description('Inspect or clean the download cache');
  cache
    .command('list')
    .description('List verified cached files and unfinished downloads')
    .option('--cache-dir <dir>', 'cache directory')
    .option('--json', 'print JSON')
    .action(async (o: { cacheDir?: string; json?: boolean }) => {
      const listing = await listCache(o.cacheDir ?? defaultCacheDir());
      if (o.json) return void process.stdout.write(JSON.stringify(listing, null, 2) + '\n');
      process.stdout.write(`cache: ${listing.dir}\n`);
      if (listing.entries.length === 0 && listing.partials.length === 0) process.stdout.write('(empty)\n');
      for (const e of listing.entries) {
        process.stdout.write(
          `${e.name}  ${(e.size / MiB).toFixed(1)} MiB  ${e.signature === 'verified' ? 'signature verified' : 'UNSIGNED'}  ${e.addedAt}` +
            `${e.unchanged ? '' : '  (changed since verified: checked again before use)'}\n`,
        );
      }
      for (const p of listing.partials) process.stdout.write(`${p.name}  ${(p.size / MiB).toFixed(1)} MiB  partial (resumable)\n`);
    });
  cache
    .command('prune')
    .description('Remove unfinished downloads and stray files, and the entries selected by the options')
    .option('--cache-dir <dir>', 'cache directory')
    .option('--all', 'remove every entry')
    .option('--older-than <days>', 'remove entries added more than DAYS days ago', nonNegativeInt('--older-than'))
    .option('--keep <n>', 'keep only the N newest entries', nonNegativeInt('--keep'))
    .option('--dry-run', 'only show what would be removed')
    .option('--json', 'print JSON')
    .action(async (o: { cacheDir?: string; all?: boolean; olderThan?: number; keep?: number; dryRun?: boolean; json?: boolean }) => {
      const r = await pruneCache(o.cacheDir ?? defaultCacheDir(), {
        all: o.all,
        olderThanMs: o.olderThan === undefined ? undefined : o.olderThan * 86_400_000,
        keepNewest: o.keep,
        dryRun: o.dryRun,
      });
      if (o.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      for (const f of r.removed) process.stdout.write(`${o.dryRun ? 'would remove' : 'removed'} ${f}\n`);
      process.stdout.write(`${o.dryRun ? 'would free' : 'freed'} ${(r.freedBytes / MiB).toFixed(1)} MiB\n`);
    });
}
