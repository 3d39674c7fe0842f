// The read-only boot mirror on 127.0.0.1: whole files, HEAD, byte ranges, refusals, one log line
// per request. Requests are sent with node:http so paths like `/../x` reach the server unnormalized.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBootServer, type BootServer } from '../../../electron/core/pxe/server';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function send(server: BootServer, path: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

describe('flint serve: read-only boot mirror', () => {
  let top = '';
  let root = '';
  let server: BootServer;
  const log: string[] = [];
  const big = randomBytes(300_000);
  // larger than the two 1 MiB send buffers and what loopback sockets hold (tcp_rmem + tcp_wmem)
  const large = randomBytes(16 * 1024 * 1024 + 12_345);
  const script = '#!ipxe\nboot\n';

  beforeAll(async () => {
    top = mkdtempSync(join(tmpdir(), 'flint-serve-'));
    root = join(top, 'site');
    mkdirSync(join(root, 'pxelinux.cfg'), { recursive: true });
    writeFileSync(join(root, 'rootfs.img'), big);
    writeFileSync(join(root, 'large.img'), large);
    writeFileSync(join(root, 'boot.ipxe'), script);
    writeFileSync(join(root, 'pxelinux.cfg/default'), 'DEFAULT pxeboot\n');
    writeFileSync(join(root, 'empty'), '');
    writeFileSync(join(top, 'secret.txt'), 'outside the mirror\n');
    symlinkSync(join(top, 'secret.txt'), join(root, 'link-out'));
    symlinkSync(join(root, 'boot.ipxe'), join(root, 'link-in'));
    server = await startBootServer({ dir: root, port: 0, log: (l) => log.push(l) });
  });
  afterAll(async () => {
    await server?.close();
    if (top) rmSync(top, { recursive: true, force: true });
  });

  it('serves whole files with their length and a text type for scripts', async () => {
    const r = await send(server, '/rootfs.img');
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBe(String(big.length));
    expect(r.headers['accept-ranges']).toBe('bytes');
    expect(r.body.equals(big)).toBe(true);
    const s = await send(server, '/boot.ipxe');
    expect([s.status, s.body.toString(), s.headers['content-type']]).toEqual([200, script, 'text/plain; charset=utf-8']);
    const p = await send(server, '/pxelinux.cfg/default');
    expect([p.status, p.headers['content-type']]).toEqual([200, 'text/plain; charset=utf-8']);
    const e = await send(server, '/empty');
    expect([e.status, e.body.length, e.headers['content-length']]).toEqual([200, 0, '0']);
    expect((await send(server, '/link-in')).body.toString()).toBe(script);
  });

  it('answers HEAD with the headers and no body', async () => {
    const r = await send(server, '/rootfs.img', { method: 'HEAD' });
    expect([r.status, r.headers['content-length'], r.body.length]).toEqual([200, String(big.length), 0]);
  });

  it('serves byte ranges: closed, open-ended, suffix; 416 past the end; ignores multi-range', async () => {
    const a = await send(server, '/rootfs.img', { headers: { Range: 'bytes=1000-1999' } });
    expect([a.status, a.headers['content-range'], a.headers['content-length']]).toEqual([206, `bytes 1000-1999/${big.length}`, '1000']);
    expect(a.body.equals(big.subarray(1000, 2000))).toBe(true);
    const b = await send(server, '/rootfs.img', { headers: { Range: 'bytes=299990-' } });
    expect([b.status, b.body.equals(big.subarray(299_990))]).toEqual([206, true]);
    const c = await send(server, '/rootfs.img', { headers: { Range: 'bytes=-16' } });
    expect([c.status, c.headers['content-range'], c.body.equals(big.subarray(big.length - 16))]).toEqual([
      206,
      `bytes ${big.length - 16}-${big.length - 1}/${big.length}`,
      true,
    ]);
    const d = await send(server, '/rootfs.img', { headers: { Range: `bytes=${big.length}-` } });
    expect([d.status, d.headers['content-range']]).toEqual([416, `bytes */${big.length}`]);
    const e = await send(server, '/rootfs.img', { headers: { Range: 'bytes=0-1,5-6' } });
    expect([e.status, e.body.length]).toEqual([200, big.length]);
    const f = await send(server, '/rootfs.img', { method: 'HEAD', headers: { Range: 'bytes=10-19' } });
    expect([f.status, f.headers['content-length'], f.body.length]).toEqual([206, '10', 0]);
  });

  it('refuses every way out of the folder, listings and writes', async () => {
    for (const p of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/pxelinux.cfg/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/link-out',
      '/%00',
    ]) {
      const r = await send(server, p);
      expect(r.status, p).toBe(403);
      expect(r.body.toString()).not.toContain('outside the mirror');
    }
    expect((await send(server, '/')).status).toBe(404);
    expect((await send(server, '/pxelinux.cfg')).status).toBe(404);
    expect((await send(server, '/nope.img')).status).toBe(404);
    const put = await send(server, '/boot.ipxe', { method: 'PUT' });
    expect([put.status, put.headers.allow]).toEqual([405, 'GET, HEAD']);
    expect((await send(server, '/boot.ipxe', { method: 'DELETE' })).status).toBe(405);
  });

  it('sends files larger than its buffers whole and in order, ranges across buffer edges, and survives a client that leaves', async () => {
    const whole = await send(server, '/large.img');
    expect(whole.status).toBe(200);
    expect(whole.body.equals(large)).toBe(true);
    const MiB = 1024 * 1024;
    const part = await send(server, '/large.img', { headers: { Range: `bytes=${MiB - 5}-${2 * MiB + 5}` } });
    expect(part.status).toBe(206);
    expect(part.body.equals(large.subarray(MiB - 5, 2 * MiB + 6))).toBe(true);
    const before = log.length;
    await new Promise<void>((done, fail) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/large.img' }, (res) => {
        res.once('data', () => req.destroy());
        res.on('close', () => done());
      });
      req.on('error', () => undefined);
      req.on('close', () => done());
      setTimeout(() => fail(new Error('no response')), 10_000).unref();
      req.end();
    });
    // the left request is logged with what the socket took, short of the whole file
    await expect.poll(() => log.length, { timeout: 5_000 }).toBeGreaterThan(before);
    expect(log[before]).toMatch(/ GET "\/large\.img" 200 \d+$/);
    const logged = Number(log[before]!.split(' ').pop());
    expect(logged).toBeLessThan(large.length);
    expect((await send(server, '/large.img')).body.equals(large)).toBe(true);
  });

  it('sends one file to many clients at once, each its own range, and a file rewritten in place afresh', async () => {
    const MiB = 1024 * 1024;
    // eight whole copies and eight ranges at odd offsets share the blocks being read
    const ranges = Array.from({ length: 8 }, (_, i) => [i * MiB + 7 * i + 1, (i + 5) * MiB + 3 * i] as const);
    const replies = await Promise.all([
      ...Array.from({ length: 8 }, () => send(server, '/large.img')),
      ...ranges.map(([a, b]) => send(server, '/large.img', { headers: { Range: `bytes=${a}-${b}` } })),
    ]);
    for (const r of replies.slice(0, 8)) expect(r.body.equals(large)).toBe(true);
    ranges.forEach(([a, b], i) => expect(replies[8 + i]!.body.equals(large.subarray(a, b + 1))).toBe(true));
    // same name and size, new bytes: what was cached of the old file is not sent
    const file = join(root, 'rewritten.img');
    const first = randomBytes(3 * MiB);
    writeFileSync(file, first);
    expect((await send(server, '/rewritten.img')).body.equals(first)).toBe(true);
    const second = randomBytes(3 * MiB);
    writeFileSync(file, second);
    expect((await send(server, '/rewritten.img')).body.equals(second)).toBe(true);
  });

  it('logs exactly one line per request: time, client, method, path, status, bytes', async () => {
    const before = log.length;
    await send(server, '/boot.ipxe');
    await send(server, '/rootfs.img', { headers: { Range: 'bytes=0-9' } });
    await send(server, '/../secret.txt');
    const lines = log.slice(before);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z 127\.0\.0\.1 GET "\/boot\.ipxe" 200 12$/);
    expect(lines[1]).toMatch(/ GET "\/rootfs\.img" 206 10$/);
    expect(lines[2]).toMatch(/ GET "\/\.\.\/secret\.txt" 403 /);
  });
});
