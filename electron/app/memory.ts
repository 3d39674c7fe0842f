/**
 * Feature "memory": the wizard's last choices (mode, config, image, options, targets, a fleet
 * manifest with its next batch) and short lists of recent configs and images come back after a
 * restart or a reload. The page names its choices by the session's ids; this module keeps what
 * they stand for (a config's bytes or path, an image's path, a stick's model, serial and size) in
 * memory.json in the state folder, private to the user. A stick comes back only when the same
 * stick (by identity) is plugged in. Electron-free.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FlintError } from '../core/errors';
import type { InvokeRequest, InvokeResponse } from '../contract/api';
import type { RecentEntry, RememberedTarget, Restored } from '../contract/site';
import type { FieldSettingsInput, ImageState, LoadedFile } from '../contract/types';
import { holdFile, loadFileFromPath } from './files';
import { holdImage, openLocalIso } from './images';
import type { Session } from './session';
import { writePrivateFile } from './site';

/** Name of the memory file in the state folder. */
export const MEMORY_FILE = 'memory.json';
/** Entries of each recent list. */
export const RECENT_MAX = 6;
/** Largest uploaded config remembered by its bytes (a path is remembered for any size). */
export const REMEMBER_BYTES_MAX = 512 * 1024;

interface StoredConfig {
  key: string;
  name: string;
  time: string;
  /** Where it was read from (dialog, drop with a path, argv). */
  path?: string;
  /** Its bytes (uploads), base64. */
  data?: string;
}

interface StoredImage {
  key: string;
  name: string;
  time: string;
  path: string;
  origin: ImageState['origin'];
  /** What the download said it is (a cache listing knows only the file). */
  stream?: string;
  release?: string;
}

interface MemoryFile {
  last?: {
    mode: 'usb' | 'network';
    config?: string;
    image?: string;
    stream?: string;
    arch?: string;
    fromRam: boolean;
    extraKargs: string;
    fieldSettings?: FieldSettingsInput;
    verify: boolean;
    targets: RememberedTarget[];
    /** The fleet manifest (its key is its content's hash: progress counts only for the same rows). */
    fleet?: { file: StoredConfig; start: number; written: number[] };
  };
  configs: StoredConfig[];
  images: StoredImage[];
}

const empty = (): MemoryFile => ({ configs: [], images: [] });

async function readMemory(s: Session): Promise<MemoryFile> {
  const dir = s.site.stateDir;
  // a session without a state folder (tests, a throw-away run) remembers nothing
  if (!dir) return empty();
  try {
    const m = JSON.parse(await readFile(path.join(dir, MEMORY_FILE), 'utf8')) as Partial<MemoryFile>;
    return { ...m, configs: Array.isArray(m.configs) ? m.configs : [], images: Array.isArray(m.images) ? m.images : [] };
  } catch {
    return empty();
  }
}

async function writeMemory(s: Session, m: MemoryFile): Promise<void> {
  const dir = s.site.stateDir;
  if (dir) await writePrivateFile(path.join(dir, MEMORY_FILE), JSON.stringify(m) + '\n');
}

/** Puts `entry` first in `list` (replacing one with its key), at most RECENT_MAX long. */
function bump<T extends { key: string }>(list: T[], entry: T): T[] {
  return [entry, ...list.filter((x) => x.key !== entry.key)].slice(0, RECENT_MAX);
}

/** What the memory keeps of a held config: its path when it came from disk, else its bytes. */
function storedConfig(s: Session, id: string, time: string, kind: 'config' | 'fleet' = 'config'): StoredConfig | null {
  const held = s.files.get(id);
  if (!held || held.file.kind !== kind) return null;
  const key = contentKey(held.bytes);
  if (held.dir) return { key, name: held.file.name, time, path: path.join(held.dir, held.file.name) };
  if (held.bytes.length > REMEMBER_BYTES_MAX) return null;
  return { key, name: held.file.name, time, data: Buffer.from(held.bytes).toString('base64') };
}

