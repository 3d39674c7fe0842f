/**
 * The one typed contract between the renderer and the core. Electron IPC (preload → ipcMain) and
 * the loopback HTTP bridge (`flint ui`) both implement `FlintApi` with exactly these channels.
 * Requests are checked at run time with the guards in ./guards before a handler sees them.
 */
import type {
  AppInfo,
  CustomizeOptions,
  DirListing,
  DriveList,
  ErrorValue,
  FieldSettingsCheck,
  FieldSettingsInput,
  FileKind,
  FlashFinished,
  FlashProgress,
  FlashRequest,
  ImageState,
  KargsCheck,
  LoadedFile,
  OpenedFile,
  Outcome,
  ReleaseInfo,
  ShellMode,
  TargetResult,
} from './types';
import type { PxeExportResult, PxeOptions, PxePreview, PxeServerState } from './pxe';
import type { StickInfo, StickRefreshFinished, StickRefreshResult, StickRestoreRequest, StickRestoreResult } from './sticks';
import type { HistoryEntry, MemoryChoices, RecentEntry, Restored, Settings, SettingsView, StickView } from './site';

export * from './types';
export * from './sticks';
export * from './pxe';
export * from './site';
export * from './fleet';

/** Empty request. */
export type NoArgs = Record<string, never>;

/**
 * Invoke channels: request and response of each. Every invoke resolves to `Outcome<res>`.
 * Channels marked "browser only" are refused by the Electron shell (there the native dialogs are used).
 */
export interface InvokeMap {
  /** About the app. */
  'app:info': { req: NoArgs; res: AppInfo };
  /**
   * Files opened with Flint before the renderer listened (argv at start-up). Call once after
   * subscribing to `app:opened`; later openings arrive as events only.
   */
  'app:take-opened': { req: NoArgs; res: OpenedFile[] };

  /** Native open dialog for a text file of `kind`; null when cancelled. Electron only. */
  'file:open-dialog': { req: { kind: FileKind }; res: LoadedFile | null };
  /** Uploads a small text file's content (browser drops, file inputs). At most MAX_UPLOAD_BYTES. */
  'file:load-bytes': { req: { kind: FileKind; name: string; text: string }; res: LoadedFile };
  /** Forgets a loaded file. */
  'file:forget': { req: { id: string }; res: NoArgs };
  /** Re-validates a config, now against the embed area of `imageId` when given. */
  'config:validate': { req: { id: string; imageId?: string }; res: LoadedFile };

  /** Current releases of the given streams for one architecture (defaults: stable/testing/next, this machine's). */
  'image:releases': { req: { streams?: string[]; arch?: string }; res: ReleaseInfo[] };
  /** Downloads (or takes from the cache) and verifies a release; progress on `image:progress`. */
  'image:download': { req: { stream: string; arch: string }; res: ImageState };
  /** Cancels the running download. */
  'image:cancel-download': { req: NoArgs; res: NoArgs };
  /** Native open dialog for an ISO; null when cancelled. Electron only. */
  'image:open-dialog': { req: NoArgs; res: ImageState | null };
  /** Opens an ISO by a path the user typed or picked in `fs:list-dir`. Browser only. */
  'image:open-path': { req: { path: string }; res: ImageState };
  /** ISOs already in the download cache. */
  'image:cached': { req: NoArgs; res: ImageState[] };

  /** Lists a directory (browser mode's stand-in for a file dialog; names and sizes only). Browser only. */
  'fs:list-dir': { req: { path?: string; filter?: 'iso' | 'config' | 'all' }; res: DirListing };

  /** Checks extra kernel arguments against the image's defaults. */
  'options:check-kargs': { req: { kargs: string; imageId?: string }; res: KargsCheck };
  /** Checks the Config step's field settings (against the image's features when `imageId` is given). */
  'options:check-field-settings': { req: { settings: FieldSettingsInput; imageId?: string }; res: FieldSettingsCheck };

  /**
   * Lists drives now (the list also arrives on `drives:changed`). With `imageId`, each drive's
   * `refusal` also says when it is too small for that image (later lists keep judging by it).
   */
  'drives:list': { req: { showSystem?: boolean; imageId?: string }; res: DriveList };

