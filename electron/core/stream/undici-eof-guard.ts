import type { Socket } from 'node:net';
import type { Dispatcher, Pool as PoolTypes, buildConnector as ConnectorTypes } from 'undici';
import { buildConnector, Pool } from './undici-parts';

/**
 * Works around nodejs/undici#5360 in undici 7 (fixed in undici 8 by nodejs/undici#5474, which
 * needs Node 22): when a response body is paused for backpressure (the download waits for its
 * file or hash) and the server closes the connection (`Connection: close`, HTTP/1.0) or resets
 * it, undici's socket handlers call the paused parser's finish(), whose `assert(!this.paused)`
 * throws from an event handler and kills the process (or, when the socket is already gone, the
 * parser can never resume and the body hangs). The guard turns that moment into an ordinary
 * connection error (code UND_ERR_SOCKET, retried: the download resumes with a Range request from
 * the bytes it has) before undici's handlers see it. Bodies that end with the connection are never
 * paused (see dispatchGet in http.ts), so they are not cut short by this.
 */

/** undici's per-socket parser, as far as the guard looks at it (lib/dispatcher/client-h1.js). */
interface ParserState {
  paused?: boolean;
}

/** undici's `kParser` symbol, found on the first socket that has it (one symbol for all). */
let parserKey: symbol | undefined;

function parserOf(socket: Socket): ParserState | undefined {
  parserKey ??= Object.getOwnPropertySymbols(socket).find((s) => s.description === 'parser');
  return parserKey ? ((socket as unknown as Record<symbol, ParserState | null>)[parserKey] ?? undefined) : undefined;
}

/** The events the guard acts on; every other one (each body chunk's) passes straight through. */
const ENDINGS = new Set<string | symbol>(['error', 'end', 'close']);

function closedWhilePaused(cause?: Error): Error {
  const e = new Error('the server closed the connection while the body was paused') as NodeJS.ErrnoException;
  e.code = 'UND_ERR_SOCKET';
  if (cause) e.cause = cause;
  return e;
}

/** Makes a close, end or reset of `socket` while undici's parser on it is paused an error instead. */
export function guardEof(socket: Socket): void {
  const emit = socket.emit as (this: Socket, event: string | symbol, ...args: unknown[]) => boolean;
  let tripped = false;
  socket.emit = function guardedEmit(this: Socket, event: string | symbol, ...args: unknown[]): boolean {
    if (tripped || !ENDINGS.has(event) || !parserOf(this)?.paused) return emit.call(this, event, ...args);
    if (event === 'error' && (args[0] as NodeJS.ErrnoException | undefined)?.code === 'ECONNRESET') {
      tripped = true;
      return emit.call(this, 'error', closedWhilePaused(args[0] as Error));
    }
    if (event === 'end') {
      tripped = true;
      emit.call(this, 'error', closedWhilePaused());
      this.destroy();
      return true;
    }
    if (event === 'close') {
      tripped = true;
      emit.call(this, 'error', closedWhilePaused());
    }
    return emit.call(this, event, ...args);
  } as Socket['emit'];
}

type Connect = Exclude<NonNullable<PoolTypes.Options['connect']>, object> & ((...a: never[]) => unknown);

/**
 * The `factory` for undici's Agent and ProxyAgent: a Pool per origin whose sockets (direct, to the
 * proxy, or through a CONNECT tunnel) get the guard.
 */
export function guardedPoolFactory(origin: string | URL, opts: object): Dispatcher {
  const o = opts as PoolTypes.Options;
  const connect: ConnectorTypes.connector =
    typeof o.connect === 'function' ? (o.connect as unknown as ConnectorTypes.connector) : buildConnector({ ...(o.connect ?? {}) });
  const guarded: ConnectorTypes.connector = (options, callback) =>
    connect(options, (err, socket) => {
      if (!err && socket) guardEof(socket as Socket);
      (callback as (e: Error | null, s: Socket | null) => void)(err, socket as Socket | null);
    });
  return new Pool(origin, { ...o, connect: guarded as unknown as Connect });
}
