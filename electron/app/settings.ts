/**
 * Feature "settings": the per-user settings (mirror, extra signing keys, cache folder, proxy, eject
 * when done, loop devices), saved as settings.json in the config folder the shell names (Electron's
 * userData, or electron/core/user-dirs.ts for `flint ui`), merged with the command line's flags
 * (a flag wins for the run) and turned into the core's options: the same options the CLI's
 * `--base-url`, `--keyring`, `--cache-dir`, `--proxy` and `--allow-loop` set. Electron-free.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { FlintError } from '../core/errors';
import { loadKeyring } from '../core/stream/keyring';
import { defaultCacheDir, writeFileAtomic } from '../core/stream/cache';
import { DEFAULT_STREAM_BASE_URL } from '../core/stream/metadata';
import { normalizeProxyUrl, proxyFor } from '../core/stream/proxy';
import type { Settings, SettingsView } from '../contract/site';
import type { InvokeRequest, InvokeResponse } from '../contract/api';
import type { DefaultCoreOptions } from './core-default';
import type { Session } from './session';

/** Name of the settings file in the config folder. */
export const SETTINGS_FILE = 'settings.json';

/** Settings of a fresh install. */
export const DEFAULT_SETTINGS: Settings = {
  baseUrl: '',
  keys: [],
  cacheDir: '',
  proxyMode: 'environment',
  proxyUrl: '',
  ejectWhenDone: true,
  allowLoop: false,
};

/** Keeps the known keys of a saved file with the right types (a hand-edited or older file loses only what is wrong). */
export function sanitizeSettings(x: unknown): Settings {
  const o = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
  const s = { ...DEFAULT_SETTINGS };
  if (typeof o.baseUrl === 'string') s.baseUrl = o.baseUrl;
  if (typeof o.cacheDir === 'string') s.cacheDir = o.cacheDir;
  if (o.proxyMode === 'environment' || o.proxyMode === 'none' || o.proxyMode === 'url') s.proxyMode = o.proxyMode;
  if (typeof o.proxyUrl === 'string') s.proxyUrl = o.proxyUrl;
  if (typeof o.ejectWhenDone === 'boolean') s.ejectWhenDone = o.ejectWhenDone;
  if (typeof o.allowLoop === 'boolean') s.allowLoop = o.allowLoop;
  if (Array.isArray(o.keys)) {
    s.keys = o.keys.filter(
      (k): k is Settings['keys'][number] =>
        typeof k === 'object' && k !== null && typeof k.name === 'string' && typeof k.armored === 'string',
    );
  }
  return s;
}

/** Checks settings before they are saved; throws SETTINGS_INVALID naming the field. */
export async function checkSettings(s: Settings): Promise<Settings> {
  const bad = (field: keyof Settings, message: string, causes: string[] = []) =>
    new FlintError('SETTINGS_INVALID', message, causes, { field });
  const out = { ...s, baseUrl: s.baseUrl.trim(), cacheDir: s.cacheDir.trim(), proxyUrl: s.proxyUrl.trim() };
  if (out.baseUrl) {
    let u: URL | null = null;
    try {
      u = new URL(out.baseUrl);
    } catch {
      // reported below
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
      throw bad('baseUrl', `The mirror "${out.baseUrl}" is not an http:// or https:// address`);
    }
    out.baseUrl = out.baseUrl.replace(/\/+$/, '');
  }
  if (out.cacheDir && !path.isAbsolute(out.cacheDir)) throw bad('cacheDir', `Give the full path of the cache folder, not ${out.cacheDir}`);
  if (out.proxyMode === 'url') {
    if (!out.proxyUrl) throw bad('proxyUrl', 'Give the proxy as http://host:port');
    try {
      out.proxyUrl = normalizeProxyUrl(out.proxyUrl);
    } catch (err) {
      throw bad('proxyUrl', (err as Error).message);
    }
  }
  for (const k of out.keys) {
    try {
      await loadKeyring([k.armored]);
    } catch (err) {
      throw bad('keys', `${k.name} is not an OpenPGP public key`, [(err as Error).message]);
    }
  }
  return out;
}

/** The core options of settings (what the CLI flags of the same names set). */
export function coreOptionsOf(s: Settings): DefaultCoreOptions {
  const o: DefaultCoreOptions = { allowLoop: s.allowLoop };
  if (s.baseUrl) o.baseUrl = s.baseUrl;
  if (s.cacheDir) o.cacheDir = s.cacheDir;
  if (s.keys.length) o.keyrings = s.keys.map((k) => k.armored);
  if (s.proxyMode === 'none') o.proxy = '';
  if (s.proxyMode === 'url') o.proxy = s.proxyUrl;
  return o;
}

/** Reads the saved settings in `dir` (none saved: the defaults). */
export async function loadSettings(dir: string | null): Promise<Settings> {
  if (!dir) return { ...DEFAULT_SETTINGS };
  try {
    return sanitizeSettings(JSON.parse(await readFile(path.join(dir, SETTINGS_FILE), 'utf8')));
  } catch {
    // missing or unreadable: a fresh start rather than no app
    return { ...DEFAULT_SETTINGS };
  }
}

/** Saves settings in `dir` (private to the user: a proxy URL may hold a password). */
export async function saveSettings(dir: string, s: Settings): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(path.join(dir, SETTINGS_FILE), JSON.stringify(s, null, 2) + '\n');
}

/** The view the settings dialog shows. */
export function settingsView(s: Session): SettingsView {
  const site = s.site;
  const env = proxyFor(new URL(DEFAULT_STREAM_BASE_URL));
  return {
    settings: site.effective(),
    fixed: Object.keys(site.flags) as (keyof Settings)[],
    defaults: { baseUrl: DEFAULT_STREAM_BASE_URL, cacheDir: defaultCacheDir(), environmentProxy: env ?? null },
    file: site.configDir ? path.join(site.configDir, SETTINGS_FILE) : null,
  };
}

/** settings:get */
export async function getSettings(s: Session): Promise<InvokeResponse<'settings:get'>> {
  return settingsView(s);
}

/** settings:set — checks, saves and applies at once (the next download or listing uses them). */
export async function setSettings(s: Session, req: InvokeRequest<'settings:set'>): Promise<InvokeResponse<'settings:set'>> {
  const checked = await checkSettings(sanitizeSettings(req.settings));
  if (s.site.configDir) await saveSettings(s.site.configDir, checked);
  s.site.saved = checked;
  s.reconfigure();
  return settingsView(s);
}
