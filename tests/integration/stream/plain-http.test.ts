import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainGet, type PlainHead } from '../../../electron/core/stream/plain-http';
import { httpGet, isTransientError } from '../../../electron/core/stream/http';

// A raw TCP server on 127.0.0.1 answers each request path with exact bytes, so that every shape of
// response plain-http.ts reads, declines or refuses can be sent as it is on the wire.

const body = Buffer.alloc(5_000_000);
for (let i = 0; i < body.length; i++) body[i] = (i * 31 + 7) & 255;

let server: net.Server;
let base = '';
const requests: string[] = [];
const sockets = new Set<net.Socket>();

function answer(socket: net.Socket, path: string): void {
  const head = (lines: string[]) => socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  switch (path) {
    case '/len':
      head(['HTTP/1.1 200 OK', `Content-Length: ${body.length}`, 'X-Twice: a', 'x-twice: b']);
      return void socket.end(body);
    case '/longer':
      // more bytes than announced: only the announced ones are the body
      head(['HTTP/1.1 200 OK', 'Content-Length: 10']);
      return void socket.end(body.subarray(0, 20));
    case '/no-content':
      head(['HTTP/1.1 204 No Content', 'Content-Length: 99']);
      return void socket.end();
    case '/interim':
      socket.write('HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n');
      head(['HTTP/1.1 200 OK', 'Content-Length: 5']);
      return void socket.end('hello');
    case '/gzip-chunked':
      head(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']);
      return void socket.end('5\r\nhello\r\n0\r\n\r\n');
    case '/bare-lf':
      return void socket.end('HTTP/1.1 200 OK\nContent-Length: 5\n\nhello');
    case '/two-lengths':
      head(['HTTP/1.1 200 OK', 'Content-Length: 5', 'Content-Length: 6']);
      return void socket.end('hello!');
    case '/huge-head':
      head(['HTTP/1.1 200 OK', ...Array.from({ length: 100 }, (_, i) => `X-Pad-${i}: ${'p'.repeat(1000)}`), 'Content-Length: 0']);
      return void socket.end();
    case '/silent':
      return; // accepts, reads the request, never answers
    case '/stall':
      head(['HTTP/1.1 200 OK', `Content-Length: ${body.length}`]);
      return void socket.write(body.subarray(0, 100_000)); // and then nothing
    case '/split-head':
      // the head arrives in pieces, the blank line split across two of them
      socket.write('HTTP/1.1 200 OK\r\nContent-Len');
      setTimeout(() => socket.write('gth: 5\r\n\r'), 20);
      return void setTimeout(() => socket.end('\nhello'), 40);
    default:
      head(['HTTP/1.1 404 Not Found', 'Content-Length: 9']);
      return void socket.end('not found');
  }
}

beforeAll(async () => {
  server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let text = '';
    socket.on('data', (d) => {
      text += d.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0 || text === '') return;
      requests.push(text.slice(0, end));
      const path = text.split(' ')[1].split('?')[0];
      text = '';
      answer(socket, path);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const opts = (timeoutMs = 5_000, signal?: AbortSignal) => ({
  headers: { 'user-agent': 'flint', range: 'bytes=0-' },
  timeoutMs,
  signal,
  cancelled: () => Object.assign(new Error('cancelled'), { code: 'CANCELLED' }),
});

/** Reads a body, copying each chunk (its memory is the reused read buffer), waiting now and then. */
async function collect(head: PlainHead, waitMs = 0): Promise<Buffer> {
  const got: Buffer[] = [];
  let n = 0;
  await head.body.pipe((chunk) => {
    got.push(Buffer.from(chunk));
    return waitMs > 0 && ++n % 4 === 1 ? new Promise((r) => setTimeout(r, waitMs)) : undefined;
  });
  return Buffer.concat(got);
}

describe('plainGet', () => {
  it('sends one GET with Host, Connection: close and the given headers; reads the body whole', async () => {
    const head = (await plainGet(new URL(`${base}/len?x=1`), opts()))!;
    expect(head.status).toBe(200);
    expect(head.headers['x-twice']).toBe('a, b');
    expect((await collect(head)).equals(body)).toBe(true);
    const req = requests.at(-1)!.split('\r\n');
    expect(req[0]).toBe('GET /len?x=1 HTTP/1.1');
    expect(req).toEqual(
      expect.arrayContaining([`host: ${new URL(base).host}`, 'connection: close', 'user-agent: flint', 'range: bytes=0-']),
    );
  });

  it('hands over the same read buffer again and again: a consumer that copies gets every byte in order', async () => {
    const head = (await plainGet(new URL(`${base}/len`), opts()))!;
    const views = new Set<ArrayBufferLike>();
    const got: Buffer[] = [];
    await head.body.pipe((chunk) => {
      views.add(chunk.buffer);
      got.push(Buffer.from(chunk));
      return undefined;
    });
    expect(Buffer.concat(got).equals(body)).toBe(true);
    expect(views.size).toBeLessThanOrEqual(2); // the head's copy and the read buffer, not a Buffer per read
  });

  it('waits for a slow consumer longer than the timeout without timing out', async () => {
    const head = (await plainGet(new URL(`${base}/len`), opts(150)))!;
    const t0 = performance.now();
    // the first chunk alone keeps the connection paused for twice the timeout
    expect((await collect(head, 300)).equals(body)).toBe(true);
    expect(performance.now() - t0).toBeGreaterThan(300);
  });

  it('ends the body at its Content-Length, and at once for 204; a head split across reads', async () => {
    expect((await collect((await plainGet(new URL(`${base}/longer`), opts()))!)).equals(body.subarray(0, 10))).toBe(true);
    const none = (await plainGet(new URL(`${base}/no-content`), opts()))!;
    expect(none.status).toBe(204);
    expect((await collect(none)).length).toBe(0);
    const split = (await plainGet(new URL(`${base}/split-head`), opts()))!;
    expect(split.headers['content-length']).toBe('5');
    expect((await collect(split)).toString()).toBe('hello');
  });

  it('declines what it does not read (interim 1xx, a transfer coding, conflicting lengths, bare LF lines); httpGet asks undici instead', async () => {
    for (const p of ['/interim', '/gzip-chunked', '/two-lengths', '/bare-lf']) {
      expect(await plainGet(new URL(base + p), opts())).toBeUndefined();
    }
    for (const p of ['/interim', '/gzip-chunked']) {
      const res = await httpGet(base + p);
      const got: Buffer[] = [];
      await res.body.pipe((c) => void got.push(Buffer.from(c)));
      expect(Buffer.concat(got).toString()).toBe('hello');
    }
  });

  it('refuses a head over 64 KiB; times out a silent server and a stalled body (transient)', async () => {
    await expect(plainGet(new URL(`${base}/huge-head`), opts())).rejects.toMatchObject({ code: 'HTTP_HEAD_TOO_LARGE' });
    const silent = await plainGet(new URL(`${base}/silent`), opts(200)).catch((e: unknown) => e);
    expect(silent).toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(isTransientError(silent)).toBe(true);
    const stalled = (await plainGet(new URL(`${base}/stall`), opts(200)))!;
    const got: Buffer[] = [];
    const err = await stalled.body.pipe((c) => void got.push(Buffer.from(c))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
    expect(isTransientError(err)).toBe(true);
    expect(Buffer.concat(got).equals(body.subarray(0, 100_000))).toBe(true);
  });

  it('is cancelled through its signal, before the head and in the body', async () => {
    const early = new AbortController();
    early.abort();
    await expect(plainGet(new URL(`${base}/len`), opts(5_000, early.signal))).rejects.toMatchObject({ code: 'CANCELLED' });
    const later = new AbortController();
    const head = (await plainGet(new URL(`${base}/stall`), opts(5_000, later.signal)))!;
    setTimeout(() => later.abort(), 50);
    await expect(collect(head)).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('through httpGet: a 404 is a status, not an error, and a refused port is a transient error', async () => {
    const res = await httpGet(`${base}/missing`);
    expect(res.status).toBe(404);
    res.body.resume();
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(httpGet(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: 'HTTP_TRANSIENT' });
  });
});
