/**
 * Feature "files": configs, NetworkManager keyfiles, CA certificates, installer configs and fleet
 * manifests, loaded by native dialog, drop, upload or argv; validated and held by id. Electron-free.
 */
import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { FlintError } from '../core/errors';
import { MAX_UPLOAD_BYTES, type InvokeRequest, type InvokeResponse } from '../contract/api';
import type { FileKind, LoadedFile } from '../contract/types';
import { checkFleetText } from './fleet';
import type { Session } from './session';

/** Dialog filters per kind. */
const FILTERS: Record<FileKind, { name: string; extensions: string[] }[]> = {
  config: [{ name: 'Ignition or Butane config', extensions: ['ign', 'json', 'bu', 'yaml', 'yml'] }],
  'dest-ignition': [{ name: 'Ignition or Butane config', extensions: ['ign', 'json', 'bu', 'yaml', 'yml'] }],
  network: [{ name: 'NetworkManager keyfile', extensions: ['nmconnection'] }],
  ca: [{ name: 'CA certificate (PEM)', extensions: ['pem', 'crt', 'cer'] }],
  fleet: [{ name: 'Fleet manifest (CSV or YAML)', extensions: ['csv', 'yaml', 'yml'] }],
};

/** Reads at most MAX_UPLOAD_BYTES of a regular file the user chose. */
export async function readSmallFile(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new FlintError('FILE_UNREADABLE', `Cannot open ${path}`, [e.message]);
  });
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new FlintError('FILE_NOT_REGULAR', `${path} is not a regular file`);
    if (st.size > MAX_UPLOAD_BYTES) {
      throw new FlintError('FILE_TOO_LARGE', `${path} is larger than ${MAX_UPLOAD_BYTES} bytes; is it the right file?`);
    }
    const buf = Buffer.alloc(st.size);
    const { bytesRead } = await fh.read(buf, 0, st.size, 0);
    return new Uint8Array(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** Checks a keyfile or certificate and returns a problem message, or null. */
function checkAuxFile(kind: FileKind, text: string): string | null {
  if (kind === 'network' && !/^\s*\[connection\]\s*$/m.test(text)) {
    return 'A NetworkManager keyfile needs a [connection] section';
  }
  if (kind === 'ca' && !text.includes('-----BEGIN CERTIFICATE-----')) {
    return 'A CA certificate must be PEM text with a BEGIN CERTIFICATE line';
  }
  return null;
}

/** Validates and stores a file's bytes; returns what the renderer sees. */
export async function holdFile(
  s: Session,
  kind: FileKind,
  name: string,
  bytes: Uint8Array,
  source: LoadedFile['source'],
  dir?: string,
): Promise<LoadedFile> {
  const display = basename(name);
  let text: string;
  try {
    // NUL is valid UTF-8 but no config, keyfile or certificate holds one: the file is binary
    if (bytes.includes(0)) throw new Error('NUL byte');
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FlintError('FILE_NOT_TEXT', `${display} is not a text file (${bytes.length} bytes of binary data)`, [], {
      name: display,
      size: bytes.length,
    });
  }
  const file: LoadedFile = { id: s.newId('file'), kind, name: display, size: bytes.length, text, source };
  if (kind === 'config' || kind === 'dest-ignition') {
    const checked = await s.core.checkConfig(display, bytes, undefined, dir, kind === 'dest-ignition');
    file.text = checked.text;
    file.report = checked.report;
  } else if (kind === 'fleet') {
    // the manifest's every problem, with its line, comes back as FLEET_INVALID
    file.fleet = checkFleetText(display, text);
  } else {
    const problem = checkAuxFile(kind, text);
    if (problem) throw new FlintError('FILE_INVALID', `${display}: ${problem}`);
  }
  s.files.set(file.id, dir ? { file, bytes, dir } : { file, bytes });
  return file;
}

/** Loads a file from a path the user chose (dialog, drop, argv). */
export async function loadFileFromPath(s: Session, path: string, kind: FileKind, source: LoadedFile['source']): Promise<LoadedFile> {
  return holdFile(s, kind, path, await readSmallFile(path), source, dirname(path));
}

/** file:open-dialog */
export async function openFileDialog(s: Session, req: InvokeRequest<'file:open-dialog'>): Promise<InvokeResponse<'file:open-dialog'>> {
  const path = await s.needDialogs().openFile(`Open ${req.kind} file`, FILTERS[req.kind]);
  return path === null ? null : loadFileFromPath(s, path, req.kind, 'dialog');
}

/** file:load-bytes */
export async function loadFileBytes(s: Session, req: InvokeRequest<'file:load-bytes'>): Promise<InvokeResponse<'file:load-bytes'>> {
  return holdFile(s, req.kind, req.name, new TextEncoder().encode(req.text), 'upload');
}

/** file:forget */
export async function forgetFile(s: Session, req: InvokeRequest<'file:forget'>): Promise<InvokeResponse<'file:forget'>> {
  s.files.delete(req.id);
  return {};
}

/** config:validate — re-checks a config, against the embed area of an image when given. */
export async function validateConfig(s: Session, req: InvokeRequest<'config:validate'>): Promise<InvokeResponse<'config:validate'>> {
  const held = s.file(req.id);
  if (held.file.kind !== 'config' && held.file.kind !== 'dest-ignition') {
    throw new FlintError('FILE_NOT_CONFIG', `${held.file.name} is not an Ignition config`);
  }
  const capacity = req.imageId ? s.image(req.imageId).state.facts.embedCapacity : undefined;
  const checked = await s.core.checkConfig(held.file.name, held.bytes, capacity, held.dir, held.file.kind === 'dest-ignition');
  held.file = { ...held.file, text: checked.text, report: checked.report };
  return held.file;
}
