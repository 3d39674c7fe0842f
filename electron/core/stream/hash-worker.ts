import { Worker } from 'node:worker_threads';

/**
 * Hashes a byte stream on a worker thread so that the thread receiving the data (socket reads,
 * HTTP parsing, file writes) does not also spend ~0.5 ns/byte on SHA-256. Bytes are copied into a
 * small ring of shared 1 MiB slots (bounded memory: SLOTS MiB); a full slot is handed to the
 * worker, which feeds it to every requested hash (node:crypto) and gives the slot back. `update`
 * returns a promise when every slot is busy (backpressure). `finish` returns the digests, each
 * optionally extended with trailer bytes (OpenPGP signature trailers) hashed after the data.
 */
export class ParallelHasher {
  private readonly worker: Worker;
  private readonly slots: SharedArrayBuffer[] = [];
  private readonly free: number[] = [];
  private current = -1;
  private fill = 0;
  private overflow: Uint8Array[] = [];
  private waiter?: () => void;
  private done?: (r: HashResults) => void;
  private doneFailed?: (e: Error) => void;
  private failed?: Error;
  private closed = false;

  /** Starts a worker computing `algos` (node:crypto names, e.g. `sha256`). */
  constructor(algos: string[]) {
    for (let i = 0; i < SLOTS; i++) {
      this.slots.push(new SharedArrayBuffer(SLOT_BYTES));
      this.free.push(i);
    }
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { slots: this.slots, algos } });
    // the worker keeps the process alive only while it has work (a forgotten verifier must not hang the CLI)
    this.worker.unref();
    this.worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'free') {
        this.free.push(m.slot);
        if (this.free.length === SLOTS && !this.done) this.worker.unref();
        this.drainOverflow();
      } else if (m.type === 'done') {
        this.done?.(m.results);
      }
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', () => this.fail(new Error('the hashing worker stopped')));
  }

  private fail(e: Error): void {
    if (this.closed) return;
    this.failed ??= e;
    this.doneFailed?.(this.failed);
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Feeds the next bytes (copied; `chunk` may be reused afterwards). Resolves when more can be fed. */
  update(chunk: Uint8Array): Promise<void> | undefined {
    if (this.failed) throw this.failed;
    if (this.overflow.length > 0) {
      this.overflow.push(chunk);
      return this.wait();
    }
    const rest = this.copyIn(chunk);
    if (rest === undefined) return undefined;
    this.overflow.push(rest);
    return this.wait();
  }

  private wait(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiter = () => (this.failed ? reject(this.failed) : resolve());
    });
  }

  /** Copies as much of `chunk` as the free slots take; returns what is left, if anything. */
  private copyIn(chunk: Uint8Array): Uint8Array | undefined {
    let off = 0;
    while (off < chunk.length) {
      if (this.current < 0) {
        const slot = this.free.pop();
        if (slot === undefined) return chunk.subarray(off);
        this.current = slot;
        this.fill = 0;
      }
      const n = Math.min(SLOT_BYTES - this.fill, chunk.length - off);
      new Uint8Array(this.slots[this.current], this.fill, n).set(chunk.subarray(off, off + n));
      this.fill += n;
      off += n;
      if (this.fill === SLOT_BYTES) this.send();
    }
    return undefined;
  }

  private send(): void {
    if (this.current < 0 || this.fill === 0) return;
    this.worker.ref();
    this.worker.postMessage({ type: 'data', slot: this.current, length: this.fill });
    this.current = -1;
    this.fill = 0;
  }

  private drainOverflow(): void {
    while (this.overflow.length > 0) {
      const rest = this.copyIn(this.overflow[0]);
      if (rest !== undefined) {
        this.overflow[0] = rest;
        return;
      }
      this.overflow.shift();
    }
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /**
   * Ends the input (all fed bytes must have been accepted: no pending `update` promise) and
   * returns the hex digest of every algorithm plus, per trailer, the digest of `algo` over the
   * data followed by `bytes`. Stops the worker.
   */
  async finish(trailers: { algo: string; bytes: Uint8Array }[] = []): Promise<HashResults> {
    if (this.failed) throw this.failed;
    this.send();
    const results = await new Promise<HashResults>((resolve, reject) => {
      this.done = resolve;
      this.doneFailed = reject;
      this.worker.ref();
      this.worker.postMessage({ type: 'finish', trailers });
    });
    this.abort();
    return results;
  }

  /** Stops the worker without results. */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    this.overflow = [];
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
    void this.worker.terminate();
  }
}

/** Digests computed by ParallelHasher.finish. */
export interface HashResults {
  /** Hex digest per algorithm over the data. */
  digests: Record<string, string>;
  /** Per trailer (same order): the raw digest over data + trailer. */
  trailers: Uint8Array[];
}

type WorkerMessage = { type: 'free'; slot: number } | { type: 'done'; results: HashResults };

const SLOTS = 8;
const SLOT_BYTES = 1 << 20;

// plain CommonJS so that it runs the same under tsx, vitest and a packaged Electron main process
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map(workerData.algos.map((a) => [a, createHash(a)]));
const views = workerData.slots.map((s) => new Uint8Array(s));
parentPort.on('message', (m) => {
  if (m.type === 'data') {
    const bytes = views[m.slot].subarray(0, m.length);
    for (const h of hashes.values()) h.update(bytes);
    parentPort.postMessage({ type: 'free', slot: m.slot });
  } else if (m.type === 'finish') {
    const digests = {};
    for (const [a, h] of hashes) digests[a] = h.copy().digest('hex');
    const trailers = m.trailers.map((t) => new Uint8Array(hashes.get(t.algo).copy().update(t.bytes).digest()));
    parentPort.postMessage({ type: 'done', results: { digests, trailers } });
  }
});
`;
