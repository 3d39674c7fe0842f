import { readFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { FlintError } from '../errors';
import type { ButaneTarget } from './butane/translate';

/** Options of `loadConfigFile`. */
export interface LoadConfigOptions {
  /** Files directory for Butane `local` paths (default: the directory of the .bu file). */
  filesDir?: string;
  /** Who a Butane config is for (default 'live'; 'installed' allows boot_device, grub, storage.trees). */
  target?: ButaneTarget;
}

/** Which format a config file is in: by extension, else by its first bytes. */
export function configKind(path: string, bytes: Uint8Array): 'ignition' | 'butane' {
  const ext = extname(path).toLowerCase();
  if (ext === '.ign' || ext === '.json') return 'ignition';
  if (ext === '.bu' || ext === '.yaml' || ext === '.yml') return 'butane';
  const head = new TextDecoder()
    .decode(bytes.subarray(0, 4096))
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (head.startsWith('{')) return 'ignition';
  if (/^(---\s*\n)?(#.*\n\s*)*(variant|version)\s*:/m.test(head)) return 'butane';
  return 'ignition';
}

/**
 * Reads an Ignition config (.ign) or a Butane config (.bu, translated to Ignition JSON) and
 * returns the Ignition bytes to embed. Ignition files are returned unchanged (validate them with
 * `validateIgnition`); Butane problems throw a ButaneError naming the YAML line.
 */
export async function loadConfigFile(path: string, opts: LoadConfigOptions = {}): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    throw new FlintError('CONFIG_READ', `cannot read config ${path}`, [(err as Error).message]);
  }
  if (configKind(path, bytes) === 'ignition') return bytes;
  // the Butane translator (and its YAML parser) loads only for a Butane config
  const { translateButane } = await import('./butane/translate');
  const text = new TextDecoder().decode(bytes);
  const { config } = translateButane(text, { filesDir: opts.filesDir ?? dirname(path), target: opts.target });
  return new TextEncoder().encode(JSON.stringify(config));
}
