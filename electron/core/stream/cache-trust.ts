import { createReadStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import type { PublicKey } from 'openpgp';
import { SpeedMeter, type ProgressListener } from '../progress';
import { cachePaths, fileStamp, sameStamp, writeFileAtomic, type CacheEntry, type CacheRecord } from './cache';
import { cancelledError } from './http';
import { loadKeyring } from './keyring';
import { StreamVerifier } from './verify';

/** Options of verifyCachedEntry. */
export interface CacheTrustOptions {
  /** Trusted keys (default: the bundled keyring plus `keyrings`), loaded only when a re-check is needed. */
  keys?: PublicKey[];
  keyrings?: string[];
  signal?: AbortSignal;
  /** Progress of a re-check, phase `verify-image`. */
  onProgress?: ProgressListener;
}

/**
 * Makes sure a cache entry's bytes are the ones its record describes before anyone reports its
 * SHA-256 or "verified": an entry whose file still has the stamp recorded at verification is
 * returned as is (no read); any other is read again through the same single pass as a download
 * (SHA-256 and, for a signed entry, its saved detached signature against the trusted keys). When
 * they still match, the record gets the new stamp; when not, the entry is removed from the cache
 * and undefined is returned (the caller downloads again). A cache is Flint's own folder: a file
 * there that fails its check is of no use to anyone.
 */
export async function verifyCachedEntry(dir: string, entry: CacheEntry, opts: CacheTrustOptions = {}): Promise<CacheEntry | undefined> {
  if (entry.unchanged) return entry;
  const p = cachePaths(dir, entry.name);
  const before = await fileStamp(p.file);
  if (!before) return undefined;
  const signed = entry.signature === 'verified';
  let sig: Buffer | null = null;
  if (signed) sig = await readFile(p.sig).catch(() => null);
  let ok = !signed || sig !== null;
  if (ok) {
    const keys = signed ? (opts.keys ?? (await loadKeyring(opts.keyrings ?? []))) : [];
    const verifier = await StreamVerifier.create(entry.name, sig, keys).catch(() => undefined);
    if (!verifier) ok = false;
    else {
      const meter = new SpeedMeter();
      let last = 0;
      try {
        for await (const chunk of createReadStream(p.file, { highWaterMark: 1 << 20, signal: opts.signal }) as AsyncIterable<Buffer>) {
          const wait = verifier.update(chunk);
          if (wait) await wait;
          const now = performance.now();
          if (opts.onProgress && now - last >= 100) {
            last = now;
            opts.onProgress(meter.report('verify-image', verifier.bytes, entry.size, entry.name));
          }
        }
      } catch (err) {
        verifier.abort();
        if (opts.signal?.aborted) throw cancelledError(`Checking ${entry.name}`);
        throw err;
      }
      const out = await verifier.finish();
      opts.onProgress?.(meter.report('verify-image', out.size, entry.size, entry.name));
      ok = out.sha256 === entry.sha256 && out.size === entry.size && (!signed || out.signature === 'verified');
      // a file that changed while it was read proves nothing either way: not trusted this time
      if (ok && !sameStamp(before, await fileStamp(p.file))) return undefined;
    }
  }
  if (!ok) {
    await rm(p.record, { force: true });
    await rm(p.file, { force: true });
    await rm(p.sig, { force: true });
    return undefined;
  }
  const record: CacheRecord = {
    name: entry.name,
    url: entry.url,
    sha256: entry.sha256,
    size: entry.size,
    signature: entry.signature,
    ...(entry.signer ? { signer: entry.signer } : {}),
    addedAt: entry.addedAt,
    stamp: before,
  };
  await writeFileAtomic(p.record, JSON.stringify(record, null, 2) + '\n', false);
  return { ...entry, stamp: before, unchanged: true };
}
