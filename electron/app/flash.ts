/**
 * Feature "flash": writes the customized image to several sticks (resolving drive ids itself and
 * refusing system, read-only, too small or unconfirmed large drives), reports progress and
 * per-stick results, cancels; and saves the customized ISO to a file. Electron-free.
 */
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { FlintError, toErrorValue } from '../core/errors';
import type { InvokeRequest, InvokeResponse } from '../contract/api';
import { LARGE_DRIVE_BYTES } from '../core/drives/limits';
import type { CustomizeOptions, TargetResult } from '../contract/types';
import type { CoreDrive, CoreTargetResult, CustomizeInput } from './core-adapter';
import { toFlashProgress } from './images';
import { buildFieldSettings, fragmentText } from './field-settings';
import { checkKargs } from './kargs';
import type { Session } from './session';

/** Resolves the ids of a request into the texts the core embeds, checking each. */
export function resolveCustomize(s: Session, imageId: string, configId: string | undefined, o: CustomizeOptions): CustomizeInput {
  const image = s.image(imageId).state;
  const input: CustomizeInput = { fromRam: o.fromRam, extraKargs: [], network: [], ca: [] };
  if (configId) {
    const cfg = s.file(configId).file;
    if (cfg.kind !== 'config') throw new FlintError('FILE_NOT_CONFIG', `${cfg.name} is not an Ignition config`);
    if (cfg.report && !cfg.report.ok) {
      throw new FlintError('CONFIG_INVALID', `${cfg.name} has errors; fix them before writing`);
    }
    input.config = cfg.text;
  }
  const kargs = checkKargs(o.extraKargs, image.facts.defaultKargs);
  if (!kargs.ok) {
    throw new FlintError(
      'KARGS_INVALID',
      'The extra kernel arguments have problems',
      kargs.problems.map((p) => p.message),
    );
  }
  input.extraKargs = kargs.args;
  const aux = (idList: string[], kind: 'network' | 'ca') =>
    idList.map((id) => {
      const f = s.file(id).file;
      if (f.kind !== kind) throw new FlintError('FILE_WRONG_KIND', `${f.name} is not a ${kind} file`);
      return { name: f.name, text: f.text };
    });
  input.network = aux(o.networkIds, 'network');
  input.ca = aux(o.caIds, 'ca');
  if (o.destDevice) input.destDevice = o.destDevice;
  if (o.destIgnitionId) {
    const f = s.file(o.destIgnitionId).file;
    if (f.kind !== 'dest-ignition') throw new FlintError('FILE_WRONG_KIND', `${f.name} is not an installer config`);
    if (!o.destDevice) throw new FlintError('DEST_DEVICE_MISSING', 'An installer config needs a destination device');
    input.destIgnition = f.text;
  }
  const settings = o.fieldSettings ? buildFieldSettings(o.fieldSettings, image.facts.features) : null;
  if (settings) {
    const fragment = fragmentText(settings);
    if (fragment) input.fieldSettings = fragment;
    for (const k of settings.networkKeyfiles) input.network.push({ name: k.name, text: new TextDecoder().decode(k.data) });
  }
  return input;
}

/** Resolves target ids to drives from a fresh listing and refuses unsafe ones. */
export async function resolveTargets(s: Session, ids: string[], imageSize: number, confirmLarge: boolean): Promise<CoreDrive[]> {
  const all = new Map((await s.core.listDrives()).map((d) => [d.id, d]));
  s.drives = all;
  return ids.map((id) => {
    const d = all.get(id);
    if (!d) throw new FlintError('DRIVE_UNKNOWN', 'A selected drive is gone; plug it in again or pick another');
    if (d.system) throw new FlintError('DRIVE_SYSTEM', `${d.device} holds this computer's system; Flint will not write to it`);
    if (d.readOnly) throw new FlintError('DRIVE_READ_ONLY', `${d.device} is write-protected`);
    if (d.size < imageSize) throw new FlintError('DRIVE_TOO_SMALL', `${d.device} is smaller than the image`);
    if (d.size > LARGE_DRIVE_BYTES && !confirmLarge) {
      throw new FlintError('DRIVE_LARGE_UNCONFIRMED', `${d.device} is larger than 128 GB; confirm that it is the right drive`);
    }
    if (!s.allowLoop && /^\/dev\/loop/.test(d.device)) throw new FlintError('DRIVE_LOOP', `${d.device} is a loop device`);
    return d;
  });
}

/** flash:start — validates everything first, then runs the job in the background. */
export async function startFlash(s: Session, req: InvokeRequest<'flash:start'>): Promise<InvokeResponse<'flash:start'>> {
  if (s.flash) throw new FlintError('FLASH_BUSY', 'Sticks are already being written; wait or cancel');
  const image = s.image(req.imageId).state;
  const input = resolveCustomize(s, req.imageId, req.configId, req.options);
  const targets = await resolveTargets(s, req.targetIds, image.size, req.confirmLarge);
  const jobId = s.newId('flash');
  const abort = new AbortController();
  s.flash = { jobId, abort };
  const idOf = new Map(targets.map((d) => [d.device, d.id]));
  void (async () => {
    const results: TargetResult[] = [];
    const reported = new Set<string>();
    const report = (r: CoreTargetResult) => {
      if (reported.has(r.device)) return;
      reported.add(r.device);
      const result: TargetResult = { driveId: idOf.get(r.device) ?? '', ...r };
      results.push(result);
      s.emit('flash:target', { jobId, result });
    };
    let error;
    try {
      const core = await s.core.flash({
        image: image.path,
        input,
        targets,
        verify: req.verify,
        eject: req.eject,
        signal: abort.signal,
        onProgress: (p) => s.emit('flash:progress', toFlashProgress(jobId, p, p.device ? idOf.get(p.device) : undefined)),
        onTarget: report,
      });
      core.forEach(report);
    } catch (err) {
      error = toErrorValue(err);
    } finally {
      s.flash = null;
    }
    const ok = !error && results.length === targets.length && results.every((r) => r.ok);
    s.emit('flash:finished', { jobId, ok, cancelled: abort.signal.aborted, results, ...(error ? { error } : {}) });
  })();
  return { jobId };
}

/** flash:cancel */
export async function cancelFlash(s: Session, req: InvokeRequest<'flash:cancel'>): Promise<InvokeResponse<'flash:cancel'>> {
  if (!s.flash || s.flash.jobId !== req.jobId) throw new FlintError('FLASH_NOT_RUNNING', 'That job is not running');
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
  const input = resolveCustomize(s, req.imageId, req.configId, req.options);
  let dest: string | null;
  if (s.mode === 'electron') {
    dest = await s.needDialogs().saveFile('Save customized ISO', image.name.replace(/\.iso$/i, '') + '-custom.iso');
    if (dest === null) return null;
  } else {
    if (!req.path) throw new FlintError('SAVE_PATH_MISSING', 'Type where to save the customized ISO');
    dest = await checkSavePath(req.path);
  }
  if (resolve(dest) === resolve(image.path)) throw new FlintError('SAVE_OVER_SOURCE', 'Save to a new file, not over the source ISO');
  const { size } = await s.core.saveIso(image.path, dest, input);
  return { path: dest, size };
}
