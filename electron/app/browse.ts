/**
 * Feature "browse": a read-only directory listing, browser mode's stand-in for a native file
 * dialog. It returns names, kinds and sizes only (never file contents) and hides dot files.
 * Electron-free.
 */
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { FlintError } from '../core/errors';
import type { InvokeRequest, InvokeResponse } from '../contract/api';
import type { DirEntry } from '../contract/types';

/** At most this many entries are returned. */
export const MAX_DIR_ENTRIES = 2000;

const CONFIG_EXT = /\.(ign|json|bu|ya?ml|nmconnection|pem|crt|cer)$/i;
const ISO_EXT = /\.iso$/i;

/** fs:list-dir */
export async function listDir(req: InvokeRequest<'fs:list-dir'>): Promise<InvokeResponse<'fs:list-dir'>> {
  const raw = req.path ?? homedir();
  if (!isAbsolute(raw)) throw new FlintError('PATH_NOT_ABSOLUTE', `Give a full path, not ${raw}`);
  const path = resolve(raw);
  const dirents = await readdir(path, { withFileTypes: true }).catch((e: Error) => {
    throw new FlintError('DIR_UNREADABLE', `Cannot list ${path}`, [e.message]);
  });
  const filter = req.filter ?? 'all';
  const entries: DirEntry[] = [];
  for (const d of dirents) {
    if (d.name.startsWith('.')) continue;
    if (entries.length >= MAX_DIR_ENTRIES) break;
    const full = join(path, d.name);
    let isDir = d.isDirectory();
    let isFile = d.isFile();
    let size: number | undefined;
    if (d.isSymbolicLink() || isFile) {
      const st = await stat(full).catch(() => null);
      if (!st) continue;
      isDir = st.isDirectory();
      isFile = st.isFile();
      if (isFile) size = st.size;
    }
    if (isDir) entries.push({ name: d.name, type: 'dir' });
    else if (isFile) {
      if (filter === 'iso' && !ISO_EXT.test(d.name)) continue;
      if (filter === 'config' && !CONFIG_EXT.test(d.name)) continue;
      entries.push({ name: d.name, type: 'file', size });
    }
  }
  entries.sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'dir' ? -1 : 1));
  const parent = dirname(path);
  return parent === path ? { path, entries } : { path, parent, entries };
}
