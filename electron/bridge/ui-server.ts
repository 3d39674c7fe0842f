/**
 * The loopback bridge behind `flint ui` and the browser e2e tests: serves the built renderer and
 * the contract over HTTP on 127.0.0.1 only. Every request must carry the right Host (no DNS
 * rebinding) and, when a browser sends one, a same-origin Origin; every API call needs the
 * session cookie a one-time sign-in code buys (sign-in.ts). Invokes go through the same
 * `dispatch` as Electron IPC. Electron-free.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FlintError } from '../core/errors';
import { MAX_UPLOAD_BYTES } from '../contract/api';
import { API_PREFIX, EVENTS_PATH, SIGN_IN_NEW_PATH, SIGN_IN_PATH } from '../contract/bridge';
import type { Outcome } from '../contract/types';
import type { CoreAdapter } from '../app/core-adapter';
import { createDefaultCore, type DefaultCoreOptions } from '../app/core-default';
import { watchDrives } from '../app/drives';
import { dispatch } from '../app/handlers';
import { Session } from '../app/session';
import { coreOptionsOf } from '../app/settings';
import { SiteState, type SiteOptions } from '../app/site';
import { STATIC_HEADERS, contentType, openStatic } from '../app/static';
import { SignIn } from './sign-in';

/** Largest JSON body accepted (an upload's text, JSON-escaped, plus the envelope). */
export const MAX_BODY_BYTES = 2 * MAX_UPLOAD_BYTES + 64 * 1024;
/** Interval of SSE keep-alive comments. */
export const SSE_HEARTBEAT_MS = 15_000;

/** Options of startUiServer. */
export interface UiServerOptions {
  /** TCP port on 127.0.0.1 (0 or absent: any free port). */
  port?: number;
  /** Directory of the built renderer (index.html + assets). */
  rendererDir: string;
  /** Replaces parts of the core (tests: a local mirror, a fake drive list...). */
  core?: Partial<CoreAdapter>;
  /** Options of the real core (mirror URL, cache dir, keyrings, allowLoop); they win over the settings. */
  coreOptions?: DefaultCoreOptions;
  /**
   * Where settings, the flash record and the wizard's memory are kept, and the settings the
   * command line fixes (absent: defaults, kept in memory for this run).
   */
  site?: Omit<SiteOptions, 'makeCore'>;
  /** Accept loop devices as targets (tests only). */
  allowLoop?: boolean;
  /** App name/version reported by app:info. */
  app?: { name: string; version: string };
  /** Shows a new sign-in link where only the running user sees it (flint ui: its terminal); asked for by signed-out pages. */
  onSignInLinkRequested?: (link: string) => void;
}

/** Largest sign-in request body (`{"code":"..."}`). */
const SIGN_IN_BODY_BYTES = 1024;
/** At most one new sign-in link per this interval, however many pages (or other users) ask. */
export const SIGN_IN_NEW_INTERVAL_MS = 5_000;

/** A running bridge. */
export interface UiServer {
  /** The origin, e.g. http://127.0.0.1:4321 */
  origin: string;
  port: number;
  /** A new one-time sign-in link, e.g. http://127.0.0.1:4321/#code=... (each call a new code). */
  signInLink(): string;
  /** A new one-time code alone (for clients that sign in themselves: tests, scripts). */
  signInCode(): string;
  /** Writes a launcher page (0600, private directory) with a new sign-in link; returns its path. */
  writeLauncher(): Promise<string>;
  /** The session behind the API (tests may inspect it). */
  session: Session;
  /** Stops the server, its event streams and running jobs. */
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(data),
  });
  res.end(data);
}

function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { ok: false, error: { code, message } } satisfies Outcome<never>);
}

/**
 * Reads a request body of at most `limit` bytes. Past the limit (or when Content-Length already
 * says so) it stops reading and rejects at once, so a huge or endless upload is answered with 413
 * without being read to its end.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => new FlintError('BODY_TOO_LARGE', `Request body over ${limit} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        reject(tooLarge());
      } else chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Answers 413 and closes the connection: the rest of the body is never read (Node would otherwise
 * keep the socket open to drain it).
 */
function refuseBody(req: IncomingMessage, res: ServerResponse, err: FlintError): void {
  res.setHeader('connection', 'close');
  refuse(res, 413, err.code, err.message);
  res.once('finish', () => req.socket.destroySoon());
}

/** HTTP status for a dispatch outcome (the body is the Outcome either way). */
function statusOf(o: Outcome<unknown>): number {
  if (o.ok) return 200;
  return { BAD_CHANNEL: 404, BAD_REQUEST: 400, CHANNEL_REFUSED: 403 }[o.error.code] ?? 200;
}

