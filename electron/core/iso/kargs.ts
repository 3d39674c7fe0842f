import { ERROR_CODES, type WarningValue } from '../../contract/error-codes';
import { assertNoControlChars, checkKargs, requireValidKargs } from '../cmdline';
import { FlintError, codedError } from '../errors';
import type { ByteSource } from './byte-source';
import { DESCRIPTORS_START, IsoNotFoundError, lookupPath, readIsoFile, type Iso9660 } from './iso9660';
import type { PatchWrite } from './plan';

/** One karg slot: absolute offset in the image plus its pad and end characters. */
export interface KargSlot {
  offset: number;
  pad: string;
  end: string;
}

/** The kernel-argument embed areas of an ISO (docs/live-iso-format.md §6). */
export interface KargAreas {
  /** Slot length in bytes (same for every slot). */
  size: number;
  defaultKargs: string;
  currentKargs: string;
  slots: KargSlot[];
}

/** Largest slot coreos-installer accepts. */
export const MAX_KARG_AREA = 2048;
/** Size of the legacy `coreiso+` header, the last bytes of the system area (docs/live-iso-format.md §4.2). */
const COREISO_HEADER_SIZE = 24;
/** Size of the legacy coreKarg header, just before the `coreiso+` header (docs/live-iso-format.md §6.4). */
const CORE_KARG_HEADER_SIZE = 72;
/**
 * Offset of the coreKarg header: derived like coreos-installer's src/live/embed.rs
 * (`32768 - COREOS_INITRD_HEADER_SIZE - COREOS_KARG_EMBED_AREA_HEADER_SIZE`), i.e. 32672.
 */
export const CORE_KARG_OFFSET = DESCRIPTORS_START - COREISO_HEADER_SIZE - CORE_KARG_HEADER_SIZE;
// fields of the coreKarg header (docs/live-iso-format.md §6.4), each u64le after the magic
const CORE_KARG_MAGIC = 'coreKarg';
const CORE_KARG_LEN = 8;
const CORE_KARG_DEFAULT = 16;
const CORE_KARG_SLOTS = 24;
const CORE_KARG_MAX_SLOTS = 6;
const U64_SIZE = 8;
const KARGS_JSON = 'COREOS/KARGS.JSO';

function u64(b: Uint8Array, at: number): number {
  const v = Buffer.from(b.buffer, b.byteOffset, b.length).readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new FlintError('KARGS_CORRUPT', `karg header value ${v} out of range`);
  return Number(v);
}

const oneChar = (v: unknown, dflt: string): string => {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || [...v].length !== 1) throw new Error(`expected a single character, got ${JSON.stringify(v)}`);
  return v;
};

async function fromKargsJson(src: ByteSource, iso: Iso9660, json: Uint8Array): Promise<Omit<KargAreas, 'currentKargs'>> {
  let info: { default: string; files: { path: string; offset: number; pad: string; end: string }[]; size: number };
  try {
    const raw = JSON.parse(Buffer.from(json).toString('utf8'));
    if (typeof raw.default !== 'string' || !Number.isSafeInteger(raw.size) || !Array.isArray(raw.files))
      throw new Error('missing default, files or size');
    info = {
      default: raw.default,
      size: raw.size,
      files: raw.files.map((f: Record<string, unknown>) => {
        if (typeof f.path !== 'string' || !Number.isSafeInteger(f.offset)) throw new Error('file entry needs path and offset');
        return { path: f.path, offset: f.offset as number, pad: oneChar(f.pad, '#'), end: oneChar(f.end, '\n') };
      }),
    };
  } catch (err) {
    throw new FlintError('KARGS_CORRUPT', 'decoding kargs embed area info', [(err as Error).message]);
  }
  if (info.size > MAX_KARG_AREA)
    throw new FlintError('KARGS_CORRUPT', `karg embed area size larger than ${MAX_KARG_AREA} (found ${info.size})`);
  if (Buffer.byteLength(info.default) > info.size) {
    throw new FlintError('KARGS_CORRUPT', `default kargs size ${Buffer.byteLength(info.default)} larger than embed areas (${info.size})`);
  }
  const slots: KargSlot[] = [];
  for (const f of info.files) {
    let rec;
    try {
      rec = await lookupPath(src, iso, f.path.toUpperCase());
    } catch (err) {
      throw new FlintError('KARGS_CORRUPT', `looking up '${f.path}'`, [(err as Error).message]);
    }
    slots.push({ offset: rec.offset + f.offset, pad: f.pad, end: f.end });
  }
  slots.sort((a, b) => a.offset - b.offset);
  return { size: info.size, defaultKargs: info.default, slots };
}

/** Parses the kargs held in one slot (docs/live-iso-format.md §6.3). */
export function parseSlot(bytes: Uint8Array, pad: string, end: string): string {
  let s: string;
  try {
    s = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FlintError('KARGS_CORRUPT', 'invalid UTF-8 in karg area');
  }
  while (s.endsWith(pad)) s = s.slice(0, -pad.length);
  while (s.endsWith(end)) s = s.slice(0, -end.length);
  return s.trim();
}

