import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlintError } from '../../../electron/core/errors';
import { importLocalIso } from '../../../electron/core/stream/local';
import { TEST_KEY, sha256File, signFile } from '../../helpers/mirror-server';

let dir: string;
let iso: string;
let sha: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flint-import-'));
  iso = path.join(dir, 'local.iso');
  await writeFile(iso, randomBytes(2 * 1024 * 1024 + 1));
  sha = await sha256File(iso);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  ) as Promise<FlintError>;

describe('importLocalIso', () => {
  it('without a signature: usable but unverified', async () => {
    expect(await importLocalIso(iso)).toEqual({ path: iso, sha256: sha, size: 2 * 1024 * 1024 + 1, signature: 'none' });
  });

  it('finds <iso>.sig next to the file and verifies it with an added key', async () => {
    await writeFile(`${iso}.sig`, await signFile(iso));
    const progress: number[] = [];
    const r = await importLocalIso(iso, { keyrings: [TEST_KEY.publicArmored], onProgress: (p) => progress.push(p.bytes) });
    expect(r).toMatchObject({ path: iso, sha256: sha, signature: 'verified', sigPath: `${iso}.sig` });
    expect(progress.at(-1)).toBe(r.size);
  });

  it('uses an explicit sigPath, and sigPath null ignores a signature', async () => {
    const sig = path.join(dir, 'elsewhere.sig');
    await writeFile(sig, await signFile(iso));
    expect((await importLocalIso(iso, { sigPath: sig, keyrings: [TEST_KEY.publicArmored] })).signature).toBe('verified');
    await writeFile(`${iso}.sig`, 'junk');
    expect((await importLocalIso(iso, { sigPath: null })).signature).toBe('none');
  });

  it('rejects a signature of other data but keeps the user file', async () => {
    const other = path.join(dir, 'other');
    await writeFile(other, 'other');
    await writeFile(`${iso}.sig`, await signFile(other));
    const err = await failure(importLocalIso(iso, { keyrings: [TEST_KEY.publicArmored] }));
    expect(err).toBeInstanceOf(FlintError);
    expect(err.code).toBe('IMPORT_SIGNATURE_INVALID');
    expect(err.message).toBe(`OpenPGP signature check failed for local.iso: the signature does not match the file (${iso}.sig)`);
    expect(existsSync(iso)).toBe(true);
  });

  it('rejects a signature by an untrusted key', async () => {
    await writeFile(`${iso}.sig`, await signFile(iso));
    expect((await failure(importLocalIso(iso))).code).toBe('IMPORT_SIGNATURE_UNKNOWN_KEY');
  });

  it('compares with an expected SHA-256', async () => {
    const err = await failure(importLocalIso(iso, { expectedSha256: '0'.repeat(64) }));
    expect(err.code).toBe('IMPORT_SHA256_MISMATCH');
    expect(err.causes).toEqual([`expected ${'0'.repeat(64)}, got ${sha}`]);
    expect((await importLocalIso(iso, { expectedSha256: sha.toUpperCase() })).sha256).toBe(sha);
  });

  it('reports a missing file clearly', async () => {
    const err = await failure(importLocalIso(path.join(dir, 'nope.iso')));
    expect(err.code).toBe('IMPORT_NOT_FOUND');
    expect(err.message).toBe(`Cannot open ${path.join(dir, 'nope.iso')}`);
  });
});
