import { FlintError } from '../errors';

/** A regular file inside an initramfs fragment: path without a leading `/`, and its bytes. */
export interface CpioMember {
  path: string;
  data: Uint8Array;
}

/** newc header length: 6-byte magic + 13 fields of 8 hex digits. */
export const NEWC_HEADER = 110;
const MAGIC_NEWC = '070701';
const MAGIC_CRC = '070702';
const TRAILER = 'TRAILER!!!';
const MODE_DIR = 0o040755;
const MODE_FILE = 0o100600;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
// field indexes in the header (each 8 hex digits after the magic)
const F_INO = 0;
const F_MODE = 1;
const F_FILESIZE = 6;
const F_NAMESIZE = 11;

const pad4 = (n: number) => (4 - (n % 4)) % 4;

function header(ino: number, mode: number, size: number, nameSize: number): string {
  const fields = [ino, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, nameSize, 0];
  return MAGIC_NEWC + fields.map((f) => f.toString(16).padStart(8, '0')).join('');
}

function entry(parts: Uint8Array[], ino: number, mode: number, name: string, data?: Uint8Array): void {
  const nameBytes = Buffer.from(name, 'utf8');
  const size = data?.length ?? 0;
  const head = Buffer.from(header(ino, mode, size, nameBytes.length + 1), 'latin1');
  parts.push(head, nameBytes, new Uint8Array(1 + pad4(NEWC_HEADER + nameBytes.length + 1)));
  if (data && size > 0) parts.push(data, new Uint8Array(pad4(size)));
}

/** Byte-wise (UTF-8) comparison, as Rust's sort of byte strings. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Writes a newc cpio archive the way coreos-installer does (docs/live-iso-format.md §5.2): members sorted by path,
 * parent directories (0755) emitted before their files with the "virtual cwd" rule, files 0600,
 * uid/gid/mtime 0, inode = entry index, then the TRAILER!!! entry with no further padding.
 */
export function writeCpio(members: CpioMember[]): Uint8Array {
  const sorted = [...members].sort((a, b) => compareBytes(a.path, b.path));
  const parts: Uint8Array[] = [];
  let ino = 0;
  let prevDirs: string[] = [];
  for (const m of sorted) {
    const comps = m.path.split('/').filter((c) => c !== '');
    if (comps.length === 0) throw new FlintError('CPIO_BAD_PATH', `invalid archive path "${m.path}"`);
    const dirs = comps.slice(0, -1).map((_, i) => comps.slice(0, i + 1).join('/'));
    let common = 0;
    while (common < dirs.length && common < prevDirs.length && dirs[common] === prevDirs[common]) common++;
    for (const d of dirs.slice(common)) entry(parts, ino++, MODE_DIR, d);
    entry(parts, ino++, MODE_FILE, comps.join('/'), m.data);
    prevDirs = dirs;
  }
  entry(parts, 0, 0, TRAILER);
  return Buffer.concat(parts);
}

/** One raw entry read from an archive. */
export interface CpioEntry {
  path: string;
  mode: number;
  ino: number;
  data: Uint8Array;
}

function field(buf: Uint8Array, at: number, i: number): number {
  const s = Buffer.from(buf.subarray(at + 6 + i * 8, at + 14 + i * 8)).toString('latin1');
  if (!/^[0-9a-fA-F]{8}$/.test(s)) throw new FlintError('CPIO_CORRUPT', 'invalid cpio header field', [JSON.stringify(s)]);
  return parseInt(s, 16);
}

/**
 * Reads one newc (070701 or 070702) archive starting at `offset` up to and including its
 * TRAILER!!! entry. Returns every entry and the offset just after the trailer.
 */
export function readCpioEntries(buf: Uint8Array, offset = 0): { entries: CpioEntry[]; end: number } {
  const entries: CpioEntry[] = [];
  let pos = offset;
  for (;;) {
    if (pos + NEWC_HEADER > buf.length) throw new FlintError('CPIO_CORRUPT', 'truncated cpio archive', [`header at byte ${pos}`]);
    const magic = Buffer.from(buf.subarray(pos, pos + 6)).toString('latin1');
    if (magic !== MAGIC_NEWC && magic !== MAGIC_CRC) {
      throw new FlintError('CPIO_CORRUPT', 'not a newc cpio archive', [`bad magic ${JSON.stringify(magic)} at byte ${pos}`]);
    }
    const mode = field(buf, pos, F_MODE);
    const size = field(buf, pos, F_FILESIZE);
    const nameSize = field(buf, pos, F_NAMESIZE);
    const nameStart = pos + NEWC_HEADER;
    const dataStart = nameStart + nameSize + pad4(NEWC_HEADER + nameSize);
    const dataEnd = dataStart + size;
    if (nameSize === 0 || dataEnd > buf.length) throw new FlintError('CPIO_CORRUPT', 'truncated cpio archive', [`entry at byte ${pos}`]);
    const rawName = buf.subarray(nameStart, nameStart + nameSize);
    const nul = rawName.indexOf(0);
    const name = Buffer.from(nul >= 0 ? rawName.subarray(0, nul) : rawName).toString('utf8');
    pos = dataEnd + pad4(size);
    if (name === TRAILER) return { entries, end: Math.min(pos, buf.length) };
    entries.push({ path: name, mode, ino: field(buf, nameStart - NEWC_HEADER, F_INO), data: buf.subarray(dataStart, dataEnd) });
  }
}

/** Strips a leading `/` or `./` so archive paths compare as `config.ign`. */
export function cleanArchivePath(p: string): string {
  let s = p;
  while (s.startsWith('./') || s.startsWith('/')) s = s.startsWith('/') ? s.slice(1) : s.slice(2);
  return s;
}

/**
 * Reads one archive and keeps only its regular files (docs/live-iso-format.md §5.1); a later file with the same
 * path replaces an earlier one. Returns the members and the offset after the trailer.
 */
export function readCpio(buf: Uint8Array, offset = 0): { members: CpioMember[]; end: number } {
  const { entries, end } = readCpioEntries(buf, offset);
  const map = new Map<string, Uint8Array>();
  for (const e of entries) {
    if ((e.mode & S_IFMT) !== S_IFREG) continue;
    const path = cleanArchivePath(e.path);
    map.delete(path);
    map.set(path, e.data);
  }
  return { members: [...map].map(([path, data]) => ({ path, data })), end };
}