  /**
   * Reads what the given drives hold (release, stream, config) and asks each stick's stream for
   * its newest release. Only reads; a drive that cannot be read says why in its `error`.
   */
  'sticks:inspect': { req: { driveIds: string[] }; res: StickInfo[] };
  /**
   * Gives live sticks the newest release of their stream with the customization each carries;
   * resolves at once with the job id, then refresh:progress/target/finished (a refusal arrives as
   * refresh:finished's error). flash:cancel cancels it.
   */
  'sticks:refresh': { req: { driveIds: string[]; verify: boolean; eject: boolean; confirmLarge: boolean }; res: { jobId: string } };
  /** Makes drives normal again: one partition, FAT32 up to 32 GiB, exFAT above, the label. Erases them. */
  'sticks:restore': { req: StickRestoreRequest; res: StickRestoreResult[] };

  /** Starts writing; resolves at once with the job id, then events flash:progress/target/finished. */
  'flash:start': { req: FlashRequest; res: { jobId: string } };
  /** Cancels the running flash job. */
  'flash:cancel': { req: { jobId: string }; res: NoArgs };

  /**
   * Saves the customized ISO. Electron: native save dialog (null when cancelled).
   * Browser: `path` is required (a new file the user named; never overwrites). With `fleetRow`,
   * the ISO carries that machine's settings of the fleet manifest on top of the common ones (as
   * its stick would).
   */
  'iso:save': {
    req: { imageId: string; configId?: string; options: CustomizeOptions; path?: string; fleetRow?: { fileId: string; row: number } };
    res: { path: string; size: number } | null;
  };

  /** Network boot: the config files, RAM and command line the options generate (pure). */
  'pxe:preview': { req: { options: PxeOptions; configId?: string; fieldSettings?: FieldSettingsInput }; res: PxePreview };
  /**
   * Network boot: downloads and verifies the PXE artifacts into a folder, plus the boot config and
   * the customized initramfs or wrapped Ignition initrd; progress on `pxe:progress`.
   * Electron: native folder dialog (null when cancelled). Browser: `path` is required.
   */
  'pxe:export': {
    req: { options: PxeOptions; configId?: string; fieldSettings?: FieldSettingsInput; path?: string };
    res: PxeExportResult | null;
  };
  /** Cancels the running network boot export. */
  'pxe:cancel': { req: NoArgs; res: NoArgs };
  /** Serves the last exported folder as a read-only HTTP boot mirror; log lines on `pxe:log`. */
  'pxe:serve-start': { req: { bind: string; port: number }; res: PxeServerState };
  /** Stops the boot mirror. */
  'pxe:serve-stop': { req: NoArgs; res: NoArgs };

  /** The settings in force, which of them a flag fixes, and what the defaults are. */
  'settings:get': { req: NoArgs; res: SettingsView };
  /** Checks, saves and applies settings (the next download or listing uses them). */
  'settings:set': { req: { settings: Settings }; res: SettingsView };
  /** Remembers the wizard's current choices (and adds them to the recent lists). */
  'memory:save': { req: { choices: MemoryChoices }; res: { recentConfigs: RecentEntry[]; recentImages: RecentEntry[] } };
  /** The last choices, opened again where they still exist, and the recent lists. */
  'memory:restore': { req: NoArgs; res: Restored };
  /** Opens a config or image of the recent lists. */
  'memory:open-recent': { req: { kind: 'config' | 'image'; key: string }; res: OpenedFile };
  /** The record of every flash, newest first. */
  'history:list': { req: NoArgs; res: HistoryEntry[] };
  /** The record as a file's text (CSV: one row per stick; JSON: the records). */
  'history:export': { req: { format: 'csv' | 'json' }; res: { name: string; mime: string; text: string } };
  /** What is on a listed drive (release, config, kargs, network files); reads only. */
  'stick:inspect': { req: { driveId: string }; res: StickView };
}

/** Event channels: payload of each (core → renderer). */
export interface EventMap {
  /** The drive list changed (hot-plug). */
  'drives:changed': DriveList;
  /** Download progress of `image:download` (phase download or verify-image). */
  'image:progress': FlashProgress;
  /** Progress of a flash job. */
  'flash:progress': FlashProgress;
  /** One stick is done (or failed). */
  'flash:target': { jobId: string; result: TargetResult };
  /** The flash job ended. */
  'flash:finished': FlashFinished;
  /** Progress of a refresh (its download, then each stick's write and verify). */
  'refresh:progress': FlashProgress;
  /** One stick of a refresh is done (or failed). */
  'refresh:target': { jobId: string; result: StickRefreshResult };
  /** The refresh job ended. */
  'refresh:finished': StickRefreshFinished;
  /** A file was opened with Flint (argv, macOS open-file, a second instance) and loaded. */
  'app:opened': OpenedFile;
  /** Opening a file with Flint failed. */
  'app:open-failed': ErrorValue;
  /** Progress of `pxe:export` (phases download and verify-image). */
  'pxe:progress': FlashProgress;
  /** One request served by the boot mirror (`<time> <client> <method> "<path>" <status> <bytes>`). */
  'pxe:log': { line: string };
}

