/**
 * The bridge answers an oversized request body with 413 as soon as the limit is passed: it does
 * not wait for (or read) the rest of an upload that may never end.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, startUiServer, type UiServer } from '../../../electron/bridge/ui-server';
import { sessionHeaders } from '../../helpers/bridge-session';

describe('bridge request body limit', () => {
  let dir: string;
  let server: UiServer;
  let auth: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flint-body-limit-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Flint</title>');
    server = await startUiServer({ port: 0, rendererDir: dir, core: { listDrives: async () => [], watchDrives: undefined } });
    auth = await sessionHeaders(server);
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Sends the headers of a body (`declared` bytes, or chunked when null), then `sent` bytes of it,
   * and never finishes it.
   */
  function upload(declared: number | null, sent: number): Promise<{ head: string; closedByServer: boolean }> {
    return new Promise((resolve, reject) => {
      const sock = connect(server.port, '127.0.0.1');
      let got = '';
      let written = 0;
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error(`no answer within 10 s after sending ${written} bytes`));
      }, 10_000);
      sock.on('error', () => {}); // a reset after the answer is the server hanging up
      sock.on('data', (c) => (got += c.toString('latin1')));
      // the server answers and hangs up (end or reset) while the client is still sending
      const done = () => {
        clearTimeout(timer);
        resolve({ head: got.split('\r\n\r\n')[0]!, closedByServer: got.includes('\r\n\r\n') });
        sock.destroy();
      };
      sock.on('end', done);
      sock.on('close', done);
      const headers = [
        'POST /api/app:info HTTP/1.1',
        `Host: 127.0.0.1:${server.port}`,
        'Content-Type: application/json',
        ...Object.entries(auth).map(([k, v]) => `${k}: ${v}`),
        declared === null ? 'Transfer-Encoding: chunked' : `Content-Length: ${declared}`,
        '',
        '',
      ].join('\r\n');
      sock.write(headers);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (written < sent) {
          const n = Math.min(chunk.length, sent - written);
          written += n;
          const data = chunk.subarray(0, n);
          const framed = declared === null ? Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), data, Buffer.from('\r\n')]) : data;
          if (!sock.write(framed)) return void sock.once('drain', pump);
        }
      };
      pump();
    });
  }

  it('answers 413 right after the limit, without the rest of the body', async () => {
    // declared honestly as huge: refused from the header alone
    const declared = await upload(MAX_BODY_BYTES + 1024 ** 3, 0);
    expect(declared).toMatchObject({ closedByServer: true, head: expect.stringMatching(/^HTTP\/1\.1 413 /) });
    // chunked (no length given): 1 MiB more than the limit is sent, then the client stalls
    const chunked = await upload(null, MAX_BODY_BYTES + 1024 ** 2);
    expect(chunked).toMatchObject({ closedByServer: true, head: expect.stringMatching(/^HTTP\/1\.1 413 /) });
    expect(chunked.head.toLowerCase()).toContain('connection: close');
  });

  it('still answers normal requests afterwards', async () => {
    const r = await fetch(`${server.origin}/api/app:info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: '{}',
    });
    expect(await r.json()).toMatchObject({ ok: true });
  });
});
