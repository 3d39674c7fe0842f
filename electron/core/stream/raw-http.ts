import net from 'node:net';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { FlintError } from '../errors';
import { cancelledError, httpGet, type HttpGetOptions } from './http';

/**
 * The body of a download response. `pipe` hands it over in batches: `onChunk` may keep the chunk
 * until it calls `release` (when given) and may return a promise to pause the connection until it
 * settles (a rejection destroys the connection and rejects `pipe`). `pipe` resolves at the end of
 * the body and rejects when the connection breaks before it (short body, reset, timeout, cancel).
 */
export interface BodyStream {
  pipe(onChunk: (chunk: Buffer, release?: () => void) => Promise<unknown> | undefined): Promise<void>;
  /** Reads and discards the rest (a response that is not used). */
  resume(): void;
  destroy(): void;
}

/** A download response whose body has not been read yet. */
export interface DownloadResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  finalUrl: string;
  body: BodyStream;
}

/** Bytes per batch handed to `onChunk` (hash and file write sizes). */
const BATCH_BYTES = 512 << 10;
/** Start a new batch when less than this is left in the current one. */
const MIN_READ_BYTES = 64 << 10;
const MAX_HEAD_BYTES = 64 << 10;
const POOL_BUFFERS = 8;
const REDIRECTS = [301, 302, 303, 307, 308];

/** Wraps a Node response (the https path) as a BodyStream. */
export function nodeBody(res: IncomingMessage): BodyStream {
  return {
    resume: () => void res.resume(),
    destroy: () => void res.destroy(),
    pipe: (onChunk) =>
      new Promise<void>((resolve, reject) => {
        let settled = false;
        const settle = (err?: Error) => {
          if (settled) return;
          settled = true;
          res.removeListener('data', onData);
          if (err) reject(err);
          else resolve();
        };
        const onData = (chunk: Buffer) => {
          const wait = onChunk(chunk);
          if (!wait) return;
          res.pause();
          wait.then(
            () => res.resume(),
            (e: Error) => {
              res.destroy();
              settle(e);
            },
          );
        };
        res.on('data', onData);
        res.once('end', () => settle());
        res.once('error', (e) => settle(e));
        res.once('close', () => settle(res.complete ? undefined : new Error('the connection closed early')));
        if (res.destroyed && !res.readableLength) settle(res.complete ? undefined : new Error('the connection closed early'));
      }),
  };
}

/**
 * GET for downloads. Plain http:// goes through a small HTTP/1.1 client of our own that reads the
 * body straight into 512 KiB batch buffers (reused once written) instead of Node's two fresh
 * 64 KiB buffers per network read (socket + parser copy), which cost more GC time than the
 * download budget allows. https:// (also after a redirect) uses Node's client.
 */
export async function downloadGet(url: string, opts: HttpGetOptions = {}, redirects = 0): Promise<DownloadResponse> {
  const maxRedirects = opts.maxRedirects ?? 10;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new FlintError('HTTP_BAD_URL', `Invalid URL: ${url}`);
  }
  if (target.protocol !== 'http:') {
    const res = await httpGet(url, { ...opts, maxRedirects: Math.max(0, maxRedirects - redirects) });
    return { status: res.status, statusText: res.statusText, headers: res.headers, finalUrl: res.finalUrl, body: nodeBody(res.body) };
  }
  const res = await rawGet(target, opts);
  const location = res.headers.location;
  if (REDIRECTS.includes(res.status) && typeof location === 'string' && location) {
    res.body.destroy();
    if (redirects >= maxRedirects) throw new FlintError('HTTP_TOO_MANY_REDIRECTS', `Too many redirects fetching ${url}`);
    return downloadGet(new URL(location, target).toString(), opts, redirects + 1);
  }
  return res;
}

type Mode = 'head' | 'length' | 'close' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailer' | 'done';

