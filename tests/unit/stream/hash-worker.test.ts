import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMessage, enums, readPrivateKey, sign, type PublicKey } from 'openpgp';
import { ParallelHasher } from '../../../electron/core/stream/hash-worker';
import { loadKeyring } from '../../../electron/core/stream/keyring';
import { StreamVerifier } from '../../../electron/core/stream/verify';

const V = path.resolve(__dirname, '../../fixtures/coreos-installer/verify');
const MiB = 1 << 20;
const data = randomBytes(20 * MiB + 4321); // over the 16 MiB threshold of the worker path
let sig: Buffer;
let keys: PublicKey[];

beforeAll(async () => {
  const key = await readPrivateKey({ armoredKey: readFileSync(path.join(V, 'test-key.priv.asc'), 'utf8') });
  sig = Buffer.from((await sign({
    message: await createMessage({ binary: data }), signingKeys: key, detached: true, format: 'binary',
    config: { preferredHashAlgorithm: enums.hash.sha256 },
  })) as Uint8Array);
  keys = await loadKeyring([readFileSync(path.join(V, 'test-key.pub.asc'), 'utf8')]);
});

/** Feeds `bytes` in uneven pieces, waiting whenever update asks for it; counts the waits. */
async function feed(v: { update(c: Uint8Array): Promise<void> | undefined }, bytes: Buffer): Promise<number> {
  let waits = 0;
  const sizes = [1, 65536, 300_000, 7, 3 * MiB];
  for (let off = 0, i = 0; off < bytes.length; i++) {
    const piece = bytes.subarray(off, off + sizes[i % sizes.length]);
    off += piece.length;
    const w = v.update(piece);
    if (w) {
      waits++;
      await w;
    }
  }
  return waits;
}

describe('StreamVerifier with the hashing on a worker thread (expectedSize >= 16 MiB)', () => {
  it('verifies the SHA-256 and the v4 binary signature in one pass, with backpressure', async () => {
    const v = await StreamVerifier.create('big.iso', sig, keys, { expectedSize: data.length });
    const waits = await feed(v, data);
    const out = await v.finish();
    expect(waits).toBeGreaterThan(0); // 20 MiB does not fit the 8 MiB ring without waiting
    expect(out).toMatchObject({
      sha256: createHash('sha256').update(data).digest('hex'), size: data.length, signature: 'verified',
      signer: '1A304569BFADFB3E3F96F0C3AA2A69A46EC352FC',
    });
  });

  it('reports a bad signature and a different SHA-256 for one flipped byte', async () => {
    const bad = Buffer.from(data);
    bad[17 * MiB] ^= 1;
    const v = await StreamVerifier.create('big.iso', sig, keys, { expectedSize: bad.length });
    await feed(v, bad);
    const out = await v.finish();
    expect(out.sha256).toBe(createHash('sha256').update(bad).digest('hex'));
    expect(out.signature).toBe('none');
    expect(out.signatureError).toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('gives the same results as the in-thread path for the streamed openpgp path and without a signature', async () => {
    const streamed = await StreamVerifier.create('big.iso', sig, keys, { expectedSize: data.length, streamed: true });
    await feed(streamed, data);
    expect(await streamed.finish()).toMatchObject({ signature: 'verified', sha256: createHash('sha256').update(data).digest('hex') });
    const plain = await StreamVerifier.create('big.iso', null, [], { expectedSize: data.length });
    await feed(plain, data);
    expect(await plain.finish()).toEqual({ sha256: createHash('sha256').update(data).digest('hex'), size: data.length, signature: 'none' });
  });

  it('abort releases a caller waiting for room and stops the worker', async () => {
    const h = new ParallelHasher(['sha256']);
    let wait: Promise<void> | undefined;
    for (let i = 0; i < 64 && !wait; i++) wait = h.update(data.subarray(0, MiB));
    expect(wait).toBeDefined();
    h.abort();
    await expect(wait).resolves.toBeUndefined();
  });

  it('ParallelHasher hashes trailers after the data (OpenPGP signature digests)', async () => {
    const h = new ParallelHasher(['sha256', 'sha512']);
    await feed(h, data);
    const trailer = Buffer.from('trailer bytes');
    const r = await h.finish([{ algo: 'sha512', bytes: trailer }]);
    expect(r.digests).toEqual({
      sha256: createHash('sha256').update(data).digest('hex'), sha512: createHash('sha512').update(data).digest('hex'),
    });
    expect(Buffer.from(r.trailers[0]).toString('hex')).toBe(createHash('sha512').update(data).update(trailer).digest('hex'));
  });
});
