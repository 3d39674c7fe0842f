import type { BigIntStats } from 'node:fs';
import { open, readFile, readdir, rename, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { FlintError } from '../errors';

/**
 * The download cache. Layout of a cache directory:
 *   <name>                 a verified artifact (published last, by rename)
 *   <name>.sig             its detached signature (when it had one)
 *   <name>.flint.json      its CacheRecord
 *   .partial/<name>.part   bytes of an unfinished download (kept for resume, never used as-is)
 *   .partial/<name>.json   which artifact (URL + SHA-256) the partial bytes belong to
 *   .partial/<name>.lock   pid of the process downloading it (one download per name at a time)
 * An entry exists only when the artifact, its record and a matching size are all present. The
 * record keeps the file's stamp (size, device, inode, mtime, ctime) from when its bytes were
 * verified; an entry whose stamp differs is re-verified before use (see cache-trust.ts).
 */

/**
 * What identifies the bytes of a file without reading them: a write changes mtime and ctime (and
 * restoring mtime with utimes changes ctime), a replacement changes the inode. Nanoseconds, as
 * decimal strings (JSON has no 64-bit integers).
 */
export interface FileStamp {
  size: number;
  dev: string;
  ino: string;
  mtimeNs: string;
  ctimeNs: string;
}

/** The stamp of a file as it is now (undefined when it cannot be read). */
export async function fileStamp(file: string): Promise<FileStamp | undefined> {
  const st: BigIntStats | undefined = await stat(file, { bigint: true }).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  return { size: Number(st.size), dev: String(st.dev), ino: String(st.ino), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs) };
}

/** True when two stamps say the same bytes (both present and every field equal). */
export function sameStamp(a: FileStamp | undefined, b: FileStamp | undefined): boolean {
  return !!a && !!b && a.size === b.size && a.dev === b.dev && a.ino === b.ino && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/** What Flint knows about a published cache entry. */
export interface CacheRecord {
  name: string;
  url: string;
  sha256: string;
  size: number;
  signature: 'verified' | 'none';
  /** Fingerprint of the signing key, when verified. */
  signer?: string;
  /** When the entry was published (ISO 8601). */
  addedAt: string;
  /** The file's stamp when its bytes were last verified (absent in records of older versions). */
  stamp?: FileStamp;
}

/** A cache entry as listed. */
export interface CacheEntry extends CacheRecord {
  path: string;
  sigPath?: string;
  /**
   * True when the file still has the stamp recorded when its bytes were verified. When false the
   * recorded SHA-256 and signature say nothing about the bytes until verifyCachedEntry re-checks them.
   */
  unchanged: boolean;
}

/** An unfinished download in the cache. */
export interface PartialEntry {
  name: string;
  path: string;
  size: number;
  url?: string;
  sha256?: string;
}

/** Result of listCache. */
export interface CacheListing {
  dir: string;
  entries: CacheEntry[];
  partials: PartialEntry[];
}

/** Options of pruneCache; with none, only unfinished downloads and stray files are removed. */
export interface PruneOptions {
  /** Remove every entry. */
  all?: boolean;
  /** Remove entries published more than this many milliseconds ago. */
  olderThanMs?: number;
  /** Keep only the newest N entries. */
  keepNewest?: number;
  /** Keep partial downloads (default: remove them). */
  keepPartials?: boolean;
  /** Report what would go without removing anything. */
  dryRun?: boolean;
  /** The current time (tests). */
  now?: number;
}

/** What pruneCache removed (or would remove). */
export interface PruneResult {
  removed: string[];
  freedBytes: number;
}

const RECORD_SUFFIX = '.flint.json';
/** Directory (inside the cache) holding unfinished downloads. */
export const PARTIAL_DIR = '.partial';

/** The OS's per-user cache place for Flint (XDG on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): string {
  if (env.FLINT_CACHE_DIR) return env.FLINT_CACHE_DIR;
  if (platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(homedir(), 'AppData', 'Local'), 'Flint', 'Cache');
  if (platform === 'darwin') return path.join(homedir(), 'Library', 'Caches', 'Flint');
  return path.join(env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'flint');
}

/** Paths used for artifact `name` in cache `dir`. */
export function cachePaths(dir: string, name: string) {
  return {
    file: path.join(dir, name),
    sig: path.join(dir, `${name}.sig`),
    record: path.join(dir, `${name}${RECORD_SUFFIX}`),
    partial: path.join(dir, PARTIAL_DIR, `${name}.part`),
    partialMeta: path.join(dir, PARTIAL_DIR, `${name}.json`),
    lock: path.join(dir, PARTIAL_DIR, `${name}.lock`),
  };
}

/**
 * Writes `data` to `file` atomically (temp file, rename); with `sync` (default) the data is
 * fsynced first. Without it a crash may leave the file empty, never half-old half-new.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, sync = true): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      if (sync) await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** fsyncs a directory so that renames inside it are durable (best effort). */
export async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* not supported everywhere (Windows) */
  }
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Returns the published entry for `name` if it is complete and (when given) has SHA-256 `sha256`. */
export async function lookupCache(dir: string, name: string, sha256?: string): Promise<CacheEntry | undefined> {
  const p = cachePaths(dir, name);
  const rec = (await readJson(p.record)) as CacheRecord | undefined;
  if (!rec || typeof rec.sha256 !== 'string' || typeof rec.size !== 'number') return undefined;
  if (sha256 && rec.sha256 !== sha256.toLowerCase()) return undefined;
  const now = await fileStamp(p.file);
  if (!now || now.size !== rec.size) return undefined;
  const sigOk = await stat(p.sig).then(
    (s) => s.isFile() && s.size > 0,
    () => false,
  );
  if (rec.signature === 'verified' && !sigOk) return undefined; // a verified entry keeps its signature
  return { ...rec, name, path: p.file, ...(sigOk ? { sigPath: p.sig } : {}), unchanged: sameStamp(rec.stamp, now) };
}