/** Name of an invoke channel. */
export type InvokeChannel = keyof InvokeMap;
/** Request type of an invoke channel. */
export type InvokeRequest<C extends InvokeChannel> = InvokeMap[C]['req'];
/** Response type of an invoke channel. */
export type InvokeResponse<C extends InvokeChannel> = InvokeMap[C]['res'];
/** Name of an event channel. */
export type EventChannel = keyof EventMap;
/** Payload type of an event channel. */
export type EventPayload<E extends EventChannel> = EventMap[E];

/** Every invoke channel, in a fixed order (the preload and the bridge expose exactly these). */
export const INVOKE_CHANNELS = [
  'app:info',
  'app:take-opened',
  'file:open-dialog',
  'file:load-bytes',
  'file:forget',
  'config:validate',
  'image:releases',
  'image:download',
  'image:cancel-download',
  'image:open-dialog',
  'image:open-path',
  'image:cached',
  'fs:list-dir',
  'options:check-kargs',
  'options:check-field-settings',
  'drives:list',
  'sticks:inspect',
  'sticks:refresh',
  'sticks:restore',
  'flash:start',
  'flash:cancel',
  'iso:save',
  'pxe:preview',
  'pxe:export',
  'pxe:cancel',
  'pxe:serve-start',
  'pxe:serve-stop',
  'settings:get',
  'settings:set',
  'memory:save',
  'memory:restore',
  'memory:open-recent',
  'history:list',
  'history:export',
  'stick:inspect',
] as const satisfies readonly InvokeChannel[];

/** Every event channel. */
export const EVENT_CHANNELS = [
  'drives:changed',
  'image:progress',
  'flash:progress',
  'flash:target',
  'flash:finished',
  'refresh:progress',
  'refresh:target',
  'refresh:finished',
  'app:opened',
  'app:open-failed',
  'pxe:progress',
  'pxe:log',
] as const satisfies readonly EventChannel[];

/** Channels the Electron shell refuses (they take paths from the renderer). */
export const BROWSER_ONLY_CHANNELS: readonly InvokeChannel[] = ['image:open-path', 'fs:list-dir'];
/** Channels the browser bridge refuses (they need a native dialog). */
export const ELECTRON_ONLY_CHANNELS: readonly InvokeChannel[] = ['file:open-dialog', 'image:open-dialog'];

/** Largest text file accepted by `file:load-bytes` (configs, keyfiles and certificates are small). */
export const MAX_UPLOAD_BYTES = 4 * 1024 * 1024;

/** Is `x` the name of an invoke channel? */
export function isInvokeChannel(x: unknown): x is InvokeChannel {
  return typeof x === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(x);
}

/** Is `x` the name of an event channel? */
export function isEventChannel(x: unknown): x is EventChannel {
  return typeof x === 'string' && (EVENT_CHANNELS as readonly string[]).includes(x);
}

/** Removes an event listener. */
export type Unsubscribe = () => void;

/**
 * What the renderer calls: `window.flint` in Electron (exposed by the preload), or the HTTP
 * bridge client in browser mode. Both resolve every invoke to an Outcome; neither throws.
 */
export interface FlintApi {
  /** Which shell implements this api. */
  readonly mode: ShellMode;
  /** Calls an invoke channel. */
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<Outcome<InvokeResponse<C>>>;
  /** Subscribes to an event channel. */
  on<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): Unsubscribe;
  /**
   * Loads a file the user dropped on the window. Electron: the preload resolves the File's real
   * path (configs and ISOs). Browser: configs are uploaded as text; an ISO cannot be dropped
   * (error DROP_ISO_NEEDS_PATH: pick it with fs:list-dir or type its path).
   * `kind` says what a text file is for (default: 'config'; ISOs are recognised by name).
   */
  openDroppedFile(file: File, kind?: FileKind): Promise<Outcome<OpenedFile>>;
}

/** Window property the preload exposes the api under. */
export const API_GLOBAL = 'flint';

/**
 * Private IPC channel the preload uses for dropped files: it sends the path Electron's
 * webUtils.getPathForFile gives for a File the user really dropped (the renderer never names paths).
 * Request: { path: string; kind: FileKind }, response Outcome<OpenedFile>.
 */
export const SHELL_DROP_CHANNEL = 'shell:dropped';
