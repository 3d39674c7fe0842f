import { FlintError } from '../errors';
import type { CpioMember } from '../codecs/cpio';
import { NO_FEATURES, parseFeatures, type IsoFeatures } from '../iso/features';
import { buildEmbedPayload } from '../iso/payload';
import { readInitrd } from '../codecs/initrd';
import { CONFIG_IGN, INITRAMFS_FEATURES, LIVE_INITRAMFS_MARKER, networkMember, networkName } from '../live-names';

/** What a live initramfs holds that `pxe customize` cares about. */
export interface InitramfsFacts {
  /** It has `etc/coreos-live-initramfs`. */
  isLive: boolean;
  /** Its `etc/coreos/features.json` (all false when absent). */
  features: IsoFeatures;
  /** Already carries `config.ign` or network keyfiles. */
  customized: boolean;
  /** The regular files of every archive in it (later copies win). */
  members: CpioMember[];
}

/**
 * Reads a whole initramfs with the one initrd reader (docs/live-iso-format.md §5.1) and reports
 * whether it is a CoreOS live initramfs, its feature flags and whether it is customized.
 */
export async function inspectInitramfs(bytes: Uint8Array): Promise<InitramfsFacts> {
  const members = await readInitrd(bytes, { code: 'PXE_INITRAMFS_CORRUPT', message: 'reading initramfs' });
  const byPath = new Map(members.map((m) => [m.path, m.data]));
  const feat = byPath.get(INITRAMFS_FEATURES);
  return {
    isLive: byPath.has(LIVE_INITRAMFS_MARKER),
    features: feat ? parseFeatures(feat) : NO_FEATURES,
    customized: members.some((m) => m.path === CONFIG_IGN || networkName(m.path) !== null),
    members,
  };
}

/** The initramfs bytes unchanged, then one xz (CRC32) cpio archive of `members` (none: unchanged). */
export async function appendArchive(initramfs: Uint8Array, members: CpioMember[]): Promise<Uint8Array> {
  if (members.length === 0) return initramfs;
  const payload = await buildEmbedPayload(members);
  const out = new Uint8Array(initramfs.length + payload.length);
  out.set(initramfs, 0);
  out.set(payload, initramfs.length);
  return out;
}

/** `pxe ignition wrap`: an initrd (xz CRC32 cpio) holding only `config.ign` = `config`, byte for byte. */
export async function wrapIgnition(config: Uint8Array): Promise<Uint8Array> {
  return buildEmbedPayload([{ path: CONFIG_IGN, data: config }]);
}

/**
 * `pxe ignition unwrap`: the `config.ign` inside an initrd (a wrapped config or a customized
 * initramfs). Throws `PXE_NO_IGNITION` when there is none.
 */
export async function unwrapIgnition(initrd: Uint8Array): Promise<Uint8Array> {
  const members = await readWrapped(initrd);
  const cfg = members.find((m) => m.path === CONFIG_IGN);
  if (!cfg) throw new FlintError('PXE_NO_IGNITION', 'No embedded Ignition config.');
  return cfg.data;
}

function readWrapped(initrd: Uint8Array): Promise<CpioMember[]> {
  return readInitrd(initrd, { code: 'PXE_INITRAMFS_CORRUPT', message: 'reading initrd' });
}

/** A NetworkManager keyfile for the live system: its file name (basename is used) and bytes. */
export interface Keyfile {
  name: string;
  data: Uint8Array;
}

/**
 * `pxe network wrap`: an initrd (xz CRC32 cpio) holding the keyfiles as
 * `etc/coreos-firstboot-network/<basename>`, to load beside the initramfs. Throws on two
 * files with the same basename (`multiple input files named 'X'`).
 */
export async function wrapNetworkKeyfiles(files: Keyfile[]): Promise<Uint8Array> {
  if (files.length === 0) throw new FlintError('PXE_NO_KEYFILES', 'no network keyfiles given');
  const seen = new Set<string>();
  const members = files.map((f) => {
    const base = f.name.split('/').pop() ?? '';
    if (!base || base === '.' || base === '..') throw new FlintError('PXE_BAD_KEYFILE', `invalid keyfile name '${f.name}'`);
    if (seen.has(base)) throw new FlintError('PXE_DUPLICATE_KEYFILE', `multiple input files named '${base}'`);
    seen.add(base);
    return { path: networkMember(base), data: f.data };
  });
  return buildEmbedPayload(members);
}

/**
 * `pxe network unwrap`: the keyfiles inside an initrd (a wrapped set or a customized initramfs),
 * by basename. Throws `PXE_NO_NETWORK` (`No embedded network settings.`) when there are none.
 */
export async function unwrapNetworkKeyfiles(initrd: Uint8Array): Promise<Keyfile[]> {
  const found = (await readWrapped(initrd))
    .map((m) => ({ name: networkName(m.path), data: m.data }))
    .filter((f): f is Keyfile => f.name !== null && !f.name.includes('/'));
  if (found.length === 0) throw new FlintError('PXE_NO_NETWORK', 'No embedded network settings.');
  return found.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
}
