/**
 * Feature "flash": turns the renderer's ids into one flash request for the core's flash job
 * (electron/core/flash: config gate, karg rules, target rules, writer), runs it in the background
 * with progress and per-stick results as events, cancels it; and saves the customized ISO to a
 * file. Electron-free.
 */
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ERROR_CODES } from '../contract/error-codes';
import { checkKargs, requireValidKargs } from '../core/cmdline';
import { identityOf } from '../core/drives/target-safety';
import { FlintError, codedError, toErrorValue } from '../core/errors';
import { prepareFlash } from '../core/flash/prepare';
import { runFlash } from '../core/flash/run';
import { historyRecord } from '../core/history/record';
import type { ConfigInput } from '../core/flash/config-gate';
import type { FlashCustomization, FlashEvent, FlashTargetResult } from '../core/flash/types';
import type { InvokeRequest, InvokeResponse } from '../contract/api';
import type { CustomizeOptions, FlashProgress, Issue, KargsCheck, TargetResult } from '../contract/types';
import { stickSeen } from './drives';
import { buildFieldSettings, fragmentText } from './field-settings';
import { fleetTargets } from './fleet';
import { contractPhase } from './images';
import type { Session } from './session';

/** The karg that runs the live system from RAM (the "Run from RAM" option). */
const FROMRAM_KARG = 'coreos.liveiso.fromram';

/** Name of the field-settings fragment among the live configs (as `flint burn` names it). */
const FIELD_SETTINGS_NAME = 'field-settings.ign';

/** options:check-kargs — the app's extra kernel arguments against the image's defaults, by the one karg rule set. */
export function checkExtraKargs(kargs: string, defaults: string): KargsCheck {
  const r = checkKargs(kargs.trim() ? [kargs] : [], { context: 'iso', base: defaults });
  const issue = (e: { code: string; message: string; params?: Readonly<Record<string, unknown>> }): Issue => ({
    code: e.code,
    message: e.message,
    ...(typeof e.params?.arg === 'string' ? { path: e.params.arg } : {}),
    ...(e.params ? { params: e.params } : {}),
  });
  return {
    ok: r.errors.length === 0,
    args: r.args,
    problems: r.errors.map((e) => issue(toErrorValue(e))),
    warnings: r.warnings.map(issue),
  };
}

/** A held config as the config gate takes it: the bytes as loaded (Butane is translated again). */
function configInput(s: Session, id: string, kind: 'config' | 'dest-ignition'): ConfigInput {
  const held = s.file(id);
  if (held.file.kind !== kind) {
    throw new FlintError(
      kind === 'config' ? 'FILE_NOT_CONFIG' : 'FILE_WRONG_KIND',
      `${held.file.name} is not ${kind === 'config' ? 'an Ignition config' : 'an installer config'}`,
    );
  }
  return { name: held.file.name, data: held.bytes, ...(held.dir ? { filesDir: held.dir } : {}) };
}

/**
 * The customization a request asks for, from the session's files and images: the config and the
 * field-settings fragment (both through the config gate later), the extra kargs (checked by the one
 * karg rule set against the image's defaults), keyfiles, CA certificates and the installer options.
 */
function customizationOf(s: Session, imageId: string, configId: string | undefined, o: CustomizeOptions): FlashCustomization {
  const facts = s.image(imageId).state.facts;
  const liveConfigs: ConfigInput[] = configId ? [configInput(s, configId, 'config')] : [];
  const extra = checkKargs(o.extraKargs.trim() ? [o.extraKargs] : [], { context: 'iso', base: facts.defaultKargs });
  requireValidKargs(extra);
  const append = [...extra.args, ...(o.fromRam ? [FROMRAM_KARG] : [])];
  const aux = (ids: string[], kind: 'network' | 'ca') =>
    ids.map((id) => {
      const f = s.file(id);
      if (f.file.kind !== kind) throw new FlintError('FILE_WRONG_KIND', `${f.file.name} is not a ${kind} file`);
      return { name: f.file.name, data: f.bytes };
    });
  const network = aux(o.networkIds, 'network');
  const settings = o.fieldSettings ? buildFieldSettings(o.fieldSettings, facts.features) : null;
  if (settings) {
    const fragment = fragmentText(settings);
    if (fragment) liveConfigs.push({ name: FIELD_SETTINGS_NAME, data: new TextEncoder().encode(fragment), format: 'ignition' });
    network.push(...settings.networkKeyfiles);
  }
  const c: FlashCustomization = { liveConfigs, options: { force: true } };
  const options = c.options!;
  if (append.length) options.liveKargAppend = append;
  if (network.length) options.networkKeyfile = network;
  const ca = aux(o.caIds, 'ca');
  if (ca.length) options.ignitionCa = ca;
  if (o.destDevice) options.destDevice = o.destDevice;
  if (o.destIgnitionId) {
    if (!o.destDevice) throw new FlintError('DEST_DEVICE_MISSING', 'An installer config needs a destination device');
    c.destConfigs = [configInput(s, o.destIgnitionId, 'dest-ignition')];
  }
  return c;
}

