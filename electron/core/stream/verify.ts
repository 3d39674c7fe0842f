import { createHash, type Hash } from 'node:crypto';
import { createMessage, enums, readSignature, verify, type PublicKey, type Signature } from 'openpgp';
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

const QUEUE_CHUNKS = 4;
const BATCH_BYTES = 1 << 20;

/** The parts of openpgp's SignaturePacket the fast path uses (`hashed` is its one-pass digest slot). */
interface SigPacket {
  version: number;
  signatureType: number;
  hashAlgorithm: number;
  signatureData: Uint8Array;
  hashed?: Promise<Uint8Array>;
}

const NODE_HASHES: Record<number, string> = {
  [enums.hash.sha256]: 'sha256',
  [enums.hash.sha384]: 'sha384',
  [enums.hash.sha512]: 'sha512',
  [enums.hash.sha224]: 'sha224',
};

/** node:crypto name of an OpenPGP hash algorithm id (only the SHA-2 family; others take the slow path). */
function hashName(id: number): string | undefined {
  return NODE_HASHES[id];
}

/** Parses a detached signature given as binary (`.sig`) or ASCII-armored bytes. */
export async function parseDetachedSignature(sig: Uint8Array, name: string): Promise<Signature> {
  const text = Buffer.from(sig.subarray(0, 64)).toString('latin1');
  try {
    if (text.startsWith('-----BEGIN PGP SIGNATURE')) {
      return await readSignature({ armoredSignature: Buffer.from(sig).toString('utf8') });
    }
    return await readSignature({ binarySignature: sig });
  } catch (err) {
    throw new FlintError(
      'SIGNATURE_INVALID',
      `OpenPGP signature check failed for ${name}: the signature file is not a valid OpenPGP signature`,
      [(err as Error).message],
    );
  }
}

/**
 * Checks a file's bytes while they stream past: SHA-256 always, and a detached OpenPGP signature
 * against `keys` when one is given. v4 binary signatures (Fedora's) share the node:crypto pass
 * (see startPrehash); other signatures go through openpgp's streamed verify, fed 1 MiB batches
 * with backpressure. Memory stays flat either way. Feed every byte in order with `update`, then
 * call `finish`.
 */
export class StreamVerifier {
  private readonly hash: Hash = createHash('sha256');
  private size = 0;
  private controller?: ReadableStreamDefaultController<Uint8Array>;
  private waiter?: () => void;
  private sigDone?: Promise<{ signer?: string; error?: FlintError }>;
  private finishSignature?: () => Promise<{ signer?: string; error?: FlintError }>;
  private readonly extra = new Map<string, Hash>();
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private finished = false;

  private constructor(private readonly name: string) {}

  /**
   * Starts a verifier for file `name`. `signature` is the detached signature bytes or null
   * (hash only). Throws SIGNATURE_INVALID when the signature bytes cannot be parsed.
   * `streamed` forces the fully streamed openpgp path (normally only for signatures the fast path
   * does not handle).
   */
  static async create(
    name: string,
    signature: Uint8Array | null,
    keys: PublicKey[],
    opts: { streamed?: boolean } = {},
  ): Promise<StreamVerifier> {
    const v = new StreamVerifier(name);
    if (!signature) return v;
    const sig = await parseDetachedSignature(signature, name);
    if (!opts.streamed && v.prehashable(sig)) v.startPrehash(sig, keys);
    else await v.startSignature(sig, keys);
    return v;
  }

  /**
   * Fast path for v4 binary signatures (what Fedora and gpg make): the file is hashed once with
   * node:crypto; at the end a copy of that state gets the signature's own trailer (RFC 4880
   * §5.2.4) and openpgp checks the signature over that digest (the `hashed` field its one-pass
   * verification uses). The SHA-256 of the file and the signature digest share one pass when the
   * signature uses SHA-256. Anything else takes the fully streamed openpgp path.
   */
  private prehashable(signature: Signature): boolean {
    const packets = signature.packets.filterByTag(enums.packet.signature) as unknown as SigPacket[];
    if (packets.length === 0) return false;
    return packets.every((p) => p.version === 4 && p.signatureType === enums.signature.binary && hashName(p.hashAlgorithm) !== undefined);
  }

  private startPrehash(signature: Signature, keys: PublicKey[]): void {
    const packets = signature.packets.filterByTag(enums.packet.signature) as unknown as SigPacket[];
    for (const p of packets) {
      const algo = hashName(p.hashAlgorithm)!;
      if (algo !== 'sha256' && !this.extra.has(algo)) this.extra.set(algo, createHash(algo));
    }
    this.finishSignature = async () => {
      for (const p of packets) {
        const algo = hashName(p.hashAlgorithm)!;
        const h = (algo === 'sha256' ? this.hash : this.extra.get(algo)!).copy();
        const len = Buffer.alloc(4);
        len.writeUInt32BE(p.signatureData.length);
        h.update(p.signatureData)
          .update(Buffer.from([4, 0xff]))
          .update(len);
        p.hashed = Promise.resolve(new Uint8Array(h.digest()));
      }
      const message = await createMessage({ binary: new Uint8Array(0) });
      const result = await verify({ message, signature, verificationKeys: keys, format: 'binary' });
      return this.evaluate(result.signatures, keys);
    };
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
    this.sigDone = (async () => {
      while (!(await reader.read()).done) {
        /* drain: openpgp hashes as the data passes */
      }
      return this.evaluate(result.signatures, keys);
    })();
  }

  private async evaluate(
    signatures: { keyID: { equals(k: unknown): boolean }; verified: Promise<unknown> }[],
    keys: PublicKey[],
  ): Promise<{ signer?: string; error?: FlintError }> {
    const name = this.name;
    try {
      if (signatures.length === 0) throw new Error('the signature file holds no signature');
      const errors: string[] = [];
      for (const s of signatures) {
        try {
          await s.verified;
          const key = keys.find((k) => k.getKeys(s.keyID as never).length > 0);
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
      return { error: new FlintError('SIGNATURE_INVALID', `OpenPGP signature check failed for ${name}`, [(err as Error).message]) };
    }
  }

  /** Bytes fed so far. */
  get bytes(): number {
    return this.size;
  }

  /** Feeds the next bytes (not kept after the call); resolves when the signature side can take more (backpressure). */
  update(chunk: Uint8Array): Promise<void> | undefined {
    if (this.finished) throw new Error('StreamVerifier.update after finish');
    this.hash.update(chunk);
    for (const h of this.extra.values()) h.update(chunk);
    this.size += chunk.length;
    const c = this.controller;
    if (!c) return undefined;
    // openpgp's cost is per chunk: hand it batches of about 1 MiB (copied: callers may reuse
    // their buffers once update() has returned)
    this.pending.push(new Uint8Array(chunk));
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < BATCH_BYTES) return undefined;
    this.flushPending();
    if ((c.desiredSize ?? 1) > 0) return undefined;
    return new Promise<void>((resolve) => {
      this.waiter = resolve;
    });
  }

  private flushPending(): void {
    if (this.pendingBytes === 0 || !this.controller) return;
    const batch = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.controller.enqueue(batch);
  }

  /** Ends the input and returns the digest and the signature outcome (never throws for a bad signature). */
  async finish(): Promise<VerifyOutcome> {
    this.finished = true;
    this.flushPending();
    this.controller?.close();
    const sigDone = this.finishSignature ? this.finishSignature() : this.sigDone;
    const sha256 = this.hash.copy().digest('hex');
    if (!sigDone) return { sha256, size: this.size, signature: 'none' };
    const { signer, error } = await sigDone;
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
