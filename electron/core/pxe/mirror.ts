import { constants as fsc } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { FlintError } from '../errors';
import type { ProgressListener } from '../progress';
import { downloadArtifact } from '../stream/download';
import { fetchStreamMetadata, selectRelease, type Release } from '../stream/metadata';
import type { NetworkOptions } from '../stream/proxy';
import { generatePxeConfig, type GeneratedPxeConfig, type PxeConfigOptions } from './config';

/** The file in a boot-mirror folder that records what it holds and which configs to rewrite. */
export const MANIFEST = 'flint-pxe.json';

/** How a config was made, minus what comes from the release; `serve --refresh` replays it. */
export type PxeConfigRecipe = Omit<PxeConfigOptions, 'artifacts' | 'version' | 'stream'> & {
  /** Path of the written file relative to the mirror folder. */
  output: string;
};

/** Contents of `flint-pxe.json`. */
export interface MirrorManifest {
  stream: string;
  arch: string;
  /** Stream metadata base URL used (absent: the Fedora default). */
  streamBaseUrl?: string;
  release: string;
  /** File names of the artifacts, in the mirror folder. */
  artifacts: { kernel: string; initramfs: string; rootfs: string };
  /** Configs to regenerate when the release changes. */
  configs: PxeConfigRecipe[];
}

/** Options of {@link downloadPxe} and {@link refreshMirror} (with the proxy settings of NetworkOptions). */
export interface MirrorOptions extends NetworkOptions {
  /** Extra trusted armored public keys (besides the bundled Fedora keys). */
  keyrings?: string[];
  /** Download cache (default: the stream module's default). */
  cacheDir?: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

/** A mirror path must stay inside the folder. */
function inside(dir: string, rel: string): string {
  const root = resolve(dir);
  const p = resolve(root, rel);
  if (!p.startsWith(root + sep)) throw new FlintError('PXE_BAD_OUTPUT', `output path '${rel}' leaves the mirror folder ${dir}`);
  return p;
}

async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.flint-tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** Reads `flint-pxe.json` from `dir`, or null when the folder has none. */
export async function readManifest(dir: string): Promise<MirrorManifest | null> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST), 'utf8');
  } catch {
    return null;
  }
  try {
    const m = JSON.parse(text) as MirrorManifest;
    if (!m.release || !m.artifacts?.kernel || !Array.isArray(m.configs)) throw new Error('missing fields');
    return m;
  } catch (err) {
    throw new FlintError('PXE_MANIFEST_CORRUPT', `reading ${join(dir, MANIFEST)}`, [(err as Error).message]);
  }
}

/** Writes `flint-pxe.json` atomically. */
export async function writeManifest(dir: string, m: MirrorManifest): Promise<void> {
  await writeAtomic(join(dir, MANIFEST), JSON.stringify(m, null, 2) + '\n');
}

/** Downloads and verifies (SHA-256 + OpenPGP) the three PXE artifacts of `rel`, then copies them into `dir`. */
async function fetchArtifacts(rel: Release, dir: string, opts: MirrorOptions): Promise<MirrorManifest['artifacts']> {
  await mkdir(dir, { recursive: true });
  const out: Record<string, string> = {};
  const kinds = ['kernel', 'initramfs', 'rootfs'] as const;
  // all three verified in the cache before any of them enters the mirror folder
  const results = [];
  for (const kind of kinds) {
    results.push(
      await downloadArtifact(rel.pxe[kind], {
        cacheDir: opts.cacheDir,
        keyrings: opts.keyrings,
        signal: opts.signal,
        onProgress: opts.onProgress,
        proxy: opts.proxy,
        noProxy: opts.noProxy,
        ca: opts.ca,
      }),
    );
  }
  for (const [i, kind] of kinds.entries()) {
    const a = rel.pxe[kind];
    const got = results[i];
    const dest = inside(dir, a.name);
    const tmp = `${dest}.flint-tmp-${process.pid}`;
    await copyFile(got.path, tmp, fsc.COPYFILE_FICLONE);
    await rename(tmp, dest);
    if (got.sigPath) await copyFile(got.sigPath, `${dest}.sig`);
    out[kind] = a.name;
  }
  return out as MirrorManifest['artifacts'];
}

/** What {@link downloadPxe} placed in the folder. */
export interface PxeDownloadResult {
  release: string;
  stream: string;
  arch: string;
  /** Absolute paths of the verified artifacts in the folder. */
  paths: { kernel: string; initramfs: string; rootfs: string };
}

/**
 * `flint pxe download`: fetches the stream metadata, downloads the release's kernel, initramfs
 * and rootfs with the verified download manager and places them in `dir`, recording them in
 * `flint-pxe.json` (configs recorded earlier are kept and rewritten to the new release).
 */