/** A file's key in the memory: its content's hash (the same file under another name is the same entry). */
function contentKey(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

const recent = (list: (StoredConfig | StoredImage)[]): RecentEntry[] =>
  list.map((x) => ({ key: x.key, name: x.name, time: x.time, ...(x.path ? { path: x.path } : {}) }));

/** memory:save — the page's current choices; answers the recent lists. */
export async function saveMemory(s: Session, req: InvokeRequest<'memory:save'>): Promise<InvokeResponse<'memory:save'>> {
  const c = req.choices;
  const m = await readMemory(s);
  const time = new Date().toISOString();
  const config = c.configId ? storedConfig(s, c.configId, time) : null;
  if (config) m.configs = bump(m.configs, config);
  const img = c.imageId ? s.images.get(c.imageId)?.state : undefined;
  const image: StoredImage | null = img
    ? {
        key: img.path,
        name: img.name,
        time,
        path: img.path,
        origin: img.origin,
        ...(img.stream ? { stream: img.stream } : {}),
        ...(img.release ? { release: img.release } : {}),
      }
    : null;
  if (image) m.images = bump(m.images, image);
  const targets = c.targetIds.flatMap((id) => {
    const d = s.drives.get(id);
    return d ? [{ model: d.model, serial: d.serial, size: d.size }] : [];
  });
  m.last = {
    mode: c.mode,
    ...(config ? { config: config.key } : {}),
    ...(image ? { image: image.key } : {}),
    ...(c.stream ? { stream: c.stream } : {}),
    ...(c.arch ? { arch: c.arch } : {}),
    fromRam: c.fromRam,
    extraKargs: c.extraKargs,
    fieldSettings: c.fieldSettings,
    verify: c.verify,
    targets,
  };
  const fleet = c.fleet ? storedConfig(s, c.fleet.file, time, 'fleet') : null;
  if (fleet && c.fleet) m.last.fleet = { file: fleet, start: c.fleet.start, written: c.fleet.written };
  await writeMemory(s, m);
  return { recentConfigs: recent(m.configs), recentImages: recent(m.images) };
}

async function loadConfig(s: Session, c: StoredConfig, kind: 'config' | 'fleet' = 'config'): Promise<LoadedFile> {
  if (c.path) return loadFileFromPath(s, c.path, kind, 'dialog');
  if (c.data) return holdFile(s, kind, c.name, new Uint8Array(Buffer.from(c.data, 'base64')), 'upload');
  throw new FlintError('MEMORY_GONE', `${c.name} is no longer available`);
}

/** A remembered image opened again: a cached download only while the cache still vouches for it. */
async function loadImage(s: Session, i: StoredImage): Promise<ImageState> {
  if (i.origin === 'local') return openLocalIso(s, i.path);
  const cached = (await s.core.cachedImages()).find((c) => c.path === i.path);
  if (!cached) throw new FlintError('MEMORY_GONE', `${i.name} is no longer in the download cache`);
  return holdImage(s, { ...cached, ...(i.stream ? { stream: i.stream } : {}), ...(i.release ? { release: i.release } : {}) }, 'cache');
}

/** memory:restore — the last choices, opened again where they still exist. */
export async function restoreMemory(s: Session): Promise<InvokeResponse<'memory:restore'>> {
  const m = await readMemory(s);
  const last = m.last;
  const out: Restored = {
    mode: last?.mode ?? 'usb',
    fromRam: last?.fromRam ?? false,
    extraKargs: last?.extraKargs ?? '',
    verify: last?.verify ?? true,
    targets: last?.targets ?? [],
    recentConfigs: recent(m.configs),
    recentImages: recent(m.images),
    missing: [],
  };
  if (!last) return out;
  if (last.fieldSettings) out.fieldSettings = last.fieldSettings;
  if (last.stream) out.stream = last.stream;
  if (last.arch) out.arch = last.arch;
  const cfg = m.configs.find((x) => x.key === last.config);
  if (cfg) {
    try {
      out.config = await loadConfig(s, cfg);
    } catch {
      out.missing.push(cfg.name);
    }
  }
  if (last.fleet) {
    const f = last.fleet;
    try {
      const file = await loadConfig(s, f.file, 'fleet');
      const same = contentKey(s.file(file.id).bytes) === f.file.key;
      // rows written from another version of the manifest say nothing about this one
      out.fleet = same ? { file, start: f.start, written: f.written } : { file, start: 1, written: [] };
    } catch {
      out.missing.push(f.file.name);
    }
  }
  const img = m.images.find((x) => x.key === last.image);
  if (img) {
    try {
      out.image = await loadImage(s, img);
    } catch {
      out.missing.push(img.name);
    }
  }
  return out;
}

/** memory:open-recent — a config or image of the recent lists. */
export async function openRecent(s: Session, req: InvokeRequest<'memory:open-recent'>): Promise<InvokeResponse<'memory:open-recent'>> {
  const m = await readMemory(s);
  if (req.kind === 'config') {
    const c = m.configs.find((x) => x.key === req.key);
    if (!c) throw new FlintError('MEMORY_GONE', 'That config is no longer in the recent list');
    return { kind: 'config', file: await loadConfig(s, c) };
  }
  const i = m.images.find((x) => x.key === req.key);
  if (!i) throw new FlintError('MEMORY_GONE', 'That image is no longer in the recent list');
  return { kind: 'image', image: await loadImage(s, i) };
}
