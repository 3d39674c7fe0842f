import type { BodyStream } from './http';

/**
 * The consumer side of a response body, shared by both HTTP clients (undici's dispatch in http.ts,
 * node:net in plain-http.ts): chunks that arrive before `pipe` is called (the download opens its
 * file and verifier in between) are kept, up to READ_AHEAD_BYTES, then handed over in order, each
 * waiting for the consumer's promise when it returns one, and a break of the connection is reported
 * only after every chunk that came before it, so a resume starts after them.
 */

/** What the queue asks of the connection it reads. */
export interface BodyConnection {
  pause(): void;
  resume(): void;
  /** Breaks the connection off because the consumer failed with `err`. */
  abort(err: Error): void;
  /** The rest of the body is not wanted (discard it or close the connection). */
  discard(): void;
  /** Called once when `pipe` settles (resolved or rejected). */
  settled(): void;
}

/** Body bytes taken in before `pipe` is called, after which the connection is paused. */
export const READ_AHEAD_BYTES = 4 << 20;

export class BodyQueue {
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private ended = false;
  private failure?: Error;
  private consumer?: (chunk: Buffer) => Promise<unknown> | undefined;
  private finish?: (err?: Error) => void;
  private waiting = false;
  private done = false;
  private discarding = false;

  readonly body: BodyStream = {
    resume: () => {
      this.discarding = true;
      this.queue.length = 0;
      this.queuedBytes = 0;
      this.conn.discard();
    },
    destroy: () => {
      if (!this.ended && !this.failure) this.conn.abort(new Error('the response was discarded'));
      this.done = true;
    },
    pipe: (onChunk) =>
      new Promise<void>((resolve, reject) => {
        this.consumer = onChunk;
        this.finish = (err) => (err ? reject(err) : resolve());
        this.drain();
      }),
  };

  /**
   * `copy`: the connection reuses a chunk's memory once `push` returns (plain-http.ts), so a chunk
   * that has to wait is copied.
   */
  constructor(
    private readonly conn: BodyConnection,
    private readonly copy: boolean,
  ) {}

  /** Bytes waiting for the consumer. */
  get queued(): number {
    return this.queuedBytes;
  }

  /** The next chunk off the connection. False: the connection should pause (the consumer is behind). */
  push(chunk: Buffer): boolean {
    if (this.discarding || this.done || chunk.length === 0) return true;
    if (this.consumer && !this.waiting && this.queue.length === 0) {
      this.deliver(chunk);
      return !this.waiting;
    }
    this.queue.push(this.copy ? Buffer.from(chunk) : chunk);
    this.queuedBytes += chunk.length;
    return !this.waiting && this.queuedBytes < READ_AHEAD_BYTES;
  }

  /** The body is complete. */
  end(): void {
    this.ended = true;
    this.drain();
  }

  /** The connection broke (reported after the chunks before it). */
  fail(err: Error): void {
    if (this.ended) return;
    this.failure ??= err;
    this.drain();
  }

  private settle(err?: Error): void {
    if (this.done || !this.finish) return;
    this.done = true;
    this.conn.settled();
    this.finish(err);
  }

  private deliver(chunk: Buffer): void {
    let wait: Promise<unknown> | undefined;
    try {
      wait = this.consumer!(chunk);
    } catch (e) {
      this.conn.abort(e as Error);
      return this.settle(e as Error);
    }
    if (!wait) return;
    this.waiting = true;
    this.conn.pause();
    wait.then(
      () => {
        this.waiting = false;
        this.drain();
      },
      (e: Error) => {
        this.waiting = false;
        this.conn.abort(e);
        this.settle(e);
      },
    );
  }

  private drain(): void {
    while (!this.done && !this.waiting && this.consumer && this.queue.length > 0) {
      const chunk = this.queue.shift()!;
      this.queuedBytes -= chunk.length;
      this.deliver(chunk);
    }
    if (this.done || this.waiting || !this.consumer || this.queue.length > 0) return;
    if (this.ended || this.failure) this.settle(this.failure);
    else this.conn.resume();
  }
}
