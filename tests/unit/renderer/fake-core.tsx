/**
 * An in-memory core behind the FlintApi contract, for the renderer's store and component tests.
 * It answers like the real handlers do (LoadedFile with a report, releases, drives, a flash job
 * that emits progress/target/finished events) so the renderer can be driven without a server.
 * The real core is exercised end to end by tests/e2e/renderer/.
 */
import { act } from '@testing-library/react';
import { waitFor } from '../../helpers/wait';
import type {
  DriveInfo,
  ErrorValue,
  EventChannel,
  EventPayload,
  FileKind,
  FlashRequest,
  FlintApi,
  ImageState,
  InvokeChannel,
  InvokeRequest,
  InvokeResponse,
  LoadedFile,
  OpenedFile,
  Outcome,
} from '../../../electron/contract/api';

type Handler<C extends InvokeChannel> = (req: InvokeRequest<C>) => InvokeResponse<C> | Promise<InvokeResponse<C>>;

/** A recorded invoke. */
export interface Call {
  channel: InvokeChannel;
  request: unknown;
}

/** Makes a drive for tests. */
export function drive(id: string, over: Partial<DriveInfo> = {}): DriveInfo {
  return {
    id,
    device: `/dev/${id}`,
    size: 16e9,
    description: `Stick ${id}`,
    model: `Stick ${id}`,
    serial: `SN-${id}`,
    bus: 'usb',
    removable: true,
    readOnly: false,
    system: false,
    internal: false,
    mountpoints: [],
    large: false,
    ...over,
  };
}

/** A selected image as the core would return it. */
export function image(over: Partial<ImageState> = {}): ImageState {
  return {
    id: 'img1',
    name: 'fedora-coreos-42.20250101.3.0-live.x86_64.iso',
    path: '/cache/fedora-coreos-42.20250101.3.0-live.x86_64.iso',
    size: 800 * 1024 ** 2,
    origin: 'download',
    signature: 'verified',
    release: '42.20250101.3.0',
    stream: 'stable',
    sha256: 'ab'.repeat(32),
    facts: {
      volumeId: 'fedora-coreos-42.20250101.3.0',
      arch: 'x86_64',
      embedCapacity: 256 * 1024,
      defaultKargs: 'mitigations=auto,nosmt coreos.liveiso=fedora-coreos-42 ignition.firstboot ignition.platform.id=metal',
      customized: false,
      features: {},
      ramForFromRam: 800 * 1024 ** 2 + 2 * 1024 ** 3,
      ramNote: 'ISO size (the root filesystem copied to RAM) plus 2 GiB for the running system',
    },
    ...over,
  };
}

/** Loads a config the way the core does: JSON parse, "ignition.version", a live-boot lint. */
function loadConfig(kind: FileKind, name: string, text: string, id: string): LoadedFile {
  const file: LoadedFile = { id, kind, name, size: text.length, text, source: 'upload' };
  if (kind !== 'config' && kind !== 'dest-ignition') return file;
  try {
    const cfg = JSON.parse(text) as { ignition?: { version?: string }; storage?: { disks?: unknown[] } };
    const version = cfg.ignition?.version;
    if (!version) {
      file.report = {
        ok: false,
        errors: [{ code: 'IGN_NO_VERSION', path: '$.ignition.version', message: 'ignition.version is required' }],
        warnings: [],
      };
    } else {
      const warnings = cfg.storage?.disks
        ? [{ code: 'LIVE_DISKS', path: '$.storage.disks', message: 'a live system should not partition disks' }]
        : [];
      file.report = { ok: true, version, errors: [], warnings, compressedSize: Math.ceil(text.length / 3) };
    }
  } catch (e) {
    file.report = {
      ok: false,
      errors: [{ code: 'IGN_JSON', path: '$', message: `not valid JSON: ${(e as Error).message}` }],
      warnings: [],
    };
  }
  return file;
}

/** The fake core: `api` is the FlintApi; `calls` records invokes; `emit` sends events. */
export class FakeCore {
  readonly calls: Call[] = [];
  drives: DriveInfo[] = [drive('sdb'), drive('sdc', { description: 'Kingston DataTraveler' })];
  systemDrives: DriveInfo[] = [
    drive('nvme0n1', { system: true, removable: false, bus: 'nvme', description: 'Samsung SSD', size: 512e9, large: true }),
  ];
  private listeners = new Map<string, Set<(p: unknown) => void>>();
  private seq = 0;
  private handlers: { [C in InvokeChannel]?: Handler<C> } = {};
  private answers = new Map<InvokeChannel, number>();
  /** Error answers to give instead of handling, per channel. */
  failures: { [C in InvokeChannel]?: ErrorValue } = {};