/** Lists the published entries (newest first) and the unfinished downloads of cache `dir`. */
export async function listCache(dir: string): Promise<CacheListing> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw new FlintError('CACHE_UNREADABLE', `Cannot read the cache directory ${dir}`, [err.message]);
  });
  const entries: CacheEntry[] = [];
  for (const n of names) {
    if (!n.endsWith(RECORD_SUFFIX)) continue;
    const e = await lookupCache(dir, n.slice(0, -RECORD_SUFFIX.length));
    if (e) entries.push(e);
  }
  entries.sort((a, b) => b.addedAt.localeCompare(a.addedAt));
  const partials: PartialEntry[] = [];
  const pdir = path.join(dir, PARTIAL_DIR);
  for (const n of await readdir(pdir).catch(() => [] as string[])) {
    if (!n.endsWith('.part')) continue;
    const name = n.slice(0, -'.part'.length);
    const p = cachePaths(dir, name);
    const st = await stat(p.partial).catch(() => undefined);
    if (!st) continue;
    const meta = (await readJson(p.partialMeta)) as { url?: string; sha256?: string } | undefined;
    partials.push({ name, path: p.partial, size: st.size, url: meta?.url, sha256: meta?.sha256 });
  }
  return { dir, entries, partials };
}

async function sizeOf(file: string): Promise<number> {
  return stat(file).then(
    (s) => (s.isFile() ? s.size : 0),
    () => 0,
  );
}

/**
 * Removes cache content: always stray files (a signature or record without its artifact, temp
 * files), partial downloads unless `keepPartials`, and the entries selected by `opts`.
 */
