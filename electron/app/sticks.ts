/**
 * Feature "sticks": what the Target step shows about live sticks and does to them. Reads a drive's
 * release and customization (electron/core/iso/stick.ts) and compares it with its stream's newest
 * release; refreshes sticks to that release keeping each one's customization (core/flash/refresh,
 * the one flash job underneath); restores sticks to normal drives (core/flash/restore). Refreshes
 * and restores hold the session's one flash slot, so nothing else writes meanwhile. Electron-free.
 */
import { ERROR_CODES } from '../contract/error-codes';
import type { InvokeRequest, InvokeResponse } from '../contract/api';
import type { StickInfo, StickRefreshResult, StickRestoreResult } from '../contract/sticks';
import { assessTarget, identityOf } from '../core/drives/target-safety';
import type { Drive } from '../core/drives/types';
import { codedError, toErrorValue } from '../core/errors';
import { prepareRefresh, readSticks, refreshStatus, runRefresh, streamOf, type RefreshTargetResult } from '../core/flash/refresh';
import { prepareRestore, runRestore } from '../core/flash/restore';
import { historyRecord } from '../core/history/record';
import type { FlashImage } from '../core/flash/types';
import { stickSeen } from './drives';
import { contractPhase } from './images';
import type { Session } from './session';

/** Paths of the images the session holds: their disks are protected like the system's. */
const held = (s: Session) => [...s.images.values()].map((i) => i.state.path);

/** The session's drives for `ids`, as the user saw them (WRITE_TARGET_NOT_FOUND for one that is gone). */
function drivesOf(s: Session, ids: string[]): Drive[] {
  return ids.map((id) => {
    const d = s.drives.get(id);
    if (!d)
      throw codedError(ERROR_CODES.WRITE_TARGET_NOT_FOUND, { device: id }, 'A selected drive is gone; plug it in again or pick another');
    return d;
  });
}

/** Takes the session's flash slot (FLASH_BUSY when a flash, refresh or restore runs). */
function claim(s: Session, prefix: string): { jobId: string; abort: AbortController } {
  if (s.flash) throw codedError(ERROR_CODES.FLASH_BUSY, {}, 'Sticks are already being written; wait or cancel');
  const job = { jobId: s.newId(prefix), abort: new AbortController() };
  s.flash = job;
  return job;
}

/** sticks:inspect — reads each drive (never writes) and asks its stream for the newest release once per stream. */
export async function inspectSticks(s: Session, req: InvokeRequest<'sticks:inspect'>): Promise<InvokeResponse<'sticks:inspect'>> {
  const latest = new Map<string, Promise<{ release: string; cached: boolean }>>();
  const out: StickInfo[] = [];
  for (const driveId of req.driveIds) {
    const d = s.drives.get(driveId);
    if (!d) {
      out.push({ driveId, live: false, error: { code: ERROR_CODES.WRITE_TARGET_NOT_FOUND, message: 'That drive is gone' } });
      continue;
    }
    // a system disk is never read here, as it is never written
    const refusal = assessTarget(d, { imageSize: 0, allowLoop: s.allowLoop }).refusal;
    if (refusal) {
      out.push({ driveId, live: false, error: toErrorValue(refusal) });
      continue;
    }
    let stick;
    try {
      [stick] = await readSticks([{ device: d.device, seen: identityOf(d) }], { allowLoop: s.allowLoop }, async () => [d]);
    } catch (err) {
      const e = toErrorValue(err);
      out.push(e.code === ERROR_CODES.REFRESH_NOT_LIVE ? { driveId, live: false } : { driveId, live: false, error: e });
      continue;
    }
    const c = stick.contents;
    const config = c.customization.members.find((m) => m.kind === 'live-config');
    const info: StickInfo = {
      driveId,
      live: true,
      release: { version: c.release.version, stream: c.release.stream, volumeId: c.release.volumeId, productName: c.release.productName },
      arch: c.arch,
      customized: c.customized,
      configSha256: config?.sha256 ?? null,
      members: c.customization.members.length,
    };
    try {
      const { stream, arch } = streamOf(stick);
      const key = `${stream}/${arch}`;
      if (!latest.has(key))
        latest.set(
          key,
          s.core.releases([stream], arch).then((r) => ({ release: r[0].release, cached: r[0].cached })),
        );
      const l = await latest.get(key)!;
      info.latest = l.release;
      info.latestCached = l.cached;
      info.status = refreshStatus(c.release.version, l.release);
    } catch (err) {
      info.latestError = toErrorValue(err);
    }
    out.push(info);
  }
  return out;
}

