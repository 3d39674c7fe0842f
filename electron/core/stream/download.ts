import { createReadStream } from 'node:fs';
import { open, rename, rm, stat, truncate } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import type { PublicKey, Signature } from 'openpgp';
import { ERROR_CODES } from '../../contract/error-codes';
import { codedError, FlintError } from '../errors';
import { SpeedMeter, type ProgressListener } from '../progress';
import {
  cachePaths,
  defaultCacheDir,
  fileStamp,
  ensureCacheDir,
  lockDownload,
  lookupCache,
  readPartialMeta,
  syncDir,
  writeFileAtomic,
  writePartialMeta,
  type CacheRecord,
  type FileStamp,
} from './cache';
import { verifyCachedEntry } from './cache-trust';
import { FileSink } from './file-sink';
import {
  cancelledError,
  httpGet,
  httpGetBuffer,
  isTransientError,
  networkError,
  statusError,
  type BodyStream,
  type HttpResponse,
} from './http';
import type { NetworkOptions } from './proxy';
import { loadKeyring } from './keyring';
import type { Artifact } from './metadata';
import { StreamVerifier, parseDetachedSignature, type VerifyOutcome } from './verify';

/** Options of downloadArtifact (with the proxy settings of NetworkOptions). */
export interface DownloadOptions extends NetworkOptions {
  /** Cache directory (default: defaultCacheDir()). */
  cacheDir?: string;
  /** Extra trusted armored public keys, added to the bundled keyring. */
  keyrings?: string[];
  /** An already loaded keyring (replaces bundled + `keyrings`; saves parsing per artifact). */
  keys?: PublicKey[];
  signal?: AbortSignal;
  /** Progress: phase `download` (bytes of the whole file, total when known), `verify-partial` while resumed bytes are re-hashed. */
  onProgress?: ProgressListener;
  /** Retries after transient failures (network errors, 408/429/5xx, truncated bodies); default 3; Infinity allowed. Progress resets the count. */
  fetchRetries?: number;
  /** First backoff delay; doubles per retry up to 600 s. Default 1000 ms. */
  retryDelayMs?: number;
  /** Fail a request when no data arrives for this long. Default 60 s. */
  timeoutMs?: number;
  /** Accept an artifact whose signature file does not exist (404): result `signature: 'none'`. Default false. */
  allowUnsigned?: boolean;
  /**
   * fsync the file before publishing it (default true): a cache entry is trusted later without
   * re-hashing, so it must survive a crash. `false` is for throw-away caches.
   */
  durable?: boolean;
}

/** Result of downloadArtifact: a verified file in the cache. */
export interface DownloadResult {
  path: string;
  sha256: string;
  size: number;
  signature: 'verified' | 'none';
  /** True when the cache already held the verified file and no request was made. */
  cached: boolean;
  name: string;
  /** The saved detached signature, when there is one. */
  sigPath?: string;
  /** The file's stamp when its bytes were verified: while it is the same, so are the bytes (see cache.ts). */
  stamp?: FileStamp;
  /** Upper-case fingerprint of the key whose signature verified it, when known. */
  signer?: string;
}

const MAX_BACKOFF_MS = 600_000;
const PROGRESS_INTERVAL_MS = 100;
/** Durable downloads flush to disk in the background every this many bytes, so the fsync before publishing is short. */
const SYNC_EVERY_BYTES = 32 << 20;

function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

function diskFullError(dir: string, name: string, err: unknown): FlintError {
  return new FlintError('DOWNLOAD_DISK_FULL', `Not enough space in ${dir} to download ${name}; nothing was saved`, [
    `${(err as Error).message}`,
    'free some space or choose another cache directory',
  ]);
}

async function fileSize(file: string): Promise<number> {
  return stat(file).then(
    (s) => s.size,
    () => 0,
  );
}

/** Runs `fn` again after transient failures with doubling delays. */
async function withRetries<T>(what: string, opts: DownloadOptions, fn: () => Promise<T>): Promise<T> {
  const retries = opts.fetchRetries ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (opts.signal?.aborted) throw cancelledError(what);
      if (!isTransientError(err) || attempt >= retries) throw err;
      await backoff(attempt, opts, what);
    }
  }
}

async function backoff(attempt: number, opts: DownloadOptions, what: string): Promise<void> {
  const delay = Math.min(MAX_BACKOFF_MS, (opts.retryDelayMs ?? 1000) * 2 ** attempt);
  try {
    await sleep(delay, undefined, { signal: opts.signal });
  } catch {
    throw cancelledError(what);
  }
}

