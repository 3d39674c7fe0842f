import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMessage, enums, readPrivateKey, sign } from 'openpgp';
import { FlintError } from '../../../electron/core/errors';
import { bundledKeys, fingerprints, loadKeyring, splitArmoredKeys } from '../../../electron/core/stream/keyring';
import { StreamVerifier } from '../../../electron/core/stream/verify';

const V = path.resolve(__dirname, '../../fixtures/coreos-installer/verify');
const read = (f: string) => readFileSync(path.join(V, f));
const testPub = read('test-key.pub.asc').toString('utf8');

let streamed = false;
async function check(data: Buffer, sig: Buffer | null, extra: string[], chunk = 7) {
  const v = await StreamVerifier.create('f', sig, await loadKeyring(extra), { streamed });
  for (let i = 0; i < data.length; i += chunk) await v.update(data.subarray(i, i + chunk));
  return v.finish();
}

describe('keyring', () => {
  it('bundles the four keys coreos-installer ships', async () => {
    expect(fingerprints(await bundledKeys())).toEqual([
      '567E347AD0044ADE55BA8A5F199E2F91FD431D51',
      'C6E7F081CF80E13146676E88829B606631645531',
      '36F612DCF27F7D1A48A835E4DBFCF71C6D9F90A6',
      '4F50A6114CD5C6976A7F1179655A4B02F577861E',
    ]);
  });
  it('adds extra keys and rejects text without a key', async () => {
    expect(fingerprints(await loadKeyring([testPub])).at(-1)).toBe('1A304569BFADFB3E3F96F0C3AA2A69A46EC352FC');
    expect(splitArmoredKeys(testPub + '\n' + testPub)).toHaveLength(2);
    const err = await loadKeyring(['hello']).catch((e: FlintError) => e);
    expect(err).toMatchObject({ code: 'KEYRING_INVALID', message: 'No OpenPGP public key block found in extra key #1' });
  });
});

describe.each([false, true])('StreamVerifier (streamed openpgp path: %s) with coreos-installer test vectors', (mode) => {
  beforeAll(() => {
    streamed = mode;
  });
  it('verifies 1M.gz against its signature with the test key, fed in odd chunks', async () => {
    const out = await check(read('1M.gz'), read('1M.gz.sig'), [testPub]);
    expect(out).toMatchObject({ signature: 'verified', size: read('1M.gz').length, signer: '1A304569BFADFB3E3F96F0C3AA2A69A46EC352FC' });
    expect(out.signatureError).toBeUndefined();
  });
  it('reports a signature over other data as SIGNATURE_INVALID', async () => {
    const out = await check(read('1M.xz'), read('1M.gz.sig'), [testPub]);
    expect(out.signature).toBe('none');
    expect(out.signatureError).toMatchObject({
      code: 'SIGNATURE_INVALID',
      message: 'OpenPGP signature check failed for f: the signature does not match the file',
    });
  });
  it('reports a one-bit change as SIGNATURE_INVALID', async () => {
    const data = Buffer.from(read('1M.zst'));
    data[data.length >> 1] ^= 1;
    expect((await check(data, read('1M.zst.sig'), [testPub])).signatureError?.code).toBe('SIGNATURE_INVALID');
  });
  it('reports a key outside the keyring as SIGNATURE_UNKNOWN_KEY', async () => {
    const out = await check(read('1M.gz'), read('1M.gz.sig'), []);
    expect(out.signatureError?.code).toBe('SIGNATURE_UNKNOWN_KEY');
  });
  it('refuses garbage signature bytes', async () => {
    const err = await StreamVerifier.create('f', Buffer.from('garbage'), []).catch((e: FlintError) => e);
    expect(err).toBeInstanceOf(FlintError);
    expect((err as FlintError).code).toBe('SIGNATURE_INVALID');
  });
  it('verifies a SHA-512 signature made at run time, and rejects it after a change', async () => {
    const data = Buffer.from('flint '.repeat(100000));
    const priv = await readPrivateKey({ armoredKey: read('test-key.priv.asc').toString('utf8') });
    const sig = (await sign({
      message: await createMessage({ binary: data }),
      signingKeys: priv,
      detached: true,
      format: 'binary',
      config: { preferredHashAlgorithm: enums.hash.sha512 },
    })) as Uint8Array;
    expect((await check(data, Buffer.from(sig), [testPub], 65536)).signature).toBe('verified');
    data[5] = 0x21;
    expect((await check(data, Buffer.from(sig), [testPub], 65536)).signatureError?.code).toBe('SIGNATURE_INVALID');
  });
  it('hashes without a signature', async () => {
    const out = await check(Buffer.from('abc'), null, []);
    expect(out).toEqual({ sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', size: 3, signature: 'none' });
  });
});