/** One GET over a fresh connection (`Connection: close`). */
function rawGet(target: URL, opts: HttpGetOptions): Promise<DownloadResponse> {
  const { signal, timeoutMs = 60_000 } = opts;
  return new Promise<DownloadResponse>((resolveHead, rejectHead) => {
    if (signal?.aborted) return rejectHead(cancelledError(`Request for ${target}`));
    const pool: Buffer[] = [];
    const take = () => pool.pop() ?? Buffer.allocUnsafeSlow(BATCH_BYTES);
    const release = (b: Buffer) => {
      if (pool.length < POOL_BUFFERS) pool.push(b);
    };
    let batch = take();
    let fill = 0; // body bytes in `batch`
    let head: Buffer[] = [];
    let headBytes = 0;
    let mode: Mode = 'head';
    let remaining = 0; // body bytes left (length mode) or bytes of the current chunk
    let line = ''; // chunked-encoding line being read
    let consumer: ((chunk: Buffer, release?: () => void) => Promise<unknown> | undefined) | undefined;
    let finishBody: ((err?: Error) => void) | undefined;
    let ended = false;
    let failure: Error | undefined;
    let headDone = false;
    let waiting = false;

    const socket = net.connect({
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: Number(target.port || 80),
      onread: { buffer: () => batch.subarray(fill), callback: (n: number, buf: Uint8Array) => onRead(n, buf) },
    });
    const onAbort = () => fail(cancelledError(`Request for ${target}`));
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.setTimeout(timeoutMs, () => {
      const e = new Error(`no data from ${target.host} for ${Math.round(timeoutMs / 1000)} s`) as NodeJS.ErrnoException;
      e.code = 'ETIMEDOUT';
      fail(e);
    });
    socket.on('error', (e) => fail(e));
    socket.on('end', () => {
      if (mode === 'close') return complete();
      fail(headDone ? new Error('the connection closed early') : new Error('socket hang up'));
    });
    socket.on('close', () => {
      fail(new Error(headDone ? 'the connection closed early' : 'socket hang up'));
    });
    const extra = Object.entries(opts.headers ?? {})
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(
      `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUser-Agent: flint\r\n` +
        `Accept-Encoding: identity\r\nConnection: close\r\n${extra}\r\n`,
    );

    function fail(err: Error, flush = true): void {
      if (failure || ended) return;
      failure = err;
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (!headDone) return rejectHead(err);
      if (!flush) fill = 0;
      settleBody();
    }

    function complete(): void {
      if (failure || ended) return;
      ended = true;
      mode = 'done';
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      settleBody();
    }

    /** The body is over (complete or broken): hand over what was read, then settle `pipe`. */
    function settleBody(): void {
      if (!finishBody || waiting) return;
      if (fill > 0 && !emit()) return;
      finishBody(failure);
    }

    /** Hands the current batch over; false when the consumer asked to wait (or failed). */
    function emit(): boolean {
      if (fill === 0 || !consumer) return true;
      const out = batch.subarray(0, fill);
      const own = batch;
      batch = take();
      fill = 0;
      let wait: Promise<unknown> | undefined;
      try {
        wait = consumer(out, () => release(own));
      } catch (e) {
        if (!failure && !ended) fail(e as Error, false);
        else finishBody?.((failure ??= e as Error));
        return false;
      }
      if (!wait) return true;
      waiting = true;
      wait.then(
        () => {
          waiting = false;
          if (failure || ended) settleBody();
          else socket.resume();
        },
        (e: Error) => {
          waiting = false;
          if (!failure && !ended) return fail(e, false);
          failure ??= e; // the body had ended: the consumer's error decides
          fill = 0;
          settleBody();
        },
      );
      return false;
    }

    function onRead(n: number, buf: Uint8Array): boolean {
      if (failure || ended) return false;
      // the bytes were read to batch[fill ..]; body bytes are moved down to `fill`
      const start = buf.byteOffset - batch.byteOffset;
      let i = start;
      const end = start + n;
      let paused = false;
      while (i < end && mode !== 'done' && !failure) {
        if (mode === 'head') {
          i = readHead(i, end);
        } else if (mode === 'length' || mode === 'close' || mode === 'chunk-data') {
          const want = mode === 'close' ? end - i : Math.min(end - i, remaining);
          if (i !== fill) batch.copyWithin(fill, i, i + want);
          fill += want;
          i += want;
          if (mode !== 'close') {
            remaining -= want;
            if (remaining === 0) {
              if (mode === 'length') mode = 'done';
              else mode = 'chunk-crlf';
              line = '';
            }
          }
        } else {
          i = readChunkLine(i, end);
        }
      }
      if (failure) return false;
      if (mode === 'done') {
        complete();
        return false;
      }
      if (headDone && !consumer)
        paused = true; // wait for pipe()
      else if (headDone && BATCH_BYTES - fill < MIN_READ_BYTES) paused = !emit();
      if (paused) socket.pause();
      return !paused;
    }

    function readHead(i: number, end: number): number {
      const slice = Buffer.from(batch.subarray(i, end)); // copy: the batch is reused for the body
      head.push(slice);
      headBytes += slice.length;
      const all = Buffer.concat(head, headBytes);
      const sep = all.indexOf('\r\n\r\n');
      if (sep < 0) {
        head = [all];
        if (headBytes > MAX_HEAD_BYTES) fail(new FlintError('HTTP_NETWORK', `The response headers from ${target.host} are too large`));
        return end;
      }
      const consumedBefore = headBytes - slice.length;
      const bodyStart = i + (sep + 4 - consumedBefore);
      const text = all.subarray(0, sep).toString('latin1');
      head = [];
      headBytes = 0;
      const lines = text.split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0]);
      if (!m) {
        fail(new FlintError('HTTP_NETWORK', `Fetching ${target} failed`, [`not an HTTP/1.1 response: ${lines[0].slice(0, 80)}`]));
        return end;
      }
      const status = Number(m[1]);
      if (status >= 100 && status < 200) {
        if (bodyStart < end) {
          head = [Buffer.from(batch.subarray(bodyStart, end))];
          headBytes = end - bodyStart;
          return readHead(end, end);
        }
        return end;
      }
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const c = l.indexOf(':');
        if (c <= 0) continue;
        const k = l.slice(0, c).trim().toLowerCase();
        const v = l.slice(c + 1).trim();
        headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
      }
      const te = headers['transfer-encoding'];
      const len = headers['content-length'];
      if (status === 204 || status === 304) mode = 'done';
      else if (te && /chunked/i.test(te)) {
        mode = 'chunk-size';
        line = '';
      } else if (len !== undefined && /^\d+$/.test(len)) {
        remaining = Number(len);
        mode = remaining === 0 ? 'done' : 'length';
      } else mode = 'close';
      const doneNow = mode === 'done';
      headDone = true;
      resolveHead({ status, statusText: m[2] ?? '', headers: headers as IncomingHttpHeaders, finalUrl: target.toString(), body });
      if (doneNow) {
        complete();
        return end;
      }
      return bodyStart;
    }

    function readChunkLine(i: number, end: number): number {
      while (i < end) {
        const ch = batch[i++];
        if (ch !== 10) {
          if (ch !== 13) line += String.fromCharCode(ch);
          if (line.length > 4096) fail(new FlintError('HTTP_NETWORK', `Bad chunked encoding from ${target.host}`));
          continue;
        }
        if (mode === 'chunk-crlf') {
          mode = 'chunk-size';
        } else if (mode === 'chunk-size') {
          const size = parseInt(line.split(';')[0].trim(), 16);
          if (!Number.isFinite(size) || size < 0) {
            fail(new FlintError('HTTP_NETWORK', `Bad chunked encoding from ${target.host}`, [line.slice(0, 80)]));
            return end;
          }
          if (size === 0) mode = 'trailer';
          else {
            remaining = size;
            mode = 'chunk-data';
          }
        } else if (mode === 'trailer' && line === '') {
          mode = 'done';
        }
        line = '';
        return i;
      }
      return i;
    }

    const body: BodyStream = {
      resume: () => body.destroy(),
      destroy: () => {
        if (ended || failure) return;
        fail(new Error('the response was discarded'), false);
      },
      pipe: (onChunk) =>
        new Promise<void>((resolve, reject) => {
          consumer = onChunk;
          finishBody = (err) => {
            finishBody = undefined;
            if (err) reject(err);
            else resolve();
          };
          if (failure || ended) return settleBody();
          if (BATCH_BYTES - fill < MIN_READ_BYTES && !emit()) return;
          socket.resume();
        }),
    };
  });
}
