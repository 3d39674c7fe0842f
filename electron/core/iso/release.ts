/**
 * Which CoreOS release a live image carries. A live ISO does not store its stream anywhere; what it
 * does carry is its volume id (`fedora-coreos-38.20230718.3.0`, also written into the default
 * karg `coreos.liveiso=` by the ISO builder) and the volume creation date of its primary volume
 * descriptor. The stream follows from the version number: fedora-coreos-tracker `Design.md`
 * ("Version numbers") defines versions `X.Y.Z.A` where Z names the stream.
 */
import type { ByteSource } from './byte-source';
import { DESCRIPTORS_START, SECTOR } from './iso9660';

/** What the image says about its release. Plain JSON. */
export interface ReleaseIdentity {
  /** ISO volume id, e.g. `fedora-coreos-38.20230718.3.0`. */
  volumeId: string;
  /** `fedora-coreos`, `rhcos`, or null for anything else. */
  product: 'fedora-coreos' | 'rhcos' | null;
  /** Human name of the product (`Fedora CoreOS`, `Red Hat Enterprise Linux CoreOS`). */
  productName: string | null;
  /** The release, e.g. `38.20230718.3.0`; null when neither the volume id nor the karg names one. */
  version: string | null;
  /** The stream the version number names (`stable`, `testing`, `next`, `testing-devel`...); null when unknown. */
  stream: string | null;
  /** A developer build (`X.Y.dev.A`): it belongs to no stream. */
  developerBuild: boolean;
  /** Value of the `coreos.liveiso=` karg among the default kargs (null when the image has none). */
  liveIsoKarg: string | null;
  /** Volume creation time of the primary volume descriptor (ISO 8601, UTC), when recorded. */
  created: string | null;
}

/** Z of `X.Y.Z.A` per stream, from fedora-coreos-tracker Design.md "Version numbers". */
export const STREAM_CODES: Readonly<Record<string, string>> = {
  '1': 'next',
  '2': 'testing',
  '3': 'stable',
  '10': 'next-devel',
  '20': 'testing-devel',
  '91': 'rawhide',
  '92': 'branched',
};

const FCOS_PREFIX = 'fedora-coreos-';
const RHCOS_PREFIX = 'rhcos-';
const FCOS_VERSION = /^(\d+)\.(\d{8})\.(\d+|dev)\.(\d+)$/;
const LIVEISO_KARG = 'coreos.liveiso=';

/** The value of `coreos.liveiso=` in a kernel command line, or null. */
export function liveIsoKarg(kargs: string | null | undefined): string | null {
  const hit = (kargs ?? '').split(/\s+/).find((k) => k.startsWith(LIVEISO_KARG));
  return hit === undefined ? null : hit.slice(LIVEISO_KARG.length);
}

/** The stream a Fedora CoreOS version names (`38.20230718.3.0` → `stable`), or null. */
export function streamOfVersion(version: string): string | null {
  const m = FCOS_VERSION.exec(version);
  return m ? (STREAM_CODES[m[3]] ?? null) : null;
}

/**
 * Orders two Fedora CoreOS versions of one stream: by major version, then build date, then the
 * build's serial A (Design.md "Version numbers": X.Y.Z.A, Y the date of the snapshot, A counting
 * builds of that day). Null when either is not such a version (a developer or RHCOS build).
 */
export function compareVersions(a: string, b: string): number | null {
  const pa = FCOS_VERSION.exec(a);
  const pb = FCOS_VERSION.exec(b);
  if (!pa || !pb || pa[3] === 'dev' || pb[3] === 'dev') return null;
  for (const i of [1, 2, 4]) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * Identifies the release from the volume id, falling back to the `coreos.liveiso=` karg when the
 * volume id is not a CoreOS one (a relabelled copy still boots with the original karg).
 */
export function identifyRelease(volumeId: string, defaultKargs: string | null, created: string | null = null): ReleaseIdentity {
  const karg = liveIsoKarg(defaultKargs);
  const label = [volumeId, karg ?? ''].find((v) => v.startsWith(FCOS_PREFIX) || v.startsWith(RHCOS_PREFIX)) ?? null;
  const out: ReleaseIdentity = {
    volumeId,
    product: null,
    productName: null,
    version: null,
    stream: null,
    developerBuild: false,
    liveIsoKarg: karg,
    created,
  };
  if (label?.startsWith(FCOS_PREFIX)) {
    const version = label.slice(FCOS_PREFIX.length);
    const m = FCOS_VERSION.exec(version);
    out.product = 'fedora-coreos';
    out.productName = 'Fedora CoreOS';
    out.version = version;
    out.developerBuild = m?.[3] === 'dev';
    out.stream = streamOfVersion(version);
  } else if (label?.startsWith(RHCOS_PREFIX)) {
    // RHCOS versions (`47.84.202112162337-0`) name an OpenShift release, not a stream
    out.product = 'rhcos';
    out.productName = 'Red Hat Enterprise Linux CoreOS';
    out.version = label.slice(RHCOS_PREFIX.length);
  }
  return out;
}

const PVD_TYPE_PRIMARY = 1;
const PVD_TYPE_TERMINATOR = 255;
/** ECMA-119 §8.4.26: volume creation date and time, 17 bytes (16 digits + GMT offset in 15 minutes). */
const PVD_CREATED = 813;
const DATE_DIGITS = 16;
const MAX_DESCRIPTORS = 64;

/**
 * Reads the volume creation time of the first primary volume descriptor (ECMA-119 §8.4.26, the
 * 17-byte dec-datetime at byte 813) as an ISO 8601 UTC string; null when unset or unreadable.
 */
export async function volumeCreated(src: ByteSource): Promise<string | null> {
  for (let i = 0; i < MAX_DESCRIPTORS; i++) {
    const at = DESCRIPTORS_START + i * SECTOR;
    if (at + SECTOR > src.size) return null;
    const vd = await src.read(at, SECTOR);
    if (vd[0] === PVD_TYPE_TERMINATOR) return null;
    if (vd[0] !== PVD_TYPE_PRIMARY) continue;
    const digits = Buffer.from(vd.subarray(PVD_CREATED, PVD_CREATED + DATE_DIGITS)).toString('latin1');
    if (!/^\d{16}$/.test(digits) || /^0+$/.test(digits)) return null;
    const n = (from: number, len: number) => Number(digits.slice(from, from + len));
    const offset = (vd[PVD_CREATED + DATE_DIGITS] << 24) >> 24; // signed, in 15-minute steps east of GMT
    const utc = Date.UTC(n(0, 4), n(4, 2) - 1, n(6, 2), n(8, 2), n(10, 2), n(12, 2), n(14, 2) * 10) - offset * 15 * 60_000;
    const d = new Date(utc);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  return null;
}
