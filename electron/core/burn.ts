import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { FlintError, toErrorValue, type FlintErrorValue } from './errors';
import { SpeedMeter, type ProgressListener } from './progress';
import { fetchStreamMetadata, selectRelease } from './stream/metadata';
import { downloadArtifact } from './stream/download';
import { openFileSource } from './iso/byte-source';
import { inspectIso } from './iso/inspect';
import { planCustomize, type CustomizeRequest } from './iso/customize';
import { writeImage } from './write/write-image';
import type { TargetResult } from './write/events';

/** Where the pristine live ISO comes from: a stream (downloaded, verified, cached) or a local file. */
export type BurnSource =
  | {
      kind: 'stream';
      /** Stream name: stable, testing, next. */
      stream: string;
      /** CoreOS or Node architecture name (default: this machine's). */
      arch?: string;
      /** Mirror base URL (default: the Fedora build server). */
      baseUrl?: string;
      /** Extra trusted armored public keys (e.g. the text of `--keyring FILE`). */
      keyrings?: string[];
      /** Download cache directory (default: the stream cache's default). */
      cacheDir?: string;
    }
  | { kind: 'iso'; path: string };

/** Everything `flint burn` and the app's "Flash" do, as data. */
export interface BurnOptions {
  source: BurnSource;
  /** The customization, as `flint iso customize` takes it (live Ignition, dest options, live kargs...). */
  customize: CustomizeRequest;
  /** Whole-disk device paths to write (each gets the same bytes). */
  targets: string[];
  /** Accept loop devices as targets (tests). */
  allowLoop?: boolean;
  /** Read every stick back past the cache and compare (default true). */
  verify?: boolean;
  /** Eject the sticks after writing (default false). */
  eject?: boolean;
}

/** Where the image came from and what it is. */
export interface BurnImage {
  path: string;
  size: number;
  sha256: string;
  /** `verified`: OpenPGP signature checked; `none`: unsigned download; `local`: a file the user gave. */
  signature: 'verified' | 'none' | 'local';
  /** True when a verified copy in the cache was used instead of downloading. */
  cached: boolean;
  stream?: string;
  release?: string;
  arch?: string;
}

/** What happened to one stick. */
export interface BurnTargetResult {
  device: string;
  ok: boolean;
  bytesWritten: number;
  /** SHA-256 of the bytes written (pristine image + customization). */
  sha256?: string;
  /** Whether the stick was read back and matched. */
  verified?: boolean;
  /** SHA-256 of the live Ignition config read back off the stick (null: none). */
  configSha256?: string | null;
  warnings?: string[];
  error?: FlintErrorValue;
}

/** The report of a burn: one JSON document with `--json`. */
export interface BurnReport {
  ok: boolean;
  image: BurnImage;
  /** SHA-256 of the generated live config.ign (null when the customization makes none). */
  liveConfigSha256: string | null;
  /** The live kernel arguments on the sticks (null: the image has no karg areas). */
  kargs: string | null;
  /** Notes for the user (e.g. "Boot media will automatically install to /dev/vda ..."). */
  messages: string[];
  targets: BurnTargetResult[];
}

/** Hooks of a running burn. */
export interface BurnHooks {
  signal?: AbortSignal;
  /** Progress of every phase: download, hash-image, write, flush, verify, ignition... (`item` = device). */
  onProgress?: ProgressListener;
  /** Human-readable notes as they happen (messages of the customization, writer log lines). */
  onMessage?: (message: string) => void;
}

/** SHA-256 of a local file, with progress under phase `hash-image`. */
async function hashFile(path: string, hooks: BurnHooks): Promise<{ sha256: string; size: number }> {
  const { size } = await stat(path);
  const h = createHash('sha256');
  const meter = new SpeedMeter();
  let done = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal: hooks.signal })) {
    h.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    hooks.onProgress?.(meter.report('hash-image', done, size, path));
  }
  return { sha256: h.digest('hex'), size };
}

