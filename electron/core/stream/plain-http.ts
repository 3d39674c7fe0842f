import { connect } from 'node:net';
import { BodyQueue } from './body-queue';
import type { BodyStream } from './http';

/**
 * GET over plain http:// without a proxy (a site mirror on the local network, a local mirror),
 * on node:net with one read buffer per connection that the socket reads into again and again
 * (net.Socket's `onread` option, Node's net.md). undici, Flint's client for everything else, hands
 * each body chunk through its WebAssembly parser and into a newly allocated Buffer: on the build VM
 * reading 512 MiB from a local mirror that way cost 1.4 s of CPU and 1.8 s of wall time, against
 * 0.1 s and 0.4 s with a reused buffer (curl: 0.4 s), and the allocations kept the garbage
 * collector busy on the second core that the hash needs.
 *
 * Only the plain case is handled here: a response with a status of 200 or more, a Content-Length
 * or a body that ends with the connection (HTTP/1.1, RFC 9112 §6.3). Anything else (chunked or
 * another transfer coding, an interim 1xx answer, a malformed head) resolves `undefined` before
 * any body byte was taken, and the caller asks again through undici, which handles all of HTTP.
 * One request per connection (`Connection: close`): a download makes three requests, and a fresh
 * connection to a local mirror costs well under a millisecond.
 */

/** What `plainGet` resolves with: the head of the response and its body (as http.ts's dispatchGet). */
export interface PlainHead {
  status: number;
  statusText: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: BodyStream;
}

export interface PlainGetOptions {
  /** Request headers (lower-case names) besides Host and Connection. */
  headers: Record<string, string>;
  signal?: AbortSignal;
  /** No byte for this long (connect, head, between body reads while not paused): a timeout error. */
  timeoutMs: number;
  /** The error a cancellation through `signal` rejects with. */
  cancelled: () => Error;
}

/** The read buffer: the most one socket read hands over (Linux loopback reads come in up to ~1 MiB). */
const READ_BUFFER_BYTES = 1 << 20;
/** A head larger than this is refused (undici's default maxHeaderSize is 16 KiB; nginx allows 8 KiB lines). */
const MAX_HEAD_BYTES = 64 << 10;