export async function pruneCache(dir: string, opts: PruneOptions = {}): Promise<PruneResult> {
  const listing = await listCache(dir);
  const now = opts.now ?? Date.now();
  const doomed = new Set<string>();
  listing.entries.forEach((e, i) => {
    const age = now - Date.parse(e.addedAt);
    if (opts.all || (opts.olderThanMs !== undefined && age > opts.olderThanMs) || (opts.keepNewest !== undefined && i >= opts.keepNewest)) {
      const p = cachePaths(dir, e.name);
      doomed.add(p.file).add(p.sig).add(p.record);
    }
  });
  const listed = new Set(listing.entries.map((e) => e.name));
  for (const n of await readdir(dir).catch(() => [] as string[])) {
    if (n === PARTIAL_DIR) continue;
    if (n.includes('.tmp-')) doomed.add(path.join(dir, n));
    const isRecord = n.endsWith(RECORD_SUFFIX);
    const base = isRecord ? n.slice(0, -RECORD_SUFFIX.length) : n.endsWith('.sig') ? n.slice(0, -4) : undefined;
    if (base === undefined || listed.has(base)) continue;
    // a signature or record without a complete entry; a record also condemns its (wrong-size) artifact
    doomed.add(path.join(dir, n));
    if (isRecord) doomed.add(path.join(dir, base));
  }
  if (!opts.keepPartials) {
    for (const p of listing.partials) {
      if (await downloadInProgress(dir, p.name)) continue; // never pull a file from under a running download
      doomed.add(p.path).add(cachePaths(dir, p.name).partialMeta);
    }
  }
  let freedBytes = 0;
  const removed: string[] = [];
  for (const f of doomed) {
    const size = await sizeOf(f);
    const exists = await stat(f).then(
      () => true,
      () => false,
    );
    if (!exists) continue;
    if (!opts.dryRun) await rm(f, { force: true });
    freedBytes += size;
    removed.push(f);
  }
  return { removed: removed.sort(), freedBytes };
}

/** Makes sure the cache directory and its partial area exist. */
export async function ensureCacheDir(dir: string): Promise<void> {
  try {
    await mkdir(path.join(dir, PARTIAL_DIR), { recursive: true });
  } catch (err) {
    throw new FlintError('CACHE_UNWRITABLE', `Cannot create the cache directory ${dir}`, [(err as Error).message]);
  }
}

/** Records which artifact the partial bytes of `name` belong to. */
export async function writePartialMeta(dir: string, name: string, meta: { url: string; sha256: string }): Promise<void> {
  await writeFile(cachePaths(dir, name).partialMeta, JSON.stringify(meta));
}

/** Reads the partial meta of `name` (undefined when absent or unreadable). */
export async function readPartialMeta(dir: string, name: string): Promise<{ url: string; sha256: string } | undefined> {
  return (await readJson(cachePaths(dir, name).partialMeta)) as { url: string; sha256: string } | undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const heldLocks = new Set<string>();

/** True while a live process holds the download lock of `name` in cache `dir`. */
export async function downloadInProgress(dir: string, name: string): Promise<boolean> {
  const lock = cachePaths(dir, name).lock;
  if (heldLocks.has(lock)) return true;
  const pid = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
  return Number.isInteger(pid) && pid > 0 && pidAlive(pid);
}

/**
 * Takes the download lock of `name` in cache `dir` (a file holding our pid, created exclusively).
 * A lock left by a process that no longer runs is taken over. Returns the release function.
 * Throws DOWNLOAD_BUSY while another download of the same file (in any process) is running.
 */
export async function lockDownload(dir: string, name: string): Promise<() => Promise<void>> {
  const lock = cachePaths(dir, name).lock;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (!heldLocks.has(lock)) {
      try {
        const fh = await open(lock, 'wx');
        try {
          await fh.writeFile(String(process.pid));
        } finally {
          await fh.close();
        }
        heldLocks.add(lock);
        return async () => {
          heldLocks.delete(lock);
          await rm(lock, { force: true });
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const pid = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
      if (!(Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid))) {
        await rm(lock, { force: true }); // stale: its process is gone
        continue;
      }
    }
    break;
  }
  throw new FlintError('DOWNLOAD_BUSY', `${name} is already being downloaded into ${dir}`, [
    'wait for the other download to finish (or cancel it) and try again',
  ]);
}
