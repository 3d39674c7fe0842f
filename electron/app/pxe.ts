/**
 * Feature "network boot": previews the PXELINUX/iPXE config the options generate, exports a boot
 * folder (verified PXE artifacts, the config, and the customized initramfs or wrapped Ignition
 * initrd) with progress and cancel, and serves that folder as a read-only HTTP boot mirror.
 * Electron-free.
 */
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, parse as parsePath, resolve } from 'node:path';
import { ERROR_CODES, type ConfigProblem } from '../contract/error-codes';
import { FlintError, codedError } from '../core/errors';
import type { FlashCustomization } from '../core/flash/types';
import { safeStem } from '../core/iso/pxe-artifacts';
import { identifyRelease } from '../core/iso/release';
import { generatePxeConfig, type PxeArtifactNames, type PxeConfigOptions } from '../core/pxe/config';
import type { InvokeRequest, InvokeResponse } from '../contract/api';
import type { PxeOptions, PxePreview, PxeServerState } from '../contract/pxe';
import { toFlashProgress } from './images';
import { mergedLiveConfig, NETWORK_INITRD, pxeSettingsOf, settingsNotes, urlConfigName, type PxeSettings } from './pxe-settings';
import type { CoreProgress } from './core-adapter';
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

/** Where the boot files of an export come from, their names and the release they belong to. */
interface PxeSource {
  artifacts: PxeArtifactNames;
  release?: string;
  stream?: string;
  /** The live ISO they are copied out of (source `iso`), and the prefix of their names. */
  iso?: { path: string; stem: string; volumeId: string };
}

/** The artifact names `iso extract pxe` gives the files of an ISO (`<stem>-vmlinuz`...). */
export function isoArtifactNames(stem: string): PxeArtifactNames {
  return { kernel: `${stem}-vmlinuz`, initramfs: `${stem}-initrd.img`, rootfs: `${stem}-rootfs.img` };
}

/** The source the options name: the stream's release, or a live ISO held by the session. */
function sourceOf(s: Session, o: PxeOptions): PxeSource {
  if (o.source !== 'iso') return { artifacts: artifactNames(o.release, o.arch), release: o.release, stream: o.stream };
  if (!o.imageId) {
    throw new FlintError('PXE_NO_ISO', 'Choose the live ISO to take the boot files from', [
      'its kernel, initramfs and root filesystem are copied into the boot folder; nothing is downloaded',
    ]);
  }
  const img = s.image(o.imageId).state;
  const stem = safeStem(parsePath(img.path).name);
  const id = identifyRelease(img.facts.volumeId, img.facts.defaultKargs);
  return {
    artifacts: isoArtifactNames(stem),
    release: img.release ?? id.version ?? undefined,
    stream: img.stream ?? id.stream ?? undefined,
    iso: { path: img.path, stem, volumeId: img.facts.volumeId },
  };
}

/** The options as the config generator sees them: an ISO's boot names its own stream (or none). */
function withSourceStream(o: PxeOptions, src: PxeSource): PxeOptions {
  return src.iso ? { ...o, stream: src.stream ?? '' } : o;
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
  if (cfg.report && !cfg.report.ok) {
    const errors: ConfigProblem[] = cfg.report.errors;
    throw codedError(ERROR_CODES.CONFIG_INVALID, { file: cfg.name, errors }, `${cfg.name} has errors; fix them first`);
  }
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
  // one entry: the karg rule set splits it like the kernel does (quotes included)
  const kargs = o.kargs.trim() ? [o.kargs] : [];
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

function generate(
  o: PxeOptions,
  artifacts: PxeArtifactNames,
  release?: string,
  fields?: { settings: PxeSettings; hasConfig: boolean },
): PxePreview {
  const opts = toConfigOptions(o, artifacts, release, fields);
  const g = generatePxeConfig(opts);
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
  const src = sourceOf(s, req.options);
  return generate(withSourceStream(req.options, src), src.artifacts, src.release, fields);
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
  // fail on bad kargs or URLs, or a missing ISO, before asking for a folder or downloading anything
  const src = sourceOf(s, o);
  generate(withSourceStream(o, src), src.artifacts, src.release, fields);
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
    const hooks = { signal: abort.signal, onProgress: (p: CoreProgress) => s.emit('pxe:progress', toFlashProgress(PXE_JOB_ID, p)) };
    let got: { release?: string; artifacts: PxeArtifactNames };
    let written: string[];
    if (src.iso) {
      const x = await s.core.pxeExtract(src.iso.path, dir, src.iso.stem, hooks);
      got = { release: x.release ?? src.release, artifacts: x.artifacts };
      written = [...x.written];
    } else {
      got = await s.core.pxeDownload(dir, o.stream, o.arch, hooks);
      written = [got.artifacts.kernel, got.artifacts.initramfs, got.artifacts.rootfs];
    }
    written.push(...(await writeIgnition(s, o, dir, got.artifacts.initramfs, config, settings)));
    abort.signal.throwIfAborted();
    const g = generate(withSourceStream({ ...o, release: got.release }, src), got.artifacts, got.release, fields);
    for (const f of g.files) {
      await mkdir(dirname(join(dir, f.name)), { recursive: true });
      await writeFile(join(dir, f.name), f.text);
      written.push(f.name);
    }
    st.dir = dir;
    return { ...g, dir, release: got.release ?? src.iso?.volumeId ?? '', written };
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
    const enc = (t: string) => new TextEncoder().encode(t);
    const customization: FlashCustomization = {
      liveConfigs: [
        ...(config !== null ? [{ name: 'config.ign', data: enc(config), format: 'ignition' as const }] : []),
        ...(settings?.fragment ? [{ name: 'field-settings.ign', data: enc(settings.fragment), format: 'ignition' as const }] : []),
      ],
      options: settings?.keyfiles.length ? { networkKeyfile: settings.keyfiles.map((k) => ({ name: k.name, data: enc(k.text) })) } : {},
    };
    try {
      await s.core.pxeCustomize(join(dir, initramfs), join(dir, name), customization);
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
