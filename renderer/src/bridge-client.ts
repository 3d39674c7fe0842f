/**
 * `FlintApi` over the loopback HTTP bridge (browser mode: `flint ui` and the e2e tests).
 * The page first spends the one-time code of its sign-in link (`#code=...`) at SIGN_IN_PATH; the
 * answer sets an HttpOnly session cookie the browser then sends with every request (page scripts
 * never see it). invoke = POST /api/<channel> with a JSON body; events = Server-Sent Events from
 * GET /api/events (read with fetch, reconnecting).
 */
import {
  API_GLOBAL,
  MAX_UPLOAD_BYTES,
  type EventChannel,
  type EventPayload,
  type FlintApi,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponse,
  type Unsubscribe,
} from '../../electron/contract/api';
import { API_PREFIX, CODE_PARAM, EVENTS_PATH, SIGN_IN_NEW_PATH, SIGN_IN_PATH } from '../../electron/contract/bridge';
import { isOutcome } from '../../electron/contract/guards';
import type { ErrorValue, FileKind, OpenedFile, Outcome } from '../../electron/contract/types';

/** Options of createBridgeClient. */
export interface BridgeClientOptions {
  /** Origin of the bridge, e.g. http://127.0.0.1:4321 (default: the page's origin). */
  baseUrl?: string;
  /** A one-time sign-in code to spend before the first request (from the page's `#code=`). */
  signInCode?: string;
  /** Extra headers on every request (clients outside a browser send the session cookie this way). */
  headers?: Record<string, string>;
  /** fetch implementation (default: globalThis.fetch). */
  fetch?: typeof fetch;
  /** Delay before reconnecting the event stream (ms, default 1000). */
  reconnectMs?: number;
}

/** A bridge client: the FlintApi plus a close() that stops the event stream. */
export interface BridgeClient extends FlintApi {
  /** Stops the event stream (listeners stay registered but receive nothing more). */
  close(): void;
  /**
   * Resolves once the event stream has opened (starting it if no listener has yet): the server
   * registers the stream before answering, so every event sent afterwards arrives.
   */
  connected(): Promise<void>;
}

function fail(code: string, message: string): { ok: false; error: ErrorValue } {
  return { ok: false, error: { code, message } };
}

/** Parses one SSE block ("event: x\ndata: {...}") into channel and payload; null when not an event. */
export function parseSseBlock(block: string): { event: string; data: unknown } | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  try {
    return { event, data: JSON.parse(data.join('\n')) };
  } catch {
    return null;
  }
}

