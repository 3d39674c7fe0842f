import { FlintError } from '../errors';
import { CONFIG_IGN, networkName } from '../live-names';
import { openFileSource, type ByteSource } from './byte-source';
import type { CpioMember } from '../codecs/cpio';
import { NO_FEATURES, parseFeatures, type IsoFeatures } from './features';
import {
  DESCRIPTORS_START,
  IsoNotFoundError,
  lookupPath,
  notIso9660,
  readDirectory,
  readIso9660,
  readIsoFile,
  type Iso9660,
} from './iso9660';
import { findKargAreas, type KargAreas } from './kargs';
import { decodeEmbedArea, isAllZero } from './payload';

/** CPU architecture of a live ISO, guessed from its layout and volume id. */
export type IsoArch = 'x86_64' | 'aarch64' | 'ppc64le' | 's390x' | 'unknown';

/** Where the Ignition embed area is: absolute offset and length in bytes. */
export interface EmbedArea {
  offset: number;
  length: number;
}

/** Everything Flint knows about a live ISO after reading it (no side effects). */
export interface IsoFacts {
  volumeId: string;
  systemId: string;
  arch: IsoArch;
  /** Size of the image (file or device) in bytes. */
  size: number;
  embedArea: EmbedArea;
  kargs: null | KargAreas;
  features: IsoFeatures;
  /** Files currently in the embed area (empty when pristine). */
  members: CpioMember[];
  /** The embedded `config.ign`, if any. */
  ignition: Uint8Array | null;
  /** config.ign or network files present, or current kargs ≠ default (docs/live-iso-format.md §8.2). */
  customized: boolean;
}

/** Size of the system area: everything before the volume descriptors (ECMA-119 §6.2.1). */
export const SYSTEM_AREA = DESCRIPTORS_START;
const IGNINFO = 'COREOS/IGNINFO.JSO';
const FEATURES = 'COREOS/FEATURES.JSO';
const FALLBACK_EMBED_FILE = 'images/ignition.img';

async function optionalFile(src: ByteSource, iso: Iso9660, path: string): Promise<Uint8Array | null> {
  try {
    return (await readIsoFile(src, iso, path)).data;
  } catch (err) {
    if (err instanceof IsoNotFoundError) return null;
    throw err;
  }
}

/** Locates the Ignition embed area via igninfo.json or the images/ignition.img fallback (docs/live-iso-format.md §4.1). */
export async function findEmbedArea(src: ByteSource, iso: Iso9660): Promise<EmbedArea & { file: string }> {
  const info = await optionalFile(src, iso, IGNINFO);
  let file = FALLBACK_EMBED_FILE;
  let offset: number | undefined;
  let length: number | undefined;
  if (info) {
    try {
      const j = JSON.parse(Buffer.from(info).toString('utf8'));
      if (typeof j?.file !== 'string') throw new Error('missing field `file`');
      for (const k of ['offset', 'length'])
        if (j[k] !== undefined && !Number.isSafeInteger(j[k])) throw new Error(`${k}: expected an integer`);
      ({ file, offset, length } = j);
    } catch (err) {
      throw new FlintError('IGNINFO_CORRUPT', 'decoding igninfo', [(err as Error).message]);
    }
  }
  let rec;
  try {
    rec = await lookupPath(src, iso, file.toUpperCase());
    if (rec.isDirectory) throw new FlintError('ISO_IS_DIR', `${file} is a directory`);
  } catch (err) {
    const e = err as FlintError;
    throw new FlintError('ISO_NOT_COREOS', 'Unrecognized CoreOS ISO image.', ['finding initrd embed area', e.message]);
  }
  const area = { file, offset: rec.offset + (offset ?? 0), length: length ?? rec.length - (offset ?? 0) };
  if (area.length < 0 || area.offset + area.length > src.size) throw new FlintError('ISO_INCOMPLETE', 'ISO image is incomplete');
  return area;
}

async function guessArch(src: ByteSource, iso: Iso9660, embedFile: string): Promise<IsoArch> {
  const v = iso.volumeId.toLowerCase();
  for (const a of ['x86_64', 'aarch64', 'ppc64le', 's390x'] as const) if (v.includes(a)) return a;
  if (embedFile.toLowerCase().endsWith('cdboot.img')) return 's390x';
  const root = (await readDirectory(src, iso.root)).map((r) => r.name);
  if (root.includes('ISOLINUX')) return 'x86_64';
  if (root.includes('BOOTINFO') || root.includes('PPC')) return 'ppc64le';
  if (root.includes('IMAGES')) {
    try {
      await lookupPath(src, iso, 'IMAGES/CDBOOT.IMG');
      return 's390x';
    } catch {
      /* not s390x */
    }
  }
  if (root.includes('EFI')) return 'aarch64';
  return 'unknown';
}

/** Reads and checks a live ISO: volume, embed area, karg areas, features, embedded files. */
export async function inspectIso(src: ByteSource): Promise<IsoFacts> {
  if (src.size < SYSTEM_AREA)
    throw notIso9660(`the file is ${src.size} bytes, too short to hold the volume descriptors at byte ${SYSTEM_AREA}`);
  const iso = await readIso9660(src);
  const embed = await findEmbedArea(src, iso);
  const system = await src.read(0, SYSTEM_AREA);
  const kargs = await findKargAreas(src, iso, system);
  const featuresJson = await optionalFile(src, iso, FEATURES);
  const features = featuresJson ? parseFeatures(featuresJson) : NO_FEATURES;
  const areaBytes = await src.read(embed.offset, embed.length);
  const members = isAllZero(areaBytes) ? [] : await decodeEmbedArea(areaBytes);
  const ignition = members.find((m) => m.path === CONFIG_IGN)?.data ?? null;
  const network = members.some((m) => networkName(m.path) !== null);
  return {
    volumeId: iso.volumeId,
    systemId: iso.systemId,
    arch: await guessArch(src, iso, embed.file),
    size: src.size,
    embedArea: { offset: embed.offset, length: embed.length },
    kargs,
    features,
    members,
    ignition,
    customized: ignition !== null || network || (kargs !== null && kargs.currentKargs !== kargs.defaultKargs),
  };
}

/** inspectIso on a file path (opens and closes it). */
export async function inspectIsoFile(path: string): Promise<IsoFacts> {
  const src = await openFileSource(path);
  try {
    return await inspectIso(src);
  } finally {
    await src.close();
  }
}

/** Reads the embedded `config.ign` of an ISO (or a stick written from one); null when absent. */
export async function readEmbeddedIgnition(src: ByteSource): Promise<Uint8Array | null> {
  return (await inspectIso(src)).ignition;
}