  constructor(mode: 'browser' | 'electron' = 'browser') {
    (this.api as { mode: string }).mode = mode;
    this.handle('app:info', () => ({ name: 'Flint', version: '0.1.0', mode, platform: 'linux', arch: 'x86_64', versions: {} }));
    this.handle('app:take-opened', () => []);
    this.handle('file:load-bytes', (r) => loadConfig(r.kind, r.name, r.text, `f${++this.seq}`));
    this.handle('file:forget', () => ({}));
    this.handle('config:validate', (r) => {
      const f = this.files.get(r.id);
      if (!f) throw new Error('unknown');
      return r.imageId && f.report ? { ...f, report: { ...f.report, capacity: 256 * 1024 } } : f;
    });
    this.handle('image:releases', (r) =>
      (r.streams ?? ['stable', 'testing', 'next']).map((stream, i) => ({
        stream,
        arch: r.arch ?? 'x86_64',
        release: `42.2025010${i}.${i + 1}.0`,
        date: `2025-01-0${i + 1}T00:00:00Z`,
        isoSize: 800 * 1024 ** 2,
        cached: stream === 'stable',
      })),
    );
    this.handle('image:download', (r) =>
      image({
        stream: r.stream,
        release: `42.2025010${['stable', 'testing', 'next'].indexOf(r.stream)}.${['stable', 'testing', 'next'].indexOf(r.stream) + 1}.0`,
      }),
    );
    this.handle('image:cancel-download', () => ({}));
    this.handle('image:cached', () => []);
    this.handle('options:check-kargs', (r) => {
      const args = r.kargs.split(/\s+/).filter(Boolean);
      const bad = args.filter((a) => a.startsWith('coreos.liveiso='));
      return {
        ok: bad.length === 0,
        args,
        problems: bad.map((a) => ({ code: 'KARG_RESERVED', path: a, message: `${a} is set by the image` })),
      };
    });
    this.handle('drives:list', (r) => ({
      drives: r.showSystem ? [...this.drives, ...this.systemDrives] : this.drives,
      hiddenSystemCount: r.showSystem ? 0 : this.systemDrives.length,
    }));
    this.handle('flash:start', () => ({ jobId: `job${++this.seq}` }));
    this.handle('flash:cancel', () => ({}));
    this.handle('iso:save', (r) => ({ path: r.path ?? '/home/me/custom.iso', size: 800 * 1024 ** 2 }));
  }

  private files = new Map<string, LoadedFile>();

  /** Replaces the handler of a channel. */
  handle<C extends InvokeChannel>(channel: C, h: Handler<C>): void {
    (this.handlers as Record<string, unknown>)[channel] = h;
  }

  /** Sends an event to the renderer. */
  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void {
    for (const l of this.listeners.get(channel) ?? []) l(payload);
  }

  /** Invokes seen on `channel`. */
  requests<C extends InvokeChannel>(channel: C): InvokeRequest<C>[] {
    return this.calls.filter((c) => c.channel === channel).map((c) => c.request as InvokeRequest<C>);
  }

  /** How many invokes of `channel` have been answered. */
  answered(channel: InvokeChannel): number {
    return this.answers.get(channel) ?? 0;
  }

  /** The last FlashRequest sent. */
  lastFlash(): FlashRequest | undefined {
    return this.requests('flash:start').at(-1);
  }

  /** Answers one invoke: a configured failure, the channel's handler, or NOT_HANDLED. */
  private async answer<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<Outcome<InvokeResponse<C>>> {
    this.calls.push({ channel, request });
    await Promise.resolve();
    const fail = this.failures[channel];
    if (fail) return { ok: false, error: fail };
    const h = this.handlers[channel] as Handler<C> | undefined;
    if (!h) return { ok: false, error: { code: 'NOT_HANDLED', message: `no handler for ${channel}` } };
    try {
      const value = await h(request);
      if (value && typeof value === 'object' && 'id' in value && 'kind' in value && 'text' in value) {
        this.files.set((value as LoadedFile).id, value as LoadedFile);
      }
      return { ok: true, value };
    } catch (e) {
      // a coded error (the real core's parsers, used by some handlers) keeps its code and parameters
      const { code, message, params } = e as Error & Partial<ErrorValue>;
      return { ok: false, error: code ? { code, message, ...(params ? { params } : {}) } : { code: 'FAKE', message } };
    }
  }

  readonly api: FlintApi = {
    mode: 'browser',
    invoke: async <C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<Outcome<InvokeResponse<C>>> => {
      try {
        return await this.answer(channel, request);
      } finally {
        this.answers.set(channel, this.answered(channel) + 1);
      }
    },
    on: <E extends EventChannel>(channel: E, listener: (p: EventPayload<E>) => void) => {
      let set = this.listeners.get(channel);
      if (!set) this.listeners.set(channel, (set = new Set()));
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => void set.delete(l);
    },
    openDroppedFile: async (file: File, kind: FileKind = 'config'): Promise<Outcome<OpenedFile>> => {
      if (/\.iso$/i.test(file.name)) {
        return { ok: false, error: { code: 'DROP_ISO_NEEDS_PATH', message: 'In the browser a dropped ISO has no path' } };
      }
      const text = await file.text();
      const r = await this.api.invoke('file:load-bytes', { kind, name: file.name, text });
      return r.ok ? { ok: true, value: { kind: 'config', file: r.value } } : r;
    },
  };
}

/** A valid Ignition config file. */
export function goodConfig(name = 'live.ign'): File {
  return new File([JSON.stringify({ ignition: { version: '3.4.0' }, passwd: { users: [{ name: 'core' }] } }, null, 2)], name, {
    type: 'application/json',
  });
}

/** A config that is not valid JSON. */
export function badConfig(name = 'broken.ign'): File {
  return new File(['{ "ignition": { "version": '], name, { type: 'application/json' });
}

/** Waits until `check` passes (for store state, which announces no event of its own). */
export function until(check: () => boolean, ms = 2000): Promise<void> {
  return waitFor(check, 'the store to reach the expected state', ms);
}

/**
 * Waits for the network boot preview the last change asks for: the wizard asks 200 ms after the
 * options settle (usePxePreview), then the answer renders. Call it right after the change.
 */
export async function previewSettled(core: FakeCore): Promise<void> {
  const before = core.answered('pxe:preview');
  await act(() => until(() => core.answered('pxe:preview') > before));
}
