/**
 * `iso extract pxe` and `iso extract minimal-iso` with coreos-installer's behaviour and wording
 * (coreos-installer `src/live/mod.rs`: iso_extract_pxe, iso_extract_minimal_iso,
 * modify_miniso_kargs; `src/live/embed.rs`: set_default_kargs; docs/live-iso-format.md §8.4).
 */
import { createReadStream } from 'node:fs';
import { access, mkdir, open, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, parse as parsePath, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Writable } from 'node:stream';
import { FlintError } from '../errors';
import { openFileSource, type ByteSource } from './byte-source';
import { inspectIso, type IsoFacts } from './inspect';
import { IsoNotFoundError, lookupPath, readDirectory, readIso9660, readIsoFile, type Iso9660, type IsoRecord } from './iso9660';
import { editKargs, kargWrites } from './kargs';
import { parseMiniso, unpackMiniso } from './miniso';
import { encodeEmbedArea } from './payload';
import { linkNoClobber } from './plan';

const PXEBOOT_DIR = 'IMAGES/PXEBOOT';
const ROOTFS_IMG = 'IMAGES/PXEBOOT/ROOTFS.IMG';
const MINISO_DAT = 'COREOS/MINISO.DAT';
const KARGS_JSON = 'COREOS/KARGS.JSO';
const LIVEISO_KARG = 'coreos.liveiso=';
const ROOTFS_URL_KARG = 'coreos.live.rootfs_url=';
const EEXIST = 'File exists (os error 17)';

/** Joins like Rust's Path::join for a relative name: `.` + `x` is `./x` (what coreos-installer prints). */
function joinLikeRust(dir: string, name: string): string {
  return dir.endsWith('/') || dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/** How copyRecord reports and stops: replace an existing file, bytes as they are copied, an abort signal. */
interface CopyHooks {
  overwrite?: boolean;
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
}

/** Copies an ISO file record to a new file `dest` (not over an existing one unless `overwrite`); a partial file is removed. */
async function copyRecord(isoPath: string, imageSize: number, rec: IsoRecord, dest: string, hooks: CopyHooks = {}): Promise<void> {
  if (rec.offset + rec.length > imageSize) throw new FlintError('ISO_INCOMPLETE', 'ISO image is incomplete');
  if (hooks.overwrite) await rm(dest, { force: true });
  let fh;
  try {
    fh = await open(dest, 'wx', 0o644);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FlintError('OUTPUT_EXISTS', `opening ${dest}`, [code === 'EEXIST' ? EEXIST : (err as Error).message]);
  }
  const out = fh.createWriteStream(); // closes fh when done or failed
  try {
    const from = createReadStream(isoPath, { start: rec.offset, end: rec.offset + rec.length - 1, highWaterMark: 1 << 20 });
    const count = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hooks.onBytes?.(chunk.length);
        cb(null, chunk);
      },
    });
    if (rec.length > 0) await pipeline(from, count, out, { signal: hooks.signal });
    else {
      from.destroy();
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    }
  } catch (err) {
    out.destroy();
    await unlink(dest).catch(() => undefined);
    if (hooks.signal?.aborted) throw new FlintError('CANCELLED', `Cancelled; ${dest} was removed`);
    throw new FlintError('WRITE_FAILED', `writing ${dest}`, [(err as Error).message]);
  }
}

/** A PXE file of the ISO: its name in IMAGES/PXEBOOT (upper case) and the extracted path. */
export interface ExtractedFile {
  isoName: string;
  path: string;
}

