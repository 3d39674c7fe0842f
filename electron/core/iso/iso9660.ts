import { FlintError } from '../errors';
import type { ByteSource } from './byte-source';

/** Size of an ISO 9660 sector (logical block). */
export const SECTOR = 2048;
/** Byte offset of the first volume descriptor (sector 16). */
export const DESCRIPTORS_START = 16 * SECTOR;

const VD_TYPE = 0;
const VD_ID = 1; // 'CD001', 5 bytes
const VD_VERSION = 6;
const PVD_SYSTEM_ID = 8; // 32 bytes
const PVD_VOLUME_ID = 40; // 32 bytes
const PVD_SPACE_SIZE = 80; // u32le
const PVD_ROOT_RECORD = 156; // 34 bytes
const TYPE_BOOT = 0;
const TYPE_PRIMARY = 1;
const TYPE_TERMINATOR = 255;

const DR_LENGTH = 0;
const DR_EXTENT = 2; // u32le
const DR_DATA_LENGTH = 10; // u32le
const DR_FLAGS = 25;
const DR_NAME_LEN = 32;
const DR_NAME = 33;
const FLAG_DIRECTORY = 2;

/**
 * Largest directory extent Flint reads. A directory record's data length (ECMA-119 §9.1.4) is a
 * 32-bit field, so a corrupt or hostile image can name gigabytes; FCOS live ISOs have directories
 * of one or two sectors. 16 MiB still holds over 300,000 records.
 */
export const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;
/** Largest file `readIsoFile` reads whole: the metadata it is used for (igninfo.json, kargs.json, features.json) is under 4 KiB. */
export const MAX_METADATA_BYTES = 1024 * 1024;

/** One directory record of the primary volume tree. */
export interface IsoRecord {
  /** Normalised name (`IGNINFO.JSO`). */
  name: string;
  /** Absolute byte offset of the data (extent LBA × 2048). */
  offset: number;
  /** Data length in bytes. */
  length: number;
  isDirectory: boolean;
}

/** The parsed primary volume of an ISO 9660 image. */
export interface Iso9660 {
  systemId: string;
  volumeId: string;
  /** Volume space size in bytes (sectors × 2048). */
  volumeSize: number;
  root: IsoRecord;
}

/** A path lookup failure that means "this file does not exist" (as opposed to a corrupt image). */
export class IsoNotFoundError extends FlintError {
  constructor(message: string) {
    super('ISO_NOT_FOUND', message);
  }
}

function u32(b: Uint8Array, at: number): number {
  if (at + 4 > b.length) throw new FlintError('ISO_CORRUPT', 'incomplete directory record; corrupt ISO?');
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000;
}

function ascii(bytes: Uint8Array): string {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  return Buffer.from(bytes.subarray(0, end)).toString('latin1').replace(/ +$/, '');
}

