import { close, constants, fdatasync, fstat, open, write, writev } from 'node:fs';

/** The one WebAssembly API used here (the project's Node type library declares no WebAssembly values). */
interface WasmGlobal {
  WebAssembly: { Memory: new (size: { initial: number; maximum: number }) => { buffer: ArrayBuffer } };
}

/** Direct I/O state: the second descriptor, the ring of staging buffers and the next aligned offset. */
interface Direct {
  fd: number;
  /** STAGE_COUNT page-aligned staging buffers of STAGE_BYTES in one block, used as a ring. */
  mem: Buffer;
  /** The stage being filled (always `(next + full) % STAGE_COUNT`) and the bytes in it. */
  cur: number;
  fill: number;
  /** The oldest full stage not yet written, and how many full stages wait (or are being written). */
  next: number;
  full: number;
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
 * With `direct` (Linux), chunks are copied into a ring of page-aligned staging buffers that go to
 * the disk with O_DIRECT: the full ones in one write (all consecutive full stages, so a write that
 * lagged behind catches up in one call) while the next ones fill; only an unaligned head (a resumed
 * file) and the tail go through the page cache. With two 1 MiB stages, one write at a time, half
 * of a 512 MiB download did not fit and was copied into the queue (0.3 s of CPU and the garbage
 * collector's work on the build VM). On the build VM every page-cache page of a
 * download is memory the host has to hand back first: 512 MiB cost 0.9-1.1 s of system CPU
 * buffered against 0.06 s direct (the writeback then costs nothing more), and a download is read
 * once later, by the write to a stick, so caching it gains little. A file system that refuses
 * O_DIRECT (open or first write: EINVAL) gets the page-cache path.
 *
 * `write` returns false when the caller should pause (see `behind`); wait with `drained()`. The first
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
        const pages = (STAGE_COUNT * STAGE_BYTES) >> 16;
        const mem = Buffer.from(new (globalThis as unknown as WasmGlobal).WebAssembly.Memory({ initial: pages, maximum: pages }).buffer);
        const head = (DIRECT_ALIGN - (size % DIRECT_ALIGN)) % DIRECT_ALIGN;
        direct = { fd: dfd, mem, cur: 0, fill: 0, next: 0, full: 0, pos: size + head, head };
      } else if (dfd !== undefined) close(dfd, () => undefined);
    }
    return new FileSink(fd, opts.syncEvery ?? 0, direct);
  }

  /** True when writes go through O_DIRECT (for tests and measurements). */
  get isDirect(): boolean {
    return this.direct !== undefined;
  }

  private maybeSync(): void {
    // direct writes are on the disk when they complete: only the final fsync (the file's size and
    // extents) is left, and an fdatasync running beside them stalled them (512 MiB with SHA-256:
    // 0.57 s without, 1.07 s with one every 64 MiB on the build VM, tests/bench/download.bench.ts)
    if (this.direct && this.direct.head === 0) return;
    if (this.syncEvery <= 0 || this.syncing || this.error || this.unsynced < this.syncEvery) return;
    this.syncing = true;
    this.unsynced = 0;
    fdatasync(this.fd, (err) => {
      this.syncing = false;
      if (err) return this.fail(err);
      this.checkIdle();
    });
  }

  /**
   * Queues `chunk`, which the caller may reuse as soon as this returns (an HTTP body's read buffer:
   * see BodyStream in http.ts). On the direct path it is copied into the staging buffer at once and
   * only what does not fit is copied into the queue; the page-cache path keeps a copy. False when
   * the caller should wait for `drained()`.
   */
  write(chunk: Uint8Array): boolean {
    if (this.error) return false;
    if (chunk.length > 0) {
      const direct = this.direct !== undefined && this.direct.head === 0;
      this.queue.push(direct ? chunk : new Uint8Array(chunk));
      this.queued += chunk.length;
      this.pump();
      // what is left of the chunk (always the end of the queue) must not point into the caller's memory
      const last = this.queue.length - 1;
      if (direct && last >= 0 && this.queue[last].buffer === chunk.buffer) this.queue[last] = new Uint8Array(this.queue[last]);
    }
    return !this.behind;
  }

  /**
   * True when the caller should wait: on the direct path as soon as the ring is full (what is
   * queued then is a copy, and copying costs more than waiting for the disk), on the page-cache
   * path past HIGH_WATER_BYTES.
   */
  private get behind(): boolean {
    return this.direct && this.direct.head === 0 ? this.queue.length > 0 : this.queued >= HIGH_WATER_BYTES;
  }

  /** Resolves when the caller may write again (`behind` is false); rejects with the write error. */
  drained(): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    if (!this.behind) return Promise.resolve();
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

  /** Copies queued chunks into free stages and hands the full ones to the disk. */
  private pumpDirect(d: Direct): void {
    while (this.queue.length > 0 && d.full < STAGE_COUNT) {
      const c = this.queue[0];
      const n = Math.min(c.length, STAGE_BYTES - d.fill);
      d.mem.set(n === c.length ? c : c.subarray(0, n), d.cur * STAGE_BYTES + d.fill);
      d.fill += n;
      this.queued -= n;
      if (n === c.length) this.queue.shift();
      else this.queue[0] = c.subarray(n);
      if (d.fill === STAGE_BYTES) {
        d.full++;
        d.cur = (d.cur + 1) % STAGE_COUNT;
        d.fill = 0;
      }
    }
    if (!this.busy && d.full > 0) {
      // the consecutive full stages up to the end of the ring, in one write
      const stages = Math.min(d.full, STAGE_COUNT - d.next);
      this.writeDirect(d, d.next * STAGE_BYTES, stages * STAGE_BYTES, () => {
        d.next = (d.next + stages) % STAGE_COUNT;
        d.full -= stages;
      });
    }
    this.wakeWriters();
  }

  /** Writes `len` (aligned) bytes of the ring from `off` at `d.pos`; `done` runs once they are all on disk. */
  private writeDirect(d: Direct, off: number, len: number, done: () => void): void {
    this.busy = true;
    write(d.fd, d.mem, off, len, d.pos, (err, written) => {
      this.busy = false;
      if (err?.code === 'EINVAL') return this.leaveDirect(0);
      if (err) return this.fail(err);
      d.pos += written;
      // a short write (a nearly full disk): the page cache path takes the rest and reports why
      if (written < len) return this.leaveDirect(written);
      done();
      this.afterWrite(written);
    });
  }

  /**
   * Continues through the page cache: what the stages hold, from the oldest full one (less the
   * `written` bytes of it a short direct write took) through the one being filled, then the queue.
   * The append descriptor writes at the end of the file, which is where the direct writes stopped.
   */
  private leaveDirect(written: number): void {
    const d = this.direct!;
    this.direct = undefined;
    close(d.fd, () => undefined);
    const front: Uint8Array[] = [];
    // a short write may have taken more than the first stage of a multi-stage write
    let skip = written;
    for (let i = 0; i <= d.full; i++) {
      const base = ((d.next + i) % STAGE_COUNT) * STAGE_BYTES;
      const end = base + (i === d.full ? d.fill : STAGE_BYTES);
      const start = Math.min(end, base + skip);
      skip -= start - base;
      if (end > start) front.push(d.mem.subarray(start, end));
    }
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
    if (!this.behind && this.waiters.length > 0) {
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
      const fill = d.fill;
      const from = d.cur * STAGE_BYTES;
      const aligned = fill - (fill % DIRECT_ALIGN);
      if (aligned > 0) {
        this.writeDirect(d, from, aligned, () => {
          d.fill = 0;
        });
        await this.settle();
      }
      if (this.direct && !this.error && fill > aligned) {
        this.queue.push(d.mem.subarray(from + aligned, from + fill));
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
/** Staging buffers in the ring: 8 MiB, filled while up to all but one are being written. */
const STAGE_COUNT = 8;
/** Offsets and lengths of direct writes are multiples of this (the largest common logical block size). */
const DIRECT_ALIGN = 4096;
