import { close, constants, fdatasync, fstat, open, write, writev } from 'node:fs';

/** The one WebAssembly API used here (the project's Node type library declares no WebAssembly values). */
interface WasmGlobal {
  WebAssembly: { Memory: new (size: { initial: number; maximum: number }) => { buffer: ArrayBuffer } };
}

/** Direct I/O state: the second descriptor, the staging buffers and the next aligned offset. */
interface Direct {
  fd: number;
  /** Two aligned staging buffers: one is filled while the other is being written. */
  stages: [Buffer, Buffer];
  cur: number;
  /** Bytes in the current stage. */
  fill: number;
  /** File offset of the next direct write (aligned). */
  pos: number;
  /** Bytes still to append through the page cache before `pos` (a resumed file of unaligned length). */
  head: number;
}

/**
 * Appends chunks to a file with one write in flight at a time.
 *
 * Through the page cache (the default, and everywhere O_DIRECT does not exist), queued chunks are
 * gathered into writev calls of at most MAX_WRITE_BYTES. Unlike fs.WriteStream (which gathers
 * everything queued, megabytes per call) writes stay moderate: 1 MiB+ writes make the kernel
 * allocate large page-cache folios, which cost up to 5x more CPU per byte than 64-512 KiB writes
 * on the build VM (dd measured the same), while 128 KiB writes cost more thread-pool round trips.
 *
 * With `direct` (Linux), chunks are copied into two page-aligned 1 MiB staging buffers that go to
 * the disk with O_DIRECT, one filled while the other is written; only an unaligned head (a resumed
 * file) and the tail go through the page cache. On the build VM every page-cache page of a
 * download is memory the host has to hand back first: 512 MiB cost 0.9-1.1 s of system CPU
 * buffered against 0.06 s direct (the writeback then costs nothing more), and a download is read
 * once later, by the write to a stick, so caching it gains little. A file system that refuses
 * O_DIRECT (open or first write: EINVAL) gets the page-cache path.
 *
 * `write` returns false when the queue is over HIGH_WATER_BYTES; wait with `drained()`. The first
 * error (ENOSPC ...) is kept and rethrown, errno code intact, by `drained()` and `close()`.
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

  private constructor(
    private readonly fd: number,
    private readonly syncEvery: number,
    private direct?: Direct,
  ) {}

  /**
   * Opens `file` for appending (created when missing). `syncEvery` > 0: after that many bytes,
   * start an fdatasync in the background (one at a time), so that the data reaches the disk while
   * the download goes on and a final fsync has little left to do. It does not replace that fsync.
   * `direct`: write through O_DIRECT where the platform and the file system allow it (see above).
   */
  static async open(file: string, opts: { syncEvery?: number; direct?: boolean } = {}): Promise<FileSink> {
    const fd = await new Promise<number>((resolve, reject) => open(file, 'a', (err, f) => (err ? reject(err) : resolve(f))));
    let direct: Direct | undefined;
    const flag = (constants as { O_DIRECT?: number }).O_DIRECT;
    if (opts.direct && flag) {
      const dfd = await new Promise<number | undefined>((resolve) =>
        open(file, constants.O_WRONLY | flag, (err, f) => resolve(err ? undefined : f)),
      );
      const size = await new Promise<number | undefined>((resolve) => fstat(fd, (err, st) => resolve(err ? undefined : st.size)));
      if (dfd !== undefined && size !== undefined) {
        // WebAssembly memory is page-aligned (V8 maps it whole), as O_DIRECT needs its buffers
        const pages = (2 * STAGE_BYTES) >> 16;
        const mem = Buffer.from(new (globalThis as unknown as WasmGlobal).WebAssembly.Memory({ initial: pages, maximum: pages }).buffer);
        const head = (DIRECT_ALIGN - (size % DIRECT_ALIGN)) % DIRECT_ALIGN;
        const stages: [Buffer, Buffer] = [mem.subarray(0, STAGE_BYTES), mem.subarray(STAGE_BYTES)];
        direct = { fd: dfd, stages, cur: 0, fill: 0, pos: size + head, head };
      } else if (dfd !== undefined) close(dfd, () => undefined);
    }
    return new FileSink(fd, opts.syncEvery ?? 0, direct);
  }

  /** True when writes go through O_DIRECT (for tests and measurements). */
  get isDirect(): boolean {
    return this.direct !== undefined;
  }

  private maybeSync(): void {
    if (this.syncEvery <= 0 || this.syncing || this.error || this.unsynced < this.syncEvery) return;
    this.syncing = true;
    this.unsynced = 0;
    fdatasync(this.fd, (err) => {
      this.syncing = false;
      if (err) return this.fail(err);
      this.checkIdle();
    });
  }

  /** Queues `chunk` (kept by reference: do not reuse it). False when the caller should wait for `drained()`. */
  write(chunk: Uint8Array): boolean {
    if (this.error) return false;
    if (chunk.length > 0) {
      this.queue.push(chunk);
      this.queued += chunk.length;
      this.pump();
    }
    return this.queued < HIGH_WATER_BYTES;
  }

  /** Resolves when the queue is below the high-water mark again; rejects with the write error. */
  drained(): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    if (this.queued < HIGH_WATER_BYTES) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private pump(): void {
    if (this.error) return;
    const d = this.direct;
    // the direct path copies into the free stage even while the other one is being written
    if (d && d.head === 0) return this.pumpDirect(d);
    if (this.busy || this.queue.length === 0) return;
    const limit = d ? Math.min(d.head, MAX_WRITE_BYTES) : MAX_WRITE_BYTES;
    const bufs: Uint8Array[] = [];
    let bytes = 0;
    while (this.queue.length > 0 && bytes < limit) {
      let c = this.queue[0];
      if (bytes + c.length > limit) {
        const take = limit - bytes;
        if (!d && bufs.length > 0 && take < c.length / 2) break; // leave it for the next call
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
      if (written < bytes) this.requeue(bufs, written); // short write (a nearly full disk): the next call reports why
      this.queued -= written;
      if (d) d.head -= written;
      this.afterWrite(written);
    });
  }

  /** Puts what a short write left of `bufs` back in front of the queue. */
  private requeue(bufs: Uint8Array[], written: number): void {
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

  /** Copies queued chunks into the current stage and hands full stages to the disk. */
  private pumpDirect(d: Direct): void {
    for (;;) {
      const stage = d.stages[d.cur];
      while (d.fill < STAGE_BYTES && this.queue.length > 0) {
        const c = this.queue[0];
        const n = Math.min(c.length, STAGE_BYTES - d.fill);
        stage.set(n === c.length ? c : c.subarray(0, n), d.fill);
        d.fill += n;
        this.queued -= n;
        if (n === c.length) this.queue.shift();
        else this.queue[0] = c.subarray(n);
      }
      if (d.fill < STAGE_BYTES || this.busy) break;
      this.writeStage(d, STAGE_BYTES);
    }
    this.wakeWriters();
  }

  /** Writes the first `len` (aligned) bytes of the current stage at `d.pos` and moves on to the other stage. */
  private writeStage(d: Direct, len: number): void {
    const stage = d.stages[d.cur];
    const rest = d.fill - len;
    d.cur ^= 1;
    d.fill = 0;
    this.busy = true;
    write(d.fd, stage, 0, len, d.pos, (err, written) => {
      this.busy = false;
      if (err?.code === 'EINVAL') return this.leaveDirect([stage.subarray(0, len + rest)]);
      if (err) return this.fail(err);
      d.pos += written;
      // a short write (a nearly full disk): the page cache path takes the rest and reports why
      if (written < len + rest) return this.leaveDirect([stage.subarray(written, len + rest)], written);
      this.afterWrite(written);
    });
  }

  /**
   * Continues through the page cache: `pending` (what the refused or short direct write held), the
   * current stage and the queue, in that order. The append descriptor writes at the end of the
   * file, which is where the direct writes stopped.
   */
  private leaveDirect(pending: Uint8Array[], written = 0): void {
    const d = this.direct!;
    this.direct = undefined;
    close(d.fd, () => undefined);
    const front = [...pending, d.stages[d.cur].subarray(0, d.fill)].filter((b) => b.length > 0);
    this.queue.unshift(...front);
    this.queued += front.reduce((n, b) => n + b.length, 0);
    if (written > 0) this.afterWrite(written);
    else this.pump();
  }

  private afterWrite(written: number): void {
    this.unsynced += written;
    this.maybeSync();
    this.wakeWriters();
    this.pump();
    this.checkIdle();
  }

  private wakeWriters(): void {
    if (this.queued < HIGH_WATER_BYTES && this.waiters.length > 0) {
      const ws = this.waiters;
      this.waiters = [];
      for (const w of ws) w.resolve();
    }
  }

  private checkIdle(): void {
    if (!this.busy && !this.syncing && this.queue.length === 0) this.idle?.();
  }

  private fail(err: Error): void {
    this.error ??= err;
    this.queue = [];
    this.queued = 0;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w.reject(err);
    this.idle?.();
  }

  private async settle(): Promise<void> {
    while (this.busy || this.syncing || (this.queue.length > 0 && !this.error)) {
      await new Promise<void>((resolve) => {
        this.idle = resolve;
      });
    }
  }

  /** Writes what is queued, closes the file and rethrows the first write error. */
  async close(): Promise<void> {
    await this.settle();
    const d = this.direct;
    if (d && d.fill > 0 && !this.error) {
      // the aligned part of the last stage directly, the few bytes after it through the page cache
      const stage = d.stages[d.cur];
      const fill = d.fill;
      const aligned = fill - (fill % DIRECT_ALIGN);
      if (aligned > 0) {
        this.writeStage(d, aligned);
        await this.settle();
      }
      if (this.direct && !this.error && fill > aligned) {
        this.queue.push(stage.subarray(aligned, fill));
        this.queued += fill - aligned;
        d.head = Infinity; // page cache from here on
        this.pump();
        await this.settle();
      }
    }
    if (this.direct) await new Promise<void>((resolve) => close(this.direct!.fd, () => resolve()));
    await new Promise<void>((resolve, reject) => close(this.fd, (err) => (err && !this.error ? reject(err) : resolve())));
    if (this.error) throw this.error;
  }
}

/** Largest single write through the page cache (see the class comment). */
const MAX_WRITE_BYTES = 512 << 10;
/** Queue size above which `write` asks the caller to pause. */
const HIGH_WATER_BYTES = 2 << 20;
/** Size of each direct-I/O staging buffer (a multiple of 64 KiB, the WebAssembly page). */
const STAGE_BYTES = 1 << 20;
/** Offsets and lengths of direct writes are multiples of this (the largest common logical block size). */
const DIRECT_ALIGN = 4096;