const NAME_OK = /^[A-Za-z0-9_ !"%&'()*+,\-.:<=>?]*$/;

/** Normalises a primary-volume file identifier the way coreos-installer does (docs/live-iso-format.md §3.3). */
export function normaliseName(raw: Uint8Array): string {
  let end = raw.indexOf(0);
  if (end < 0) end = raw.length;
  let name = Buffer.from(raw.subarray(0, end)).toString('latin1');
  if (name.endsWith(';1')) name = name.slice(0, -2);
  if (name.endsWith('.')) name = name.slice(0, -1);
  name = name.replace(/[;/]/g, '.');
  if (!NAME_OK.test(name)) throw new FlintError('ISO_BAD_NAME', 'invalid string name', [JSON.stringify(name)]);
  return name;
}

function parseRecord(buf: Uint8Array, at: number): IsoRecord {
  const nameLen = buf[at + DR_NAME_LEN];
  if (at + DR_NAME + nameLen > buf.length) throw new FlintError('ISO_CORRUPT', 'incomplete directory record; corrupt ISO?');
  const rawName = buf.subarray(at + DR_NAME, at + DR_NAME + nameLen);
  let name: string;
  if (nameLen === 1 && rawName[0] <= 1) name = rawName[0] === 0 ? '.' : '..';
  else name = normaliseName(rawName);
  return {
    name,
    offset: u32(buf, at + DR_EXTENT) * SECTOR,
    length: u32(buf, at + DR_DATA_LENGTH),
    isDirectory: (buf[at + DR_FLAGS] & FLAG_DIRECTORY) !== 0,
  };
}

/**
 * A file with no ISO 9660 volume descriptor where ECMA-119 §6.2 puts the first one (sector 16):
 * said plainly, where coreos-installer (src/iso9660.rs) says "unknown descriptor ID".
 */
export function notIso9660(cause: string): FlintError {
  return new FlintError('ISO_NOT_ISO', 'not an ISO 9660 image', [cause]);
}

/** Reads the volume descriptors and returns the first primary volume (docs/live-iso-format.md §3.1). */
export async function readIso9660(src: ByteSource): Promise<Iso9660> {
  let primary: Iso9660 | null = null;
  for (let i = 0; ; i++) {
    const at = DESCRIPTORS_START + i * SECTOR;
    if (at + SECTOR > src.size) {
      if (i === 0) throw notIso9660(`the file is ${src.size} bytes, too short to hold the volume descriptors at byte ${DESCRIPTORS_START}`);
      throw new FlintError('ISO_NOT_ISO', 'parsing ISO9660 image', [`getting volume descriptor #${i + 1}`, 'reading volume descriptor']);
    }
    const vd = await src.read(at, SECTOR);
    const id = Buffer.from(vd.subarray(VD_ID, VD_ID + 5)).toString('latin1');
    if (id !== 'CD001' && i === 0) {
      throw notIso9660(`no ISO 9660 volume descriptor at byte ${DESCRIPTORS_START} ("CD001" expected, found ${JSON.stringify(id)})`);
    }
    if (id !== 'CD001') {
      throw new FlintError('ISO_NOT_ISO', 'parsing ISO9660 image', [
        `getting volume descriptor #${i + 1}`,
        `unknown descriptor ID: ${JSON.stringify(id)}`,
      ]);
    }
    if (vd[VD_VERSION] !== 1) {
      throw new FlintError('ISO_NOT_ISO', 'parsing ISO9660 image', [
        `getting volume descriptor #${i + 1}`,
        `unknown descriptor version: ${vd[VD_VERSION]}`,
      ]);
    }
    const type = vd[VD_TYPE];
    if (type === TYPE_TERMINATOR) break;
    if (type === TYPE_BOOT) continue;
    if (type === TYPE_PRIMARY && !primary) {
      const root = parseRecord(vd, PVD_ROOT_RECORD);
      primary = {
        systemId: ascii(vd.subarray(PVD_SYSTEM_ID, PVD_SYSTEM_ID + 32)),
        volumeId: ascii(vd.subarray(PVD_VOLUME_ID, PVD_VOLUME_ID + 32)),
        volumeSize: u32(vd, PVD_SPACE_SIZE) * SECTOR,
        root: { ...root, name: '', isDirectory: true },
      };
    }
  }
  if (!primary) throw new FlintError('ISO_NOT_ISO', 'parsing ISO9660 image', ['no primary volume descriptor found in ISO']);
  if (primary.volumeSize > src.size) throw new FlintError('ISO_INCOMPLETE', 'ISO image is incomplete');
  return primary;
}

/** Lists the records of a directory (without `.` and `..`), docs/live-iso-format.md §3.2. */
export async function readDirectory(src: ByteSource, dir: IsoRecord): Promise<IsoRecord[]> {
  if (dir.length > MAX_DIRECTORY_BYTES)
    throw new FlintError('ISO_CORRUPT', `directory "${dir.name || '/'}" claims ${dir.length} bytes; corrupt ISO?`, [
      `directories are read up to ${MAX_DIRECTORY_BYTES} bytes`,
    ]);
  if (dir.offset + dir.length > src.size) throw new FlintError('ISO_INCOMPLETE', 'ISO image is incomplete');
  const buf = await src.read(dir.offset, dir.length);
  const out: IsoRecord[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const len = buf[pos + DR_LENGTH];
    if (len === 0) {
      pos = (Math.floor(pos / SECTOR) + 1) * SECTOR;
      continue;
    }
    if (pos + len > buf.length || len < DR_NAME) throw new FlintError('ISO_CORRUPT', 'incomplete directory record; corrupt ISO?');
    const rec = parseRecord(buf.subarray(0, pos + len), pos);
    if (rec.name !== '.' && rec.name !== '..') out.push(rec);
    pos += len;
  }
  return out;
}

/**
 * Looks up `path` (components separated by `/`; `.` and `..` handled) in the primary tree.
 * Comparison is exact; callers upper-case JSON-provided paths first. Throws IsoNotFoundError when
 * the path does not exist.
 */
export async function lookupPath(src: ByteSource, iso: Iso9660, path: string): Promise<IsoRecord> {
  const parts: string[] = [];
  for (const c of path.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') parts.pop();
    else parts.push(c);
  }
  let cur = iso.root;
  let dirName = '/';
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    if (!cur.isDirectory) {
      throw new FlintError('ISO_NOT_DIR', `component "${parts[i - 1]}" in path ${path} is not a directory`);
    }
    const entries = await readDirectory(src, cur);
    const hit = entries.find((e) => e.name === parts[i]);
    if (!hit) {
      if (last) throw new IsoNotFoundError(`no record for ${parts[i]} in directory ${dirName}`);
      throw new IsoNotFoundError(`intermediate directory ${parts[i]} does not exist`);
    }
    cur = hit;
    dirName = '/' + parts.slice(0, i + 1).join('/');
  }
  return cur;
}

/** Looks up a file (not a directory) and reads all its bytes (at most `maxBytes`, default MAX_METADATA_BYTES). */
export async function readIsoFile(
  src: ByteSource,
  iso: Iso9660,
  path: string,
  maxBytes = MAX_METADATA_BYTES,
): Promise<{ record: IsoRecord; data: Uint8Array }> {
  const record = await lookupPath(src, iso, path);
  if (record.isDirectory) throw new FlintError('ISO_IS_DIR', `${path} is a directory`);
  if (record.length > maxBytes)
    throw new FlintError('ISO_CORRUPT', `${path} claims ${record.length} bytes, more than the ${maxBytes} read for it; corrupt ISO?`);
  if (record.offset + record.length > src.size) throw new FlintError('ISO_INCOMPLETE', 'ISO image is incomplete');
  return { record, data: await src.read(record.offset, record.length) };
}
