import { realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

/**
 * Maps a request path to a file inside `root`, or null when it would leave the folder: encoded
 * `..`, backslashes and NUL bytes are refused before the path is resolved, and the real path
 * (symlinks followed) must still be inside the real root.
 */
export async function resolveInside(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return null;
  const realRoot = await realpath(root);
  const candidate = resolve(realRoot, ...parts);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return candidate; // does not exist: a 404 later, never outside (no '..' left)
  }
  return real === realRoot || real.startsWith(realRoot + sep) ? real : null;
}
