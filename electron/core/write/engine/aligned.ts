import { readSync } from 'node:fs';

/** Size of one write or read-back block. Large blocks keep USB sticks streaming; a multiple of every sector size. */
export const BLOCK_SIZE = 4 * 1024 * 1024;
/** Node buffers are at least 16-byte aligned; probing walks in these steps. */
const MALLOC_ALIGN = 16;
/** Probe span: covers the largest DMA alignment we expect (a page). */
const MAX_ALIGN = 4096;
/** Longest probe read: several pages, so the kernel checks every segment's alignment. */
const PROBE_LENGTH = 16384;

/**
 * A `size`-byte buffer whose memory address the kernel accepts for O_DIRECT I/O on `fd`.
 * Node has no API to allocate aligned memory or to see addresses, so this allocates a larger
 * buffer and finds, by harmless O_DIRECT reads of the device's first sectors, the first offset at
 * which the kernel accepts it. Returns null when no offset works (then use buffered I/O).
 * The backing store of a Buffer made with allocUnsafeSlow never moves, so the view stays aligned.
 */
export function alignedBlock(fd: number, size = BLOCK_SIZE, sectorSize = 512): Buffer | null {
  const raw = Buffer.allocUnsafeSlow(size + MAX_ALIGN);
  const probe = Math.max(sectorSize, alignDown(Math.min(PROBE_LENGTH, size), sectorSize));
  for (let off = 0; off < MAX_ALIGN; off += MALLOC_ALIGN) {
    try {
      readSync(fd, raw, off, probe, 0);
      return raw.subarray(off, off + size);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') return null;
    }
  }
  return null;
}

/** Rounds `n` down to a multiple of `align` (a power of two or any positive integer). */
export function alignDown(n: number, align: number): number {
  return n - (n % align);
}
