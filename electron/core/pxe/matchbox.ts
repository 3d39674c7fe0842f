/**
 * A matchbox data directory for a fleet: `profiles/` (how a machine boots: kernel, initrds, kernel
 * arguments, which Ignition config), `groups/` (which machines get a profile: one group per
 * machine selected by its MAC, plus a default group with an empty selector), `ignition/` (the
 * configs matchbox serves at /ignition) and `assets/` (the boot files matchbox serves at /assets).
 * The shapes are those of poseidon/matchbox docs/matchbox.md and examples/profiles/fedora-coreos.json,
 * examples/groups/fedora-coreos/default.json (a profile's boot.initrd entries are iPXE `initrd`
 * arguments, so `--name main` names one as the FCOS example does); matchbox normalizes a `mac`
 * selector to lower case with colons (matchbox/storage/storagepb/group.go), as Flint writes it.
 * Pure: returns documents; electron/core/pxe/export.ts writes them.
 */
import type { PxeArtifactNames, RootfsSource } from './config';
import { ALWAYS_KARGS } from './config';

/** A matchbox profile (matchbox/storage/storagepb/storage.proto, message Profile). */
export interface MatchboxProfile {
  id: string;
  name: string;
  boot: { kernel: string; initrd: string[]; args: string[] };
  ignition_id?: string;
}

/** A matchbox group (storage.proto, message Group; metadata as JSON). */
export interface MatchboxGroup {
  id: string;
  name: string;
  profile: string;
  selector: Record<string, string>;
  metadata: Record<string, unknown>;
}

/** Where the boot files go under assets/ (matchbox serves them at /assets/...). */
export const MATCHBOX_ASSETS = 'fedora-coreos';
/** Id of the profile and group for machines no group selects. */
export const MATCHBOX_DEFAULT = 'flint-default';

/** One machine's profile inputs. */
export interface MatchboxMachine {
  /** Profile and group id (the fleet row's name), or MATCHBOX_DEFAULT. */
  id: string;
  name: string;
  mac?: string;
  /** Whether ignition/<id>.ign exists for it. */
  ignition: boolean;
  /** Its network keyfile initrd under assets/, when it has a static IP. */
  networkInitrd?: string;
  /** Kernel arguments after Flint's (common, then the row's). */
  kargs: string[];
  metadata?: Record<string, unknown>;
}

/** What every profile shares. */
export interface MatchboxBase {
  /** matchbox's HTTP endpoint as machines reach it, e.g. http://matchbox.example.com:8080 */
  endpoint: string;
  artifacts: PxeArtifactNames;
  rootfs: RootfsSource;
  release?: string;
}

const join = (base: string, path: string) => base.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '');

/** The profile of one machine (or of the default). */
export function matchboxProfile(b: MatchboxBase, m: MatchboxMachine): MatchboxProfile {
  const asset = (name: string) => `/assets/${MATCHBOX_ASSETS}/${name}`;
  const initrd = [`--name main ${asset(b.artifacts.initramfs)}`];
  const args = ['initrd=main'];
  if (b.rootfs.mode === 'initrd') {
    initrd.push(`--name rootfs ${asset(b.artifacts.rootfs)}`);
    args.push('initrd=rootfs');
  } else {
    args.push(`coreos.live.rootfs_url=${b.rootfs.url ?? join(b.endpoint, asset(b.artifacts.rootfs))}`);
  }
  if (m.networkInitrd) {
    initrd.push(`--name network /assets/${m.networkInitrd}`);
    args.push('initrd=network');
  }
  args.push(...ALWAYS_KARGS);
  // matchbox answers /ignition with the config of the group the query matches (docs/api-http.md)
  if (m.ignition) args.push(`ignition.config.url=${join(b.endpoint, '/ignition')}?uuid=\${uuid}&mac=\${mac:hexhyp}`);
  args.push(...m.kargs);
  const rel = b.release ? ` ${b.release}` : '';
  return {
    id: m.id,
    name: m.id === MATCHBOX_DEFAULT ? `Fedora CoreOS${rel} live (Flint default)` : `Fedora CoreOS${rel} live: ${m.name}`,
    boot: { kernel: asset(b.artifacts.kernel), initrd, args },
    ...(m.ignition ? { ignition_id: `${m.id}.ign` } : {}),
  };
}

/** The group selecting one machine by MAC, or the default group (empty selector). */
export function matchboxGroup(m: MatchboxMachine): MatchboxGroup {
  const isDefault = m.id === MATCHBOX_DEFAULT;
  return {
    id: isDefault ? 'default' : m.id,
    name: isDefault ? 'Every machine no other group selects' : m.name,
    profile: m.id,
    selector: isDefault || !m.mac ? {} : { mac: m.mac },
    metadata: m.metadata ?? {},
  };
}
