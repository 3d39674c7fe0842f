import { createHash, type Hash } from 'node:crypto';
import { createMessage, readSignature, verify, type PublicKey, type Signature } from 'openpgp';
import { FlintError } from '../errors';

/** Outcome of checking a file's bytes. */
export interface VerifyOutcome {
  /** Lower-case hex SHA-256 of all bytes fed. */
  sha256: string;
  size: number;
  /** `verified` when a detached signature was given and checked; `none` without one. */
  signature: 'verified' | 'none';
  /** Fingerprint of the key that made the signature, when verified. */
  signer?: string;
  /** Set when the signature check failed: why (unknown key, bad signature). The caller decides what to do. */
  signatureError?: FlintError;
}

const QUEUE_CHUNKS = 16;

/** Parses a detached signature given as binary (`.sig`) or ASCII-armored bytes. */
export async function parseDetachedSignature(sig: Uint8Array, name: string): Promise<Signature> {
  const text = Buffer.from(sig.subarray(0, 64)).toString('latin1');
  try {
    if (text.startsWith('-----BEGIN PGP SIGNATURE')) {
      return await readSignature({ armoredSignature: Buffer.from(sig).toString('utf8') });
    }
    return await readSignature({ binarySignature: sig });
  } catch (err) {
    throw new FlintError('SIGNATURE_INVALID', `OpenPGP signature check failed for ${name}: the signature file is not a valid OpenPGP signature`, [
      (err as Error).message,
    ]);
  }
}

/**
 * Checks a file's bytes while they stream past: SHA-256 always, and a detached OpenPGP signature
 * against `keys` when one is given (openpgp hashes the same bytes through a web stream that is
 * fed chunk by chunk with backpressure, so memory stays flat). Feed every byte in order with
 * `update`, then call `finish`.
 */
export class StreamVerifier {
  private readonly hash: Hash = createHash('sha256');
  private size = 0;
  private controller?: ReadableStreamDefaultController<Uint8Array>;
  private waiter?: () => void;
  private sigDone?: Promise<{ signer?: string; error?: FlintError }>;
  private finished = false;

  private constructor(private readonly name: string) {}

  /**
   * Starts a verifier for file `name`. `signature` is the detached signature bytes or null
   * (hash only). Throws SIGNATURE_INVALID when the signature bytes cannot be parsed.
   */
  static async create(name: string, signature: Uint8Array | null, keys: PublicKey[]): Promise<StreamVerifier> {
    const v = new StreamVerifier(name);
    if (signature) await v.startSignature(await parseDetachedSignature(signature, name), keys);
    return v;
  }

  private async startSignature(signature: Signature, keys: PublicKey[]): Promise<void> {
    const source = new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          this.controller = c;
        },
        pull: () => {
          const w = this.waiter;
          this.waiter = undefined;
          w?.();
        },
        cancel: () => {
          this.controller = undefined;
          this.waiter?.();
        },
      },
      { highWaterMark: QUEUE_CHUNKS },
    );
    const message = await createMessage({ binary: source });
    const result = await verify({ message, signature, verificationKeys: keys, format: 'binary' });
    const reader = (result.data as unknown as ReadableStream<Uint8Array>).getReader();
    const name = this.name;
    this.sigDone = (async () => {
      try {
        while (!(await reader.read()).done) {
          /* drain: openpgp hashes as the data passes */
        }
        if (result.signatures.length === 0) throw new Error('the signature file holds no signature');
        const errors: string[] = [];
        for (const s of result.signatures) {
          try {
            await s.verified;
            const key = keys.find((k) => k.getKeys(s.keyID).length > 0);
            return { signer: key?.getFingerprint().toUpperCase() };
          } catch (err) {
            errors.push((err as Error).message);
          }
        }
        const unknown = errors.every((m) => /could not find signing key/i.test(m));
        return {
          error: new FlintError(
            unknown ? 'SIGNATURE_UNKNOWN_KEY' : 'SIGNATURE_INVALID',
            unknown
              ? `OpenPGP signature check failed for ${name}: it was signed by a key that is not in the trusted keyring`
              : `OpenPGP signature check failed for ${name}: the signature does not match the file`,
            errors,
          ),
        };
      } catch (err) {
        return {
          error: new FlintError('SIGNATURE_INVALID', `OpenPGP signature check failed for ${name}`, [(err as Error).message]),
        };
      }
    })();
  }

  /** Bytes fed so far. */
  get bytes(): number {
    return this.size;
  }

  /** Feeds the next bytes; resolves when the signature side can take more (backpressure). */
  update(chunk: Uint8Array): Promise<void> | undefined {
    if (this.finished) throw new Error('StreamVerifier.update after finish');
    this.hash.update(chunk);
    this.size += chunk.length;
    const c = this.controller;
    if (!c) return undefined;
    c.enqueue(chunk);
    if ((c.desiredSize ?? 1) > 0) return undefined;
    return new Promise<void>((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Ends the input and returns the digest and the signature outcome (never throws for a bad signature). */
  async finish(): Promise<VerifyOutcome> {
    this.finished = true;
    this.controller?.close();
    const sha256 = this.hash.digest('hex');
    if (!this.sigDone) return { sha256, size: this.size, signature: 'none' };
    const { signer, error } = await this.sigDone;
    if (error) return { sha256, size: this.size, signature: 'none', signatureError: error };
    return { sha256, size: this.size, signature: 'verified', signer };
  }

  /** Abandons the check (on cancel or a restart from zero). */
  abort(): void {
    this.finished = true;
    try {
      this.controller?.error(new Error('aborted'));
    } catch {
      /* already closed */
    }
    this.sigDone?.catch(() => undefined);
    this.waiter?.();
  }
}
