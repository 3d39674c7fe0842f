/**
 * "What is on this stick?": reads a live stick (a block device) or a live ISO file and reports its
 * CoreOS release, every member of the Ignition embed area, the live config and network keyfiles
 * they hold, and the kernel-argument changes from the image's defaults. It only reads: the path is
 * opened read-only (never O_EXCL, so a mounted stick is fine) through the same ByteSource parsers
 * the writer's read-back uses.
 *
 * The result is plain JSON and complete enough to give the same customization to another release:
 * `reapplyRequest` turns its `customization` into the CustomizeRequest that writes the same
 * embed-area members byte for byte and makes the same karg changes to the new defaults.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { FlintError } from '../errors';
import { openFileSource, type ByteSource } from './byte-source';
import type { CustomizeRequest, KeptMember } from './customize';
import type { IsoFeatures } from './features';
import { CONFIG_IGN, networkName } from '../live-names';
import { inspectIso, type IsoArch, type IsoFacts } from './inspect';
import { diffKargs, type KargChanges } from './karg-changes';
import { summarizeLiveConfig, type LiveConfigSummary } from './live-config-read';
import { identifyRelease, volumeCreated, type ReleaseIdentity } from './release';
import { readIso9660 } from './iso9660';

/** What an embed-area member is. */
export type MemberKind = 'live-config' | 'network-keyfile' | 'other';

/** One file of the embed area, with its bytes (base64) so the customization can be re-applied. */
export interface EmbeddedMember {
  /** Archive path, e.g. `config.ign`, `etc/coreos-firstboot-network/eth0.nmconnection`. */
  path: string;
  kind: MemberKind;
  size: number;
  sha256: string;
  /** The member's bytes, base64. */
  data: string;
}

/** A NetworkManager keyfile of the embed area, as far as it says what it configures. */
export interface KeyfileSummary {
  /** File name (`eth0.nmconnection`). */
  name: string;
  size: number;
  sha256: string;
  /** `[connection] id`, `interface-name` and `type`, `[ipv4] method` and addresses, when present. */
  id: string | null;
  interfaceName: string | null;
  type: string | null;
  ipv4Method: string | null;
  ipv4Addresses: string[];
}

/** The customization of an image, in the form a refresh re-applies. Plain JSON. */
export interface StickCustomization {
  /** Every embed-area member (sorted by path), bytes included. */
  members: EmbeddedMember[];
  /** Karg changes from the image's defaults; null when the image has no karg areas. */
  kargChanges: KargChanges | null;
}

/** Everything `flint stick show` reports. Plain JSON (JSON.parse(JSON.stringify(x)) deep-equals x). */
export interface StickContents {
  source: { path: string; kind: 'device' | 'file'; size: number };
  release: ReleaseIdentity;
  arch: IsoArch;
  /** Bytes of the ISO 9660 volume (a stick is larger than the image written to it). */
  imageSize: number;
  features: IsoFeatures;
  embedArea: { offset: number; length: number; empty: boolean };
  /** Null when the image has no karg areas (images before 2021). */
  kargs: { default: string; current: string; changes: KargChanges } | null;
  /** config.ign or network files embedded, or kargs differ from the defaults (coreos-installer's test). */
  customized: boolean;
  customization: StickCustomization;
  /** The embedded live config, read back; null when there is none. */
  liveConfig: LiveConfigSummary | null;
  networkKeyfiles: KeyfileSummary[];
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function kindOf(path: string): MemberKind {
  if (path === CONFIG_IGN) return 'live-config';
  if (networkName(path) !== null) return 'network-keyfile';
  return 'other';
}

/** The sections and keys of an INI-style NetworkManager keyfile (later keys win). */
function parseKeyfile(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let cur: Map<string, string> | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      cur = sections.get(sec[1]) ?? new Map();
      sections.set(sec[1], cur);
    } else if (cur) {
      const eq = line.indexOf('=');
      if (eq > 0) cur.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    }
  }
  return sections;
}

/** What a keyfile configures (nm-settings-keyfile(5): `address1=`, `address2=`..., legacy `addresses=`). */
export function summarizeKeyfile(name: string, data: Uint8Array): KeyfileSummary {
  const ini = parseKeyfile(Buffer.from(data).toString('utf8'));
  const conn = ini.get('connection');
  const ipv4 = ini.get('ipv4');
  const addresses = [...(ipv4 ?? new Map<string, string>())]
    .filter(([k]) => /^address(es)?\d*$/.test(k))
    .flatMap(([, v]) => v.split(';'))
    .map((v) => v.split(',')[0].trim())
    .filter(Boolean);
  return {
    name,
    size: data.length,
    sha256: sha256(data),
    id: conn?.get('id') ?? null,
    interfaceName: conn?.get('interface-name') ?? null,
    type: conn?.get('type') ?? null,
    ipv4Method: ipv4?.get('method') ?? null,
    ipv4Addresses: addresses,
  };
}

