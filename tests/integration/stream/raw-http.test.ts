import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadGet } from '../../../electron/core/stream/raw-http';

const data = Buffer.alloc(3_000_001);
for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 255;
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
  const res = await downloadGet(url, { headers });
  const chunks: Buffer[] = [];
  let n = 0;
  const done = res.body.pipe((chunk, release) => {
    chunks.push(Buffer.from(chunk));
    release?.();
    return ++n % 3 === 0 ? new Promise((r) => setImmediate(r)) : undefined;
  });
  return { res, done, body: () => Buffer.concat(chunks) };
}

describe('downloadGet (own HTTP/1.1 client for http://)', () => {
  it('reads Content-Length, chunked and close-delimited bodies intact, in batches', async () => {
    for (const p of ['/len', '/chunked', '/close']) {
      const r = await read(base + p);
      await r.done;
      expect(r.res.status).toBe(200);
      expect(sha(r.body())).toBe(sha(data));
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
    await expect(s.done).rejects.toThrow(/closed early/);
    expect(s.body().equals(data.subarray(0, 1_000_000))).toBe(true);
  });

  it('rejects a refused connection and a cancelled request', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(downloadGet(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const ac = new AbortController();
    ac.abort();
    await expect(downloadGet(`${base}/len`, { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
