// Minimal, independent customization of the tiny ISO, for the harness self-test only: it proves
// the harness and its oracle work without relying on Flint's own ISO code (which the burn tests
// then check against the same oracle). Uses the xz command line tool for compression.
import { execFileSync } from 'node:child_process';
import { openSync, writeSync, closeSync } from 'node:fs';
import type { LiveIsoInfo } from './live-iso';

/** One newc cpio archive holding regular files (mode 0600, uid/gid 0), then the trailer. */
export function newcArchive(files: { name: string; data: Uint8Array }[]): Buffer {
  const parts: Buffer[] = [];
  const pad4 = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);
  const entry = (ino: number, mode: number, name: string, data: Uint8Array) => {
    const hex = (v: number) => v.toString(16).padStart(8, '0');
    const nameBytes = Buffer.from(name + '\0');
    const fields = [ino, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
    const header = Buffer.from('070701' + fields.map(hex).join(''), 'ascii');
    parts.push(header, nameBytes, pad4(header.length + nameBytes.length), Buffer.from(data), pad4(data.length));
  };
  files.forEach((f, i) => entry(i, 0o100600, f.name, f.data));
  entry(0, 0, 'TRAILER!!!', new Uint8Array());
  return Buffer.concat(parts);
}

/** xz with the CRC32 check the kernel's XZ decoder needs (xz-utils command line tool). */
export function xzCrc32(data: Uint8Array): Buffer {
  return execFileSync('xz', ['--format=xz', '--check=crc32', '--lzma2=dict=512KiB', '-c'], { input: data });
}

/** Writes `config` as /config.ign into the Ignition embed area (zero-filling the rest of it). */
export function embedConfigRaw(info: LiveIsoInfo, config: Uint8Array, image = info.iso): void {
  writeEmbedAreaRaw(info, xzCrc32(newcArchive([{ name: 'config.ign', data: config }])), image);
}

/** Writes `payload` at the start of the Ignition embed area and zeros over the rest of it. */
export function writeEmbedAreaRaw(info: LiveIsoInfo, payload: Uint8Array, image = info.iso): void {
  if (payload.length > info.ignitionImg.length) throw new Error('payload too large for the embed area');
  const area = Buffer.alloc(info.ignitionImg.length);
  area.set(payload);
  writeAt(image, info.ignitionImg.offset, area);
}

/**
 * Writes `kargs` into both karg embed areas. `style` 'coreos' is what coreos-installer writes
 * (kargs, '\n', then '#' to the end); 'glued' leaves the '\n' out, the bug the oracle must catch.
 */
export function writeKargsRaw(info: LiveIsoInfo, kargs: string, style: 'coreos' | 'glued' = 'coreos', image = info.iso): void {
  const head = style === 'coreos' ? kargs + '\n' : kargs;
  if (Buffer.byteLength(head) > info.kargAreaSize) throw new Error('kargs too large for the area');
  const area = Buffer.alloc(info.kargAreaSize, '#');
  area.write(head, 0, 'utf8');
  for (const off of Object.values(info.kargAreas)) writeAt(image, off, area);
}

function writeAt(path: string, offset: number, bytes: Uint8Array): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}