/** Builds the report from the facts of an already inspected image. */
export async function stickContentsOf(src: ByteSource, facts: IsoFacts, source: StickContents['source']): Promise<StickContents> {
  const iso = await readIso9660(src);
  const members: EmbeddedMember[] = facts.members.map((m) => ({
    path: m.path,
    kind: kindOf(m.path),
    size: m.data.length,
    sha256: sha256(m.data),
    data: Buffer.from(m.data).toString('base64'),
  }));
  const kargs = facts.kargs && {
    default: facts.kargs.defaultKargs,
    current: facts.kargs.currentKargs,
    changes: diffKargs(facts.kargs.defaultKargs, facts.kargs.currentKargs),
  };
  return {
    source,
    release: identifyRelease(facts.volumeId, facts.kargs?.defaultKargs ?? null, await volumeCreated(src)),
    arch: facts.arch,
    imageSize: iso.volumeSize,
    features: facts.features,
    embedArea: { offset: facts.embedArea.offset, length: facts.embedArea.length, empty: facts.members.length === 0 },
    kargs,
    customized: facts.customized,
    customization: { members, kargChanges: kargs ? kargs.changes : null },
    liveConfig: facts.ignition ? summarizeLiveConfig(facts.ignition) : null,
    networkKeyfiles: facts.members.flatMap((m) => {
      const name = networkName(m.path);
      return name === null ? [] : [summarizeKeyfile(name, m.data)];
    }),
  };
}

/** Errors that mean "this is not a CoreOS live image" (as opposed to an unreadable device). */
const NOT_LIVE = new Set(['ISO_NOT_ISO', 'ISO_NOT_COREOS', 'ISO_INCOMPLETE', 'ISO_CORRUPT', 'ISO_BAD_NAME', 'ISO_NOT_DIR', 'ISO_IS_DIR']);

/** Reads a ByteSource that should hold a live image; `source` names it in the report and errors. */
export async function readStickContents(src: ByteSource, source: StickContents['source']): Promise<StickContents> {
  let facts: IsoFacts;
  try {
    facts = await inspectIso(src);
  } catch (err) {
    if (err instanceof FlintError && NOT_LIVE.has(err.code)) {
      const what = source.kind === 'device' ? `${source.path} holds no CoreOS live image` : `${source.path} is not a CoreOS live ISO image`;
      throw new FlintError('STICK_NOT_LIVE', what, [err.message, ...err.causes]);
    }
    throw err;
  }
  return stickContentsOf(src, facts, source);
}

/**
 * Opens `path` (a block device or an ISO file) read-only and reads it. A device the user may not
 * read gets an error that says so.
 */
export async function readStickContentsAt(path: string): Promise<StickContents> {
  let kind: 'device' | 'file';
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new FlintError('STICK_IS_DIR', `${path} is a folder, not a stick or an ISO file`);
    kind = st.isBlockDevice() || st.isCharacterDevice() ? 'device' : 'file';
  } catch (err) {
    if (err instanceof FlintError) throw err;
    throw new FlintError('STICK_NOT_FOUND', `Cannot read ${path}`, [(err as Error).message]);
  }
  let src;
  try {
    src = await openFileSource(path);
  } catch (err) {
    const e = err as FlintError;
    const denied = e.causes.some((c) => /EACCES|EPERM/.test(c));
    if (denied && kind === 'device') {
      throw new FlintError('STICK_NO_PERMISSION', `Not allowed to read ${path}`, [
        ...e.causes,
        'reading a drive needs administrator rights (run with sudo) or membership of the disk group',
      ]);
    }
    throw err;
  }
  try {
    return await readStickContents(src, { path, kind, size: src.size });
  } finally {
    await src.close();
  }
}

/** The embed-area members of a customization as bytes. */
export function keptMembers(c: StickCustomization): KeptMember[] {
  return c.members.map((m) => {
    const data = new Uint8Array(Buffer.from(m.data, 'base64'));
    if (data.length !== m.size || sha256(data) !== m.sha256) {
      throw new FlintError('STICK_MEMBER_CORRUPT', `The saved bytes of ${m.path} do not match its size and SHA-256`);
    }
    return { path: m.path, data };
  });
}

/**
 * The CustomizeRequest that gives another (pristine) image the same customization: the same
 * embed-area members byte for byte, and the same karg changes applied to that image's defaults.
 * `force` is not set: the target image must be pristine, as a fresh download is.
 */
export function reapplyRequest(c: StickCustomization): CustomizeRequest {
  const req: CustomizeRequest = { keepMembers: keptMembers(c) };
  const k = c.kargChanges;
  if (k?.append.length) req.liveKargAppend = [...k.append];
  if (k?.delete.length) req.liveKargDelete = [...k.delete];
  if (k?.replace.length) req.liveKargReplace = [...k.replace];
  return req;
}