async function fetchSignature(artifact: Artifact, opts: DownloadOptions): Promise<Buffer | null> {
  try {
    return await withRetries(`Download of ${artifact.name}.sig`, opts, () =>
      httpGetBuffer(artifact.sigUrl, { ...netOf(opts), signal: opts.signal, timeoutMs: opts.timeoutMs, maxBytes: 1 << 20 }),
    );
  } catch (err) {
    if (err instanceof FlintError && err.code === 'CANCELLED') throw err;
    if (opts.allowUnsigned && err instanceof FlintError && err.params?.status === 404) return null;
    // no network, no proxy: the cause is the network, not the signature
    if (err instanceof FlintError && /^(NETWORK_UNREACHABLE|PROXY_)/.test(err.code)) throw err;
    throw new FlintError(
      'DOWNLOAD_SIGNATURE_MISSING',
      `Cannot fetch the OpenPGP signature of ${artifact.name}`,
      [err instanceof FlintError ? [err.message, ...err.causes].join(': ') : String(err)],
      { artifact: artifact.name, url: artifact.sigUrl },
    );
  }
}

/**
 * Refuses, before the artifact is fetched, a signature whose issuer is none of the trusted keys
 * (the .sig is a few hundred bytes; the ISO is hundreds of MiB): the check at the end could only
 * fail. The key id is a parameter so that front ends can say how to trust that key.
 */
function checkSigner(signature: Signature, keys: PublicKey[], artifact: Artifact): void {
  const ids = signature.getSigningKeyIDs();
  if (ids.some((id) => keys.some((k) => k.getKeys(id).length > 0))) return;
  const keyId = ids.map((id) => id.toHex().toUpperCase()).join(', ') || 'unknown';
  throw codedError(
    ERROR_CODES.DOWNLOAD_SIGNATURE_UNKNOWN_KEY,
    { artifact: artifact.name, keyId, url: artifact.sigUrl },
    `${artifact.name} is signed by key ${keyId}, which is not a trusted key; nothing was downloaded`,
    ['add the public key of the mirror that signs it to the trusted keys'],
  );
}

/** The network settings within download options. */
function netOf(opts: NetworkOptions): NetworkOptions {
  return { proxy: opts.proxy, noProxy: opts.noProxy, ca: opts.ca };
}

/**
 * Streams `body` into `file` (appending) through `verifier`. Errors of the file are rethrown as
 * they are (ENOSPC ...); a failing connection becomes `onBroken(cause)`. Event-driven (no promise
 * per chunk); the body is paused while the file or the verifier is behind. FileSink writes
 * through O_DIRECT where it can (see there).
 */
async function streamBody(
  body: BodyStream,
  file: string,
  verifier: StreamVerifier,
  onChunk: () => void,
  onBroken: (cause: Error) => Error,
  syncEvery: number,
): Promise<void> {
  const out = await FileSink.open(file, { syncEvery, direct: true });
  let bodyError: Error | undefined;
  let closeError: Error | undefined;
  try {
    await body
      .pipe((chunk) => {
        if (out.error) return Promise.reject(out.error);
        const wait = verifier.update(chunk);
        const ok = out.write(chunk);
        onChunk();
        if (!wait && ok) return undefined;
        return Promise.all([wait, ok ? undefined : out.drained()]);
      })
      .catch((e: Error) => {
        if (!out.error) bodyError = e;
      });
  } finally {
    closeError = await out.close().then(
      () => undefined,
      (e: Error) => e,
    );
  }
  if (closeError) throw closeError;
  if (bodyError) throw onBroken(bodyError);
}

/** Feeds the bytes already on disk (a partial download being resumed) to `verifier`. */
async function feedFile(verifier: StreamVerifier, file: string, end: number, signal?: AbortSignal): Promise<void> {
  if (end <= 0) return;
  const input = createReadStream(file, { start: 0, end: end - 1, highWaterMark: 1 << 20, signal });
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const wait = verifier.update(chunk);
    if (wait) await wait;
  }
}