export async function downloadPxe(
  dir: string,
  opts: MirrorOptions & { stream?: string; arch?: string; streamBaseUrl?: string } = {},
): Promise<PxeDownloadResult> {
  const stream = opts.stream ?? 'stable';
  const meta = await fetchStreamMetadata(stream, {
    baseUrl: opts.streamBaseUrl,
    signal: opts.signal,
    proxy: opts.proxy,
    noProxy: opts.noProxy,
    ca: opts.ca,
  });
  const rel = selectRelease(meta, opts.arch ?? process.arch);
  const artifacts = await fetchArtifacts(rel, dir, opts);
  const old = await readManifest(dir);
  const manifest: MirrorManifest = {
    stream,
    arch: rel.arch,
    release: rel.release,
    artifacts,
    configs: old?.configs ?? [],
    ...(opts.streamBaseUrl ? { streamBaseUrl: opts.streamBaseUrl } : {}),
  };
  await rewriteConfigs(dir, manifest);
  await writeManifest(dir, manifest);
  const abs = (n: string) => resolve(dir, n);
  return {
    release: rel.release,
    stream,
    arch: rel.arch,
    paths: { kernel: abs(artifacts.kernel), initramfs: abs(artifacts.initramfs), rootfs: abs(artifacts.rootfs) },
  };
}

function optionsFor(m: MirrorManifest, r: PxeConfigRecipe): PxeConfigOptions {
  const { output: _output, ...rest } = r;
  return { ...rest, artifacts: m.artifacts, version: m.release, stream: m.stream };
}

async function rewriteConfigs(dir: string, m: MirrorManifest): Promise<void> {
  for (const r of m.configs) {
    const g = generatePxeConfig(optionsFor(m, r));
    await writeAtomic(inside(dir, r.output), g.files[0].text);
  }
}

/**
 * Generates a config for the release in the mirror folder `dir`, writes it to `recipe.output`
 * (relative to `dir`) and records the recipe so `flint serve --refresh` rewrites it later.
 */
export async function addMirrorConfig(dir: string, recipe: PxeConfigRecipe): Promise<GeneratedPxeConfig> {
  if (recipe.ignition.mode === 'embedded') {
    throw new FlintError('PXE_EMBEDDED_IN_MIRROR', 'a mirror config cannot use --ignition-embedded', [
      'a customized initramfs belongs to one release and refreshes replace the initramfs; wrap the config with `flint pxe ignition wrap` and use --ignition-initrd, or use --ignition-url',
    ]);
  }
  const m = await readManifest(dir);
  if (!m) throw new FlintError('PXE_NO_MANIFEST', `${dir} is not a Flint boot mirror`, [`run flint pxe download --dir ${dir} first`]);
  const g = generatePxeConfig(optionsFor(m, recipe));
  await writeAtomic(inside(dir, recipe.output), g.files[0].text);
  m.configs = [...m.configs.filter((c) => c.output !== recipe.output), recipe];
  await writeManifest(dir, m);
  return g;
}

/** What a refresh did. */
export interface RefreshResult {
  changed: boolean;
  from: string;
  to: string;
  /** Artifact files of the replaced release that were deleted. */
  removed: string[];
}

/**
 * Pulls a newer release into the mirror when the stream has moved: downloads and verifies the new
 * artifacts first, then rewrites every recorded config atomically, then updates the manifest and
 * deletes the old release's files. A live system cannot update itself, so run this regularly.
 */
export async function refreshMirror(dir: string, opts: MirrorOptions = {}): Promise<RefreshResult> {
  const m = await readManifest(dir);
  if (!m) throw new FlintError('PXE_NO_MANIFEST', `${dir} is not a Flint boot mirror`, [`run flint pxe download --dir ${dir} first`]);
  const meta = await fetchStreamMetadata(m.stream, {
    baseUrl: m.streamBaseUrl,
    signal: opts.signal,
    proxy: opts.proxy,
    noProxy: opts.noProxy,
    ca: opts.ca,
  });
  const rel = selectRelease(meta, m.arch);
  const present = await Promise.all(
    Object.values(m.artifacts).map((n) =>
      stat(join(dir, n)).then(
        () => true,
        () => false,
      ),
    ),
  );
  if (rel.release === m.release && present.every(Boolean)) return { changed: false, from: m.release, to: m.release, removed: [] };
  const artifacts = await fetchArtifacts(rel, dir, opts);
  const next: MirrorManifest = { ...m, release: rel.release, artifacts };
  await rewriteConfigs(dir, next);
  await writeManifest(dir, next);
  const keep = new Set(Object.values(artifacts));
  const removed: string[] = [];
  for (const n of Object.values(m.artifacts)) {
    if (keep.has(n)) continue;
    await rm(inside(dir, n), { force: true });
    await rm(inside(dir, `${n}.sig`), { force: true });
    removed.push(n);
  }
  return { changed: rel.release !== m.release, from: m.release, to: rel.release, removed };
}
