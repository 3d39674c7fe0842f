/**
 * Feature "network boot": previews the PXELINUX/iPXE config the options generate, exports a boot
 * folder (verified PXE artifacts, the config, and the customized initramfs or wrapped Ignition
 * initrd) with progress and cancel, and serves that folder as a read-only HTTP boot mirror.
 * Electron-free.
 */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { FlintError } from '../core/errors';
import { generatePxeConfig, type PxeArtifactNames, type PxeConfigOptions } from '../core/pxe/config';
import type { InvokeRequest, InvokeResponse } from '../contract/api';
import type { PxeOptions, PxePreview, PxeServerState } from '../contract/types';
import { toFlashProgress } from './images';
import { mergedLiveConfig, NETWORK_INITRD, pxeSettingsOf, settingsNotes, urlConfigName, type PxeSettings } from './pxe-settings';
import type { Session } from './session';

/** Name of the wrapped Ignition initrd in an exported folder. */
export const IGNITION_INITRD = 'ignition.img';
/** Job id of `pxe:progress` events. */
export const PXE_JOB_ID = 'pxe-export';

/** The artifact names of a release as Fedora publishes them (previews; the export uses the metadata's). */
export function artifactNames(release: string | undefined, arch: string): PxeArtifactNames {
  const r = release ?? 'RELEASE';
  return {
    kernel: `fedora-coreos-${r}-live-kernel.${arch}`,
    initramfs: `fedora-coreos-${r}-live-initramfs.${arch}.img`,
    rootfs: `fedora-coreos-${r}-live-rootfs.${arch}.img`,
  };
}

/** File name of the customized initramfs beside the original one. */
export function customizedName(initramfs: string): string {
  return initramfs.replace(/(\.img)?$/, '.custom.img');
}

/**
 * The config text the Ignition choice needs, or null for 'none' or without a config. 'url' uses
 * the config only to merge field settings into the live config it exports. `settings` stand in
 * for a missing config (like the USB flow, they can be the whole config).
 */
function configText(
  s: Session,
  o: PxeOptions,
  configId: string | undefined,
  required: boolean,
  settings: PxeSettings | null = null,
): string | null {
  if (o.ignition === 'none' || (o.ignition === 'url' && !settings?.fragment)) return null;
  if (!configId) {
    if (!required || settings || o.ignition === 'url') return null;
    throw new FlintError('PXE_NO_CONFIG', 'Choose an Ignition config to embed, or have the machine fetch one by URL', [
      'go back to the Config step, or pick "Fetched from a URL" under Ignition',
    ]);
  }
  const cfg = s.file(configId).file;
  if (cfg.kind !== 'config') throw new FlintError('FILE_NOT_CONFIG', `${cfg.name} is not an Ignition config`);
  if (cfg.report && !cfg.report.ok) throw new FlintError('CONFIG_INVALID', `${cfg.name} has errors; fix them first`);
  return cfg.text;
}

/**
 * The core's config options for the contract's options and the artifact names in the folder.
 * `fields` (the field settings) add the network keyfile initrd outside embedded mode, and an
 * initrd mode with nothing to wrap (a static IP alone, no config) loads no ignition.img.
 */
export function toConfigOptions(
  o: PxeOptions,
  artifacts: PxeArtifactNames,
  release?: string,
  fields?: { settings: PxeSettings; hasConfig: boolean },
): PxeConfigOptions {
  const kargs = o.kargs.split(/\s+/).filter(Boolean);
  if (fields && o.ignition === 'initrd' && !fields.hasConfig && !fields.settings.fragment) o = { ...o, ignition: 'none' };
  const opts: PxeConfigOptions = {
    format: o.format,
    artifacts: o.ignition === 'embedded' ? { ...artifacts, initramfs: customizedName(artifacts.initramfs) } : artifacts,
    rootfs: o.rootfs === 'url' ? { mode: 'url', ...(o.rootfsUrl ? { url: o.rootfsUrl } : {}) } : { mode: 'initrd' },
    ignition:
      o.ignition === 'url'
        ? { mode: 'url', url: o.ignitionUrl ?? '' }
        : o.ignition === 'initrd'
          ? { mode: 'initrd', name: IGNITION_INITRD }
          : { mode: o.ignition },
    kargs,
    stream: o.stream,
  };
  if (o.baseUrl) opts.baseUrl = o.baseUrl;
  if (release) opts.version = release;
  if (fields && fields.settings.keyfiles.length > 0 && o.ignition !== 'embedded') opts.extraInitrds = [NETWORK_INITRD];
  if (o.ignition === 'url' && !o.ignitionUrl) {
    throw new FlintError('PXE_NO_IGNITION_URL', 'Type the URL the machine fetches its Ignition config from');
  }
  return opts;
}