function codeError(code: string, message: string): Error {
  const e = new Error(message) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

/** Parsed status line and header fields, or undefined for anything this client leaves to undici. */
function parseHead(text: string): { status: number; statusText: string; headers: Record<string, string> } | undefined {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    // obsolete line folding (RFC 9112 §5.2) and fields without a name are left to undici
    if (colon <= 0 || /^[ \t]/.test(line)) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { status: Number(m[1]), statusText: m[2] ?? '', headers };
}

/**
 * One GET of `target` (http:, no proxy). Resolves the head when it has arrived, or `undefined`
 * when the response is not one this client reads (see above; the connection is closed). Rejects
 * with the socket's error (ECONNREFUSED, ENOTFOUND ... with their `code`) before the head.
 * Body chunks are views of the read buffer, valid only during the `pipe` callback.
 */
export function plainGet(target: URL, opts: PlainGetOptions): Promise<PlainHead | undefined> {
  return new Promise<PlainHead | undefined>((resolveHead, rejectHead) => {
    const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    const headParts: Buffer[] = [];
    let headBytes = 0;
    let headDone = false;
    /** Body bytes still expected (Content-Length), or undefined: the body ends with the connection. */
    let remaining: number | undefined;
    /** The whole body has come (the connection is closed then). */
    let ended = false;
    let paused = false;

    const onAbort = () => fail(opts.cancelled());
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => opts.signal?.removeEventListener('abort', onAbort);

    const pause = () => {
      if (paused || ended) return;
      paused = true;
      socket.pause();
      // waiting for the disk or the hash is not the server's silence
      socket.setTimeout(0);
    };
    const queue = new BodyQueue(
      {
        pause,
        resume: () => {
          if (!paused || ended) return;
          paused = false;
          socket.setTimeout(opts.timeoutMs);
          socket.resume();
        },
        abort: () => socket.destroy(),
        // the connection is not reused: the rest is not read but the connection closed
        discard: () => {
          socket.destroy();
          cleanup();
        },
        settled: cleanup,
      },
      true, // the read buffer is reused: a chunk that waits is copied
    );
    const fail = (err: Error) => {
      socket.destroy();
      if (headDone) return queue.fail(err);
      headDone = true;
      cleanup();
      rejectHead(err);
    };
    const endBody = () => {
      ended = true;
      cleanup();
      socket.destroy();
      queue.end();
    };
    /** Body bytes off the socket; false asks the socket to stop reading. */
    const onBody = (chunk: Buffer): boolean => {
      if (remaining !== undefined) {
        if (chunk.length > remaining) chunk = chunk.subarray(0, remaining); // nothing may follow with Connection: close
        remaining -= chunk.length;
      }
      const more = queue.push(chunk);
      if (remaining === 0) {
        endBody();
        return false;
      }
      if (more) return true;
      pause();
      return false;
    };
    /** Leaves the response to undici: no body byte was taken, the connection is closed. */
    const decline = (): boolean => {
      headDone = true;
      cleanup();
      socket.destroy();
      resolveHead(undefined);
      return false;
    };
    const onHead = (n: number, buf: Buffer): boolean => {
      headParts.push(Buffer.from(buf.subarray(0, n)));
      headBytes += n;
      const all = headParts.length === 1 ? headParts[0] : Buffer.concat(headParts, headBytes);
      const end = all.indexOf('\r\n\r\n', Math.max(0, headBytes - n - 3), 'latin1');
      if (end < 0 ? headBytes > MAX_HEAD_BYTES : end > MAX_HEAD_BYTES) {
        fail(codeError('HTTP_HEAD_TOO_LARGE', `the response head is larger than ${MAX_HEAD_BYTES} bytes`));
        return false;
      }
      // lines ended by a bare LF (RFC 9112 §2.2 lets a recipient accept them): undici's to judge
      const bare = all.indexOf('\n\n', Math.max(0, headBytes - n - 1), 'latin1');
      if (bare >= 0 && (end < 0 || bare < end)) return decline();
      if (end < 0) return true;
      headParts.length = 0;
      const parsed = parseHead(all.toString('latin1', 0, end));
      const length = parsed?.headers['content-length'];
      const plain =
        parsed !== undefined &&
        parsed.status >= 200 &&
        parsed.headers['transfer-encoding'] === undefined &&
        (length === undefined || /^\d+$/.test(length));
      if (!plain) return decline();
      headDone = true;
      // no body for these statuses, whatever the head says (RFC 9112 §6.3)
      remaining = parsed.status === 204 || parsed.status === 304 ? 0 : length === undefined ? undefined : Number(length);
      resolveHead({ status: parsed.status, statusText: parsed.statusText, headers: parsed.headers, body: queue.body });
      const rest = all.subarray(end + 4);
      if (remaining === 0) return onBody(rest.subarray(0, 0));
      return rest.length > 0 ? onBody(rest) : true;
    };

    const host = target.hostname.replace(/^\[|\]$/g, '');
    const headers: Record<string, string> = { ...opts.headers, host: target.host, connection: 'close' };
    const request =
      `GET ${target.pathname}${target.search} HTTP/1.1\r\n` +
      Object.entries(headers)
        .map(([k, v]) => `${k}: ${v.replace(/[\r\n]/g, ' ')}\r\n`)
        .join('') +
      '\r\n';
    const socket = connect({
      host,
      port: Number(target.port || 80),
      onread: {
        buffer: readBuffer,
        callback: (n: number, buf: Uint8Array) => (headDone ? onBody((buf as Buffer).subarray(0, n)) : onHead(n, buf as Buffer)),
      },
    });
    socket.setNoDelay(true);
    socket.setTimeout(opts.timeoutMs, () =>
      fail(
        headDone
          ? codeError('UND_ERR_BODY_TIMEOUT', `no body bytes for ${opts.timeoutMs} ms`)
          : codeError('UND_ERR_HEADERS_TIMEOUT', `no response for ${opts.timeoutMs} ms`),
      ),
    );
    socket.on('connect', () => socket.write(request));
    socket.on('error', (err) => fail(err));
    socket.on('end', () => {
      if (!headDone) return fail(codeError('UND_ERR_SOCKET', 'other side closed before the response head'));
      if (remaining === undefined) return endBody();
      if (!ended) fail(codeError('UND_ERR_RES_CONTENT_LENGTH_MISMATCH', `other side closed with ${remaining} bytes of the body missing`));
    });
    socket.on('close', () => {
      if (!ended) fail(codeError('UND_ERR_SOCKET', 'other side closed'));
    });
    if (opts.signal?.aborted) onAbort();
  });
}
