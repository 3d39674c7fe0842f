/**
 * Refresh: gives live sticks the newest release of their stream with exactly the customization
 * they carry (the embed-area members byte for byte, the same karg changes), for every front end
 * (`flint refresh`, the app's "Update" on the Target step). A live system cannot update itself;
 * FCOS's docs say the ISO it booted from "should be periodically refreshed" instead.
 *
 * `prepareRefresh` reads each stick (electron/core/iso/stick.ts), asks the stream for its newest
 * release, gets that image (cache or verified download) and prepares one flash per image through
 * the flash job, so every rule of a flash applies; a stick that is already current is left alone.
 * `runRefresh` runs those flashes and reports each stick as "old -> new, config sha256 kept".
 */
import { ERROR_CODES } from '../../contract/error-codes';
import { FlintError, codedError } from '../errors';
import { listAllDrives, systemContext } from '../drives/list';
import { assessTarget, checkIdentity, findTarget, identityOf } from '../drives/target-safety';
import type { Drive } from '../drives/types';
import { inspectIsoFile } from '../iso/inspect';
import type { KargChanges } from '../iso/karg-changes';
import { compareVersions } from '../iso/release';
import { reapplyRequest, readStickContentsAt, type StickContents, type StickCustomization } from '../iso/stick';
import type { ProgressListener } from '../progress';
import { fetchStreamMetadata, selectRelease } from '../stream/metadata';
import type { WriterLauncher } from '../write/writers';
import { planGated, prepareFlash } from './prepare';
import { runFlash } from './run';
import { obtainImage } from './source';
import type {
  FlashCustomization,
  FlashEvent,
  FlashImage,
  FlashReport,
  FlashTargetResult,
  FlashTargetSpec,
  PreparedFlash,
  TargetIdentity,
} from './types';

/** What to refresh, and where newer releases come from. */
export interface RefreshRequest {
  targets: Omit<FlashTargetSpec, 'customization'>[];
  /** Take the newest release of this stream instead of each stick's own. */
  stream?: string;
  /** Mirror base URL (default: the Fedora build server). */
  baseUrl?: string;
  /** Extra trusted armored public keys. */
  keyrings?: string[];
  /** Download cache directory. */
  cacheDir?: string;
  /** Proxy URL ('' for none; default: HTTPS_PROXY/HTTP_PROXY from the environment). */
  proxy?: string;
  allowLoop?: boolean;
  /** See TargetRules.confirmLarge. */
  confirmLarge?: boolean;
  /** Read every stick back (default true). */
  verify?: boolean;
  eject?: boolean;
}

/** What the stick holds compared with its stream: `update` (older), `current`, `newer` (left alone). */
export type RefreshStatus = 'update' | 'current' | 'newer';

/** One stick as read, and what a refresh would do to it. Plain JSON apart from `drive`. */
export interface RefreshPlanTarget {
  drive: Drive;
  target: TargetIdentity;
  /** The release on the stick (its volume id names it). */
  from: { version: string | null; volumeId: string; stream: string | null };
  /** The stream and architecture the newer release is taken from. */
  stream: string;
  arch: string;
  /** The stream's newest release. */
  to: string;
  status: RefreshStatus;
  /** What is re-applied: every embed-area member and the karg changes. */
  customization: StickCustomization;
  /** SHA-256 of the stick's live config.ign (null: none). */
  configSha256: string | null;
}

/** A refresh ready to confirm: the sticks as read, and one prepared flash per image. */
export interface PreparedRefresh {
  request: RefreshRequest;
  targets: RefreshPlanTarget[];
  flashes: PreparedFlash[];
}

/** How a stick's refresh ended. */
export type RefreshEnding = 'refreshed' | 'current' | 'newer' | 'failed' | 'cancelled' | 'not-written';