/** Starts the bridge on 127.0.0.1. */
export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const makeCore = (o: DefaultCoreOptions): CoreAdapter => ({
    ...createDefaultCore({ ...o, ...(opts.allowLoop !== undefined ? { allowLoop: opts.allowLoop } : {}), ...opts.coreOptions }),
    ...opts.core,
  });
  const site = await SiteState.load({ ...opts.site, makeCore });
  const session = new Session({
    mode: 'browser',
    core: makeCore(coreOptionsOf(site.effective())),
    site,
    app: opts.app ?? { name: 'Flint', version: '0.0.0' },
    allowLoop: opts.allowLoop,
  });
  const streams = new Set<ServerResponse>();
  let port = 0;
  let signIn: SignIn | null = null;
  let lastLinkRequest = 0;
  const signedOut = (res: ServerResponse) =>
    refuse(
      res,
      401,
      'SIGN_IN_REQUIRED',
      'This page is not signed in to Flint (a sign-in link works once). Open the sign-in link shown in the terminal running flint ui.',
    );
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: the browser sends the attacker's host name; only our own names pass.
    if (!allowedHosts().has(String(req.headers.host ?? '').toLowerCase())) {
      return refuse(res, 421, 'BAD_HOST', 'Wrong Host header');
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      return refuse(res, 403, 'BAD_ORIGIN', 'Cross-origin request refused');
    }
    if (req.headers['sec-fetch-site'] === 'cross-site') {
      return refuse(res, 403, 'BAD_ORIGIN', 'Cross-site request refused');
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);

    if (url.pathname === SIGN_IN_NEW_PATH) {
      // no secret is returned: the link appears on the running user's terminal only
      if (req.method !== 'POST') return refuse(res, 405, 'BAD_METHOD', 'Use POST to ask for a sign-in link');
      if (
        !String(req.headers['content-type'] ?? '')
          .toLowerCase()
          .startsWith('application/json')
      ) {
        return refuse(res, 415, 'BAD_CONTENT_TYPE', 'Send application/json');
      }
      if (!opts.onSignInLinkRequested || !signIn) {
        return refuse(res, 404, 'SIGN_IN_NO_TERMINAL', 'This Flint server does not print sign-in links');
      }
      if (Date.now() - lastLinkRequest < SIGN_IN_NEW_INTERVAL_MS) {
        return refuse(res, 429, 'SIGN_IN_RATE', 'A new sign-in link was printed moments ago; look at the terminal running flint ui');
      }
      lastLinkRequest = Date.now();
      opts.onSignInLinkRequested(signIn.newLink());
      return sendJson(res, 200, { ok: true, value: {} } satisfies Outcome<object>);
    }

    if (url.pathname === SIGN_IN_PATH) {
      if (req.method !== 'POST') return refuse(res, 405, 'BAD_METHOD', 'Use POST to sign in');
      if (
        !String(req.headers['content-type'] ?? '')
          .toLowerCase()
          .startsWith('application/json')
      ) {
        return refuse(res, 415, 'BAD_CONTENT_TYPE', 'Send application/json');
      }
      let code: unknown;
      try {
        code = (JSON.parse((await readBody(req, SIGN_IN_BODY_BYTES)).toString('utf8')) as { code?: unknown })?.code;
      } catch (err) {
        if (err instanceof FlintError) return refuseBody(req, res, err);
        return refuse(res, 400, 'BAD_JSON', 'The request body is not JSON');
      }
      const id = signIn?.exchange(code);
      if (!id) {
        return refuse(
          res,
          401,
          'SIGN_IN_CODE_INVALID',
          'This sign-in link was already used or has expired; the terminal running flint ui shows a new one when a page asks.',
        );
      }
      res.setHeader('set-cookie', signIn!.cookie(id));
      return sendJson(res, 200, { ok: true, value: {} } satisfies Outcome<object>);
    }

    if (url.pathname === EVENTS_PATH) {
      if (req.method !== 'GET') return refuse(res, 405, 'BAD_METHOD', 'Use GET for events');
      if (!signIn?.signedIn(req)) return signedOut(res);
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
      });
      res.write(': connected\n\n');
      streams.add(res);
      const remove = session.addSink((channel, payload) => {
        res.write(`event: ${channel}\ndata: ${JSON.stringify(payload)}\n\n`);
      });
      const beat = setInterval(() => res.write(': keep-alive\n\n'), SSE_HEARTBEAT_MS);
      res.on('close', () => {
        clearInterval(beat);
        remove();
        streams.delete(res);
      });
      return;
    }

    if (url.pathname.startsWith(API_PREFIX)) {
      if (req.method !== 'POST') return refuse(res, 405, 'BAD_METHOD', 'Use POST for API calls');
      if (!signIn?.signedIn(req)) return signedOut(res);
      if (
        !String(req.headers['content-type'] ?? '')
          .toLowerCase()
          .startsWith('application/json')
      ) {
        return refuse(res, 415, 'BAD_CONTENT_TYPE', 'Send application/json');
      }
      let body: unknown;
      try {
        const raw = await readBody(req, MAX_BODY_BYTES);
        body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
      } catch (err) {
        if (err instanceof FlintError) return refuseBody(req, res, err);
        return refuse(res, 400, 'BAD_JSON', 'The request body is not JSON');
      }
      let channel: string;
      try {
        channel = decodeURIComponent(url.pathname.slice(API_PREFIX.length));
      } catch {
        return refuse(res, 404, 'BAD_CHANNEL', 'Unknown channel');
      }
      const outcome = await dispatch(session, channel, body);
      return sendJson(res, statusOf(outcome), outcome);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'BAD_METHOD', 'Read-only');
    const file = await openStatic(opts.rendererDir, url.pathname);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...STATIC_HEADERS });
      return void res.end('Not found');
    }
    res.writeHead(200, { ...STATIC_HEADERS, 'content-type': contentType(file.path) });
    if (req.method === 'HEAD') {
      await file.handle.close();
      return void res.end();
    }
    file.handle
      .createReadStream()
      .on('error', () => res.destroy())
      .pipe(res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500, 'INTERNAL', 'Internal error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new FlintError('UI_PORT_BUSY', `Cannot listen on 127.0.0.1:${opts.port ?? 0}`, [err.message])),
    );
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const stopWatch = watchDrives(session);
  const origin = `http://127.0.0.1:${port}`;
  const codes = new SignIn(origin);
  signIn = codes;
  return {
    origin,
    port,
    signInLink: () => codes.newLink(),
    signInCode: () => codes.newCode(),
    writeLauncher: () => codes.writeLauncher(),
    session,
    async close() {
      stopWatch();
      session.dispose();
      await codes.close();
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
