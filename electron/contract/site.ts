/**
 * What the wizard keeps between runs and the site tools: settings, the wizard's memory (last and
 * recent choices), the flash record, and the stick inspector's view. JSON data only (the renderer
 * and Node both load it).
 */
import type { FlashEnding } from './error-codes';
import type { FleetRowRef } from './fleet';
import type { FieldSettingsInput, ImageState, LoadedFile } from './types';

/** How downloads reach the network. */
export type ProxyMode = 'environment' | 'none' | 'url';

/** An extra trusted OpenPGP public key (armored text), as the settings hold it. */
export interface TrustedKey {
  /** A name for display (the file it came from). */
  name: string;
  armored: string;
}

/** Settings, persisted per user. Empty strings mean "the default". */
export interface Settings {
  /** Stream metadata mirror ('' = the Fedora build server). */
  baseUrl: string;
  /** Extra trusted signing keys (besides Fedora's). */
  keys: TrustedKey[];
  /** Download cache folder ('' = the platform's cache folder). */
  cacheDir: string;
  /** environment: HTTPS_PROXY/HTTP_PROXY/NO_PROXY; none: direct; url: `proxyUrl`. */
  proxyMode: ProxyMode;
  proxyUrl: string;
  /** Eject each stick when it is done (Etcher and Media Writer do by default). */
  ejectWhenDone: boolean;
  /** Advanced: offer image files and loop devices as targets. */
  allowLoop: boolean;
}

/** Settings as the page shows them. */
export interface SettingsView {
  settings: Settings;
  /** Settings a command-line flag fixes for this run (the flag wins over the saved value). */
  fixed: (keyof Settings)[];
  /** What the empty values mean here. */
  defaults: { baseUrl: string; cacheDir: string; environmentProxy: string | null };
  /** Where they are saved (null: not saved, this run only). */
  file: string | null;
}

/** What the wizard remembers of its choices (the core keeps the files' bytes and paths). */
export interface MemoryChoices {
  mode: 'usb' | 'network';
  /** The config (by the id the session holds; the core remembers its bytes). */
  configId?: string;
  /** The image: a held image id, or a stream to list. */
  imageId?: string;
  stream?: string;
  arch?: string;
  fromRam: boolean;
  extraKargs: string;
  fieldSettings: FieldSettingsInput;
  verify: boolean;
  /** The chosen targets (by the ids of the last listing; the core remembers who they are). */
  targetIds: string[];
  /** The fleet manifest (by its id; the core remembers its bytes or path), the next batch's first row and the rows written. */
  fleet?: RememberedFleet<string>;
}

/** A fleet manifest and how far its batches got; `F` is the file's id (saving) or the file (restoring). */
export interface RememberedFleet<F> {
  file: F;
  start: number;
  written: number[];
}

/** A stick remembered by who it is, not by where it is plugged. */
export interface RememberedTarget {
  model: string;
  serial: string;
  size: number;
}

/** A recent config or image. */
export interface RecentEntry {
  /** Key for memory:open-recent. */
  key: string;
  name: string;
  /** When it was last used (ISO 8601). */
  time: string;
  /** Full path (images, configs read from disk). */
  path?: string;
}

/** What memory:restore hands back. */
export interface Restored {
  mode: 'usb' | 'network';
  config?: LoadedFile;
  image?: ImageState;
  stream?: string;
  arch?: string;
  fromRam: boolean;
  extraKargs: string;
  fieldSettings?: FieldSettingsInput;
  verify: boolean;
  /** The remembered sticks; the page selects those present now. */
  targets: RememberedTarget[];
  /** The fleet manifest opened again; its progress only when its content is unchanged. */
  fleet?: RememberedFleet<LoadedFile>;
  recentConfigs: RecentEntry[];
  recentImages: RecentEntry[];
  /** What could not come back (a file moved away...), for one quiet note. */
  missing: string[];
}

/** One stick of a recorded flash. */
export interface HistoryStickView {
  device: string;
  model: string;
  serial: string;
  size: number;
  ending: FlashEnding;
  ok: boolean;
  error?: string;
  bytesWritten: number;
  /** The live config this stick was to carry (a fleet gives each its own). */
  configSha256?: string | null;
  configReadBack: string | null;
  /** The fleet row the stick was written for. */
  fleetRow?: FleetRowRef;
}

/** One recorded flash. */
export interface HistoryEntry {
  time: string;
  by: 'app' | 'burn' | 'write' | 'refresh';
  ok: boolean;
  cancelled: boolean;
  image: { name: string; sha256: string | null; signature: string; release?: string; stream?: string };
  configSha256: string | null;
  kargs: string | null;
  sticks: HistoryStickView[];
  durationMs: number;
  averageSpeed: number;
}

/** A live stick as the inspector shows it (the core's `flint stick show`, read only). */
export interface StickView {
  device: string;
  /** "Fedora CoreOS 40.20240416.3.1 (stable)" or what is known. */
  release: string;
  arch: string;
  volumeId: string;
  customized: boolean;
  imageSize: number;
  /** The embedded live config as text (null: none). */
  config: string | null;
  configSha256: string | null;
  kargs: string | null;
  /** Kernel arguments added to and removed from the image's defaults. */
  kargsAppended: string[];
  kargsDeleted: string[];
  network: { name: string; text: string; summary: string }[];
  /** Other files in the embed area. */
  otherFiles: { path: string; size: number }[];
}