/** Fetches the artifact body into the partial file (resuming it) and returns the verifier's outcome. */
async function fetchBody(
  artifact: Artifact,
  partial: string,
  sig: Buffer | null,
  keys: PublicKey[],
  opts: DownloadOptions,
): Promise<VerifyOutcome> {
  const what = `Download of ${artifact.name}`;
  const retries = opts.fetchRetries ?? 3;
  const meter = new SpeedMeter();
  let verifier: StreamVerifier | undefined;
  let failures = 0;
  let lastReport = 0;
  const restart = async () => {
    verifier?.abort();
    verifier = undefined;
    await truncate(partial, 0).catch(() => undefined);
  };
  for (;;) {
    if (opts.signal?.aborted) throw cancelledError(what);
    const have = await fileSize(partial);
    let res: HttpResponse | undefined;
    try {
      res = await httpGet(artifact.url, {
        ...netOf(opts),
        headers: have > 0 ? { range: `bytes=${have}-` } : {},
        signal: opts.signal,
        timeoutMs: opts.timeoutMs,
      });
      let start = 0;
      let total: number | undefined;
      if (res.status === 206 && have > 0) {
        const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers['content-range'] ?? '');
        if (!m || Number(m[1]) !== have) {
          res.body.destroy();
          await restart();
          continue;
        }
        start = have;
        total = m[3] === '*' ? undefined : Number(m[3]);
      } else if (res.status === 200) {
        if (have > 0 || verifier) await restart(); // the server ignored Range: start over
        const len = res.headers['content-length'];
        total = len !== undefined && /^\d+$/.test(len) ? Number(len) : undefined;
      } else if (res.status === 416 && have > 0) {
        res.body.resume();
        const size = /^bytes \*\/(\d+)$/.exec(res.headers['content-range'] ?? '')?.[1];
        if (size !== undefined && Number(size) === have) {
          // the partial file is already complete (e.g. interrupted while publishing): just check it
          verifier?.abort();
          const v = await StreamVerifier.create(artifact.name, sig, keys);
          opts.onProgress?.({ phase: 'verify-partial', bytes: 0, total: have, item: artifact.name });
          await feedFile(v, partial, have, opts.signal);
          return await v.finish();
        }
        await restart();
        continue;
      } else {
        res.body.resume();
        throw statusError(res.status, res.statusText, artifact.url, res.proxy);
      }
      if (!verifier) {
        verifier = await StreamVerifier.create(artifact.name, sig, keys);
        if (start > 0) {
          opts.onProgress?.({ phase: 'verify-partial', bytes: 0, total: start, item: artifact.name });
          await feedFile(verifier, partial, start, opts.signal);
        }
      }
      const v = verifier;
      const report = (force = false) => {
        const now = performance.now();
        if (!opts.onProgress || (!force && now - lastReport < PROGRESS_INTERVAL_MS)) return;
        lastReport = now;
        opts.onProgress(meter.report('download', v.bytes, total, artifact.name));
      };
      report(true);
      const incomplete = (cause?: Error) =>
        new FlintError(
          'HTTP_INCOMPLETE',
          `The connection broke after ${v.bytes}${total !== undefined ? ` of ${total}` : ''} bytes of ${artifact.name}`,
          cause ? [cause.message] : ['the body was shorter than its Content-Length'],
        );
      await streamBody(
        res.body,
        partial,
        v,
        report,
        (cause) => (opts.signal?.aborted ? cause : incomplete(cause)),
        opts.durable !== false ? SYNC_EVERY_BYTES : 0,
      );
      report(true);
      if (total !== undefined && v.bytes < total) throw incomplete();
      if (total !== undefined && v.bytes > total) {
        throw new FlintError('DOWNLOAD_TOO_LONG', `${artifact.name} is longer than the server announced (${v.bytes} > ${total} bytes)`);
      }
      return await v.finish();
    } catch (err) {
      res?.body.destroy();
      if (opts.signal?.aborted) {
        verifier?.abort();
        throw new FlintError('CANCELLED', `${what} was cancelled`, [`${await fileSize(partial)} bytes kept for resume`]);
      }
      if (isDiskFull(err)) {
        verifier?.abort();
        throw err;
      }
      const e = networkError(err, artifact.url, res?.proxy);
      const progressed = (await fileSize(partial)) > have;
      if (!isTransientError(e) || retries <= 0 || (!progressed && failures >= retries)) {
        verifier?.abort();
        if (isTransientError(e)) e.causes.push(`${await fileSize(partial)} bytes kept for resume`);
        throw e;
      }
      if (progressed) failures = 0; // progress was made: start counting afresh
      await backoff(failures, opts, what);
      failures++;
    }
  }
}

/**
 * Downloads `artifact` into the cache, resuming a partial download, verifying SHA-256 and the
 * detached OpenPGP signature in the same pass, and publishing it by atomic rename only when both
 * checks pass. A verified cached copy is returned without any request, as long as its file is
 * unchanged since it was verified (else it is checked again first: see verifyCachedEntry). The
 * signature is fetched first and a signer outside the trusted keys stops before the artifact is
 * requested. On a failed check the partial file is deleted and the error names the check and the
 * file; on cancel it is kept.
 */