/** What happened to one stick. */
export interface RefreshTargetResult {
  target: TargetIdentity;
  ok: boolean;
  ending: RefreshEnding;
  from: string | null;
  to: string;
  stream: string;
  /** SHA-256 of the live config before, and as read back after writing (null: none, or not written). */
  configSha256: string | null;
  configSha256After: string | null;
  /** The config read back is the one the stick had (null: not written). */
  configKept: boolean | null;
  /** How many embed-area members were carried over, and the karg changes re-applied. */
  members: number;
  kargChanges: KargChanges | null;
  /** The flash job's result for a stick that was written. */
  flash?: FlashTargetResult;
}

/** The report of a refresh: one JSON document, the same from every front end. */
export interface RefreshReport {
  ok: boolean;
  cancelled: boolean;
  /** The images written (one per stream and architecture). */
  images: FlashImage[];
  targets: RefreshTargetResult[];
  startedAt: string;
  finishedAt: string;
}

/** Hooks of the preparation and the run. */
export interface RefreshHooks {
  signal?: AbortSignal;
  /** Download progress while preparing. */
  onProgress?: ProgressListener;
  onEvent?: (e: FlashEvent) => void;
  /** Lists the drives (default: this machine's, with `imagePath`'s disk protected). */
  listDrives?: (imagePath: string) => Promise<Drive[]>;
  writer?: WriterLauncher;
  /** Called with each flash's own report (one per release written), so the front end can add it to the flash record. */
  onFlashReport?: (report: FlashReport) => Promise<void>;
  /** The newest release of a stream (default: its metadata from the request's base URL). */
  latest?: (stream: string, arch: string) => Promise<string>;
  /** Gets that release's verified image (default: obtainImage with the request's source options). */
  image?: (stream: string, arch: string) => Promise<FlashImage>;
}

const defaultList = (image: string) => listAllDrives(systemContext(image ? [image] : []));

/** A stick as read: the drive, checked against the target rules, and its contents. */
export interface ReadStick {
  drive: Drive;
  contents: StickContents;
}

/**
 * Reads the sticks of `targets`: each must be a whole disk that passes the target rules (checked
 * on one listing before anything is read; a drive swapped since it was seen is refused) and hold a
 * CoreOS live image (REFRESH_NOT_LIVE otherwise). Only reads.
 */
export async function readSticks(
  targets: RefreshRequest['targets'],
  rules: { allowLoop?: boolean; confirmLarge?: boolean },
  listDrives: (imagePath: string) => Promise<Drive[]> = defaultList,
): Promise<ReadStick[]> {
  const drives = await listDrives('');
  const seen = new Set<string>();
  const out: ReadStick[] = [];
  for (const spec of targets) {
    const drive = findTarget(spec.device, drives);
    if (seen.has(drive.device))
      throw codedError(ERROR_CODES.WRITE_TARGET_TWICE, { device: drive.device }, `${drive.device} is given twice`);
    seen.add(drive.device);
    if (spec.seen) checkIdentity(spec.seen, drive);
    const a = assessTarget(drive, { imageSize: 0, allowLoop: rules.allowLoop ?? false, confirmLarge: rules.confirmLarge });
    if (a.refusal) throw a.refusal;
    const contents = await readStickContentsAt(drive.device).catch((err: unknown) => {
      if (err instanceof FlintError && err.code === 'STICK_NOT_LIVE') {
        throw codedError(
          ERROR_CODES.REFRESH_NOT_LIVE,
          { device: drive.device },
          `${drive.device} holds no CoreOS live image; there is nothing to refresh`,
          err.causes,
        );
      }
      throw err;
    });
    out.push({ drive, contents });
  }
  return out;
}

