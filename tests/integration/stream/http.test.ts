import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { httpGet, httpGetBuffer, isTransientError } from '../../../electron/core/stream/http';

// Every case runs twice: through plain-http.ts (what an http:// URL without a proxy takes) and
// through undici, which an http:// request reaches when plain-http.ts declines a response (a
// chunked one) and every https:// or proxied request takes. The wrapper only counts and, for the
// undici round, declines as plain-http.ts itself does for a response it does not read.
const via = vi.hoisted(() => ({ plain: true, answered: 0, declined: 0 }));
vi.mock('../../../electron/core/stream/plain-http', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../electron/core/stream/plain-http')>();
  return {
    ...real,
    plainGet: async (...args: Parameters<typeof real.plainGet>) => {
      if (!via.plain) return undefined;
      const head = await real.plainGet(...args);
      if (head) via.answered++;
      else via.declined++;
      return head;
    },
  };
});

const data = Buffer.alloc(3_000_001);
for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 255;
const small = data.subarray(0, 60_000);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/chunked') {
      let o = 0;
      const step = () => {
        if (o >= data.length) return res.end();
        const n = Math.min(100_003, data.length - o);
        res.write(data.subarray(o, o + n));
        o += n;
        setImmediate(step);
      };
      return step();
    }
    if (req.url === '/redir') {
      res.writeHead(302, { location: '/len' });
      return res.end('moved');
    }
    if (req.url === '/empty') {
      res.writeHead(200, { 'content-length': 0 });
      return res.end();
    }
    if (req.url === '/close') {
      // no Content-Length, no chunking: the body ends with the connection
      req.socket.write('HTTP/1.1 200 OK\r\nX-Test: 1\r\n\r\n');
      return void req.socket.end(data);
    }
    if (req.url === '/close-len' || req.url === '/close-small') {
      // Content-Length and Connection: close, then FIN: nodejs/undici#5360 when the body is paused
      const body = req.url === '/close-small' ? small : data;
      req.socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
      return void req.socket.end(body);
    }
    if (req.url === '/short') {
      req.socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${data.length}\r\n\r\n`);
      return void req.socket.end(data.subarray(0, 1_000_000));
    }
    if (req.url === '/range') {
      res.writeHead(206, { 'content-range': `bytes 5-${data.length - 1}/${data.length}`, 'x-got': req.headers.range ?? '' });
      return res.end(data.subarray(5));
    }
    res.writeHead(200, { 'content-length': data.length });
    res.end(data);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Reads a body with a consumer that sometimes asks to wait, as the download does. */
async function read(url: string, headers?: Record<string, string>) {
  const res = await httpGet(url, { headers });
  const chunks: Buffer[] = [];
  let n = 0;
  const done = res.body.pipe((chunk) => {
    chunks.push(Buffer.from(chunk));
    return ++n % 3 === 0 ? new Promise((r) => setImmediate(r)) : undefined;
  });
  return { res, done, body: () => Buffer.concat(chunks) };
}

describe.each(['plain-http.ts', 'undici'])('through %s', (client) => {
  beforeAll(() => {
    via.plain = client === 'plain-http.ts';
  });

  describe('httpGet (direct)', () => {
    it('reads Content-Length, chunked and close-delimited bodies intact, pausing for a slow consumer', async () => {
      for (const p of ['/len', '/chunked', '/close']) {
        const before = { ...via };
        const r = await read(base + p);
        await r.done;
        expect(r.res.status).toBe(200);
        expect(sha(r.body())).toBe(sha(data));
        if (via.plain) {
          // the chunked body is left to undici (asked again), the others are read here
          if (p === '/chunked') expect(via.declined).toBe(before.declined + 1);
          else expect(via.answered).toBe(before.answered + 1);
        }
      }
    });

    it('follows redirects, sends extra headers and parses the response headers', async () => {
      const r = await read(`${base}/redir`);
      await r.done;
      expect(r.res.finalUrl).toBe(`${base}/len`);
      expect(r.body().length).toBe(data.length);
      const g = await read(`${base}/range`, { range: 'bytes=5-' });
      await g.done;
      expect(g.res.status).toBe(206);
      expect(g.res.headers['x-got']).toBe('bytes=5-');
      expect(g.res.headers['content-range']).toBe(`bytes 5-${data.length - 1}/${data.length}`);
      expect(sha(g.body())).toBe(sha(data.subarray(5)));
    });

    it('ends an empty body at once and rejects a body shorter than its Content-Length, after handing over what came', async () => {
      const e = await read(`${base}/empty`);
      await e.done;
      expect(e.body().length).toBe(0);
      const s = await read(`${base}/short`);
      const err = await s.done.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(isTransientError(err)).toBe(true); // resumed with a Range request by the download
      expect(s.body().equals(data.subarray(0, s.body().length))).toBe(true);
      expect(s.body().length).toBeLessThanOrEqual(1_000_000);
    });

    it('rejects a refused connection (transient, naming the host) and a cancelled request', async () => {
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const refused = await httpGet(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'HTTP_TRANSIENT', params: { host: `127.0.0.1:${port}` } });
      expect((refused as { causes: string[] }).causes.join(' ')).toMatch(/ECONNREFUSED/);
      const ac = new AbortController();
      ac.abort();
      await expect(httpGet(`${base}/len`, { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
      const later = new AbortController();
      const pending = httpGetBuffer(`${base}/chunked`, { signal: later.signal });
      setTimeout(() => later.abort(), 5);
      await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    });
  });

  describe('httpGetBuffer', () => {
    it('reads a whole small document and refuses one over maxBytes', async () => {
      expect(sha(await httpGetBuffer(`${base}/len`))).toBe(sha(data));
      await expect(httpGetBuffer(`${base}/len`, { maxBytes: 1000 })).rejects.toMatchObject({ code: 'HTTP_TOO_LARGE' });
      await expect(httpGetBuffer(`${base}/range`)).rejects.toMatchObject({ code: 'HTTP_STATUS', params: { status: 206 } });
    });
  });

  describe('a server that closes the connection while the body is paused (nodejs/undici#5360)', () => {
    it('never crashes or hangs: the body is whole, or a transient error after a prefix of it', async () => {
      let broken = 0;
      for (let i = 0; i < 20; i++) {
        for (const p of ['/close-small', '/close-len', '/close']) {
          const want = p === '/close-small' ? small : data;
          const res = await httpGet(base + p);
          const got: Buffer[] = [];
          const outcome = await res.body
            .pipe((chunk) => {
              got.push(Buffer.from(chunk));
              // every chunk waits a little: the parser is paused when the last one comes, with the FIN
              return new Promise((r) => setImmediate(r));
            })
            .then(
              () => undefined,
              (e: unknown) => e,
            );
          const body = Buffer.concat(got);
          if (outcome === undefined) expect(sha(body)).toBe(sha(want));
          else {
            broken++;
            expect(p).not.toBe('/close'); // a body that ends with the connection is never paused
            expect(isTransientError(outcome)).toBe(true);
            expect(body.equals(want.subarray(0, body.length))).toBe(true);
          }
        }
      }
      console.log(`${client}: closed while paused: ${broken} of 60`);
    });
  });
});
