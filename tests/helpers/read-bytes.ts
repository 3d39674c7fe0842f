import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Reads `length` bytes at `offset` of a file or block device (a short read at the end gives fewer
 * bytes). Tests use it to look at what was written to a stick without going through Flint.
 */
export function readBytes(path: string, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    let got = 0;
    while (got < length) {
      const r = readSync(fd, buf, got, length - got, offset + got);
      if (r === 0) break;
      got += r;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** The first `n` bytes of a device or file. */
export function head(path: string, n: number): Buffer {
  return readBytes(path, 0, n);
}
