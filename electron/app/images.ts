/**
 * Feature "images": stream releases, download with progress, cached and local ISOs, and the facts
 * the wizard shows (embed capacity, default kargs, RAM for fromram). Electron-free.
 */
import { stat } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import { FlintError } from '../core/errors';
import { identifyRelease } from '../core/iso/release';
import type { InvokeRequest, InvokeResponse } from '../contract/api';
import type { FlashPhase, FlashProgress, ImageFacts, ImageState } from '../contract/types';
import type { CoreImage, CoreIsoFacts, CoreProgress } from './core-adapter';
import type { Session } from './session';

/** Base RAM of a running live system, added to the root filesystem size for fromram (2 GiB). */
export const FROMRAM_BASE_BYTES = 2 * 1024 ** 3;

/** Streams offered when the renderer does not name any. */
export const DEFAULT_STREAMS = ['stable', 'testing', 'next'];

/**
 * RAM needed to boot with coreos.liveiso.fromram: the root filesystem image is copied into RAM and
 * it is part of the ISO, so the ISO size bounds it from above; a 2 GiB base runs the system.
 */
export function ramForFromRam(isoSize: number): { bytes: number; note: string } {
  const bytes = isoSize + FROMRAM_BASE_BYTES;
  const gib = (n: number) => (n / 1024 ** 3).toFixed(1);
  return {
    bytes,
    note: `ISO size (${gib(isoSize)} GiB, an upper bound of the root filesystem copied to RAM) + 2 GiB base = ${gib(bytes)} GiB`,
  };
}

/** Builds the renderer's view of an image's facts. */
export function toImageFacts(facts: CoreIsoFacts, isoSize: number): ImageFacts {
  const ram = ramForFromRam(isoSize);
  return { ...facts, ramForFromRam: ram.bytes, ramNote: ram.note };
}

/** Inspects an ISO and holds it in the session. */
export async function holdImage(s: Session, img: CoreImage, origin: ImageState['origin']): Promise<ImageState> {
  const facts = await s.core.inspectIso(img.path);
  const state: ImageState = {
    id: s.newId('image'),
    name: basename(img.path),
    path: img.path,
    size: img.size,
    origin,
    signature: img.signature,
    facts: toImageFacts(facts, img.size),
  };
  if (img.sha256) state.sha256 = img.sha256;
  if (img.signature === 'verified' && img.signer) {
    state.signedBy = s.core.describeSigner
      ? await s.core.describeSigner(img.signer)
      : { fingerprint: img.signer, userId: null, bundled: false };
  }
  if (img.release) state.release = img.release;
  if (img.stream) state.stream = img.stream;
  if (origin === 'cache' && !img.release) {
    // a cached download names its release only in its volume id (the Image step compares it with the stream's newest)
    const named = identifyRelease(facts.volumeId, facts.defaultKargs || null);
    if (named.version) state.release = named.version;
    if (named.stream) state.stream = named.stream;
  }
  s.images.set(state.id, img.stamp ? { state, stamp: img.stamp } : { state });
  return state;
}

/** Opens a local ISO named by the user (dialog, drop, argv or a typed path). */
export async function openLocalIso(s: Session, path: string): Promise<ImageState> {
  if (!isAbsolute(path)) throw new FlintError('PATH_NOT_ABSOLUTE', `Give the full path of the ISO, not ${path}`);
  if (!/\.iso$/i.test(path)) throw new FlintError('NOT_AN_ISO', `${path} does not end in .iso`);
  const st = await stat(path).catch((e: Error) => {
    throw new FlintError('FILE_UNREADABLE', `Cannot open ${path}`, [e.message]);
  });
  if (!st.isFile()) throw new FlintError('FILE_NOT_REGULAR', `${path} is not a regular file`);
  return holdImage(s, { path: resolve(path), size: st.size, signature: 'none', cached: false }, 'local');
}

/** image:releases */
export async function listReleases(s: Session, req: InvokeRequest<'image:releases'>): Promise<InvokeResponse<'image:releases'>> {
  return s.core.releases(req.streams ?? DEFAULT_STREAMS, req.arch ?? s.core.hostArch());
}

/**
 * Maps the core's progress phases onto the contract's four: the stick steps check, unmount, write,
 * flush and wipe are "write"; verify, ignition (config read back) and eject are "verify-stick".
 */
export function contractPhase(phase: string): FlashPhase {
  if (phase === 'download') return 'download';
  if (phase === 'hash-image' || phase === 'verify-image' || phase === 'signature') return 'verify-image';
  if (phase === 'verify' || phase === 'ignition' || phase === 'eject' || phase === 'verify-stick') return 'verify-stick';
  return 'write';
}

/** Converts a core progress report into a contract progress report. */
export function toFlashProgress(jobId: string, p: CoreProgress, driveId?: string): FlashProgress {
  const out: FlashProgress = { jobId, phase: p.phase, bytes: p.bytes };
  if (p.total !== undefined) {
    out.total = p.total;
    if (p.total > 0) out.percent = Math.min(100, Math.round((p.bytes / p.total) * 1000) / 10);
  }
  if (p.speed !== undefined) out.speed = p.speed;
  if (p.eta !== undefined) out.eta = p.eta;
  else if (p.total !== undefined && p.speed) out.eta = Math.max(0, (p.total - p.bytes) / p.speed);
  if (driveId !== undefined) out.driveId = driveId;
  return out;
}

/** image:download — one download at a time; progress on image:progress. */
export async function downloadImage(s: Session, req: InvokeRequest<'image:download'>): Promise<InvokeResponse<'image:download'>> {
  if (s.download) throw new FlintError('DOWNLOAD_BUSY', 'A download is already running; wait or cancel it');
  const abort = new AbortController();
  s.download = abort;
  const jobId = `download-${req.stream}-${req.arch}`;
  try {
    const img = await s.core.download(req.stream, req.arch, {
      signal: abort.signal,
      onProgress: (p) => s.emit('image:progress', toFlashProgress(jobId, p)),
    });
    return await holdImage(s, img, img.cached ? 'cache' : 'download');
  } finally {
    s.download = null;
  }
}

/** image:cancel-download */
export async function cancelDownload(s: Session): Promise<InvokeResponse<'image:cancel-download'>> {
  s.download?.abort();
  return {};
}

/** image:open-dialog (Electron) */
export async function openImageDialog(s: Session): Promise<InvokeResponse<'image:open-dialog'>> {
  const path = await s.needDialogs().openFile('Open a Fedora CoreOS live ISO', [{ name: 'Live ISO', extensions: ['iso'] }]);
  return path === null ? null : openLocalIso(s, path);
}

/** image:open-path (browser) */
export async function openImagePath(s: Session, req: InvokeRequest<'image:open-path'>): Promise<InvokeResponse<'image:open-path'>> {
  return openLocalIso(s, req.path);
}

/** image:cached */
export async function cachedImages(s: Session): Promise<InvokeResponse<'image:cached'>> {
  const out: ImageState[] = [];
  for (const img of await s.core.cachedImages()) out.push(await holdImage(s, img, 'cache'));
  return out;
}