/** The CLI options the core's messages name, and what the app calls them. */
const UI_NAMES: [RegExp, string][] = [
  [
    /give --rootfs-url URL or an http\(s\) --base-url, or use --rootfs-initrd/g,
    'type an http(s) base URL, or load the root filesystem as an initrd',
  ],
  [/flint pxe config --karg \.\.\./g, 'the extra kernel arguments'],
  [/pass each argument with its own --karg/g, 'separate arguments with spaces'],
  [/--ignition-url/g, 'the Ignition choice "By URL"'],
  [/--rootfs-url/g, 'the root filesystem choice "By URL"'],
  [/--rootfs-initrd/g, 'the root filesystem choice "As an initrd"'],
  [/--ignition-embedded/g, 'the Ignition choice "Embedded"'],
  [/--karg/g, 'extra kernel arguments'],
];

/** Rewords a core error that names CLI options in the app's terms. */
export function inAppTerms(err: unknown): unknown {
  if (!(err instanceof FlintError)) return err;
  const say = (t: string) => UI_NAMES.reduce((acc, [re, to]) => acc.replace(re, to), t);
  return new FlintError(err.code, say(err.message), err.causes.map(say));
}

function generate(
  o: PxeOptions,
  artifacts: PxeArtifactNames,
  release?: string,
  fields?: { settings: PxeSettings; hasConfig: boolean },
): PxePreview {
  const opts = toConfigOptions(o, artifacts, release, fields);
  let g;
  try {
    g = generatePxeConfig(opts);
  } catch (err) {
    throw inAppTerms(err);
  }
  const out: PxePreview = {
    files: g.files,
    ramNeeded: g.ramNeeded,
    ramNote: g.ramNote,
    cmdline: g.cmdline,
    notes: g.notes,
    artifacts: opts.artifacts,
  };
  if (fields) {
    out.notes = [...out.notes, ...settingsNotes(o, fields.settings, opts.artifacts.initramfs)];
    out.fieldSettings = fields.settings.summary;
  }
  return out;
}

/** pxe:preview — pure: what the options generate, with the release's file names. */
export async function previewPxe(s: Session, req: InvokeRequest<'pxe:preview'>): Promise<InvokeResponse<'pxe:preview'>> {
  const settings = pxeSettingsOf(req.options, req.fieldSettings);
  const config = configText(s, req.options, req.configId, false, settings);
  const fields = settings ? { settings, hasConfig: config !== null } : undefined;
  return generate(req.options, artifactNames(req.options.release, req.options.arch), req.options.release, fields);
}

/** Checks a folder typed in browser mode: absolute; an existing directory, or a new one in an existing directory. */
export async function checkExportDir(path: string): Promise<string> {
  if (!isAbsolute(path)) throw new FlintError('PATH_NOT_ABSOLUTE', `Give the full path of the folder, not ${path}`);
  const full = resolve(path);
  const st = await stat(full).catch(() => null);
  if (st && !st.isDirectory()) throw new FlintError('EXPORT_NOT_DIR', `${full} exists and is not a folder`);
  if (!st) {
    const parent = await stat(dirname(full)).catch(() => null);
    if (!parent?.isDirectory()) throw new FlintError('EXPORT_DIR_MISSING', `${dirname(full)} is not a folder`);
  }
  return full;
}

/** pxe:export — downloads, verifies and lays out a boot folder; progress on pxe:progress. */
export async function exportPxe(s: Session, req: InvokeRequest<'pxe:export'>): Promise<InvokeResponse<'pxe:export'>> {
  const st = s.pxe;
  if (st.job) throw new FlintError('PXE_BUSY', 'An export is already running; wait or cancel it');
  const o = req.options;
  const settings = pxeSettingsOf(o, req.fieldSettings);
  const config = configText(s, o, req.configId, true, settings);
  const fields = settings ? { settings, hasConfig: config !== null } : undefined;
  // fail on bad kargs or URLs before asking for a folder or downloading anything
  generate(o, artifactNames(o.release, o.arch), o.release, fields);
  let dir: string | null;
  if (s.mode === 'electron') {
    const d = s.needDialogs();
    if (!d.openFolder) throw new FlintError('NO_DIALOGS', 'This shell cannot ask for a folder');
    dir = await d.openFolder('Folder for the network boot files');
    if (dir === null) return null;
  } else {
    if (!req.path) throw new FlintError('EXPORT_PATH_MISSING', 'Type the folder to write the network boot files to');
    dir = await checkExportDir(req.path);
  }
  const abort = new AbortController();
  st.job = abort;
  try {
    await mkdir(dir, { recursive: true });
    const got = await s.core.pxeDownload(dir, o.stream, o.arch, {
      signal: abort.signal,
      onProgress: (p) => s.emit('pxe:progress', toFlashProgress(PXE_JOB_ID, p)),
    });
    const written = [got.artifacts.kernel, got.artifacts.initramfs, got.artifacts.rootfs];
    written.push(...(await writeIgnition(s, o, dir, got.artifacts.initramfs, config, settings)));
    abort.signal.throwIfAborted();
    const g = generate({ ...o, release: got.release }, got.artifacts, got.release, fields);
    for (const f of g.files) {
      await mkdir(dirname(join(dir, f.name)), { recursive: true });
      await writeFile(join(dir, f.name), f.text);
      written.push(f.name);
    }
    st.dir = dir;
    return { ...g, dir, release: got.release, written };
  } catch (err) {
    if (abort.signal.aborted) throw new FlintError('PXE_CANCELLED', 'The export was cancelled; the folder may hold partial files');
    throw err;
  } finally {
    st.job = null;
  }
}

