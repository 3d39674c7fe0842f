import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { FlintError } from '../errors';

/**
 * Random-access bytes: a file, a block device or a buffer. Every parser in this directory reads
 * through a ByteSource, so the writer can parse a stick exactly like an .iso file.
 */
export interface ByteSource {
  /** Total size in bytes. */
  size: number;
  /** Reads exactly `length` bytes at `offset`; fails when the range runs past `size`. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A ByteSource over a file or block device that must be closed after use. */
export type FileSource = ByteSource & { close(): Promise<void> };

function checkRange(size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new FlintError('READ_OUT_OF_BOUNDS', `reading ${length} bytes at offset ${offset} runs past the end of the ${size}-byte image`, [
      'failed to fill whole buffer',
    ]);
  }
}

/** Wraps an in-memory buffer as a ByteSource (reads return views, not copies). */
export function bufferSource(buf: Uint8Array): ByteSource {
  return {
    size: buf.length,
    async read(offset, length) {
      checkRange(buf.length, offset, length);
      return buf.subarray(offset, offset + length);
    },
  };
}

/**
 * Opens a file or block device read-only as a ByteSource. The size of a block device is found by
 * seeking to its end (stat reports 0 for devices).
 */
export async function openFileSource(path: string): Promise<FileSource> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw new FlintError('OPEN_FAILED', `opening ${path}`, [(err as Error).message]);
  }
  const handle = fh;
  const st = await handle.stat();
  let size = st.size;
  if (st.isBlockDevice() || (size === 0 && !st.isFile())) {
    size = await deviceSize(handle.fd);
  }
  return {
    size,
    read: (offset, length) =>
      readExactly(path, size, offset, length, async (out, at, n, pos) => (await handle.read(out, at, n, pos)).bytesRead),
    close: () => handle.close(),
  };
}

/**
 * openFileSource for a short-lived reader of a regular file (the CLI's reading commands): the same
 * checks and errors, but reads are synchronous, so inspecting an ISO (two dozen small reads) costs
 * no trip through libuv's thread pool per read. Anything else (a block device) opens as
 * openFileSource does.
 */
export async function openFileSourceSync(path: string): Promise<FileSource> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new FlintError('OPEN_FAILED', `opening ${path}`, [(err as Error).message]);
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    return openFileSource(path);
  }
  const size = st.size;
  return {
    size,
    read: (offset, length) => readExactly(path, size, offset, length, (out, at, n, pos) => readSync(fd, out, at, n, pos)),
    close: async () => closeSync(fd),
  };
}

/** Reads `length` bytes at `offset` of a source of `size` bytes through `readAt`; a short file is READ_SHORT. */
async function readExactly(
  path: string,
  size: number,
  offset: number,
  length: number,
  readAt: (out: Uint8Array, at: number, n: number, position: number) => number | Promise<number>,
): Promise<Uint8Array> {
  checkRange(size, offset, length);
  const out = new Uint8Array(length);
  for (let done = 0; done < length;) {
    const bytesRead = await readAt(out, done, length - done, offset + done);
    if (bytesRead === 0) throw new FlintError('READ_SHORT', `unexpected end of ${path} at byte ${offset + done}`);
    done += bytesRead;
  }
  return out;
}

/** Finds a block device's size by binary search on 1-byte reads (portable; no ioctl from Node). */
async function deviceSize(fd: number): Promise<number> {
  const { read } = await import('node:fs');
  const probe = (pos: number) =>
    new Promise<boolean>((resolve) => {
      read(fd, Buffer.alloc(1), 0, 1, pos, (err, n) => resolve(!err && n === 1));
    });
  let lo = 0;
  let hi = 512;
  while (await probe(hi - 1)) {
    lo = hi;
    hi *= 2;
    if (hi > 2 ** 52) break;
  }
  // invariant: byte lo-1 readable (or lo = 0), byte hi-1 not
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await probe(mid - 1)) lo = mid;
    else hi = mid;
  }
  return lo;
}