/** Creates a FlintApi that talks to the loopback bridge. */
export function createBridgeClient(opts: BridgeClientOptions): BridgeClient {
  const pageOrigin = (globalThis as { location?: { origin: string } }).location?.origin;
  const base = (opts.baseUrl ?? pageOrigin ?? '').replace(/\/$/, '');
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let stream: AbortController | null = null;
  let closed = false;
  let markOpen: () => void = () => {};
  const opened = new Promise<void>((resolve) => (markOpen = resolve));
  const extra = opts.headers ?? {};
  // the code is spent once; a failure (already used in this browser) is fine when the session
  // cookie from that first use is still there, and otherwise shows up as SIGN_IN_REQUIRED
  const ready: Promise<unknown> = opts.signInCode
    ? doFetch(`${base}${SIGN_IN_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...extra },
        body: JSON.stringify({ code: opts.signInCode }),
      }).catch(() => null)
    : Promise.resolve();

  let askedForLink = false;
  /** Signed out: the running flint ui is asked, once per page, to print a new link on its terminal. */
  function askForLink(): void {
    if (askedForLink) return;
    askedForLink = true;
    void doFetch(`${base}${SIGN_IN_NEW_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...extra },
      body: '{}',
    }).catch(() => null);
  }

  async function invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<Outcome<InvokeResponse<C>>> {
    try {
      await ready;
      const res = await doFetch(`${base}${API_PREFIX}${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...extra },
        body: JSON.stringify(request ?? {}),
      });
      const body: unknown = await res.json().catch(() => null);
      if (isOutcome(body)) {
        const outcome = body as Outcome<InvokeResponse<C>>;
        if (!outcome.ok && outcome.error.code === 'SIGN_IN_REQUIRED') askForLink();
        return outcome;
      }
      return fail('BRIDGE_BAD_RESPONSE', `The Flint server answered ${res.status} without a result`);
    } catch (err) {
      return fail('BRIDGE_UNREACHABLE', `Cannot reach the Flint server: ${(err as Error).message}`);
    }
  }

  function dispatch(event: string, data: unknown): void {
    for (const l of listeners.get(event) ?? []) {
      try {
        l(data);
      } catch {
        // a throwing listener must not stop the others
      }
    }
  }

  async function runStream(): Promise<void> {
    while (!closed) {
      stream = new AbortController();
      try {
        await ready;
        const res = await doFetch(`${base}${EVENTS_PATH}`, {
          headers: { accept: 'text/event-stream', ...extra },
          signal: stream.signal,
        });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        markOpen();
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buf = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buf += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
          let end: number;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const parsed = parseSseBlock(buf.slice(0, end));
            buf = buf.slice(end + 2);
            if (parsed) dispatch(parsed.event, parsed.data);
          }
        }
      } catch {
        // dropped or refused: retry below unless closed
      }
      if (!closed) await new Promise((r) => setTimeout(r, opts.reconnectMs ?? 1000));
    }
  }

  function on<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): Unsubscribe {
    let set = listeners.get(channel);
    if (!set) listeners.set(channel, (set = new Set()));
    const l = listener as (p: unknown) => void;
    set.add(l);
    if (!stream && !closed) void runStream();
    return () => void set.delete(l);
  }

  async function openDroppedFile(file: File, kind: FileKind = 'config'): Promise<Outcome<OpenedFile>> {
    if (/\.iso$/i.test(file.name)) {
      return fail('DROP_ISO_NEEDS_PATH', 'In the browser a dropped ISO has no path: choose it with "Browse" or type its path');
    }
    if (file.size > MAX_UPLOAD_BYTES) {
      return fail('FILE_TOO_LARGE', `${file.name} is larger than ${MAX_UPLOAD_BYTES} bytes; configs are small`);
    }
    // a binary file is refused here with its real size: decoding it as text would replace every
    // invalid byte with U+FFFD (3 bytes in UTF-8) and send the core something larger and meaningless
    const bytes = new Uint8Array(await file.arrayBuffer());
    let text: string;
    try {
      if (bytes.includes(0)) throw new Error('NUL byte');
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return {
        ok: false,
        error: {
          code: 'FILE_NOT_TEXT',
          message: `${file.name} is not a text file (${file.size} bytes of binary data)`,
          params: { name: file.name, size: file.size },
        },
      };
    }
    const r = await invoke('file:load-bytes', { kind, name: file.name, text });
    return r.ok ? { ok: true, value: { kind: 'config', file: r.value } } : r;
  }

  return {
    mode: 'browser',
    invoke,
    on,
    openDroppedFile,
    close() {
      closed = true;
      stream?.abort();
    },
    connected() {
      if (!stream && !closed) void runStream();
      return opened;
    },
  };
}

/** Reads the one-time sign-in code from a page URL's fragment (`#code=...`), or null. */
export function codeFromUrl(href: string): string | null {
  try {
    return new URLSearchParams(new URL(href).hash.slice(1)).get(CODE_PARAM);
  } catch {
    return null;
  }
}

/**
 * The api the renderer should use: `window.flint` in Electron, else a bridge client for the page's
 * origin that first spends the sign-in code of the page URL. The code is removed from the address
 * bar and the history entry at once, so a reload or a bookmark never carries it.
 */
export function resolveFlintApi(): FlintApi {
  const g = globalThis as unknown as Record<string, unknown>;
  const exposed = g[API_GLOBAL] as FlintApi | undefined;
  if (exposed && typeof exposed.invoke === 'function') return exposed;
  const loc = g.location as { href: string; pathname: string; search: string; reload(): void } | undefined;
  const history = g.history as { replaceState(data: unknown, unused: string, url: string): void } | undefined;
  const takeCode = (): string | null => {
    const code = loc ? codeFromUrl(String(loc.href)) : null;
    if (code && loc) history?.replaceState(null, '', `${loc.pathname}${loc.search}`);
    return code;
  };
  // a link opened in a tab already on this page only changes the fragment (no new page load):
  // spend its code, then load the page again signed in
  const win = g as { addEventListener?(type: string, fn: () => void): void };
  win.addEventListener?.('hashchange', () => {
    const code = takeCode();
    if (!code) return;
    void fetch(SIGN_IN_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) })
      .catch(() => null)
      .then(() => loc?.reload());
  });
  const code = takeCode();
  return createBridgeClient(code ? { signInCode: code } : {});
}
