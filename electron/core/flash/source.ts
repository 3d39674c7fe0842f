import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ERROR_CODES } from '../../contract/error-codes';
import { codedError } from '../errors';
import type { ProgressListener } from '../progress';
import { fileStamp, sameStamp } from '../stream/cache';
import type { FlashImage, FlashSource } from './types';

/**
 * Gets the pristine image: downloads it (or reuses the verified copy in the cache) for a stream,
 * or takes the local file. A local file's SHA-256 is not read here: the verify pass measures it
 * while it reads the image anyway (so writing starts at once).
 */
export async function obtainImage(
  source: FlashSource,
  o: { signal?: AbortSignal; onProgress?: ProgressListener } = {},
): Promise<FlashImage> {
  if (source.kind === 'file') {
    let st;
    try {
      st = await stat(source.path);
    } catch (err) {
      throw codedError(ERROR_CODES.FLASH_ISO_NOT_FOUND, { path: source.path }, `Cannot read the ISO ${source.path}`, [
        (err as Error).message,
      ]);
    }
    if (!st.isFile()) throw codedError(ERROR_CODES.FLASH_ISO_NOT_FILE, { path: source.path }, `${source.path} is not a regular file`);
    const k = source.known ?? {};
    // what is known of a cached image holds only for the bytes it was checked on (see stream/cache.ts)
    if (k.stamp && !sameStamp(k.stamp, await fileStamp(source.path))) {
      throw codedError(ERROR_CODES.IMAGE_CHANGED, { path: source.path }, `${source.path} changed since it was verified`, [
        'its SHA-256 and signature no longer describe its bytes',
      ]);
    }
    const image: FlashImage = {
      path: resolve(source.path),
      size: st.size,
      sha256: k.sha256 ?? null,
      signature: k.signature ?? 'local',
      cached: k.cached ?? false,
    };
    if (k.stream) image.stream = k.stream;
    if (k.release) image.release = k.release;
    return image;
  }
  // the HTTP client (undici) and OpenPGP load only for a download: a local file needs neither
  const [{ downloadArtifact }, { fetchStreamMetadata, selectRelease }] = await Promise.all([
    import('../stream/download'),
    import('../stream/metadata'),
  ]);
  const net = { proxy: source.proxy, noProxy: source.noProxy };
  const meta = await fetchStreamMetadata(source.stream, { baseUrl: source.baseUrl, signal: o.signal, ...net });
  const release = selectRelease(meta, source.arch ?? process.arch);
  // a cache hit is re-checked when its file changed since it was verified (stream/cache-trust.ts)
  const dl = await downloadArtifact(release.iso, {
    ...net,
    cacheDir: source.cacheDir,
    keyrings: source.keyrings,
    signal: o.signal,
    onProgress: o.onProgress,
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
    ...(dl.stamp ? { stamp: dl.stamp } : {}),
  };
}
