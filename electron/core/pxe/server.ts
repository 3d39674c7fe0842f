import { stat, type FileHandle } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { FlintError } from '../errors';
import { openInside } from '../safe-path';
import { BLOCK_BYTES, BlockCache, fileIdentity, type Block } from './block-cache';

/** Options of {@link startBootServer}. */
export interface BootServerOptions {
  /** The folder served (read-only). */
  dir: string;
  /** Address to bind (default 127.0.0.1; use 0.0.0.0 for a site). */
  bind?: string;
  /** TCP port (default 8080; 0 picks a free one). */
  port?: number;
  /** Receives one line per request (default: none). */
  log?: (line: string) => void;
}

/** A running boot mirror. */
export interface BootServer {
  /** `http://ADDR:PORT/` as bound. */
  url: string;
  port: number;
  /** Stops accepting connections and closes open ones. */
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.ipxe': 'text/plain; charset=utf-8',
  '.cfg': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ign': 'application/vnd.coreos.ignition+json',
  '.json': 'application/json',
  '.sig': 'application/pgp-signature',
};

/** Content type by extension; pxelinux.cfg files have none and are text. */
function contentType(path: string): string {
  if (path.includes(`${sep}pxelinux.cfg${sep}`)) return 'text/plain; charset=utf-8';
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** A parsed `Range: bytes=...` header: one satisfiable range, 'unsatisfiable', or null (serve all). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null; // multi-range or malformed: ignore, send everything
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return null;
  }
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/** How a request ended: the status and the body bytes actually sent. */
interface Outcome {
  status: number;
  bytes: number;
}

async function handle(root: string, cache: BlockCache, req: IncomingMessage, res: ServerResponse): Promise<Outcome> {
  const send = (status: number, text: string, extra: Record<string, string> = {}): Outcome => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...extra });
    res.end(req.method === 'HEAD' ? undefined : text);
    return { status, bytes: req.method === 'HEAD' ? 0 : Buffer.byteLength(text) };
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'read-only mirror: GET and HEAD only\n', { Allow: 'GET, HEAD' });
  const urlPath = (req.url ?? '/').split('?')[0];
  // opened once and checked as opened (safe-path.ts): a file swapped for a symlink is never followed out
  const opened = await openInside(root, urlPath);
  if (opened === 'outside') return send(403, 'forbidden\n');
  if (opened === 'missing') return send(404, 'not found\n');
  const { handle, path: file, stat: st } = opened;
  const size = st.size;
  const headers: Record<string, string | number> = {
    'Content-Type': contentType(file),
    'Accept-Ranges': 'bytes',
    'Last-Modified': st.mtime.toUTCString(),
    'Cache-Control': 'no-cache',
  };
  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    await handle.close();
    return send(416, 'range not satisfiable\n', { 'Content-Range': `bytes */${size}` });
  }
  let status = 200;
  let start = 0;
  let end = size - 1;
  if (range) {
    status = 206;
    ({ start, end } = range);
    headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  }
  headers['Content-Length'] = size === 0 ? 0 : end - start + 1;
  res.writeHead(status, headers);
  if (req.method === 'HEAD' || size === 0) {
    await handle.close();
    res.end();
    return { status, bytes: 0 };
  }
  let body: { sent: number; last: Buffer | null; done: () => void };
  try {
    body = await sendRange(cache, { handle, id: fileIdentity(st), size }, res, start, end);
  } finally {
    await handle.close();
  }
  if (!body.last) return { status, bytes: body.sent };
  // the last piece goes out only now: a client that has the whole body finds the file closed and
  // the request logged
  res.end(body.last, body.done);
  return { status, bytes: body.sent + body.last.length };
}

/**
 * Writes bytes [start, end] of the open file as the response body, all but the last piece, which
 * it returns with the bytes the socket took (last null: the client left or a read or write
 * failed, and the response is destroyed). The bytes come from the server's block cache
 * (block-cache.ts), shared with the other responses sending the same file; block k+1 is asked for
 * while block k is written, at most two writes wait in the socket, and each block is released
 * once the socket took it (res.write's callback) or the response closed.
 */
async function sendRange(
  cache: BlockCache,
  file: { handle: FileHandle; id: string; size: number },
  res: ServerResponse,
  start: number,
  end: number,
): Promise<{ sent: number; last: Buffer | null; done: () => void }> {
  const held = new Set<Block>();
  const release = (b: Block) => {
    if (held.delete(b)) cache.release(b);
  };
  const releaseAll = () => {
    for (const b of [...held]) release(b);
  };
  // a destroyed socket may never call a write back: its blocks are released on close
  res.once('close', releaseAll);
  const closed = new Promise<'closed'>((done) => res.once('close', () => done('closed')));
  const acquire = (index: number) =>
    cache.acquire(file.handle, file.id, file.size, index).then((b) => {
      held.add(b);
      if (res.destroyed) release(b);
      return b;
    });
  let sent = 0;
  let index = Math.floor(start / BLOCK_BYTES);
  const lastIndex = Math.floor(end / BLOCK_BYTES);
  let next: Promise<Block> = acquire(index);
  let writing: Promise<void> = Promise.resolve();
  void next.catch(() => undefined);
  try {
    for (; ; index++) {
      const block = await Promise.race([next, closed]);
      if (block === 'closed') return { sent, last: null, done: releaseAll };
      if (index < lastIndex) {
        next = acquire(index + 1);
        void next.catch(() => undefined);
      }
      const base = index * BLOCK_BYTES;
      const chunk = block.data.subarray(Math.max(start, base) - base, Math.min(end + 1, base + block.data.length) - base);
      const previous = writing;
      if (index === lastIndex) {
        if ((await Promise.race([previous, closed])) === 'closed') return { sent, last: null, done: releaseAll };
        return { sent, last: chunk, done: releaseAll };
      }
      writing = new Promise<void>((done, fail) =>
        res.write(chunk, (err) => {
          release(block);
          if (err) return fail(err);
          sent += chunk.length;
          done();
        }),
      );
      void writing.catch(() => undefined);
      if ((await Promise.race([previous, closed])) === 'closed') return { sent, last: null, done: releaseAll };
    }
  } catch {
    res.destroy();
    releaseAll();
    return { sent, last: null, done: releaseAll };
  }
}

/**
 * Starts a read-only HTTP boot mirror over `dir`: GET and HEAD, single byte ranges, no directory
 * listings, no path outside `dir` (403), one log line per request:
 * `<ISO time> <client> <method> <path> <status> <bytes sent>`.
 */
export async function startBootServer(opts: BootServerOptions): Promise<BootServer> {
  const st = await stat(opts.dir).catch(() => null);
  if (!st?.isDirectory()) throw new FlintError('SERVE_NO_DIR', `cannot serve ${opts.dir}: not a directory`);
  const root = resolve(opts.dir);
  const cache = new BlockCache();
  const server: Server = createServer((req, res) => {
    void handle(root, cache, req, res)
      .catch((): Outcome => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
        return { status: 500, bytes: 0 };
      })
      .then(({ status, bytes }) => {
        opts.log?.(
          `${new Date().toISOString()} ${req.socket.remoteAddress ?? '-'} ${req.method} ${JSON.stringify(req.url ?? '')} ${status} ${bytes}`,
        );
      });
  });
  const bind = opts.bind ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(new FlintError('SERVE_LISTEN', `cannot listen on ${bind}:${opts.port ?? 8080}`, [err.message])),
    );
    server.listen(opts.port ?? 8080, bind, () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  const host = bind.includes(':') ? `[${bind}]` : bind;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