/** Rewords the core's missing-feature refusal of a keyfile in the field settings' terms. */
function staticIpRefused(err: unknown): unknown {
  if (!(err instanceof FlintError) || err.code !== 'FEATURE_MISSING') return err;
  return new FlintError(
    'FEATURE_MISSING',
    'This Fedora CoreOS initramfs cannot take the static IP from the field settings: it lacks the live-initrd-network feature',
    ['use a newer release, or clear the static address, gateway and DNS in the Config step'],
  );
}

/**
 * Writes the Ignition side of an export: the customized initramfs (config, settings fragment and
 * keyfile inside), the wrapped config (merged with the fragment), or the live config URL mode
 * serves; plus the keyfile initrd outside embedded mode. Returns the names written.
 */
async function writeIgnition(
  s: Session,
  o: PxeOptions,
  dir: string,
  initramfs: string,
  config: string | null,
  settings: PxeSettings | null,
): Promise<string[]> {
  const written: string[] = [];
  if (o.ignition === 'embedded' && (config !== null || settings)) {
    const name = customizedName(initramfs);
    await rm(join(dir, name), { force: true });
    const extra = settings ? { ...(settings.fragment ? { fieldSettings: settings.fragment } : {}), network: settings.keyfiles } : undefined;
    try {
      await s.core.pxeCustomize(join(dir, initramfs), join(dir, name), config ?? undefined, extra);
    } catch (err) {
      throw settings?.keyfiles.length ? staticIpRefused(err) : err;
    }
    written.push(name);
  } else if (o.ignition === 'initrd' && (config !== null || settings?.fragment)) {
    const text = settings?.fragment ? mergedLiveConfig(config ?? undefined, settings.fragment) : (config as string);
    await s.core.pxeWrapIgnition(text, join(dir, IGNITION_INITRD));
    written.push(IGNITION_INITRD);
  } else if (o.ignition === 'url' && settings?.fragment) {
    const name = urlConfigName(o);
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), mergedLiveConfig(config ?? undefined, settings.fragment));
    written.push(name);
  }
  if (settings && settings.keyfiles.length > 0 && o.ignition !== 'embedded') {
    await s.core.pxeWrapNetwork(settings.keyfiles, join(dir, NETWORK_INITRD));
    written.push(NETWORK_INITRD);
  }
  return written;
}

/** pxe:cancel */
export async function cancelPxe(s: Session): Promise<InvokeResponse<'pxe:cancel'>> {
  s.pxe.job?.abort();
  return {};
}

/** pxe:serve-start — serves the last exported folder; one pxe:log event per request. */
export async function startPxeServer(s: Session, req: InvokeRequest<'pxe:serve-start'>): Promise<InvokeResponse<'pxe:serve-start'>> {
  const st = s.pxe;
  if (st.server) throw new FlintError('PXE_SERVER_RUNNING', `The boot mirror is already running at ${st.server.url}`);
  if (!st.dir) throw new FlintError('PXE_NO_FOLDER', 'Export the network boot files to a folder first; the mirror serves that folder');
  const dir = st.dir;
  const srv = await s.core.startBootServer({ dir, bind: req.bind, port: req.port, log: (line) => s.emit('pxe:log', { line }) });
  const state: PxeServerState = { url: srv.url, bind: req.bind, port: srv.port, dir };
  st.server = { ...state, close: () => srv.close() };
  return state;
}

/** pxe:serve-stop */
export async function stopPxeServer(s: Session): Promise<InvokeResponse<'pxe:serve-stop'>> {
  const st = s.pxe;
  const srv = st.server;
  st.server = null;
  await srv?.close();
  return {};
}
