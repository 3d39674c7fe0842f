/**
 * `coreos/miniso.dat`: what a full live ISO carries to rebuild the "minimal" (network-boot) ISO
 * (docs/live-iso-format.md §8.4; coreos-installer `src/miniso.rs`). The file is bincode with little-endian varints:
 *
 *   header  magic  8 raw bytes `MINISO\0\0`
 *           version          varint u32 (1)
 *           app_version      varint length + UTF-8 (the coreos-installer that packed it)
 *   data    entries          varint count, then per entry three varint u32:
 *                            minimal sector, full sector, length in bytes
 *           digest           32 raw bytes: SHA-256 of the minimal ISO
 *           xzpacked         varint length + an .xz stream: the minimal ISO without the entries'
 *                            bytes (each entry's bytes are in the full ISO at its full sector)
 *
 * bincode varints: a value below 251 is one byte; 251, 252, 253 announce a u16, u32, u64 (LE).
 * Fixed-size byte arrays are raw bytes. The rest of the 16 KiB file is zero padding.
 */
import { createHash } from 'node:crypto';
import { FlintError } from '../errors';
import { unxzAt } from '../codecs/compression';
import { decodeBudget } from '../codecs/limits';
import type { ByteSource } from './byte-source';
import { SECTOR } from './iso9660';

const MAGIC = 'MINISO\0\0';
const VERSION = 1;
/** Largest miniso data coreos-installer deserializes (`DATA_MAX_SIZE`). */
export const MINISO_MAX_SIZE = 1024 * 1024;
const DIGEST_LEN = 32;
const VARINT_U16 = 251;
const VARINT_U32 = 252;
const VARINT_U64 = 253;
/** Bytes copied from the full ISO per read while unpacking. */
const COPY_CHUNK = 1 << 20;

/** One file the minimal ISO shares with the full ISO. */
export interface MinisoEntry {
  /** Sector of the file in the minimal ISO. */
  minimal: number;
  /** Sector of the same bytes in the full ISO. */
  full: number;
  length: number;
}

/** The parsed miniso.dat. */
export interface MinisoData {
  /** coreos-installer version that packed it (information only). */
  appVersion: string;
  entries: MinisoEntry[];
  /** SHA-256 of the minimal ISO. */
  digest: Uint8Array;
  /** The .xz stream of everything else. */
  packed: Uint8Array;
}

/** A bounds-checked bincode reader over the miniso bytes. */
class Reader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  bytes(n: number): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0 || this.pos + n > this.buf.length) {
      throw new Error(`io error: unexpected end of file (wanted ${n} bytes at ${this.pos})`);
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  varint(max: number): number {
    const first = this.bytes(1)[0];
    let v: number;
    const le = (n: number) => {
      const b = this.bytes(n);
      let x = 0;
      for (let i = n - 1; i >= 0; i--) x = x * 256 + b[i];
      return x;
    };
    if (first < VARINT_U16) v = first;
    else if (first === VARINT_U16) v = le(2);
    else if (first === VARINT_U32) v = le(4);
    else if (first === VARINT_U64) v = le(8);
    else throw new Error(`invalid value: integer tag ${first}`);
    if (v > max || !Number.isSafeInteger(v)) throw new Error(`invalid value: integer ${v} out of range`);
    return v;
  }

  string(): string {
    const bytes = this.bytes(this.varint(MINISO_MAX_SIZE));
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new Error('invalid value: string is not UTF-8');
    }
  }
}

const U32 = 0xffffffff;
const fail = (cause: string, inner: string) => new FlintError('MINISO_CORRUPT', 'reading miniso data file', [cause, inner]);

/** Checks the table as coreos-installer's `Table::validate` does: not empty, files do not overlap. */
function validateTable(entries: MinisoEntry[]): void {
  if (entries.length === 0) throw new Error('table is empty; ISOs have no files in common?');
  for (let i = 0; i + 1 < entries.length; i++) {
    const e = entries[i];
    const next = entries[i + 1];
    if (e.minimal * SECTOR + e.length > next.minimal * SECTOR) {
      throw new Error(`Files at offsets ${e.minimal * SECTOR} and ${next.minimal * SECTOR} overlap`);
    }
  }
}