async function fromLegacyHeader(src: ByteSource, system: Uint8Array): Promise<Omit<KargAreas, 'currentKargs'> | null> {
  const h = system.subarray(CORE_KARG_OFFSET, CORE_KARG_OFFSET + CORE_KARG_HEADER_SIZE);
  if (Buffer.from(h.subarray(0, CORE_KARG_MAGIC.length)).toString('latin1') !== CORE_KARG_MAGIC) return null;
  const size = u64(h, CORE_KARG_LEN);
  if (size > MAX_KARG_AREA) throw new FlintError('KARGS_CORRUPT', `karg embed area length larger than ${MAX_KARG_AREA} (found ${size})`);
  const defaultKargs = parseSlot(await src.read(u64(h, CORE_KARG_DEFAULT), size), '#', '\n');
  const slots: KargSlot[] = [];
  for (let i = 0; i < CORE_KARG_MAX_SLOTS; i++) {
    const off = u64(h, CORE_KARG_SLOTS + i * U64_SIZE);
    if (off === 0) break;
    slots.push({ offset: off, pad: '#', end: '\n' });
  }
  return { size, defaultKargs, slots };
}

/**
 * Finds the karg areas: `coreos/kargs.json` when present, else the legacy coreKarg header in
 * the system area; null when the ISO has neither. Reads the current kargs and checks that all
 * slots agree.
 */
export async function findKargAreas(src: ByteSource, iso: Iso9660, systemArea: Uint8Array): Promise<KargAreas | null> {
  let found: Omit<KargAreas, 'currentKargs'> | null;
  try {
    const { data } = await readIsoFile(src, iso, KARGS_JSON);
    found = await fromKargsJson(src, iso, data);
  } catch (err) {
    if (!(err instanceof IsoNotFoundError)) throw err;
    found = await fromLegacyHeader(src, systemArea);
  }
  if (!found) return null;
  if (found.slots.length === 0) throw new FlintError('KARGS_CORRUPT', 'No karg embed areas found; corrupted CoreOS ISO image.');
  let current: string | null = null;
  for (const slot of found.slots) {
    const k = parseSlot(await src.read(slot.offset, found.size), slot.pad, slot.end);
    if (current === null) current = k;
    else if (k !== current) {
      throw new FlintError(
        'KARGS_MISMATCH',
        `kargs don't match at all offsets! (expected '${current}', but offset ${slot.offset} has: '${k}')`,
      );
    }
  }
  return { ...found, currentKargs: current ?? '' };
}

/**
 * Writes that set every slot to `kargs` (docs/live-iso-format.md §6.5): kargs + end + pad to the
 * slot size. Every path that changes live kargs ends here, so a control character (a newline would
 * start a new line of grub.cfg / isolinux.cfg) is refused here whatever built the line.
 */
export function kargWrites(areas: Pick<KargAreas, 'size' | 'slots'>, kargs: string): PatchWrite[] {
  const k = kargs.trim();
  assertNoControlChars(k);
  const len = Buffer.byteLength(k);
  if (len >= areas.size) {
    throw codedError(
      ERROR_CODES.KARGS_TOO_LARGE,
      { bytes: len + 1, limit: areas.size },
      `kargs too large for area: ${len + 1} vs ${areas.size}`,
    );
  }
  return areas.slots.map((slot) => {
    const head = Buffer.from(k + slot.end, 'utf8');
    const bytes = Buffer.alloc(areas.size, slot.pad, 'utf8');
    head.copy(bytes, 0, 0, Math.min(head.length, areas.size));
    return { offset: slot.offset, bytes: new Uint8Array(bytes) };
  });
}

/** Edits to a kernel command line; applied delete → append → replace (docs/live-iso-format.md §6.6). */
export interface KargEdits {
  append?: string[];
  delete?: string[];
  replace?: string[];
}

/** coreos-installer's KEY=OLD=NEW form of a replacement (src/io/bls.rs). */
const REPLACE_RE = /^([^=]+)=([^=]+)=([^=]+)$/;

/**
 * Checks karg edits with the one rule set (electron/core/cmdline.ts) before they are applied:
 * appended arguments and the new value of a replacement must be kernel arguments the boot loaders
 * pass on unchanged; deleted ones must hold no control character. Throws the first error, returns
 * the warnings (a repeated or overridden default).
 */
export function checkKargEdits(edits: KargEdits, base: string): WarningValue[] {
  for (const d of edits.delete ?? []) assertNoControlChars(d);
  const replaced = (edits.replace ?? []).map((r) => {
    const m = REPLACE_RE.exec(r);
    if (!m) throw new FlintError('KARGS_BAD_REPLACE', 'Wrong input, format should be: KEY=OLD=NEW');
    return `${m[1]}=${m[3]}`;
  });
  requireValidKargs(checkKargs(replaced, { context: 'iso' }));
  return requireValidKargs(checkKargs(edits.append ?? [], { context: 'iso', base }));
}

/** Applies `edits` to `base` exactly like coreos-installer's KargsEditor. */
export function editKargs(base: string, edits: KargEdits): string {
  let s = ` ${base} `;
  for (const d of edits.delete ?? []) s = s.split(` ${d.trim()} `).join(' ');
  for (const a of edits.append ?? []) s += `${a.trim()} `;
  for (const r of edits.replace ?? []) {
    const m = REPLACE_RE.exec(r);
    if (!m) throw new FlintError('KARGS_BAD_REPLACE', 'Wrong input, format should be: KEY=OLD=NEW');
    s = s.split(` ${m[1]}=${m[2]} `).join(` ${m[1]}=${m[3]} `);
  }
  return s.trim();
}
