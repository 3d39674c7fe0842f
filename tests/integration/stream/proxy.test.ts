import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { obtainImage } from '../../../electron/core/flash/source';
import { listCache } from '../../../electron/core/stream/cache';
import { downloadArtifact } from '../../../electron/core/stream/download';
import { fetchStreamMetadata, selectRelease } from '../../../electron/core/stream/metadata';
import { TEST_KEY, populateMirror, startMirrorServer, type MirrorServer } from '../../helpers/mirror-server';
import { skipReason } from '../../helpers/requirements';
import { makeTestCa, type TestCa } from '../../helpers/test-ca';
import { startTinyproxy, type TinyProxy } from '../../helpers/tinyproxy';
import { failure } from '../../helpers/failure';

/**
 * Downloads through a real proxy (tinyproxy on 127.0.0.1): http:// forwarded, https:// tunnelled
 * with CONNECT to a TLS mirror whose certificate a test CA signed; NO_PROXY; proxies that are not
 * there or refuse. The tinyproxy log and the Via header prove which way each request went.
 */
const why = skipReason({ tools: ['tinyproxy', 'openssl'] });
const ROOT = path.resolve(__dirname, '../../..');
const NO_PROXY_ENV = {
  HTTP_PROXY: '',
  HTTPS_PROXY: '',
  ALL_PROXY: '',
  NO_PROXY: '',
  http_proxy: '',
  https_proxy: '',
  all_proxy: '',
  no_proxy: '',
};

let work: string;
let ca: TestCa;
let plain: MirrorServer;
let secure: MirrorServer;
let proxy: TinyProxy;
let deadProxy: string;
let keyFile: string;