/** The contract's view of a stick's result. */
function toTargetResult(r: FlashTargetResult, driveId: string): TargetResult {
  const out: TargetResult = {
    ...stickSeen(driveId, r.target),
    ok: r.ok,
    ending: r.ending,
    bytesWritten: r.bytesWritten,
    verified: r.verified,
  };
  if (r.error) out.error = r.error;
  if (r.failedAt !== undefined) out.failedAt = r.failedAt;
  if (r.wiped !== undefined) out.wiped = r.wiped;
  if (r.sha256) out.sha256 = r.sha256;
  if (r.configSha256) out.configSha256 = r.configSha256;
  if (r.expectedConfigSha256) out.expectedSha256 = r.expectedConfigSha256;
  if (r.eject) out.ejected = r.eject.ejected;
  if (r.warnings.length) out.warnings = r.warnings;
  if (r.fleetRow) out.fleetRow = r.fleetRow;
  return out;
}

/** The contract's view of a flash progress event. */
function toProgress(jobId: string, e: Extract<FlashEvent, { type: 'progress' }>, driveId?: string): FlashProgress {
  const p: FlashProgress = { jobId, phase: contractPhase(e.phase), step: e.phase, bytes: e.bytes };
  if (e.total !== undefined) {
    p.total = e.total;
    if (e.total > 0) p.percent = Math.min(100, Math.round((e.bytes / e.total) * 1000) / 10);
  }
  if (e.speed !== undefined) p.speed = e.speed;
  if (e.eta !== undefined) p.eta = e.eta;
  if (driveId !== undefined) p.driveId = driveId;
  return p;
}

/** Paths of the images the session holds: their disks are protected like the system's. */
function heldImagePaths(s: Session): string[] {
  return [...s.images.values()].map((i) => i.state.path);
}

/**
 * flash:start — prepares the flash (every refusal comes back as this call's error: a target too
 * small or gone, an invalid config, a bad karg), then runs it in the background; progress, each
 * stick's result and the end arrive as events.
 */