/** The contract's view of a stick's refresh result. */
function toStickResult(r: RefreshTargetResult, driveId: string): StickRefreshResult {
  const out: StickRefreshResult = {
    ...stickSeen(driveId, r.target),
    ok: r.ok,
    ending: r.ending,
    from: r.from,
    to: r.to,
    stream: r.stream,
    configSha256: r.configSha256,
    configSha256After: r.configSha256After,
    configKept: r.configKept,
  };
  if (r.flash) out.flashEnding = r.flash.ending;
  if (r.flash?.error) out.error = r.flash.error;
  return out;
}

/**
 * sticks:refresh — checks the ids, then prepares (reads the sticks, gets the image: cached or a
 * verified download with progress) and runs the refresh in the background; a refusal or each
 * stick's result arrives as an event.
 */
export async function startRefresh(s: Session, req: InvokeRequest<'sticks:refresh'>): Promise<InvokeResponse<'sticks:refresh'>> {
  const drives = drivesOf(s, req.driveIds);
  const { jobId, abort } = claim(s, 'refresh');
  const idOf = new Map(drives.map((d, i) => [d.device, req.driveIds[i]]));
  const progress = (phase: string, bytes: number, total?: number, device?: string) => {
    const p = { jobId, phase: contractPhase(phase), step: phase, bytes, ...(total !== undefined ? { total } : {}) };
    const driveId = device ? idOf.get(device) : undefined;
    s.emit('refresh:progress', {
      ...p,
      ...(total ? { percent: Math.min(100, Math.round((bytes / total) * 1000) / 10) } : {}),
      ...(driveId ? { driveId } : {}),
    });
  };
  void (async () => {
    const results: StickRefreshResult[] = [];
    let error;
    let cancelled = false;
    try {
      const prepared = await prepareRefresh(
        {
          targets: drives.map((d) => ({ device: d.device, seen: identityOf(d) })),
          allowLoop: s.allowLoop,
          confirmLarge: req.confirmLarge,
          verify: req.verify,
          eject: req.eject,
        },
        {
          signal: abort.signal,
          listDrives: (image) => s.core.listDrives([...held(s), ...(image ? [image] : [])]),
          latest: async (stream, arch) => (await s.core.releases([stream], arch, abort.signal))[0].release,
          image: async (stream, arch): Promise<FlashImage> => {
            const img = await s.core.download(stream, arch, {
              signal: abort.signal,
              onProgress: (p) => progress(p.phase, p.bytes, p.total),
            });
            return {
              path: img.path,
              size: img.size,
              sha256: img.sha256 ?? null,
              signature: img.signature,
              cached: img.cached,
              stream,
              arch,
              release: img.release,
              ...(img.stamp ? { stamp: img.stamp } : {}),
            };
          },
        },
      );
      const report = await runRefresh(prepared, {
        signal: abort.signal,
        writer: s.core.writer(),
        onEvent: (e) => {
          if (e.type === 'progress') progress(e.phase, e.bytes, e.total, e.device);
        },
        // a refresh is a flash: the History dialog and `flint history` list it too (a failure to record is no failed refresh)
        onFlashReport: (r) => s.site.record(historyRecord(r, 'refresh')).catch(() => {}),
      });
      cancelled = report.cancelled;
      for (const r of report.targets) {
        const out = toStickResult(r, idOf.get(r.target.device) ?? '');
        results.push(out);
        s.emit('refresh:target', { jobId, result: out });
      }
    } catch (err) {
      error = toErrorValue(err);
    } finally {
      s.flash = null;
    }
    const ok = !error && results.length === drives.length && results.every((r) => r.ok);
    s.emit('refresh:finished', { jobId, ok, cancelled: cancelled || abort.signal.aborted, results, ...(error ? { error } : {}) });
  })();
  return { jobId };
}

/** sticks:restore — checks, restores and reads back each drive; resolves with every drive's result. */
export async function restoreSticks(s: Session, req: InvokeRequest<'sticks:restore'>): Promise<InvokeResponse<'sticks:restore'>> {
  const drives = drivesOf(s, req.driveIds);
  const { abort } = claim(s, 'restore');
  try {
    const prepared = await prepareRestore(
      {
        targets: drives.map((d) => ({ device: d.device, seen: identityOf(d) })),
        label: req.label,
        allowLoop: s.allowLoop,
        confirmLarge: req.confirmLarge,
      },
      { listDrives: () => s.core.listDrives(held(s)) },
    );
    const report = await runRestore(prepared, { signal: abort.signal, writer: s.core.writer() });
    return report.targets.map((r, i): StickRestoreResult => {
      const out: StickRestoreResult = {
        driveId: req.driveIds[i],
        device: r.target.device,
        ok: r.ok,
        ending: r.ending,
        filesystem: r.layout.filesystem,
        label: r.layout.label,
      };
      if (r.restored) out.partition = r.restored.partition;
      if (r.error) out.error = r.error;
      return out;
    });
  } finally {
    s.flash = null;
  }
}
