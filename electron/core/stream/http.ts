import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { FlintError } from '../errors';

/** A response whose body has not been read yet. */
export interface HttpResponse {
  status: number;
  statusText: string;
  headers: IncomingMessage['headers'];
  /** URL after following redirects (the file name comes from it). */
  finalUrl: string;
  /** The body as a Node stream; read it or call `body.destroy()`. */
  body: IncomingMessage;
}

/** Options of a single GET. */
export interface HttpGetOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Fail when no byte arrives for this long (connect included). Default 60 s. */
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
  'ERR_STREAM_PREMATURE_CLOSE',
  'HTTP_INCOMPLETE',
]);

/** True for network failures that a retry may cure (reset, timeout, refused, truncated body). */
export function isTransientError(err: unknown): boolean {
  if (err instanceof FlintError) return err.code === 'HTTP_TRANSIENT' || err.code === 'HTTP_INCOMPLETE';
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code && TRANSIENT_CODES.has(code)) return true;
  return err instanceof Error && /aborted|socket hang up|premature close/i.test(err.message);
}

/** A FlintError for cancellation through an AbortSignal. */
export function cancelledError(what: string): FlintError {
  return new FlintError('CANCELLED', `${what} was cancelled`);
}

/** Sends one GET, following redirects, and resolves when the response headers arrive. */
export function httpGet(url: string, opts: HttpGetOptions = {}, redirects = 0): Promise<HttpResponse> {
  const { signal, timeoutMs = 60_000, maxRedirects = 10 } = opts;
  return new Promise<HttpResponse>((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError(`Request for ${url}`));
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return reject(new FlintError('HTTP_BAD_URL', `Invalid URL: ${url}`));
    }
    const mod = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
    if (!mod) return reject(new FlintError('HTTP_BAD_URL', `Unsupported URL scheme: ${url}`, ['use http:// or https://']));
    const req = mod.get(target, { headers: { 'user-agent': 'flint', 'accept-encoding': 'identity', ...opts.headers } });
    const onAbort = () => req.destroy(cancelledError(`Request for ${url}`));
    signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => signal?.removeEventListener('abort', onAbort);
    req.setTimeout(timeoutMs, () => {
      const e = new Error(`no data from ${target.host} for ${Math.round(timeoutMs / 1000)} s`) as NodeJS.ErrnoException;
      e.code = 'ETIMEDOUT';
      req.destroy(e);
    });
    req.on('error', (err) => {
      cleanup();
      reject(err);
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if ([301, 302, 303, 307, 308].includes(status) && location) {
        res.resume();
        cleanup();
        if (redirects >= maxRedirects) {
          reject(new FlintError('HTTP_TOO_MANY_REDIRECTS', `Too many redirects fetching ${url}`));
          return;
        }
        resolve(httpGet(new URL(location, target).toString(), opts, redirects + 1));
        return;
      }
      // the signal stays attached to the request so cancelling also stops the body
      res.once('close', cleanup);
      resolve({ status, statusText: res.statusMessage ?? '', headers: res.headers, finalUrl: target.toString(), body: res });
    });
  });
}

/** Options of httpGetBuffer. */
export interface HttpGetBufferOptions extends HttpGetOptions {
  /** Refuse bodies larger than this (default 64 MiB). */
  maxBytes?: number;
}

/** GETs a small document (stream metadata, a signature); any status but 200 is an error with code HTTP_STATUS. */
export async function httpGetBuffer(url: string, opts: HttpGetBufferOptions = {}): Promise<Buffer> {
  const maxBytes = opts.maxBytes ?? 64 << 20;
  let res: HttpResponse;
  try {
    res = await httpGet(url, opts);
  } catch (err) {
    throw wrapNetworkError(err, url);
  }
  if (res.status !== 200) {
    res.body.resume();
    throw statusError(res.status, res.statusText, url);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        res.body.destroy();
        throw new FlintError('HTTP_TOO_LARGE', `Response from ${url} is larger than ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    throw wrapNetworkError(err, url);
  }
  return Buffer.concat(chunks);
}

/** The error for an unexpected HTTP status; transient statuses get code HTTP_TRANSIENT. */
export function statusError(status: number, statusText: string, url: string): FlintError {
  const code = TRANSIENT_STATUSES.has(status) ? 'HTTP_TRANSIENT' : 'HTTP_STATUS';
  return new FlintError(code, `Fetching ${url} failed: the server answered ${status}${statusText ? ` ${statusText}` : ''}`);
}

/** Turns a low-level network error into a FlintError (CANCELLED and FlintErrors pass through). */
export function wrapNetworkError(err: unknown, url: string): FlintError {
  if (err instanceof FlintError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = isTransientError(err) ? 'HTTP_TRANSIENT' : 'HTTP_NETWORK';
  return new FlintError(code, `Fetching ${url} failed`, [e?.code ? `${e.code}: ${e.message}` : String(e?.message ?? e)]);
}
