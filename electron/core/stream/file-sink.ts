import { close, fdatasync, open, writev } from 'node:fs';

/**
 * Appends chunks to a file with one write in flight at a time, gathering queued chunks into
 * writev calls of at most MAX_WRITE_BYTES. Unlike fs.WriteStream (which gathers everything queued,
 * megabytes per call) writes stay moderate: 1 MiB+ writes make the kernel allocate large
 * page-cache folios, which cost up to 5x more CPU per byte than 64-512 KiB writes on the build VM
 * (dd measured the same), while 128 KiB writes cost more thread-pool round trips. `write` returns
 * false when the queue is over HIGH_WATER_BYTES; wait with `drained()`. The first error (ENOSPC
 * ...) is kept and rethrown, errno code intact, by `drained()` and `close()`.
 */
export class FileSink {
  private queue: Uint8Array[] = [];
  private queued = 0;
  private busy = false;
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private idle?: () => void;
  /** The first write error, if any; later chunks are dropped. */
  error?: Error;

  private syncing = false;
  private unsynced = 0;
  private enqueued = 0;
  private written = 0;
  private onWritten: { end: number; done: () => void }[] = [];

  private constructor(
    private readonly fd: number,
    private readonly syncEvery: number,
  ) {}

  /**
   * Opens `file` for appending (created when missing). `syncEvery` > 0: after that many bytes,
   * start an fdatasync in the background (one at a time), so that the data reaches the disk while
   * the download goes on and a final fsync has little left to do. It does not replace that fsync.
   */
  static open(file: string, opts: { syncEvery?: number } = {}): Promise<FileSink> {
    return new Promise((resolve, reject) =>
      open(file, 'a', (err, fd) => (err ? reject(err) : resolve(new FileSink(fd, opts.syncEvery ?? 0)))),
    );
  }

  private maybeSync(): void {
    if (this.syncEvery <= 0 || this.syncing || this.error || this.unsynced < this.syncEvery) return;
    this.syncing = true;
    this.unsynced = 0;
    fdatasync(this.fd, (err) => {
      this.syncing = false;
      if (err) return this.fail(err);
      if (!this.busy && this.queue.length === 0) this.idle?.();
    });
  }

  /**
   * Queues `chunk` (kept by reference: do not reuse it until `done` is called, after it was written;
   * never called after a write error). False when the caller should wait for `drained()`.
   */
  write(chunk: Uint8Array, done?: () => void): boolean {
    if (this.error) return false;
    if (chunk.length > 0) {
      this.queue.push(chunk);
      this.queued += chunk.length;
      this.enqueued += chunk.length;
      if (done) this.onWritten.push({ end: this.enqueued, done });
      this.pump();
    } else done?.();
    return this.queued < HIGH_WATER_BYTES;
  }

  /** Resolves when the queue is below the high-water mark again; rejects with the write error. */
  drained(): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    if (this.queued < HIGH_WATER_BYTES) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private pump(): void {
    if (this.busy || this.error || this.queue.length === 0) return;
    const bufs: Uint8Array[] = [];
    let bytes = 0;
    while (this.queue.length > 0 && bytes < MAX_WRITE_BYTES) {
      let c = this.queue[0];
      if (bytes + c.length > MAX_WRITE_BYTES) {
        const take = MAX_WRITE_BYTES - bytes;
        if (bufs.length > 0 && take < c.length / 2) break; // leave it for the next call
        this.queue[0] = c.subarray(take);
        c = c.subarray(0, take);
      } else {
        this.queue.shift();
      }
      bufs.push(c);
      bytes += c.length;
    }
    this.busy = true;
    writev(this.fd, bufs, (err, written) => {
      this.busy = false;
      if (err) return this.fail(err);
      if (written === 0 && bytes > 0) return this.fail(new Error(`the file system took none of ${bytes} bytes`));
      if (written < bytes) {
        // short write (a nearly full disk): put the rest back in front; the next call reports why
        let skip = written;
        const rest: Uint8Array[] = [];
        for (const b of bufs) {
          if (skip >= b.length) skip -= b.length;
          else {
            rest.push(b.subarray(skip));
            skip = 0;
          }
        }
        this.queue.unshift(...rest);
      }
      this.queued -= written;
      this.unsynced += written;
      this.written += written;
      while (this.onWritten.length > 0 && this.onWritten[0].end <= this.written) this.onWritten.shift()!.done();
      this.maybeSync();
      if (this.queued < HIGH_WATER_BYTES && this.waiters.length > 0) {
        const ws = this.waiters;
        this.waiters = [];
        for (const w of ws) w.resolve();
      }
      if (this.queue.length > 0) this.pump();
      else if (!this.syncing) this.idle?.();
    });
  }

  private fail(err: Error): void {
    this.error ??= err;
    this.queue = [];
    this.queued = 0;
    this.onWritten = [];
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w.reject(err);
    this.idle?.();
  }

  /** Writes what is queued, closes the file and rethrows the first write error. */
  async close(): Promise<void> {
    while (this.busy || this.syncing || (this.queue.length > 0 && !this.error)) {
      await new Promise<void>((resolve) => {
        this.idle = resolve;
      });
    }
    await new Promise<void>((resolve, reject) => close(this.fd, (err) => (err && !this.error ? reject(err) : resolve())));
    if (this.error) throw this.error;
  }
}

/** Largest single write (see the class comment). */
const MAX_WRITE_BYTES = 512 << 10;
/** Queue size above which `write` asks the caller to pause. */
const HIGH_WATER_BYTES = 2 << 20;