/** Gets the pristine image: download (or reuse the verified cache) or take the local file. */
export async function obtainImage(source: BurnSource, hooks: BurnHooks = {}): Promise<BurnImage> {
  if (source.kind === 'iso') {
    let st;
    try {
      st = await stat(source.path);
    } catch (err) {
      throw new FlintError('BURN_ISO_NOT_FOUND', `Cannot read the ISO ${source.path}`, [(err as Error).message]);
    }
    if (!st.isFile()) throw new FlintError('BURN_ISO_NOT_FILE', `${source.path} is not a regular file`);
    const { sha256, size } = await hashFile(source.path, hooks);
    return { path: resolve(source.path), size, sha256, signature: 'local', cached: false };
  }
  const meta = await fetchStreamMetadata(source.stream, { baseUrl: source.baseUrl, signal: hooks.signal });
  const release = selectRelease(meta, source.arch ?? process.arch);
  const dl = await downloadArtifact(release.iso, {
    cacheDir: source.cacheDir,
    keyrings: source.keyrings,
    signal: hooks.signal,
    onProgress: hooks.onProgress,
  });
  return {
    path: dl.path,
    size: dl.size,
    sha256: dl.sha256,
    signature: dl.signature,
    cached: dl.cached,
    stream: release.stream,
    release: release.release,
    arch: release.arch,
  };
}

/** Throws BURN_CANCELLED when the signal fired before anything was written. */
function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FlintError('BURN_CANCELLED', 'Cancelled; nothing was written to the sticks');
}

function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function targetResult(r: TargetResult): BurnTargetResult {
  if (!r.ok) return { device: r.device, ok: false, bytesWritten: r.bytesWritten, error: r.error };
  return {
    device: r.device,
    ok: true,
    bytesWritten: r.bytesWritten,
    sha256: r.sha256,
    verified: r.verified,
    configSha256: r.ignitionSha256,
    warnings: r.warnings,
  };
}

/**
 * Download or reuse the cache, verify, customize on the fly (no temporary copy: the plan is laid
 * over the pristine image while it streams to the sticks), write, read back, and check that the
 * Ignition config read off each stick is the one generated. Throws a FlintError when nothing
 * could be written (bad source, bad customization, every target refused before writing); per-stick
 * failures are reported in the result (`ok: false`).
 */
export async function burn(opts: BurnOptions, hooks: BurnHooks = {}): Promise<BurnReport> {
  if (opts.targets.length === 0)
    throw new FlintError('BURN_NO_TARGET', 'No target device given', ['name at least one stick with --target']);
  checkCancelled(hooks.signal);
  const image = await obtainImage(opts.source, hooks).catch((err: unknown) => {
    checkCancelled(hooks.signal);
    throw err;
  });
  const src = await openFileSource(image.path);
  let planned;
  let currentKargs: string | null;
  try {
    const facts = await inspectIso(src);
    planned = await planCustomize(facts, opts.customize);
    currentKargs = facts.kargs?.currentKargs ?? null;
  } finally {
    await src.close();
  }
  for (const m of planned.messages ?? []) hooks.onMessage?.(m);
  checkCancelled(hooks.signal);
  const liveConfigSha256 = planned.liveConfig ? sha256Hex(planned.liveConfig) : null;
  const results = await writeImage({
    image: image.path,
    plan: planned.plan,
    targets: opts.targets,
    allowLoop: opts.allowLoop ?? false,
    verify: opts.verify ?? true,
    eject: opts.eject ?? false,
    expectIgnitionSha256: liveConfigSha256 ?? undefined,
    signal: hooks.signal,
    onEvent: (e) => {
      if (e.type === 'progress') hooks.onProgress?.({ phase: e.phase, bytes: e.bytes, total: e.total, speed: e.speed, item: e.device });
      else if (e.type === 'log') hooks.onMessage?.(e.device ? `${e.device}: ${e.message}` : e.message);
    },
  });
  const targets = results.map(targetResult);
  // The read-back is the proof: a stick whose config differs from the generated one failed.
  for (const t of targets) {
    if (t.ok && (t.configSha256 ?? null) !== liveConfigSha256) {
      t.ok = false;
      t.error = toErrorValue(
        new FlintError('WRITE_IGNITION_MISMATCH', `The Ignition config read back from ${t.device} is not the one generated`, [
          `expected ${liveConfigSha256 ?? 'none'}, read ${t.configSha256 ?? 'none'}`,
        ]),
      );
    }
  }
  return {
    ok: targets.every((t) => t.ok),
    image,
    liveConfigSha256,
    kargs: planned.kargs ?? currentKargs,
    messages: planned.messages ?? [],
    targets,
  };
}