/** The stream and architecture whose newest release a stick gets (REFRESH_NO_STREAM, REFRESH_NO_ARCH). */
export function streamOf(stick: ReadStick, override?: string): { stream: string; arch: string } {
  const device = stick.drive.device;
  const r = stick.contents.release;
  const stream = override ?? (r.product === 'fedora-coreos' ? r.stream : null);
  if (!stream) {
    throw codedError(
      ERROR_CODES.REFRESH_NO_STREAM,
      { device, volumeId: r.volumeId },
      `${device} holds ${r.volumeId}, which belongs to no stream; name the stream to take the newest release of`,
    );
  }
  if (stick.contents.arch === 'unknown') {
    throw codedError(ERROR_CODES.REFRESH_NO_ARCH, { device }, `The architecture of the image on ${device} is unknown`);
  }
  return { stream, arch: stick.contents.arch };
}

/** `update` when the stick is older than `latest`, `newer` when it is ahead of it, else `current`. */
export function refreshStatus(version: string | null, latest: string): RefreshStatus {
  if (version === latest) return 'current';
  const c = version === null ? null : compareVersions(version, latest);
  return c !== null && c > 0 ? 'newer' : 'update';
}

/** The plan of one stick against its stream's newest release. */
export function planTarget(stick: ReadStick, stream: string, arch: string, latest: string): RefreshPlanTarget {
  const c = stick.contents;
  const config = c.customization.members.find((m) => m.kind === 'live-config');
  return {
    drive: stick.drive,
    target: { ...identityOf(stick.drive), description: stick.drive.description },
    from: { version: c.release.version, volumeId: c.release.volumeId, stream: c.release.stream },
    stream,
    arch,
    to: latest,
    status: refreshStatus(c.release.version, latest),
    customization: c.customization,
    configSha256: config?.sha256 ?? null,
  };
}

/** Sticks with the same members and karg changes share one customization (so they are written together). */
function customizationKey(c: StickCustomization): string {
  return JSON.stringify([c.members.map((m) => [m.path, m.sha256]), c.kargChanges]);
}

/**
 * Prepares a refresh: reads the sticks, asks each stream for its newest release, gets each needed
 * image and prepares one flash per image with every stick's own customization. Sticks that are
 * current (or ahead) get no flash. Refuses with a catalogued error before anything is written.
 */
export async function prepareRefresh(req: RefreshRequest, hooks: RefreshHooks = {}): Promise<PreparedRefresh> {
  if (req.targets.length === 0) throw codedError(ERROR_CODES.FLASH_NO_TARGET, {}, 'No target device given');
  const listDrives = hooks.listDrives ?? defaultList;
  const sticks = await readSticks(req.targets, req, listDrives);
  const latest = new Map<string, string>();
  const targets: RefreshPlanTarget[] = [];
  for (const stick of sticks) {
    const { stream, arch } = streamOf(stick, req.stream);
    const key = `${stream}/${arch}`;
    if (!latest.has(key)) latest.set(key, await (hooks.latest ?? newestOf(req, hooks.signal))(stream, arch));
    targets.push(planTarget(stick, stream, arch, latest.get(key)!));
  }
  const flashes: PreparedFlash[] = [];
  for (const key of latest.keys()) {
    const group = targets.filter((t) => t.status === 'update' && `${t.stream}/${t.arch}` === key);
    if (group.length > 0) flashes.push(await prepareGroup(req, group, hooks, listDrives));
  }
  return { request: req, targets, flashes };
}

/** The newest release of a stream, from its metadata under the request's base URL. */
function newestOf(req: RefreshRequest, signal?: AbortSignal) {
  return async (stream: string, arch: string) =>
    selectRelease(await fetchStreamMetadata(stream, { baseUrl: req.baseUrl, signal, proxy: req.proxy }), arch).release;
}