/** Parses miniso.dat (trailing zero padding is ignored, like bincode's allow_trailing_bytes). */
export function parseMiniso(file: Uint8Array): MinisoData {
  const r = new Reader(file.subarray(0, MINISO_MAX_SIZE));
  let appVersion: string;
  try {
    const magic = Buffer.from(r.bytes(MAGIC.length)).toString('latin1');
    const version = r.varint(U32);
    appVersion = r.string();
    if (magic !== MAGIC) throw fail('validating header', 'not a miniso file!');
    if (version !== VERSION) {
      throw fail('validating header', `incompatible miniso file version: ${VERSION} vs ${version} (created by ${appVersion})`);
    }
  } catch (err) {
    if (err instanceof FlintError) throw err;
    throw fail('failed to deserialize header', (err as Error).message);
  }
  const entries: MinisoEntry[] = [];
  let digest: Uint8Array;
  let packed: Uint8Array;
  try {
    const count = r.varint(MINISO_MAX_SIZE);
    for (let i = 0; i < count; i++) entries.push({ minimal: r.varint(U32), full: r.varint(U32), length: r.varint(U32) });
    digest = new Uint8Array(r.bytes(DIGEST_LEN));
    packed = r.bytes(r.varint(MINISO_MAX_SIZE));
  } catch (err) {
    throw fail('failed to deserialize data', (err as Error).message);
  }
  try {
    validateTable(entries);
  } catch (err) {
    throw fail('validating table', (err as Error).message);
  }
  return { appVersion, entries, digest, packed };
}

/**
 * Rebuilds the minimal ISO: the packed bytes up to each entry's minimal offset, then the entry's
 * bytes from the full ISO, then the rest of the packed bytes. Every chunk goes to `write` in
 * order; the SHA-256 of the whole is checked against the recorded digest at the end
 * (`wrong final digest`), so a caller must discard the output when this throws.
 */
export async function unpackMiniso(data: MinisoData, full: ByteSource, write: (chunk: Uint8Array) => Promise<void>): Promise<number> {
  const unpack = (cause: string) => new FlintError('MINISO_UNPACK', 'unpacking miniso', [cause]);
  let rest: Uint8Array;
  try {
    // the minimal ISO is smaller than the full one it is rebuilt from: that bounds the unpacked data
    rest = (await unxzAt(data.packed, 0, decodeBudget(full.size, 'the minimal ISO data'))).data;
  } catch (err) {
    const e = err as FlintError;
    throw unpack([e.message, ...(e.causes ?? [])].join(': '));
  }
  const hash = createHash('sha256');
  let offset = 0;
  let packedPos = 0;
  const emit = async (chunk: Uint8Array) => {
    hash.update(chunk);
    offset += chunk.length;
    await write(chunk);
  };
  for (const e of data.entries) {
    const at = e.minimal * SECTOR;
    if (at > offset) {
      const n = at - offset;
      if (packedPos + n > rest.length) throw unpack(`copying ${n} packed bytes at offset ${offset}: unexpected end of packed data`);
      await emit(rest.subarray(packedPos, packedPos + n));
      packedPos += n;
    }
    const from = e.full * SECTOR;
    if (from + e.length > full.size) throw unpack(`copying full ISO file at offset ${from}: ISO image is incomplete`);
    for (let done = 0; done < e.length; done += COPY_CHUNK) {
      await emit(await full.read(from + done, Math.min(COPY_CHUNK, e.length - done)));
    }
  }
  if (packedPos < rest.length) await emit(rest.subarray(packedPos));
  const found = hash.digest('hex');
  const expected = Buffer.from(data.digest).toString('hex');
  if (found !== expected) throw unpack(`wrong final digest: expected ${expected}, found ${found}`);
  return offset;
}
