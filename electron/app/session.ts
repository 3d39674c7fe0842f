/**
 * The state one renderer works with: loaded files, opened images, the drive list and running jobs,
 * all referred to by opaque ids. One Session serves either the Electron window or the loopback
 * bridge. Electron-free.
 */
import { randomUUID } from 'node:crypto';
import type { EventChannel, EventPayload } from '../contract/api';
import type { ImageState, LoadedFile, OpenedFile, ShellMode } from '../contract/types';
import type { PxeServerState } from '../contract/pxe';
import type { Drive } from '../core/drives/types';
import type { FileStamp } from '../core/stream/cache';
import type { CoreAdapter } from './core-adapter';
import { FlintError } from '../core/errors';
import { coreOptionsOf } from './settings';
import { SiteState } from './site';

/** Native dialogs (Electron only); each returns null when the user cancels. */
export interface Dialogs {
  /** Asks for a file to open; `filters` are extension lists without dots. */
  openFile(title: string, filters: { name: string; extensions: string[] }[]): Promise<string | null>;
  /** Asks where to save; returns the chosen path. */
  saveFile(title: string, defaultName: string): Promise<string | null>;
  /** Asks for a folder to write into (network boot export); returns its path. */
  openFolder?(title: string): Promise<string | null>;
}

/** Sends an event to the renderer(s). */
export type EventSink = <E extends EventChannel>(channel: E, payload: EventPayload<E>) => void;

/** Options of a Session. */
export interface SessionOptions {
  mode: ShellMode;
  core: CoreAdapter;
  /** Native dialogs (Electron); absent in browser mode. */
  dialogs?: Dialogs;
  /** App name and version for app:info. */
  app: { name: string; version: string; versions?: Record<string, string> };
  /** Allow loop devices as targets (tests, image files); fixes the setting for this session. */
  allowLoop?: boolean;
  /** Settings, record and memory (absent: defaults, kept in memory). */
  site?: SiteState;
}

/** An image held by the session: what the renderer sees plus its real path. */
export interface HeldImage {
  state: ImageState;
  /** The file stamp its SHA-256 and signature hold for (downloaded and cached images). */
  stamp?: FileStamp;
}

/** A loaded text file held by the session. */
export interface HeldFile {
  file: LoadedFile;
  /** Raw bytes as read (Butane source for .bu). */
  bytes: Uint8Array;
  /** Directory of the file on disk (Butane `local` references), absent for uploads. */
  dir?: string;
}

/** Network boot state of a session (app/pxe.ts): the running export, the last folder, the mirror. */
export interface PxeSessionState {
  job: AbortController | null;
  dir: string | null;
  server: (PxeServerState & { close(): Promise<void> }) | null;
}

/**
 * Per-renderer state and services for the feature handlers. All state a feature keeps lives in
 * these fields, so dispose() can stop everything a renderer started.
 */
export class Session {
  readonly mode: ShellMode;
  readonly dialogs?: Dialogs;
  readonly app: SessionOptions['app'];
  readonly site: SiteState;
  private currentCore: CoreAdapter;
  readonly files = new Map<string, HeldFile>();
  readonly images = new Map<string, HeldImage>();
  /** Drives from the last listing, by id (flash re-lists before writing). */
  drives = new Map<string, Drive>();
  /** The image the drive list is judged against (too small for it), as last named by drives:list. */
  targetImageId: string | null = null;
  /** Running download, if any. */
  download: AbortController | null = null;
  /** Running flash job, if any. */
  flash: { jobId: string; abort: AbortController } | null = null;
  /** Network boot: export job, last exported folder, running boot mirror. */
  readonly pxe: PxeSessionState = { job: null, dir: null, server: null };
  private readonly sinks = new Set<EventSink>();
  /** Files opened with Flint before the renderer asked for them (null once it has). */
  private openedQueue: OpenedFile[] | null = [];

  constructor(opts: SessionOptions) {
    this.mode = opts.mode;
    this.currentCore = opts.core;
    this.dialogs = opts.dialogs;
    this.app = opts.app;
    this.site = opts.site ?? new SiteState();
    if (opts.allowLoop !== undefined) this.site.flags.allowLoop = opts.allowLoop;
  }

  /** The core, built for the settings in force. */
  get core(): CoreAdapter {
    return this.currentCore;
  }

  /** Whether loop devices may be targets (a setting, or fixed by the shell). */
  get allowLoop(): boolean {
    return this.site.effective().allowLoop;
  }

  /** Rebuilds the core after the settings changed (held images and files stay). */
  reconfigure(): void {
    if (this.site.makeCore) this.currentCore = this.site.makeCore(coreOptionsOf(this.site.effective()));
  }

  /** A fresh opaque id with a readable prefix. */
  newId(prefix: string): string {
    return `${prefix}-${randomUUID()}`;
  }

  /** Adds an event receiver; returns its removal. */
  addSink(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => void this.sinks.delete(sink);
  }

  /** Sends an event to every receiver. */
  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void {
    for (const s of this.sinks) {
      try {
        s(channel, payload);
      } catch {
        // a closed window or stream must not break the others
      }
    }
  }

  /** Delivers a file opened with Flint: queued until the renderer takes the queue, then as an event. */
  deliverOpened(o: OpenedFile): void {
    if (this.openedQueue) this.openedQueue.push(o);
    else this.emit('app:opened', o);
  }

  /** Returns the queued openings once; afterwards openings arrive as app:opened events. */
  takeOpened(): OpenedFile[] {
    const q = this.openedQueue ?? [];
    this.openedQueue = null;
    return q;
  }

  /** The held file with `id`, or FILE_UNKNOWN. */
  file(id: string): HeldFile {
    const f = this.files.get(id);
    if (!f) throw new FlintError('FILE_UNKNOWN', 'That file is no longer loaded; open it again');
    return f;
  }

  /** The held image with `id`, or IMAGE_UNKNOWN. */
  image(id: string): HeldImage {
    const i = this.images.get(id);
    if (!i) throw new FlintError('IMAGE_UNKNOWN', 'That image is no longer open; choose it again');
    return i;
  }

  /** The native dialogs, or NO_DIALOGS in browser mode. */
  needDialogs(): Dialogs {
    if (!this.dialogs) throw new FlintError('NO_DIALOGS', 'Native dialogs are only available in the desktop app');
    return this.dialogs;
  }

  /** Stops running jobs (window closed, server stopped). */
  dispose(): void {
    this.download?.abort();
    this.flash?.abort.abort();
    this.pxe.job?.abort();
    void this.pxe.server?.close();
    this.pxe.server = null;
    this.sinks.clear();
  }
}