/** Options of extractPxe. */
export interface ExtractPxeOptions {
  /** Replace existing files (the app re-exporting a folder); the CLI refuses them like coreos-installer. */
  overwrite?: boolean;
  /** Prefix of the names (default: the ISO file name without its extension). */
  stem?: string;
  /** Hears each path before it is written. */
  onFile?: (path: string) => void;
  /** Bytes copied so far of all files. */
  onProgress?: (bytes: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * `iso extract pxe`: copies every file of IMAGES/PXEBOOT to `<dir>/<iso stem>-<lower-case name>`
 * (e.g. `fcos-vmlinuz`, `fcos-initrd.img`, `fcos-rootfs.img`), in directory order. Existing files
 * are refused unless `overwrite`; a file cut short (error, cancel) is removed.
 */
export async function extractPxe(isoPath: string, outDir = '.', opts: ExtractPxeOptions = {}): Promise<ExtractedFile[]> {
  const src = await openFileSource(isoPath);
  try {
    const iso = await readIso9660(src);
    let dir: IsoRecord;
    try {
      dir = await lookupPath(src, iso, PXEBOOT_DIR);
      if (!dir.isDirectory) throw new FlintError('ISO_NOT_DIR', `${PXEBOOT_DIR} is not a directory`);
    } catch (err) {
      const e = err as FlintError;
      throw new FlintError('ISO_NOT_COREOS', 'Unrecognized CoreOS ISO image.', [e.message]);
    }
    await mkdir(outDir, { recursive: true });
    const stem = opts.stem ?? parsePath(isoPath).name;
    const files = (await readDirectory(src, dir)).filter((r) => !r.isDirectory);
    const total = files.reduce((n, r) => n + r.length, 0);
    let done = 0;
    const out: ExtractedFile[] = [];
    for (const rec of files) {
      opts.signal?.throwIfAborted();
      const path = joinLikeRust(outDir, `${stem}-${rec.name.toLowerCase()}`);
      opts.onFile?.(path);
      const onBytes = opts.onProgress && ((n: number) => opts.onProgress!((done += n), total));
      await copyRecord(isoPath, src.size, rec, path, { overwrite: opts.overwrite, signal: opts.signal, onBytes });
      out.push({ isoName: rec.name, path });
    }
    return out;
  } finally {
    await src.close();
  }
}

/** Options of `iso extract minimal-iso`. */
export interface MinimalIsoOptions {
  /** Where the minimal ISO goes: a new file, or `-` for `stdout`. */
  output: string;
  /** Also copy IMAGES/PXEBOOT/ROOTFS.IMG to this new file. */
  outputRootfs?: string;
  /** Append `coreos.live.rootfs_url=URL` to the minimal ISO's kargs. */
  rootfsUrl?: string;
  /** The stream for `-` (default process.stdout). */
  stdout?: Writable & { isTTY?: boolean };
}

/** Refuses what coreos-installer refuses before doing any work (docs/live-iso-format.md §8.4). */
function checkPristine(facts: IsoFacts): void {
  if (!facts.kargs) throw new FlintError('KARGS_UNSUPPORTED', 'No karg embed areas found; old or corrupted CoreOS ISO image.');
  if (facts.members.length > 0 || facts.kargs.currentKargs !== facts.kargs.defaultKargs) {
    throw new FlintError('ISO_CUSTOMIZED', 'Cannot operate on ISO with embedded customizations.', [
      'Reset it with `flint iso reset` and try again.',
    ]);
  }
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** The kargs.json text coreos-installer writes back: serde_json pretty, fields in struct order, space-padded. */
export function kargsJsonText(json: Uint8Array, newDefault: string): string {
  const raw = JSON.parse(Buffer.from(json).toString('utf8')) as {
    files: { path: string; offset: number; pad?: string; end?: string }[];
    size: number;
  };
  const files = raw.files.map((f) => ({
    path: f.path,
    offset: f.offset,
    ...(f.pad !== undefined ? { pad: f.pad } : {}),
    ...(f.end !== undefined ? { end: f.end } : {}),
  }));
  return JSON.stringify({ default: newDefault, files, size: raw.size }, null, 2);
}

/**
 * Makes the unpacked minimal ISO at `path` boot without the full ISO (modify_miniso_kargs): removes
 * the `coreos.liveiso=` karg from its kargs and from kargs.json's default (so `iso kargs reset`
 * does not bring it back), and appends `coreos.live.rootfs_url=` when given.
 */
async function fixMinimalKargs(path: string, rootfsUrl: string | undefined): Promise<void> {
  const ctx = (err: unknown) => {
    const e = err instanceof FlintError ? err : new FlintError('MINISO_KARGS', (err as Error).message);
    return new FlintError(e.code, 'modifying miniso kernel args', [e.message, ...e.causes]);
  };
  const src = await openFileSource(path);
  let writes;
  try {
    const facts = await inspectIso(src).catch((err) => {
      throw ctx(err);
    });
    if (!facts.kargs) throw ctx(new FlintError('KARGS_UNSUPPORTED', 'No karg embed areas found; old or corrupted CoreOS ISO image.'));
    const liveiso = facts.kargs.currentKargs.split(/[\t\n\f\r ]+/).find((k) => k.startsWith(LIVEISO_KARG));
    if (liveiso === undefined) throw ctx(new FlintError('MINISO_NO_LIVEISO', 'minimal ISO does not have coreos.liveiso= karg'));
    const newDefault = editKargs(facts.kargs.currentKargs, { delete: [liveiso] });
    let kargs = newDefault;
    if (rootfsUrl !== undefined) {
      if (rootfsUrl.split(/[\t\n\f\r ]+/).filter(Boolean).length > 1) {
        throw ctx(new FlintError('ROOTFS_URL_WHITESPACE', `forbidden whitespace found in '${rootfsUrl}'`));
      }
      kargs = editKargs(newDefault, { append: [ROOTFS_URL_KARG + rootfsUrl] });
    }
    writes = [{ offset: facts.embedArea.offset, bytes: await encodeEmbedArea([], facts.embedArea.length) }];
    try {
      writes.push(...kargWrites(facts.kargs, kargs));
    } catch (err) {
      throw ctx(err);
    }
    writes.push(await kargsJsonWrite(src, await readIso9660(src), newDefault));
  } finally {
    await src.close();
  }
  const fh = await open(path, 'r+');
  try {
    for (const w of writes) await fh.write(w.bytes, 0, w.bytes.length, w.offset);
  } finally {
    await fh.close();
  }
}

/** The write that replaces kargs.json's default (set_default_kargs), padded with spaces to the file's length. */
async function kargsJsonWrite(src: ByteSource, iso: Iso9660, newDefault: string): Promise<{ offset: number; bytes: Uint8Array }> {
  let file;
  try {
    file = await readIsoFile(src, iso, KARGS_JSON);
  } catch (err) {
    if (err instanceof IsoNotFoundError) {
      throw new FlintError('MINISO_NO_KARGS_JSON', 'modifying miniso kernel args', [
        'minimal ISO does not have kargs.json; please report this as a bug',
      ]);
    }
    throw err;
  }
  const text = Buffer.from(kargsJsonText(file.data, newDefault), 'utf8');
  if (text.length > file.record.length) {
    throw new FlintError('MINISO_KARGS', 'modifying miniso kernel args', [
      `New version of coreos/kargs.json does not fit in space (${text.length} vs ${file.record.length})`,
    ]);
  }
  const bytes = Buffer.alloc(file.record.length, ' ');
  text.copy(bytes);
  return { offset: file.record.offset, bytes: new Uint8Array(bytes) };
}

/**
 * `iso extract minimal-iso`: rebuilds the minimal ISO from coreos/miniso.dat and the full ISO's
 * files, checks its SHA-256, fixes its kargs, and publishes it (a new file, never over an existing
 * one, or streamed to stdout). Refuses a customized ISO and one without miniso.dat.
 */
export async function extractMinimalIso(isoPath: string, o: MinimalIsoOptions): Promise<void> {
  const toStdout = o.output === '-';
  const stdout = o.stdout ?? process.stdout;
  const src = await openFileSource(isoPath);
  let tmp: string | null = null;
  let rootfsWritten = false;
  let published = false;
  try {
    checkPristine(await inspectIso(src));
    if (toStdout && stdout.isTTY) throw new FlintError('OUTPUT_TTY', 'Refusing to write binary data to terminal');
    // checked up front (coreos-installer notices only at the end), so a refusal leaves no file behind
    if (!toStdout && (await exists(o.output))) {
      throw new FlintError('OUTPUT_EXISTS', `persisting output file to ${o.output}`, [EEXIST]);
    }
    if (o.outputRootfs !== undefined && (await exists(o.outputRootfs))) {
      throw new FlintError('OUTPUT_EXISTS', `opening ${o.outputRootfs}`, [EEXIST]);
    }
    const iso = await readIso9660(src);
    let datRecord: IsoRecord;
    try {
      datRecord = await lookupPath(src, iso, MINISO_DAT);
    } catch (err) {
      if (err instanceof IsoNotFoundError) {
        throw new FlintError('MINISO_UNSUPPORTED', 'This ISO image does not support extracting a minimal ISO.');
      }
      throw new FlintError('ISO_CORRUPT', `looking up '${MINISO_DAT}'`, [(err as Error).message]);
    }
    const data = parseMiniso(await src.read(datRecord.offset, Math.min(datRecord.length, src.size - datRecord.offset)));
    if (o.outputRootfs !== undefined) {
      let rootfs: IsoRecord;
      try {
        rootfs = await lookupPath(src, iso, ROOTFS_IMG);
      } catch (err) {
        throw new FlintError('ISO_NOT_COREOS', `looking up '${ROOTFS_IMG}'`, [(err as Error).message]);
      }
      await copyRecord(isoPath, src.size, rootfs, o.outputRootfs);
      rootfsWritten = true;
    }
    const dir = toStdout ? tmpdir() : dirname(o.output);
    tmp = join(dir, `.flint-miniso-${process.pid}-${Date.now()}-${basename(o.output)}.tmp`);
    const fh = await open(tmp, 'wx', 0o644);
    try {
      await unpackMiniso(data, src, async (chunk) => {
        await fh.write(chunk);
      });
    } finally {
      await fh.close();
    }
    await fixMinimalKargs(tmp, o.rootfsUrl);
    if (toStdout) {
      await pipeline(createReadStream(tmp, { highWaterMark: 1 << 20 }), stdout, { end: stdout !== process.stdout });
    } else {
      await linkNoClobber(tmp, o.output);
    }
    published = true;
  } finally {
    await src.close();
    if (tmp) await unlink(tmp).catch(() => undefined);
    // a failed extraction leaves nothing behind (coreos-installer keeps the rootfs it copied)
    if (rootfsWritten && !published) await unlink(o.outputRootfs!).catch(() => undefined);
  }
}