/** Gets the image of one stream and prepares the flash of its sticks, each with its own customization. */
async function prepareGroup(
  req: RefreshRequest,
  group: RefreshPlanTarget[],
  hooks: RefreshHooks,
  listDrives: (imagePath: string) => Promise<Drive[]>,
): Promise<PreparedFlash> {
  const { stream, arch } = group[0];
  const image = hooks.image
    ? await hooks.image(stream, arch)
    : await obtainImage(
        { kind: 'stream', stream, arch, baseUrl: req.baseUrl, keyrings: req.keyrings, cacheDir: req.cacheDir, proxy: req.proxy },
        { signal: hooks.signal, onProgress: hooks.onProgress },
      );
  // the release the image really is (the stream may have moved since it was asked)
  for (const t of group) t.to = image.release ?? t.to;
  const facts = await inspectIsoFile(image.path);
  const shared = new Map<string, FlashCustomization>();
  const customizationOf = async (t: RefreshPlanTarget) => {
    const key = customizationKey(t.customization);
    let c = shared.get(key);
    if (!c) {
      c = { options: reapplyRequest(t.customization) };
      // said per stick: which one's customization the new release cannot take
      await planGated(facts, c).catch((err: unknown) => {
        const e = err as FlintError;
        throw new FlintError(
          e.code,
          e.message,
          [...(e.causes ?? []), `re-applying the customization of ${t.drive.device} to ${t.to}`],
          e.params as never,
        );
      });
      shared.set(key, c);
    }
    return c;
  };
  const specs: FlashTargetSpec[] = [];
  for (const t of group) specs.push({ device: t.drive.device, seen: identityOf(t.drive), customization: await customizationOf(t) });
  return prepareFlash(
    {
      source: {
        kind: 'file',
        path: image.path,
        known: {
          signature: image.signature === 'verified' ? 'verified' : 'none',
          cached: image.cached,
          ...(image.sha256 ? { sha256: image.sha256 } : {}),
          ...(image.stream ? { stream: image.stream } : {}),
          ...(image.release ? { release: image.release } : {}),
          // the verdict holds only for the bytes it was reached on: a file changed since is refused (source.ts)
          ...(image.stamp ? { stamp: image.stamp } : {}),
        },
      },
      customization: {},
      targets: specs,
      allowLoop: req.allowLoop,
      confirmLarge: req.confirmLarge,
      verify: req.verify,
      eject: req.eject,
    },
    { signal: hooks.signal, listDrives },
  );
}

function endingOf(r: FlashTargetResult): RefreshEnding {
  if (r.ok) return 'refreshed';
  if (r.ending === 'not-written') return 'not-written';
  return r.ending.startsWith('cancelled') ? 'cancelled' : 'failed';
}

/** Runs a prepared refresh: each image's flash in turn; current sticks are reported untouched. */
export async function runRefresh(prepared: PreparedRefresh, hooks: RefreshHooks = {}): Promise<RefreshReport> {
  const startedAt = new Date().toISOString();
  const written = new Map<string, FlashTargetResult>();
  const images: FlashImage[] = [];
  let cancelled = false;
  for (const flash of prepared.flashes) {
    const report = await runFlash(flash, { signal: hooks.signal, onEvent: hooks.onEvent, writer: hooks.writer });
    await hooks.onFlashReport?.(report);
    images.push(report.image);
    cancelled ||= report.cancelled;
    for (const r of report.targets) written.set(r.target.device, r);
  }
  const targets = prepared.targets.map((t): RefreshTargetResult => {
    const r = written.get(t.drive.device);
    const base = {
      target: t.target,
      from: t.from.version,
      to: t.to,
      stream: t.stream,
      configSha256: t.configSha256,
      members: t.customization.members.length,
      kargChanges: t.customization.kargChanges,
    };
    if (!r) {
      const ending = t.status === 'update' ? 'not-written' : t.status;
      return { ...base, ok: ending !== 'not-written', ending, configSha256After: null, configKept: null };
    }
    return {
      ...base,
      ok: r.ok,
      ending: endingOf(r),
      configSha256After: r.ok ? r.configSha256 : null,
      configKept: r.ok ? r.configSha256 === t.configSha256 : null,
      flash: r,
    };
  });
  return {
    ok: targets.every((t) => t.ok),
    cancelled,
    images,
    targets,
    startedAt,
    finishedAt: new Date().toISOString(),
  };
}
