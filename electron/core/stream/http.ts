import { rootCertificates } from 'node:tls';
import type { Dispatcher } from 'undici';
import { ERROR_CODES } from '../../contract/error-codes';
import { codedError, FlintError } from '../errors';
import { BodyQueue } from './body-queue';
import { plainGet } from './plain-http';
import { proxyFor, proxyLabel, type NetworkOptions } from './proxy';

/**
 * Flint's one HTTP client, for http:// and https:// alike: undici (the client inside Node's
 * fetch, pinned from npm for its ProxyAgent), directly or through a proxy (plain http:// requests
 * are forwarded to the proxy, https:// ones tunnel through CONNECT). Connections are kept alive
 * between the metadata, signature and artifact requests of a download. A plain http:// request
 * without a proxy goes through plain-http.ts first (a reused read buffer instead of a Buffer per
 * chunk), which leaves any response it does not read to undici.
 */

/**
 * The body of a response. `pipe` hands it over chunk by chunk: `onChunk` may return a promise to
 * pause the connection until it settles (a rejection destroys the connection and rejects `pipe`).
 * A chunk is valid only during its `onChunk` call (plain-http.ts reads the next bytes into the same
 * memory): copy what is kept.
 * `pipe` resolves at the end of the body and rejects when the connection breaks before it (short
 * body, reset, timeout, cancel).
 */
export interface BodyStream {
  pipe(onChunk: (chunk: Buffer) => Promise<unknown> | undefined): Promise<void>;
  /** Reads and discards the rest (a response that is not used). */
  resume(): void;
  destroy(): void;
}

/** A response whose body has not been read yet. */
export interface HttpResponse {
  status: number;
  statusText: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** URL after following redirects (the file name comes from it). */
  finalUrl: string;
  /** The proxy the final request went through (no credentials), when one did. */
  proxy?: string;
  body: BodyStream;
}

/** Options of a single GET. */
export interface HttpGetOptions extends NetworkOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Fail when no byte arrives for this long (headers, then between body chunks). Default 60 s. */
  timeoutMs?: number;
  /** Default 10. */
  maxRedirects?: number;
}

/** HTTP statuses worth retrying (as coreos-installer: 408, 429, 500, 502, 503, 504). */
export const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ERR_STREAM_PREMATURE_CLOSE',
  'HTTP_INCOMPLETE',
]);

/** Codes of the errors that say the host (or the network) cannot be reached at all. */
const UNREACHABLE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA', 'ENETUNREACH', 'ENETDOWN', 'EHOSTUNREACH']);

const kTransient = Symbol('flint.transient');

function markTransient(e: FlintError, transient: boolean): FlintError {
  (e as FlintError & { [kTransient]?: boolean })[kTransient] = transient;
  return e;
}

/** True for network failures that a retry may cure (reset, timeout, refused, truncated body, 5xx). */
export function isTransientError(err: unknown): boolean {
  if (err instanceof FlintError) {
    const mark = (err as FlintError & { [kTransient]?: boolean })[kTransient];
    if (mark !== undefined) return mark;
    return err.code === 'HTTP_TRANSIENT' || err.code === 'HTTP_INCOMPLETE';
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && TRANSIENT_CODES.has(code)) return true;
  return err instanceof Error && /aborted|socket hang up|premature close|other side closed/i.test(err.message);
}

/** A FlintError for cancellation through an AbortSignal. */
export function cancelledError(what: string): FlintError {
  return new FlintError('CANCELLED', `${what} was cancelled`);
}

const dispatchers = new Map<string, Promise<Dispatcher>>();

/**
 * One dispatcher per proxy and CA set, kept for the life of the process (idle sockets do not hold
 * it open), loaded on first use: a download from a plain http:// mirror never needs undici, whose
 * modules cost about 15 ms of start-up. A direct connection needs only the parts in
 * undici-parts.ts; a proxy loads undici's
 * index.js, whose set-up gives every dispatcher the `connect` method ProxyAgent's tunnels call
 * (undici 7.30.2 index.js: `Object.assign(Dispatcher.prototype, api)`).
 */
function dispatcherFor(proxy: string | undefined, ca: string[] | undefined): Promise<Dispatcher> {
  const key = JSON.stringify([proxy ?? '', ca ?? []]);
  const known = dispatchers.get(key);
  if (known) return known;
  // `ca` replaces Node's default list, so the bundled roots stay in it
  const tls = ca?.length ? { ca: [...rootCertificates, ...ca] } : {};
  const d: Promise<Dispatcher> = import('./undici-eof-guard').then(async ({ guardedPoolFactory }) => {
    if (!proxy) {
      const { Agent } = await import('./undici-parts');
      return new Agent({ connect: { timeout: 30_000, ...tls }, factory: guardedPoolFactory });
    }
    const m = await import('undici');
    // a bundle hands this CommonJS module over as `default` only
    const { ProxyAgent } = (m as unknown as { default?: typeof m }).default ?? m;
    return new ProxyAgent({
      uri: proxy,
      proxyTunnel: false,
      requestTls: tls,
      proxyTls: tls,
      connect: { timeout: 30_000 },
      factory: guardedPoolFactory,
    });
  });
  dispatchers.set(key, d);
  return d;
}

