import { readKeys, type PublicKey } from 'openpgp';
import { FlintError } from '../errors';
import { BUNDLED_SIGNING_KEYS } from './signing-keys';

const ARMOR_BLOCK = /-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/g;

/** Splits text that may hold several concatenated armored key blocks into single blocks. */
export function splitArmoredKeys(text: string): string[] {
  return text.match(ARMOR_BLOCK) ?? [];
}

async function parseBlocks(text: string, origin: string): Promise<PublicKey[]> {
  const blocks = splitArmoredKeys(text);
  if (blocks.length === 0) {
    throw new FlintError('KEYRING_INVALID', `No OpenPGP public key block found in ${origin}`, [
      'expected an armored key ("-----BEGIN PGP PUBLIC KEY BLOCK-----")',
    ]);
  }
  const keys: PublicKey[] = [];
  for (const armoredKeys of blocks) {
    try {
      const parsed = await readKeys({ armoredKeys });
      for (const k of parsed) if (!k.isPrivate()) keys.push(k as PublicKey);
    } catch (err) {
      throw new FlintError('KEYRING_INVALID', `Cannot read an OpenPGP key in ${origin}`, [(err as Error).message]);
    }
  }
  return keys;
}

let bundledCache: Promise<PublicKey[]> | undefined;

/** The keys bundled with Flint (Fedora 43/44/45 and Red Hat release key 2), parsed once. */
export function bundledKeys(): Promise<PublicKey[]> {
  bundledCache ??= parseBlocks(BUNDLED_SIGNING_KEYS, 'the bundled keyring');
  return bundledCache;
}

/**
 * Builds the trusted keyring: the bundled keys plus `extraArmored` (armored public keys a user
 * or a test adds, e.g. read from `--keyring FILE`); each text may hold several key blocks.
 */
export async function loadKeyring(extraArmored: string[] = []): Promise<PublicKey[]> {
  const keys = [...(await bundledKeys())];
  for (const [i, text] of extraArmored.entries()) {
    keys.push(...(await parseBlocks(text, `extra key #${i + 1}`)));
  }
  return keys;
}

/** Upper-case hex fingerprints of `keys` (for display and tests). */
export function fingerprints(keys: PublicKey[]): string[] {
  return keys.map((k) => k.getFingerprint().toUpperCase());
}

/** Who a signing key is: its fingerprint, first user id, and whether it is one Flint bundles. */
export interface SignerInfo {
  fingerprint: string;
  userId: string | null;
  bundled: boolean;
}

/** Names the key with `fingerprint` among the bundled keys and `extraArmored` (unknown: no user id). */
export async function describeSigner(fingerprint: string, extraArmored: string[] = []): Promise<SignerInfo> {
  const fp = fingerprint.toUpperCase();
  const find = (keys: PublicKey[]) => keys.find((k) => k.getFingerprint().toUpperCase() === fp);
  const bundled = find(await bundledKeys());
  let key = bundled;
  if (!key) {
    for (const text of extraArmored) {
      key = find(await parseBlocks(text, 'an extra key').catch(() => []));
      if (key) break;
    }
  }
  return { fingerprint: fp, userId: key?.getUserIDs()[0] ?? null, bundled: !!bundled };
}