export async function downloadArtifact(artifact: Artifact, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const name = artifact.name;
  if (!name || name !== path.basename(name) || name === '..' || name === '.') {
    throw new FlintError('DOWNLOAD_BAD_NAME', `Refusing to download to an unsafe file name: ${JSON.stringify(name)}`);
  }
  const sha256 = artifact.sha256.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new FlintError('DOWNLOAD_BAD_SHA256', `Invalid SHA-256 for ${name}: ${artifact.sha256}`);
  const dir = opts.cacheDir ?? defaultCacheDir();
  const hit = await lookupCache(dir, name, sha256);
  if (hit && (hit.signature === 'verified' || opts.allowUnsigned)) {
    // the record speaks for the bytes only while the file is unchanged; else they are checked again
    const trusted = await verifyCachedEntry(dir, hit, opts);
    if (trusted)
      return {
        path: trusted.path,
        sha256,
        size: trusted.size,
        signature: trusted.signature,
        cached: true,
        name,
        sigPath: trusted.sigPath,
        stamp: trusted.stamp,
        ...(trusted.signer ? { signer: trusted.signer } : {}),
      };
  }
  if (opts.signal?.aborted) throw cancelledError(`Download of ${name}`);
  await ensureCacheDir(dir);
  const p = cachePaths(dir, name);
  const keys = opts.keys ?? (await loadKeyring(opts.keyrings ?? []));
  let unlock: (() => Promise<void>) | undefined;
  try {
    unlock = await lockDownload(dir, name);
    // a concurrent download may have published it while we waited for the lock
    const done = await lookupCache(dir, name, sha256);
    const doneTrusted =
      done && (done.signature === 'verified' || opts.allowUnsigned) ? await verifyCachedEntry(dir, done, { ...opts, keys }) : undefined;
    if (doneTrusted) {
      return {
        path: doneTrusted.path,
        sha256,
        size: doneTrusted.size,
        signature: doneTrusted.signature,
        cached: true,
        name,
        sigPath: doneTrusted.sigPath,
        stamp: doneTrusted.stamp,
      };
    }
    const sig = await fetchSignature(artifact, opts);
    if (sig) {
      const parsed = await parseDetachedSignature(sig, name).catch((err: FlintError) => {
        throw new FlintError(`DOWNLOAD_${err.code}`, `${err.message} (${artifact.sigUrl}); nothing was downloaded`, err.causes);
      });
      checkSigner(parsed, keys, artifact);
    }
    const meta = await readPartialMeta(dir, name);
    if (!meta || meta.sha256 !== sha256) {
      await rm(p.partial, { force: true });
      await writePartialMeta(dir, name, { url: artifact.url, sha256 });
    }
    const outcome = await fetchBody(artifact, p.partial, sig, keys, opts);
    const problems: FlintError[] = [];
    if (outcome.sha256 !== sha256) {
      problems.push(
        new FlintError('DOWNLOAD_SHA256_MISMATCH', `SHA-256 check failed for ${name}: the file was deleted`, [
          `expected ${sha256}, got ${outcome.sha256} (${outcome.size} bytes from ${artifact.url})`,
        ]),
      );
    }
    if (outcome.signatureError) {
      const se = outcome.signatureError;
      problems.push(new FlintError(`DOWNLOAD_${se.code}`, `${se.message}: the file was deleted`, se.causes));
    }
    if (problems.length > 0) {
      await rm(p.partial, { force: true });
      await rm(p.partialMeta, { force: true });
      const [first, ...rest] = problems;
      throw new FlintError(first.code, first.message, [...first.causes, ...rest.map((r) => r.message)]);
    }
    if (opts.durable !== false) {
      const fh = await open(p.partial, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    // the small files need no fsync of their own: a torn record or signature only makes the
    // entry invisible (lookupCache checks both), while the artifact bytes were synced above
    const durable = opts.durable !== false;
    await rm(p.record, { force: true }); // no record may describe the file while it is replaced
    if (sig) await writeFileAtomic(p.sig, sig, false);
    else await rm(p.sig, { force: true });
    await rename(p.partial, p.file);
    // the stamp is taken after the rename, which changes the ctime
    const stamp = await fileStamp(p.file);
    const record: CacheRecord = {
      name,
      url: artifact.url,
      sha256,
      size: outcome.size,
      signature: outcome.signature,
      ...(outcome.signer ? { signer: outcome.signer } : {}),
      addedAt: new Date().toISOString(),
      ...(stamp ? { stamp } : {}),
    };
    await writeFileAtomic(p.record, JSON.stringify(record, null, 2) + '\n', false);
    await rm(p.partialMeta, { force: true });
    if (durable) await syncDir(dir);
    return {
      path: p.file,
      sha256,
      size: outcome.size,
      signature: outcome.signature,
      cached: false,
      name,
      ...(sig ? { sigPath: p.sig } : {}),
      ...(stamp ? { stamp } : {}),
      ...(outcome.signer ? { signer: outcome.signer } : {}),
    };
  } catch (err) {
    if (isDiskFull(err)) {
      await rm(p.partial, { force: true });
      await rm(p.partialMeta, { force: true });
      await rm(p.record, { force: true });
      throw diskFullError(dir, name, err);
    }
    throw err;
  } finally {
    await unlock?.();
  }
}
