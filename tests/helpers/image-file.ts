import { randomFillSync } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * Writes a stick-sized image to `path`: the ISO's bytes, then random bytes up to `size` (random
 * so that no layer can skip or compress them). Benchmarks write and verify it as a large ISO.
 */
export function writePaddedImage(path: string, iso: Buffer, size: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, iso);
    const buf = Buffer.alloc(4 << 20);
    for (let done = iso.length; done < size; done += buf.length) {
      randomFillSync(buf);
      writeSync(fd, buf, 0, Math.min(buf.length, size - done));
    }
  } finally {
    closeSync(fd);
  }
}
