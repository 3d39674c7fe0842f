import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PublicKey } from 'openpgp';
import { FlintError } from '../errors';
import { SpeedMeter, type ProgressListener } from '../progress';
import { cancelledError } from './http';
import { loadKeyring } from './keyring';
import { StreamVerifier } from './verify';

/** Options of importLocalIso. */
export interface ImportOptions {
  /**
   * Detached signature file. Default: `<path>.sig` when it exists. `null` means do not look for one.
   */
  sigPath?: string | null;
  /** Extra trusted armored public keys. */
  keyrings?: string[];
  /** An already loaded keyring (replaces bundled + `keyrings`). */
  keys?: PublicKey[];
  /** When known (e.g. from stream metadata), the SHA-256 the file must have. */
  expectedSha256?: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

/** A local image after checking: `signature: 'none'` means usable but unverified. */
export interface ImportResult {
  path: string;
  sha256: string;
  size: number;
  signature: 'verified' | 'none';
  /** The signature file that was checked. */
  sigPath?: string;
  /** Fingerprint of the signing key when verified. */
  signer?: string;
}

/**
 * Checks a local ISO the same way as a download: SHA-256 always (and compared with
 * `expectedSha256` when given) and the detached signature when there is one. The user's file is
 * never deleted; a failed check throws (code IMPORT_SIGNATURE_INVALID, IMPORT_SIGNATURE_UNKNOWN_KEY
 * or IMPORT_SHA256_MISMATCH) naming the file.
 */
export async function importLocalIso(file: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const abs = path.resolve(file);
  const st = await stat(abs).catch((err: NodeJS.ErrnoException) => {
    throw new FlintError('IMPORT_NOT_FOUND', `Cannot open ${abs}`, [err.message]);
  });
  if (!st.isFile()) throw new FlintError('IMPORT_NOT_A_FILE', `${abs} is not a regular file`);
  let sigPath: string | undefined;
  if (opts.sigPath) sigPath = path.resolve(opts.sigPath);
  else if (
    opts.sigPath === undefined &&
    (await stat(`${abs}.sig`).then(
      (s) => s.isFile(),
      () => false,
    ))
  )
    sigPath = `${abs}.sig`;
  let sig: Buffer | null = null;
  if (sigPath) {
    sig = await readFile(sigPath).catch((err: NodeJS.ErrnoException) => {
      throw new FlintError('IMPORT_SIGNATURE_UNREADABLE', `Cannot read the signature file ${sigPath}`, [err.message]);
    });
  }
  const keys = sig ? (opts.keys ?? (await loadKeyring(opts.keyrings ?? []))) : [];
  const name = path.basename(abs);
  const verifier = await StreamVerifier.create(name, sig, keys).catch((err: FlintError) => {
    throw new FlintError(`IMPORT_${err.code}`, err.message, err.causes);
  });
  const meter = new SpeedMeter();
  let last = 0;
  try {
    const input = createReadStream(abs, { highWaterMark: 1 << 20, signal: opts.signal });
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const wait = verifier.update(chunk);
      if (wait) await wait;
      const now = performance.now();
      if (opts.onProgress && now - last >= 100) {
        last = now;
        opts.onProgress(meter.report('verify-image', verifier.bytes, st.size, name));
      }
    }
  } catch (err) {
    verifier.abort();
    if (opts.signal?.aborted) throw cancelledError(`Checking ${name}`);
    throw new FlintError('IMPORT_READ_FAILED', `Cannot read ${abs}`, [(err as Error).message]);
  }
  const out = await verifier.finish();
  opts.onProgress?.(meter.report('verify-image', out.size, st.size, name));
  const expected = opts.expectedSha256?.toLowerCase();
  if (expected && out.sha256 !== expected) {
    throw new FlintError('IMPORT_SHA256_MISMATCH', `SHA-256 check failed for ${abs}`, [`expected ${expected}, got ${out.sha256}`]);
  }
  if (out.signatureError) {
    const se = out.signatureError;
    throw new FlintError(`IMPORT_${se.code}`, `${se.message} (${sigPath})`, se.causes);
  }
  return {
    path: abs,
    sha256: out.sha256,
    size: out.size,
    signature: out.signature,
    ...(sigPath ? { sigPath } : {}),
    ...(out.signer ? { signer: out.signer } : {}),
  };
}
