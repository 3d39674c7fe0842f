import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/**
 * Blocks of the files a boot mirror is sending, shared by every response that sends them.
 *
 * A row of machines booting together fetches the same kernel, initramfs and rootfs at about the
 * same time. Without sharing, each response reads its own copy of every byte from the page cache
 * (one kernel copy per client) before the socket write copies it again; nginx sends with sendfile
 * and copies nothing in user space. Node has no sendfile, so the mirror keeps each block it read
 * for the responses right behind: sixteen clients of one 256 MiB rootfs then cost one read of the
 * file instead of sixteen (tests/bench/serve-fleet.bench.ts measures the difference).
 *
 * A block is `BLOCK_BYTES` long and aligned to that size in the file (the last one is shorter).
 * A response holds a block from `acquire` until the socket has taken its bytes (`release`); only
 * blocks nobody holds are evicted, least recently used first, once the cache is over `maxBytes`,
 * and their buffers are reused for the next blocks read (fresh 1 MiB buffers cost page faults:
 * see sendRange in server.ts). Blocks are keyed by the file's identity as opened (device, inode,
 * size, modification and change times), so a file replaced or rewritten in place is read afresh.
 */
export const BLOCK_BYTES = 1 << 20;

/** A block of a file: `data` is the block's bytes (its length is the block's). */
export interface Block {
  readonly data: Buffer;
}

interface Entry extends Block {
  key: string;
  /** Responses holding this block (acquired, not yet released). */
  users: number;
  /** Set while the read is under way; cleared when it ends. */
  loading?: Promise<void>;
  failed?: Error;
  buffer: Buffer;
}

/** The identity under which a file's blocks are shared (see the class comment). */
export function fileIdentity(st: Stats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
}

export class BlockCache {
  /** Every block, least recently used first (a Map keeps insertion order; a hit moves it last). */
  private readonly entries = new Map<string, Entry>();
  private readonly spare: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes: number = 32 * BLOCK_BYTES) {}

  /** Bytes of buffers held: cached blocks and spare buffers. */
  get heldBytes(): number {
    return this.bytes;
  }

  /**
   * Block `index` of the file open as `handle` with identity `id` and `size` bytes: shared with
   * other responses when cached or being read, else read now. Rejects when the read fails or the
   * file turned out shorter than `size` (nothing is cached then). Pair every resolved acquire with
   * one `release`.
   */
  async acquire(handle: FileHandle, id: string, size: number, index: number): Promise<Block> {
    const key = `${id}#${index}`;
    let e = this.entries.get(key);
    if (e) {
      this.entries.delete(key);
      this.entries.set(key, e);
    } else {
      const length = Math.min(BLOCK_BYTES, size - index * BLOCK_BYTES);
      if (length <= 0) throw new RangeError(`block ${index} lies past the end of a ${size}-byte file`);
      const buffer = this.takeBuffer();
      e = { key, users: 0, buffer, data: buffer.subarray(0, length) };
      const entry = e;
      this.entries.set(key, e);
      e.loading = fill(handle, e.data, index * BLOCK_BYTES).then(
        () => {
          entry.loading = undefined;
        },
        (err: Error) => {
          entry.loading = undefined;
          entry.failed = err;
          // a failed block is not kept: the next response reads it afresh
          if (this.entries.get(key) === entry) this.entries.delete(key);
          if (entry.users === 0) this.recycle(entry);
        },
      );
    }
    e.users++;
    if (e.loading) await e.loading;
    if (e.failed) {
      this.release(e);
      throw e.failed;
    }
    return e;
  }

  /** The socket has taken the block's bytes (or the response ended): it may be evicted. */
  release(block: Block): void {
    const e = block as Entry;
    e.users--;
    if (e.users > 0) return;
    if (e.failed) this.recycle(e);
    else this.shrink();
  }

  /**
   * A buffer for a block about to be read: a spare one, a new one while the cache has room, else
   * the one of the least recently used block nobody holds. When every block is held (more
   * responses than the cache has blocks), a new one: the cache shrinks back when they are released.
   */
  private takeBuffer(): Buffer {
    const spare = this.spare.pop();
    if (spare) return spare;
    if (this.bytes + BLOCK_BYTES <= this.maxBytes) {
      this.bytes += BLOCK_BYTES;
      return Buffer.allocUnsafeSlow(BLOCK_BYTES);
    }
    for (const [key, e] of this.entries) {
      if (e.users > 0 || e.loading) continue;
      this.entries.delete(key);
      return e.buffer;
    }
    this.bytes += BLOCK_BYTES;
    return Buffer.allocUnsafeSlow(BLOCK_BYTES);
  }

  /** Keeps a buffer no block uses for the next read, unless the cache is over its size. */
  private recycle(e: Entry): void {
    if (this.bytes <= this.maxBytes) this.spare.push(e.buffer);
    else this.bytes -= BLOCK_BYTES;
  }

  /** Drops unheld blocks, oldest first, while more is held than `maxBytes`. */
  private shrink(): void {
    for (const [key, e] of this.entries) {
      if (this.bytes <= this.maxBytes) return;
      if (e.users > 0 || e.loading) continue;
      this.entries.delete(key);
      this.bytes -= BLOCK_BYTES;
    }
  }
}

/** Reads exactly `into.length` bytes at `position`; a file that ends sooner is an error. */
async function fill(handle: FileHandle, into: Buffer, position: number): Promise<void> {
  for (let done = 0; done < into.length;) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    // the length promised to the client cannot be kept: the response is cut off
    if (bytesRead === 0) throw new Error('file shorter than its size when opened');
    done += bytesRead;
  }
}