export async function startFlash(s: Session, req: InvokeRequest<'flash:start'>): Promise<InvokeResponse<'flash:start'>> {
  if (s.flash) throw codedError(ERROR_CODES.FLASH_BUSY, {}, 'Sticks are already being written; wait or cancel');
  const jobId = s.newId('flash');
  const abort = new AbortController();
  s.flash = { jobId, abort };
  let prepared;
  try {
    const held = s.image(req.imageId);
    const image = held.state;
    const customization = customizationOf(s, req.imageId, req.configId, req.options);
    // a fleet: each stick its row's settings on top of the common ones, built by the core as for `flint burn --fleet`
    const fleet = req.fleet ? fleetTargets(s, req.fleet, req.targetIds.length, customization, req.options.fieldSettings) : null;
    const seen = req.targetIds.map((id) => {
      const d = s.drives.get(id);
      if (!d)
        throw codedError(ERROR_CODES.WRITE_TARGET_NOT_FOUND, { device: id }, 'A selected drive is gone; plug it in again or pick another');
      return d;
    });
    prepared = await prepareFlash(
      {
        source: {
          kind: 'file',
          path: image.path,
          known: {
            signature: image.signature,
            cached: image.origin === 'cache',
            ...(image.sha256 ? { sha256: image.sha256 } : {}),
            ...(image.stream ? { stream: image.stream } : {}),
            ...(image.release ? { release: image.release } : {}),
            ...(held.stamp ? { stamp: held.stamp } : {}),
          },
        },
        customization,
        targets: seen.map((d, i) => {
          const typed = req.confirmedNames?.[req.targetIds[i]];
          return {
            device: d.device,
            seen: identityOf(d),
            ...(typed !== undefined ? { confirmedName: typed } : {}),
            ...(fleet ? fleet[i]! : {}),
          };
        }),
        allowLoop: s.allowLoop,
        confirmLarge: req.confirmLarge,
        verify: req.verify,
        eject: req.eject,
      },
      { listDrives: () => s.core.listDrives(heldImagePaths(s)) },
    );
  } catch (err) {
    s.flash = null;
    throw err;
  }
  const idOf = new Map(prepared.targets.map((t, i) => [t.drive.device, req.targetIds[i]]));
  const p = prepared;
  void (async () => {
    const results: TargetResult[] = [];
    let error;
    let cancelled = false;
    try {
      const report = await runFlash(p, {
        signal: abort.signal,
        writer: s.core.writer(),
        onEvent: (e) => {
          if (e.type === 'progress') s.emit('flash:progress', toProgress(jobId, e, e.device ? idOf.get(e.device) : undefined));
          else if (e.type === 'target-done') {
            const r = toTargetResult(e.result, idOf.get(e.result.target.device) ?? '');
            results.push(r);
            s.emit('flash:target', { jobId, result: r });
          }
        },
      });
      cancelled = report.cancelled;
      // the record of every flash (flint history shows the same file); a failure to record is no failed flash
      await s.site.record(historyRecord(report, 'app')).catch(() => {});
    } catch (err) {
      error = toErrorValue(err);
    } finally {
      s.flash = null;
    }
    const ok = !error && results.length === p.targets.length && results.every((r) => r.ok);
    s.emit('flash:finished', { jobId, ok, cancelled: cancelled || abort.signal.aborted, results, ...(error ? { error } : {}) });
  })();
  return { jobId };
}

/** flash:cancel */
export async function cancelFlash(s: Session, req: InvokeRequest<'flash:cancel'>): Promise<InvokeResponse<'flash:cancel'>> {
  if (!s.flash || s.flash.jobId !== req.jobId) throw codedError(ERROR_CODES.FLASH_NOT_RUNNING, {}, 'That job is not running');
  s.flash.abort.abort();
  return {};
}

/** Checks a save path typed in browser mode: absolute, .iso, new file, existing directory. */
export async function checkSavePath(path: string): Promise<string> {
  if (!isAbsolute(path)) throw new FlintError('PATH_NOT_ABSOLUTE', `Give the full path to save to, not ${path}`);
  const full = resolve(path);
  if (!/\.iso$/i.test(full)) throw new FlintError('NOT_AN_ISO', 'The saved file name must end in .iso');
  if (
    await stat(full).then(
      () => true,
      () => false,
    )
  ) {
    throw new FlintError('SAVE_EXISTS', `${full} already exists; choose a new name`);
  }
  const dir = await stat(dirname(full)).catch(() => null);
  if (!dir?.isDirectory()) throw new FlintError('SAVE_DIR_MISSING', `${dirname(full)} is not a directory`);
  return full;
}

/** iso:save */
export async function saveIso(s: Session, req: InvokeRequest<'iso:save'>): Promise<InvokeResponse<'iso:save'>> {
  const image = s.image(req.imageId).state;
  const common = customizationOf(s, req.imageId, req.configId, req.options);
  // one machine of a fleet: its row's settings on top, exactly as its stick gets them
  const row = req.fleetRow
    ? fleetTargets(s, { fileId: req.fleetRow.fileId, rows: [req.fleetRow.row] }, 1, common, req.options.fieldSettings)[0]!
    : undefined;
  const customization = row ? row.customization : common;
  let dest: string | null;
  if (s.mode === 'electron') {
    const base = image.name.replace(/\.iso$/i, '');
    dest = await s.needDialogs().saveFile('Save customized ISO', `${base}-${row ? row.fleetRow.name : 'custom'}.iso`);
    if (dest === null) return null;
  } else {
    if (!req.path) throw new FlintError('SAVE_PATH_MISSING', 'Type where to save the customized ISO');
    dest = await checkSavePath(req.path);
  }
  if (resolve(dest) === resolve(image.path)) throw new FlintError('SAVE_OVER_SOURCE', 'Save to a new file, not over the source ISO');
  const { size } = await s.core.saveIso(image.path, dest, customization);
  return { path: dest, size };
}