function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * A body that ends with the connection (no Content-Length, not chunked) is never paused (see
 * undici-eof-guard.ts); past this many bytes waiting for the consumer the request is broken off
 * instead (a transient error: the download resumes from what it wrote).
 */
const UNPAUSED_MAX_BYTES = 64 << 20;

/** What dispatchGet resolves with: the head of the response and its body. */
interface Head {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: BodyStream;
}

/**
 * One GET through undici's handler interface (Dispatcher.dispatch: the chunks as they come off the
 * parser, pause/resume on the connection), without the Readable stream of its request() API: a
 * layer and a copy fewer per chunk on the download path. The body goes through a BodyQueue
 * (body-queue.ts), as plain-http.ts's does.
 */
function dispatchGet(d: Dispatcher, req: Dispatcher.DispatchOptions, signal: AbortSignal | undefined, what: string): Promise<Head> {
  return new Promise<Head>((resolveHead, rejectHead) => {
    let controller: Dispatcher.DispatchController | undefined;
    let headDone = false;
    let pausable = true;
    const cleanup = () => signal?.removeEventListener('abort', onAbort);
    const queue = new BodyQueue(
      {
        pause: () => {
          if (pausable) controller?.pause();
        },
        resume: () => controller?.resume(),
        abort: (err) => controller?.abort(err),
        discard: () => controller?.resume(),
        settled: cleanup,
      },
      false,
    );
    const fail = (err: Error) => {
      if (headDone) return queue.fail(err);
      cleanup();
      headDone = true;
      rejectHead(err);
    };
    const onAbort = () => {
      const e = cancelledError(what);
      if (controller) controller.abort(e);
      else fail(e);
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    d.dispatch(req, {
      onRequestStart(c) {
        controller = c;
        if (signal?.aborted) c.abort(cancelledError(what));
      },
      onResponseStart(_c, statusCode, headers, statusMessage) {
        headDone = true;
        const flat = flatHeaders(headers);
        pausable = flat['content-length'] !== undefined || /chunked/i.test(flat['transfer-encoding'] ?? '');
        resolveHead({ status: statusCode, statusText: statusMessage ?? '', headers: flat, body: queue.body });
      },
      onResponseData(c, chunk) {
        if (queue.push(chunk)) return;
        if (pausable) c.pause();
        else if (queue.queued >= UNPAUSED_MAX_BYTES) {
          const e = new Error(`more than ${UNPAUSED_MAX_BYTES} bytes arrived faster than they could be written`) as NodeJS.ErrnoException;
          e.code = 'UND_ERR_SOCKET';
          c.abort(e);
        }
      },
      onResponseEnd() {
        cleanup();
        queue.end();
      },
      onResponseError(_c, err) {
        fail(err);
      },
    });
  });
}

/** Sends one GET, following redirects, and resolves when the response headers arrive. */
export async function httpGet(url: string, opts: HttpGetOptions = {}): Promise<HttpResponse> {
  const { signal, timeoutMs = 60_000, maxRedirects = 10 } = opts;
  let current = url;
  for (let redirects = 0; ; redirects++) {
    if (signal?.aborted) throw cancelledError(`Request for ${url}`);
    let target: URL;
    try {
      target = new URL(current);
    } catch {
      throw new FlintError('HTTP_BAD_URL', `Invalid URL: ${current}`);
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') {
      throw new FlintError('HTTP_BAD_URL', `Unsupported URL scheme: ${current}`, ['use http:// or https://']);
    }
    const proxy = proxyFor(target, opts);
    const headers = { 'user-agent': 'flint', 'accept-encoding': 'identity', ...opts.headers };
    let res: Head | undefined;
    try {
      if (target.protocol === 'http:' && !proxy) {
        res = await plainGet(target, { headers, signal, timeoutMs, cancelled: () => cancelledError(`Request for ${url}`) });
      }
      res ??= await dispatchGet(
        await dispatcherFor(proxy, opts.ca),
        {
          origin: target.origin,
          path: `${target.pathname}${target.search}`,
          method: 'GET',
          headers,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        },
        signal,
        `Request for ${url}`,
      );
    } catch (err) {
      if (signal?.aborted) throw cancelledError(`Request for ${url}`);
      throw networkError(err, current, proxy);
    }
    const location = res.headers.location;
    if ([301, 302, 303, 307, 308].includes(res.status) && location) {
      res.body.resume();
      if (redirects >= maxRedirects) throw new FlintError('HTTP_TOO_MANY_REDIRECTS', `Too many redirects fetching ${url}`);
      current = new URL(location, target).toString();
      continue;
    }
    if (proxy && res.status === 407) {
      res.body.resume();
      throw proxyAuthError(proxy);
    }
    return { ...res, finalUrl: target.toString(), ...(proxy ? { proxy: proxyLabel(proxy) } : {}) };
  }
}

/** Options of httpGetBuffer. */
export interface HttpGetBufferOptions extends HttpGetOptions {
  /** Refuse bodies larger than this (default 64 MiB). */
  maxBytes?: number;
}

/** GETs a small document (stream metadata, a signature); any status but 200 is an error with code HTTP_STATUS. */
export async function httpGetBuffer(url: string, opts: HttpGetBufferOptions = {}): Promise<Buffer> {
  const maxBytes = opts.maxBytes ?? 64 << 20;
  const res = await httpGet(url, opts);
  if (res.status !== 200) {
    res.body.resume();
    throw statusError(res.status, res.statusText, url, res.proxy);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    await res.body.pipe((chunk) => {
      size += chunk.length;
      if (size > maxBytes) {
        return Promise.reject(new FlintError('HTTP_TOO_LARGE', `Response from ${url} is larger than ${maxBytes} bytes`));
      }
      chunks.push(Buffer.from(chunk)); // the chunk's memory may be reused (see BodyStream)
      return undefined;
    });
  } catch (err) {
    if (opts.signal?.aborted) throw cancelledError(`Request for ${url}`);
    throw networkError(err, url, res.proxy);
  }
  return Buffer.concat(chunks, size);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The error for an unexpected HTTP status; transient statuses get code HTTP_TRANSIENT. */
export function statusError(status: number, statusText: string, url: string, proxy?: string): FlintError {
  const code = TRANSIENT_STATUSES.has(status) ? 'HTTP_TRANSIENT' : 'HTTP_STATUS';
  const answer = `${status}${statusText ? ` ${statusText}` : ''}`;
  const message = proxy
    ? `Fetching ${url} through the proxy ${proxyLabel(proxy)} failed: the proxy or the server answered ${answer}`
    : `Fetching ${url} failed: the server answered ${answer}`;
  return new FlintError(code, message, [], { url, status, ...(proxy ? { proxy: proxyLabel(proxy) } : {}) });
}

function proxyAuthError(proxy: string): FlintError {
  const p = proxyLabel(proxy);
  return markTransient(
    codedError(ERROR_CODES.PROXY_AUTH_REQUIRED, { proxy: p }, `The proxy ${p} asks for credentials (407)`, [
      'give them in the proxy URL: http://user:password@host:port',
    ]),
    false,
  );
}

/**
 * Turns a low-level network error into a FlintError whose code says what a person can do about
 * it, with the host or proxy as parameters: NETWORK_UNREACHABLE (`host`: no network or no DNS),
 * PROXY_UNREACHABLE and PROXY_REFUSED (`proxy`), otherwise HTTP_TRANSIENT (retried) or
 * HTTP_NETWORK. FlintErrors pass through.
 */
export function networkError(err: unknown, url: string, proxy?: string): FlintError {
  if (err instanceof FlintError) return err;
  const e = err as NodeJS.ErrnoException & { hostname?: string; address?: string; port?: number };
  const code = e?.code ?? '';
  const detail = code && !String(e?.message).includes(code) ? `${code}: ${e.message}` : String(e?.message ?? e);
  const transient = isTransientError(err);
  if (proxy) {
    const p = proxyLabel(proxy);
    const proxyUrl = new URL(proxy);
    const proxyHost = proxyUrl.hostname.replace(/^\[|\]$/g, '');
    const refused = /Proxy response \((\d+)\)/.exec(String(e?.message));
    if (refused) {
      const status = Number(refused[1]);
      if (status === 407) return proxyAuthError(proxy);
      return markTransient(
        codedError(
          ERROR_CODES.PROXY_REFUSED,
          { proxy: p, host: hostOf(url), status },
          `The proxy ${p} refused to connect to ${hostOf(url)} (it answered ${status})`,
        ),
        TRANSIENT_STATUSES.has(status),
      );
    }
    const atProxy =
      (e?.hostname !== undefined && e.hostname === proxyHost) ||
      (e?.address !== undefined && (e.address === proxyHost || Number(e.port) === Number(proxyUrl.port || 80)));
    if (atProxy || ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) {
      // a proxy that is not there is a setting to fix, not a hiccup to wait out: no retries
      return markTransient(
        codedError(ERROR_CODES.PROXY_UNREACHABLE, { proxy: p, host: hostOf(url) }, `Cannot reach the proxy ${p}`, [detail]),
        false,
      );
    }
  } else if (UNREACHABLE_CODES.has(code)) {
    const host = e.hostname ?? hostOf(url);
    return markTransient(
      codedError(ERROR_CODES.NETWORK_UNREACHABLE, { host, url }, `Cannot reach ${host}: no network or DNS`, [detail]),
      code === 'EAI_AGAIN' || code === 'ENETUNREACH' || code === 'EHOSTUNREACH' || code === 'ENETDOWN',
    );
  }
  return markTransient(
    new FlintError(transient ? 'HTTP_TRANSIENT' : 'HTTP_NETWORK', `Fetching ${url} failed`, [detail], {
      url,
      host: hostOf(url),
      ...(proxy ? { proxy: proxyLabel(proxy) } : {}),
    }),
    transient,
  );
}
