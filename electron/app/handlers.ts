/**
 * The feature handlers behind every invoke channel, and `dispatch`, the one entry both ipcMain and
 * the loopback bridge call: it checks the channel and request with the contract's guards, refuses
 * channels the shell does not offer, and turns any failure into an ErrorValue. Electron-free.
 */
import { platform, versions } from 'node:process';
import { FlintError, toErrorValue } from '../core/errors';
import {
  BROWSER_ONLY_CHANNELS,
  ELECTRON_ONLY_CHANNELS,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
} from '../contract/api';
import { checkRequest } from '../contract/guards';
import type { FileKind, OpenedFile, Outcome } from '../contract/types';
import { listDir } from './browse';
import { listDrives } from './drives';
import { forgetFile, loadFileBytes, loadFileFromPath, openFileDialog, validateConfig } from './files';
import { cancelFlash, checkExtraKargs, saveIso, startFlash } from './flash';
import { cachedImages, cancelDownload, downloadImage, listReleases, openImageDialog, openImagePath, openLocalIso } from './images';
import { checkFieldSettings } from './field-settings';
import { cancelPxe, exportPxe, previewPxe, startPxeServer, stopPxeServer } from './pxe';
import type { Session } from './session';
import { exportHistory, listHistory } from './history';
import { inspectStick } from './inspect';
import { openRecent, restoreMemory, saveMemory } from './memory';
import { getSettings, setSettings } from './settings';
import { inspectSticks, restoreSticks, startRefresh } from './sticks';

type Handler<C extends InvokeChannel> = (s: Session, req: InvokeRequest<C>) => Promise<InvokeResponse<C>>;

/** The handler of every invoke channel. */
export const HANDLERS: { [C in InvokeChannel]: Handler<C> } = {
  'app:info': async (s) => ({
    name: s.app.name,
    version: s.app.version,
    mode: s.mode,
    platform,
    arch: s.core.hostArch(),
    versions: { node: versions.node, ...(s.app.versions ?? {}) },
  }),
  'app:take-opened': async (s) => s.takeOpened(),
  'file:open-dialog': openFileDialog,
  'file:load-bytes': loadFileBytes,
  'file:forget': forgetFile,
  'config:validate': validateConfig,
  'image:releases': listReleases,
  'image:download': downloadImage,
  'image:cancel-download': cancelDownload,
  'image:open-dialog': openImageDialog,
  'image:open-path': openImagePath,
  'image:cached': cachedImages,
  'fs:list-dir': async (_s, req) => listDir(req),
  'options:check-kargs': async (s, req) => checkExtraKargs(req.kargs, req.imageId ? s.image(req.imageId).state.facts.defaultKargs : ''),
  'options:check-field-settings': async (s, req) =>
    checkFieldSettings(req.settings, req.imageId ? s.image(req.imageId).state.facts.features : undefined),
  'drives:list': listDrives,
  'sticks:inspect': inspectSticks,
  'sticks:refresh': startRefresh,
  'sticks:restore': restoreSticks,
  'flash:start': startFlash,
  'flash:cancel': cancelFlash,
  'iso:save': saveIso,
  'pxe:preview': previewPxe,
  'pxe:export': exportPxe,
  'pxe:cancel': cancelPxe,
  'pxe:serve-start': startPxeServer,
  'pxe:serve-stop': stopPxeServer,
  'settings:get': getSettings,
  'settings:set': setSettings,
  'memory:save': saveMemory,
  'memory:restore': restoreMemory,
  'memory:open-recent': openRecent,
  'history:list': listHistory,
  'history:export': exportHistory,
  'stick:inspect': inspectStick,
};

/** Is `channel` offered by a shell in `mode`? */
export function channelAllowed(mode: Session['mode'], channel: InvokeChannel): boolean {
  return mode === 'electron' ? !BROWSER_ONLY_CHANNELS.includes(channel) : !ELECTRON_ONLY_CHANNELS.includes(channel);
}

/** Validates and runs one invoke; never throws. */
export async function dispatch(s: Session, channel: unknown, request: unknown): Promise<Outcome<unknown>> {
  const bad = checkRequest(channel, request);
  if (bad) return { ok: false, error: bad };
  const c = channel as InvokeChannel;
  if (!channelAllowed(s.mode, c)) {
    return { ok: false, error: { code: 'CHANNEL_REFUSED', message: `${c} is not available in ${s.mode} mode` } };
  }
  try {
    const value = await (HANDLERS[c] as Handler<InvokeChannel>)(s, request as never);
    return { ok: true, value };
  } catch (err) {
    return { ok: false, error: toErrorValue(err) };
  }
}

/** Config-like file names (everything else that is not .iso is refused). */
const CONFIG_NAME = /\.(ign|json|bu|ya?ml)$/i;

/**
 * Opens a file the user gave Flint outside the renderer's requests: dropped on the window (path
 * from the preload), passed on the command line, or sent by the OS (open-file, second instance).
 */
export async function openUserFile(s: Session, path: string, source: 'drop' | 'argv', kind: FileKind = 'config'): Promise<OpenedFile> {
  if (/\.iso$/i.test(path)) return { kind: 'image', image: await openLocalIso(s, path) };
  if (kind === 'config' && !CONFIG_NAME.test(path)) {
    throw new FlintError('FILE_TYPE_UNKNOWN', `Flint opens .ign, .bu and .iso files, not ${path}`);
  }
  return { kind: 'config', file: await loadFileFromPath(s, path, kind, source) };
}
