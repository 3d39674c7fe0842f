/**
 * What a session keeps for its person between runs: the folders (settings; flash record and
 * memory), the saved settings and the command line's flags over them. When the shell names no
 * folders (tests, a throw-away run), settings and the record last for the run and the wizard's
 * memory is not kept. Electron-free.
 */
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Settings } from '../contract/site';
import { appendHistory, readHistory, type HistoryRecord } from '../core/history/record';
import type { CoreAdapter } from './core-adapter';
import type { DefaultCoreOptions } from './core-default';
import { DEFAULT_SETTINGS, loadSettings } from './settings';

/** Options of a session's site state. */
export interface SiteOptions {
  /** Folder of settings.json (null or absent: settings last for this run only). */
  configDir?: string | null;
  /** Folder of the flash record and the memory (null or absent: the record lasts for the run, no memory). */
  stateDir?: string | null;
  /** Settings fixed by command-line flags for this run. */
  flags?: Partial<Settings>;
  /** Builds the core for the settings in force (absent: the session's core never changes). */
  makeCore?: (options: DefaultCoreOptions) => CoreAdapter;
}

/** Writes a file only its owner may read, replacing it whole (temp file, then rename). */
export async function writePrivateFile(file: string, data: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** A session's settings, record and memory. */
export class SiteState {
  readonly configDir: string | null;
  readonly stateDir: string | null;
  readonly flags: Partial<Settings>;
  readonly makeCore?: (options: DefaultCoreOptions) => CoreAdapter;
  /** The saved settings (or this run's, without a config folder). */
  saved: Settings;
  /** The record, when there is no state folder. */
  private readonly records: HistoryRecord[] = [];

  constructor(opts: SiteOptions = {}, saved: Settings = { ...DEFAULT_SETTINGS }) {
    this.configDir = opts.configDir ?? null;
    this.stateDir = opts.stateDir ?? null;
    this.flags = { ...(opts.flags ?? {}) };
    this.makeCore = opts.makeCore;
    this.saved = saved;
  }

  /** Reads the saved settings first. */
  static async load(opts: SiteOptions = {}): Promise<SiteState> {
    return new SiteState(opts, await loadSettings(opts.configDir ?? null));
  }

  /** The settings in force: the saved ones with the flags over them. */
  effective(): Settings {
    return { ...this.saved, ...this.flags };
  }

  /** Adds a flash to the record (the file, or this run's list). */
  async record(r: HistoryRecord): Promise<void> {
    if (this.stateDir) await appendHistory(this.stateDir, r);
    else this.records.push(r);
  }

  /** The record, oldest first. */
  async history(): Promise<HistoryRecord[]> {
    return this.stateDir ? readHistory(this.stateDir) : [...this.records];
  }
}
