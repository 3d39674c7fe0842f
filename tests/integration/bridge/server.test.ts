/**
 * The loopback bridge over real HTTP on 127.0.0.1: token, Host and Origin checks, refused bad
 * requests, invokes through the bridge client, SSE events, static files and path traversal.
 * The core behind it is the real one (Ignition validator, ISO reader) except where a test needs a
 * drive list or a writer, which this machine cannot offer safely.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridgeClient, type BridgeClient } from '../../../renderer/src/bridge-client';
import type { DriveList, FlashFinished } from '../../../electron/contract/types';
import type { CoreDrive } from '../../../electron/app/core-adapter';
import { startUiServer, type UiServer } from '../../../electron/bridge/ui-server';
import { skipReason } from '../../helpers/requirements';

const FIXTURE = join(__dirname, '../../fixtures/coreos-installer/iso/embed-areas-2023-07.x86_64.iso.xz');
const why = skipReason({ tools: ['xz'] });

/** A raw HTTP request (fetch cannot set Host). */
function raw(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const drives: CoreDrive[] = [
  {
    id: 'd-usb',
    device: '/dev/sdx',
    size: 16e9,
    vendor: 'Acme',
    model: 'Stick',
    bus: 'usb',
    removable: true,
    readOnly: false,
    system: false,
    mountpoints: [],
  },
  {
    id: 'd-big',
    device: '/dev/sdy',
    size: 2e12,
    vendor: 'Acme',
    model: 'Disk',
    bus: 'usb',
    removable: false,
    readOnly: false,
    system: false,
    mountpoints: [],
  },
  {
    id: 'd-sys',
    device: '/dev/vdz',
    size: 256e9,
    vendor: '',
    model: '',
    bus: 'virtio',
    removable: false,
    readOnly: false,
    system: true,
    mountpoints: ['/'],
  },
];

describe.skipIf(why)('loopback bridge', () => {
  let dir: string;
  let iso: string;
  let server: UiServer;
  let client: BridgeClient;
  const flashed: string[][] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flint-bridge-'));
    const rendererDir = join(dir, 'renderer');
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Flint</title><script src="./assets/app.js"></script>');
    writeFileSync(join(rendererDir, 'assets/app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'not for the browser');
    iso = join(dir, 'live.iso');
    writeFileSync(iso, execFileSync('xz', ['-dc', FIXTURE], { maxBuffer: 64 << 20 }));
    server = await startUiServer({
      port: 0,
      rendererDir,
      app: { name: 'Flint', version: '9.9.9' },
      core: {
        listDrives: async () => drives,
        watchDrives: undefined,
        // The writer is another engineer's tested unit; here it only records what it was asked.
        flash: async ({ targets, onProgress, signal }) => {
          flashed.push(targets.map((t) => t.device));
          if (targets[0]!.device === '/dev/sdy' && targets.length === 1) {
            // a long write: waits for the cancel, then reports the stick as cancelled
            await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
            return [{ device: '/dev/sdy', ok: false, bytesWritten: 0, error: { code: 'WRITE_CANCELLED', message: 'cancelled' } }];
          }
          onProgress({ phase: 'write', device: targets[0]!.device, bytes: 50, total: 100, speed: 10 });
          return targets.map((t) => ({ device: t.device, ok: true, bytesWritten: 100, configSha256: 'ab', expectedSha256: 'ab' }));
        },
      },
    });
    client = createBridgeClient({ baseUrl: server.origin, token: server.token, reconnectMs: 100 });
  });

  afterAll(async () => {
    client?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 with a token in the URL', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[A-Za-z0-9_-]{32}$`));
  });

  it('answers app:info through the bridge client', async () => {
    const r = await client.invoke('app:info', {});
    expect(r).toMatchObject({ ok: true, value: { name: 'Flint', version: '9.9.9', mode: 'browser' } });
  });

  it('refuses API calls without or with a wrong token', async () => {
    const body = '{}';
    const none = await raw(server.port, {
      method: 'POST',
      path: '/api/app:info',
      headers: { host: `127.0.0.1:${server.port}`, 'content-type': 'application/json' },
      body,
    });
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body).error.code).toBe('TOKEN_REQUIRED');
    const wrong = createBridgeClient({ baseUrl: server.origin, token: 'x'.repeat(32) });
    expect(await wrong.invoke('app:info', {})).toMatchObject({ ok: false, error: { code: 'TOKEN_REQUIRED' } });
    const ev = await raw(server.port, { path: '/api/events?token=nope', headers: { host: `127.0.0.1:${server.port}` } });
    expect(ev.status).toBe(401);
  });

  it('refuses foreign Host headers (DNS rebinding) and foreign Origins', async () => {
    const h = { 'content-type': 'application/json', 'x-flint-token': server.token };
    const rebind = await raw(server.port, {
      method: 'POST',
      path: '/api/app:info',
      headers: { ...h, host: `evil.example:${server.port}` },
      body: '{}',
    });
    expect(rebind.status).toBe(421);
    const page = await raw(server.port, { path: '/', headers: { host: 'attacker.test' } });
    expect(page.status).toBe(421);
    const cross = await raw(server.port, {
      method: 'POST',
      path: '/api/app:info',
      headers: { ...h, host: `127.0.0.1:${server.port}`, origin: 'http://evil.example' },
      body: '{}',
    });
    expect(cross.status).toBe(403);
    expect(JSON.parse(cross.body).error.code).toBe('BAD_ORIGIN');
    const same = await raw(server.port, {
      method: 'POST',
      path: '/api/app:info',
      headers: { ...h, host: `localhost:${server.port}`, origin: `http://localhost:${server.port}` },
      body: '{}',
    });
    expect(same.status).toBe(200);
  });

  it('refuses bad requests: method, content type, JSON, channel, shape, electron-only channels', async () => {
    const h = { host: `127.0.0.1:${server.port}`, 'x-flint-token': server.token, 'content-type': 'application/json' };
    expect((await raw(server.port, { method: 'GET', path: '/api/app:info', headers: h })).status).toBe(405);
    expect(
      (await raw(server.port, { method: 'POST', path: '/api/app:info', headers: { ...h, 'content-type': 'text/plain' }, body: '{}' }))
        .status,
    ).toBe(415);
    expect((await raw(server.port, { method: 'POST', path: '/api/app:info', headers: h, body: '{nope' })).status).toBe(400);
    const unknown = await raw(server.port, { method: 'POST', path: '/api/shell:exec', headers: h, body: '{}' });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('BAD_CHANNEL');
    const extra = await raw(server.port, {
      method: 'POST',
      path: '/api/drives:list',
      headers: h,
      body: '{"showSystem":true,"device":"/dev/sda"}',
    });
    expect(extra.status).toBe(400);
    expect(await client.invoke('image:open-dialog', {})).toMatchObject({ ok: false, error: { code: 'CHANNEL_REFUSED' } });
    expect(await client.invoke('flash:start', { imageId: 'x', targetIds: [] } as never)).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    const huge = await raw(server.port, { method: 'POST', path: '/api/file:load-bytes', headers: h, body: 'x'.repeat(9 * 1024 * 1024) });
    expect(huge.status).toBe(413);
  });

  it('serves the renderer with a strict CSP and never files outside it', async () => {
    const page = await raw(server.port, { path: '/?token=' + server.token, headers: { host: `127.0.0.1:${server.port}` } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Flint</title>');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(page.headers['content-security-policy'])).not.toContain('unsafe-inline');
    const js = await raw(server.port, { path: '/assets/app.js', headers: { host: `127.0.0.1:${server.port}` } });
    expect(js.headers['content-type']).toMatch(/javascript/);
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%00']) {
      const r = await raw(server.port, { path: p, headers: { host: `127.0.0.1:${server.port}` } });
      expect(r.status, p).toBe(404);
      expect(r.body).not.toContain('not for the browser');
    }
  });

  it('validates an uploaded config with the real Ignition validator', async () => {
    const good = await client.invoke('file:load-bytes', { kind: 'config', name: 'a.ign', text: '{"ignition":{"version":"3.4.0"}}' });
    expect(good).toMatchObject({ ok: true, value: { kind: 'config', name: 'a.ign', report: { ok: true, version: '3.4.0' } } });
    const bad = await client.invoke('file:load-bytes', { kind: 'config', name: 'b.ign', text: '{"ignition":{"version":"9.9.9"}}' });
    expect(bad.ok && bad.value.report?.ok).toBe(false);
    const bu = await client.invoke('file:load-bytes', {
      kind: 'config',
      name: 'a.bu',
      text: 'variant: fcos\nversion: 1.5.0\npasswd:\n  users:\n    - name: core\n      ssh_authorized_keys: [ssh-ed25519 AAAA]\n',
    });
    expect(bu).toMatchObject({ ok: true, value: { name: 'a.bu', report: { ok: true, version: '3.4.0' } } });
    expect(bu.ok && JSON.parse(bu.value.text).passwd.users[0].name).toBe('core');
    const badBu = await client.invoke('file:load-bytes', {
      kind: 'config',
      name: 'b.bu',
      text: 'variant: fcos\nversion: 1.5.0\nbogus: 1\n',
    });
    expect(badBu.ok && badBu.value.report?.ok).toBe(false);
    expect(badBu.ok && badBu.value.report?.errors[0]?.message).toMatch(/^line 3: /);
    const net = await client.invoke('file:load-bytes', { kind: 'network', name: 'x.nmconnection', text: 'nothing' });
    expect(net).toMatchObject({ ok: false, error: { code: 'FILE_INVALID' } });
  });

  it('uploads a dropped config File and refuses a dropped ISO without a path', async () => {
    const r = await client.openDroppedFile(new File(['{"ignition":{"version":"3.3.0"}}'], 'dropped.ign'));
    expect(r).toMatchObject({ ok: true, value: { kind: 'config', file: { name: 'dropped.ign', source: 'upload' } } });
    const isoDrop = await client.openDroppedFile(new File(['x'], 'live.iso'));
    expect(isoDrop).toMatchObject({ ok: false, error: { code: 'DROP_ISO_NEEDS_PATH' } });
  });

  it('opens a typed ISO path with real facts, checks the config against its embed area and kargs', async () => {
    expect(await client.invoke('image:open-path', { path: 'relative.iso' })).toMatchObject({
      ok: false,
      error: { code: 'PATH_NOT_ABSOLUTE' },
    });
    expect(await client.invoke('image:open-path', { path: join(dir, 'secret.txt') })).toMatchObject({
      ok: false,
      error: { code: 'NOT_AN_ISO' },
    });
    const img = await client.invoke('image:open-path', { path: iso });
    expect(img.ok).toBe(true);
    if (!img.ok) return;
    const f = img.value.facts;
    expect(f.arch).toBe('x86_64');
    expect(f.embedCapacity).toBeGreaterThan(0);
    expect(f.ramForFromRam).toBe(img.value.size + 2 * 1024 ** 3);
    const cfg = await client.invoke('file:load-bytes', { kind: 'config', name: 'c.ign', text: '{"ignition":{"version":"3.4.0"}}' });
    if (!cfg.ok) throw new Error('config');
    const v = await client.invoke('config:validate', { id: cfg.value.id, imageId: img.value.id });
    expect(v.ok && v.value.report?.capacity).toBe(f.embedCapacity);
    const k = await client.invoke('options:check-kargs', { kargs: 'console=ttyS0 coreos.liveiso.fromram "a b', imageId: img.value.id });
    expect(k.ok && k.value.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['KARGS_UNBALANCED_QUOTE', 'KARGS_MANAGED']));
  });

  it('lists a directory by name only, and saves a customized ISO only to a new file', async () => {
    const l = await client.invoke('fs:list-dir', { path: dir, filter: 'iso' });
    expect(l.ok && l.value.entries.map((e) => e.name)).toEqual(['renderer', 'live.iso']);
    const img = await client.invoke('image:open-path', { path: iso });
    if (!img.ok) throw new Error('iso');
    const cfg = await client.invoke('file:load-bytes', { kind: 'config', name: 'c.ign', text: '{"ignition":{"version":"3.4.0"}}' });
    if (!cfg.ok) throw new Error('cfg');
    const options = { fromRam: true, extraKargs: '', networkIds: [], caIds: [] };
    expect(await client.invoke('iso:save', { imageId: img.value.id, configId: cfg.value.id, options, path: iso })).toMatchObject({
      ok: false,
      error: { code: 'SAVE_EXISTS' },
    });
    const out = join(dir, 'custom.iso');
    const saved = await client.invoke('iso:save', { imageId: img.value.id, configId: cfg.value.id, options, path: out });
    expect(saved).toMatchObject({ ok: true, value: { path: out } });
    const reopened = await client.invoke('image:open-path', { path: out });
    expect(reopened.ok && reopened.value.facts.customized).toBe(true);
  });

  it('hides system drives, refuses them and unconfirmed large ones, flashes and streams events', async () => {
    const list = await client.invoke('drives:list', {});
    expect(list).toMatchObject({ ok: true, value: { hiddenSystemCount: 1 } });
    expect((list as { value: DriveList }).value.drives.map((d) => [d.id, d.large])).toEqual([
      ['d-usb', false],
      ['d-big', true],
    ]);
    const img = await client.invoke('image:open-path', { path: iso });
    if (!img.ok) throw new Error('iso');
    const base = {
      imageId: img.value.id,
      options: { fromRam: false, extraKargs: '', networkIds: [], caIds: [] },
      verify: true,
      eject: false,
      confirmLarge: false,
    };
    expect(await client.invoke('flash:start', { ...base, targetIds: ['d-sys'] })).toMatchObject({
      ok: false,
      error: { code: 'DRIVE_SYSTEM' },
    });
    expect(await client.invoke('flash:start', { ...base, targetIds: ['d-big'] })).toMatchObject({
      ok: false,
      error: { code: 'DRIVE_LARGE_UNCONFIRMED' },
    });
    expect(await client.invoke('flash:start', { ...base, targetIds: ['nope'] })).toMatchObject({
      ok: false,
      error: { code: 'DRIVE_UNKNOWN' },
    });
    expect(flashed).toEqual([]);

    const progress: unknown[] = [];
    client.on('flash:progress', (p) => progress.push(p));
    const finished = new Promise<FlashFinished>((resolve) => client.on('flash:finished', resolve));
    await client.connected();
    const started = await client.invoke('flash:start', { ...base, targetIds: ['d-usb', 'd-big'], confirmLarge: true });
    expect(started.ok).toBe(true);
    const done = await finished;
    expect(done).toMatchObject({ ok: true, cancelled: false });
    expect(done.results.map((r) => [r.driveId, r.configSha256])).toEqual([
      ['d-usb', 'ab'],
      ['d-big', 'ab'],
    ]);
    expect(progress).toContainEqual(expect.objectContaining({ phase: 'write', driveId: 'd-usb', percent: 50, speed: 10, eta: 5 }));
    expect(flashed).toEqual([['/dev/sdx', '/dev/sdy']]);
  });

  it('cancels a running flash and refuses a second one meanwhile', async () => {
    const img = await client.invoke('image:open-path', { path: iso });
    if (!img.ok) throw new Error('iso');
    const base = {
      imageId: img.value.id,
      options: { fromRam: false, extraKargs: '', networkIds: [], caIds: [] },
      verify: true,
      eject: false,
      confirmLarge: true,
    };
    const finished = new Promise<FlashFinished>((resolve) => client.on('flash:finished', resolve));
    const started = await client.invoke('flash:start', { ...base, targetIds: ['d-big'] });
    if (!started.ok) throw new Error(started.error.message);
    expect(await client.invoke('flash:start', { ...base, targetIds: ['d-usb'] })).toMatchObject({
      ok: false,
      error: { code: 'FLASH_BUSY' },
    });
    expect(await client.invoke('flash:cancel', { jobId: 'flash-other' })).toMatchObject({
      ok: false,
      error: { code: 'FLASH_NOT_RUNNING' },
    });
    expect(await client.invoke('flash:cancel', { jobId: started.value.jobId })).toEqual({ ok: true, value: {} });
    const done = await finished;
    expect(done).toMatchObject({ jobId: started.value.jobId, ok: false, cancelled: true });
    expect(done.results).toEqual([
      expect.objectContaining({ driveId: 'd-big', ok: false, error: expect.objectContaining({ code: 'WRITE_CANCELLED' }) }),
    ]);
  });
});