function flint(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, 'bin/flint.mjs'), ...args],
      { cwd: work, env: { ...process.env, ...NO_PROXY_ENV, ...env } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const port = (url: string) => new URL(url).port;

describe.skipIf(why)('downloads through a real proxy (tinyproxy)', () => {
  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'flint-proxy-'));
    ca = makeTestCa();
    const files = { iso: randomBytes((1 << 20) + 17), kernel: randomBytes(4096), initramfs: randomBytes(8192), rootfs: randomBytes(16384) };
    await populateMirror(path.join(work, 'plain'), files);
    await populateMirror(path.join(work, 'secure'), files);
    plain = await startMirrorServer({ root: path.join(work, 'plain') });
    secure = await startMirrorServer({ root: path.join(work, 'secure'), tls: { key: ca.key, cert: ca.cert } });
    proxy = await startTinyproxy();
    // a port nothing listens on: a proxy that is not there
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    deadProxy = `http://127.0.0.1:${(s.address() as net.AddressInfo).port}`;
    await new Promise((r) => s.close(r));
    keyFile = path.join(work, 'test-key.pub.asc');
    await writeFile(keyFile, TEST_KEY.publicArmored);
  });

  afterAll(async () => {
    await proxy?.stop();
    await plain?.close();
    await secure?.close();
    ca?.cleanup();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('http://: metadata, signature and ISO are forwarded by the proxy and verified', async () => {
    const before = proxy.requests().length;
    const rel = selectRelease(await fetchStreamMetadata('stable', { baseUrl: plain.url, proxy: proxy.url }), 'x86_64');
    const r = await downloadArtifact(rel.iso, { cacheDir: path.join(work, 'c1'), keyrings: [TEST_KEY.publicArmored], proxy: proxy.url });
    expect(r.signature).toBe('verified');
    const seen = proxy.requests().slice(before);
    expect(seen).toContain(`GET ${plain.url}/streams/stable.json HTTP/1.1`);
    expect(seen).toContain(`GET ${rel.iso.url} HTTP/1.1`);
    expect(seen).toContain(`GET ${rel.iso.sigUrl} HTTP/1.1`);
    expect(plain.requests.filter((q) => q.path === new URL(rel.iso.url).pathname).every((q) => /tinyproxy/.test(q.via ?? ''))).toBe(true);
  });

  it('https://: tunnelled with CONNECT to a TLS mirror trusted through the ca option; untrusted without it', async () => {
    const before = proxy.requests().length;
    const rel = selectRelease(await fetchStreamMetadata('stable', { baseUrl: secure.url, proxy: proxy.url, ca: [ca.caCert] }), 'x86_64');
    expect(rel.iso.url.startsWith('https://127.0.0.1:')).toBe(true);
    const r = await downloadArtifact(rel.iso, {
      cacheDir: path.join(work, 'c2'),
      keyrings: [TEST_KEY.publicArmored],
      proxy: proxy.url,
      ca: [ca.caCert],
    });
    expect(r.signature).toBe('verified');
    expect(proxy.requests().slice(before)).toContain(`CONNECT 127.0.0.1:${port(secure.url)} HTTP/1.1`);
    // inside the tunnel the proxy sees nothing: no Via header reaches the server
    expect(secure.requests.every((q) => q.via === undefined)).toBe(true);
    const e = await failure(fetchStreamMetadata('stable', { baseUrl: secure.url, proxy: proxy.url, fetchRetries: 0 }));
    expect(e.code).toBe('HTTP_NETWORK');
    expect(e.causes.join(' ')).toMatch(/certificate/i);
  });

  it('NO_PROXY sends the mirror direct; without it a proxy that is not there is named in the error', async () => {
    const rel = selectRelease(
      await fetchStreamMetadata('stable', { baseUrl: plain.url, proxy: deadProxy, noProxy: 'localhost,127.0.0.0/8' }),
      'x86_64',
    );
    const r = await downloadArtifact(rel.pxe.kernel, {
      cacheDir: path.join(work, 'c3'),
      keyrings: [TEST_KEY.publicArmored],
      proxy: deadProxy,
      noProxy: '127.0.0.1',
    });
    expect(r.signature).toBe('verified');
    const e = await failure(fetchStreamMetadata('stable', { baseUrl: plain.url, proxy: deadProxy, fetchRetries: 0 }));
    expect(e.code).toBe('PROXY_UNREACHABLE');
    expect(e.params).toMatchObject({ proxy: deadProxy });
    expect(e.message).toBe(`Cannot reach the proxy ${deadProxy}`);
  });

  it('a proxy that refuses: 403 for a forwarded request, PROXY_REFUSED for a tunnel, both naming the proxy; nothing published', async () => {
    const denying = await startTinyproxy({ allow: '192.0.2.1' });
    const noTunnel = await startTinyproxy({ connectPorts: [443] });
    try {
      const e1 = await failure(fetchStreamMetadata('stable', { baseUrl: plain.url, proxy: denying.url, fetchRetries: 0 }));
      expect(e1.code).toBe('HTTP_STATUS');
      expect(e1.message).toContain(`through the proxy ${denying.url} failed: the proxy or the server answered 403`);
      const e2 = await failure(
        fetchStreamMetadata('stable', { baseUrl: secure.url, proxy: noTunnel.url, ca: [ca.caCert], fetchRetries: 0 }),
      );
      expect(e2.code).toBe('PROXY_REFUSED');
      expect(e2.params).toMatchObject({ proxy: noTunnel.url, host: `127.0.0.1:${port(secure.url)}`, status: 403 });
      const rel = selectRelease(await fetchStreamMetadata('stable', { baseUrl: secure.url, ca: [ca.caCert], proxy: '' }), 'x86_64');
      const e3 = await failure(
        downloadArtifact(rel.iso, {
          cacheDir: path.join(work, 'c4'),
          keyrings: [TEST_KEY.publicArmored],
          proxy: noTunnel.url,
          ca: [ca.caCert],
          fetchRetries: 0,
        }),
      );
      expect(e3.code).toBe('PROXY_REFUSED');
      expect((await listCache(path.join(work, 'c4'))).entries).toEqual([]);
      expect(noTunnel.requests()).toContain(`CONNECT 127.0.0.1:${port(secure.url)} HTTP/1.1`);
    } finally {
      await denying.stop();
      await noTunnel.stop();
    }
  });

  it('CLI: HTTPS_PROXY and NODE_EXTRA_CA_CERTS from the environment, --proxy on download, NO_PROXY bypass, worded errors', async () => {
    const before = proxy.requests().length;
    const streams = await flint(['streams', '--stream', 'stable', '--base-url', secure.url, '--json'], {
      HTTPS_PROXY: proxy.url,
      NODE_EXTRA_CA_CERTS: ca.caFile,
    });
    expect(streams.stderr).toBe('');
    expect(JSON.parse(streams.stdout).iso.url.startsWith(secure.url)).toBe(true);
    expect(proxy.requests().slice(before)).toContain(`CONNECT 127.0.0.1:${port(secure.url)} HTTP/1.1`);

    const mid = proxy.requests().length;
    const dl = await flint(
      ['download', '--base-url', plain.url, '--keyring', keyFile, '--cache-dir', path.join(work, 'c5'), '--proxy', proxy.url],
      {
        HTTP_PROXY: deadProxy,
      },
    );
    expect(dl.code, dl.stderr).toBe(0);
    expect(
      proxy
        .requests()
        .slice(mid)
        .some((l) => l.startsWith(`GET ${plain.url}/`)),
    ).toBe(true);

    const direct = await flint(['streams', '--stream', 'stable', '--base-url', plain.url, '--json'], {
      HTTP_PROXY: deadProxy,
      NO_PROXY: '127.0.0.1',
    });
    expect(direct.code, direct.stderr).toBe(0);

    const dead = await flint(['streams', '--base-url', plain.url], { HTTP_PROXY: deadProxy });
    expect(dead.code).toBe(1);
    expect(dead.stderr).toBe(
      `Error: cannot reach the proxy ${deadProxy}: check --proxy (or HTTPS_PROXY/HTTP_PROXY), or add 127.0.0.1:${port(plain.url)} to NO_PROXY\n`,
    );

    const bad = await flint(['streams', '--proxy', 'socks5://127.0.0.1:1'], {});
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error: The proxy "socks5:\/\/127.0.0.1:1" uses socks5, which Flint does not support/);
  });
  it("burn's image source and 'flint pxe download --proxy' go through the proxy", async () => {
    const before = proxy.requests().length;
    const image = await obtainImage({
      kind: 'stream',
      stream: 'stable',
      arch: 'x86_64',
      baseUrl: plain.url,
      keyrings: [TEST_KEY.publicArmored],
      cacheDir: path.join(work, 'c6'),
      proxy: proxy.url,
    });
    expect(image.signature).toBe('verified');
    expect(
      proxy
        .requests()
        .slice(before)
        .some((l) => l.startsWith(`GET ${plain.url}/`) && l.includes('live-iso')),
    ).toBe(true);
    const mid = proxy.requests().length;
    const pxe = await flint(
      [
        'pxe',
        'download',
        '--base-url',
        plain.url,
        '--keyring',
        keyFile,
        '--cache-dir',
        path.join(work, 'c7'),
        '--dir',
        path.join(work, 'boot'),
        '--proxy',
        proxy.url,
      ],
      { HTTP_PROXY: deadProxy },
    );
    expect(pxe.code, pxe.stderr).toBe(0);
    expect(
      proxy
        .requests()
        .slice(mid)
        .filter((l) => /live-(kernel|initramfs|rootfs)/.test(l) && !l.includes('.sig ')),
    ).toHaveLength(3);
    const iso = await flint(['burn', '--iso', 'x.iso', '--proxy', proxy.url, '--target', '/dev/null'], {});
    expect(iso.stderr).toBe('Error: --arch, --base-url, --keyring and --proxy only apply to --stream\n');
  });
});
