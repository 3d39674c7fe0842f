/**
 * The loopback bridge over real HTTP on 127.0.0.1: sign-in and session cookie, Host and Origin checks, refused bad
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
import type { Drive } from '../../../electron/core/drives/types';
import type { TargetResult } from '../../../electron/core/write/events';
import type { WriterLauncher } from '../../../electron/core/write/writers';
import { startUiServer, type UiServer } from '../../../electron/bridge/ui-server';
import { skipReason } from '../../helpers/requirements';
import { sessionHeaders, signInHeaders } from '../../helpers/bridge-session';

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

/** A drive as the core lists it (only these fields matter to the app). */
function drive(id: string, device: string, size: number, over: Partial<Drive> = {}): Drive {
  return {
    id,
    device,
    raw: device,
    size,
    vendor: 'Acme',
    model: 'Stick',
    description: 'Acme Stick',
    serial: `S-${id}`,
    bus: 'usb',
    removable: true,
    readOnly: false,
    system: false,
    systemReasons: [],
    loop: false,
    mountpoints: [],
    partitions: [],
    logicalBlockSize: 512,
    physicalBlockSize: 512,
    partitionTable: null,
    ...over,
  };
}

const drives: Drive[] = [
  drive('d-usb', '/dev/sdx', 16e9),
  drive('d-big', '/dev/sdy', 2e12, { model: 'Disk', description: 'Acme Disk', removable: false }),
  drive('d-sys', '/dev/vdz', 256e9, { system: true, systemReasons: ['holds /'], bus: 'virtio', mountpoints: ['/'], removable: false }),
];

/**
 * A stand-in for the writer (the real one is tested on loop devices in tests/integration/write): it
 * records the jobs it was given and reports a write; one of /dev/sdy alone waits for the cancel.
 */
function recordingWriter(flashed: string[][]): WriterLauncher {
  return {
    kind: 'test',
    async run(job, hooks = {}) {
      flashed.push(job.targets.map((t) => t.device));
      const base = { bytesWritten: 100, verified: true, warnings: [], timings: {} };
      if (job.targets[0]!.device === '/dev/sdy' && job.targets.length === 1) {
        await new Promise((r) => hooks.signal?.addEventListener('abort', r, { once: true }));
        const error = {
          code: 'WRITE_CANCELLED',
          message: 'cancelled',
          params: { device: '/dev/sdy', stage: 'before-write', wiped: false },
        };
        const results: TargetResult[] = [
          {
            ...base,
            device: '/dev/sdy',
            ok: false,
            ending: 'cancelled-before-write',
            bytesWritten: 0,
            verified: false,
            ignitionSha256: null,
            error,
          },
        ];
        return { results, cancelled: true };
      }
      hooks.onEvent?.({ type: 'progress', device: job.targets[0]!.device, phase: 'write', bytes: 50, total: 100, speed: 10 });
      const results: TargetResult[] = job.targets.map((t) => ({
        ...base,
        device: t.device,
        ok: true,
        ending: 'verified',
        ignitionSha256: 'ab',
      }));
      return { results, cancelled: false };
    },
  };
}

describe.skipIf(why)('loopback bridge', () => {
  let dir: string;
  let iso: string;
  let server: UiServer;
  let client: BridgeClient;
  let auth: Record<string, string>;
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
      core: { listDrives: async () => drives, watchDrives: undefined, writer: () => recordingWriter(flashed) },
    });
    auth = await sessionHeaders(server);
    client = createBridgeClient({ baseUrl: server.origin, headers: auth, reconnectMs: 100 });
  });

  afterAll(async () => {
    client?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and gives sign-in links with a one-time code in the fragment', () => {
    const link = server.signInLink();
    expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#code=[A-Za-z0-9_-]{32}$`));
    expect(server.signInLink()).not.toBe(link);
  });

  it('spends a code once, sets an HttpOnly SameSite=Strict cookie, refuses wrong and spent codes', async () => {
    const code = server.signInCode();
    const post = (c: string) =>
      fetch(`${server.origin}/api/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: c }),
      });
    const first = await post(code);
    expect(first.status).toBe(200);
    expect(first.headers.get('set-cookie')).toMatch(/^flint_session=[A-Za-z0-9_-]{32}; HttpOnly; SameSite=Strict; Path=\/$/);
    const again = await post(code);
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('SIGN_IN_CODE_INVALID');
    expect((await post('x'.repeat(32))).status).toBe(401);
    // each sign-in is its own session; both work
    const other = await signInHeaders(server.origin, server.signInCode());
    const info = await fetch(`${server.origin}/api/app:info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...other },
      body: '{}',
    });
    expect(info.status).toBe(200);
  });

  it('answers app:info through the bridge client', async () => {
    const r = await client.invoke('app:info', {});
    expect(r).toMatchObject({ ok: true, value: { name: 'Flint', version: '9.9.9', mode: 'browser' } });
  });

  it('refuses API calls and events without or with a wrong session cookie', async () => {
    const body = '{}';
    const none = await raw(server.port, {
      method: 'POST',
      path: '/api/app:info',
      headers: { host: `127.0.0.1:${server.port}`, 'content-type': 'application/json' },
      body,
    });
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body).error.code).toBe('SIGN_IN_REQUIRED');
    const wrong = createBridgeClient({ baseUrl: server.origin, headers: { cookie: `flint_session=${'x'.repeat(32)}` } });
    expect(await wrong.invoke('app:info', {})).toMatchObject({ ok: false, error: { code: 'SIGN_IN_REQUIRED' } });
    const spent = createBridgeClient({ baseUrl: server.origin, signInCode: 'y'.repeat(32) });
    expect(await spent.invoke('app:info', {})).toMatchObject({ ok: false, error: { code: 'SIGN_IN_REQUIRED' } });
    const ev = await raw(server.port, { path: '/api/events', headers: { host: `127.0.0.1:${server.port}` } });
    expect(ev.status).toBe(401);
  });

  it('refuses foreign Host headers (DNS rebinding) and foreign Origins', async () => {
    const h = { 'content-type': 'application/json', ...auth };
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
    const h = { host: `127.0.0.1:${server.port}`, ...auth, 'content-type': 'application/json' };
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
    const page = await raw(server.port, { path: '/', headers: { host: `127.0.0.1:${server.port}` } });
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
    expect(k.ok && k.value.problems.map((p) => [p.code, p.params])).toEqual([['KARG_UNBALANCED_QUOTE', { arg: '"a b' }]]);
    const w = await client.invoke('options:check-kargs', { kargs: 'console=ttyS0 mitigations=off', imageId: img.value.id });
    expect(w).toMatchObject({ ok: true, value: { ok: true, args: ['console=ttyS0', 'mitigations=off'], problems: [] } });
    expect(w.ok && w.value.warnings?.map((x) => x.code)).toEqual(['KARG_OVERRIDES_DEFAULT']);
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
      error: { code: 'WRITE_SYSTEM_DEVICE', params: { device: '/dev/vdz', reasons: ['holds /'] } },
    });
    expect(await client.invoke('flash:start', { ...base, targetIds: ['d-big'] })).toMatchObject({
      ok: false,
      error: { code: 'WRITE_LARGE_UNCONFIRMED', params: { device: '/dev/sdy', size: 2e12 } },
    });
    expect(await client.invoke('flash:start', { ...base, targetIds: ['nope'] })).toMatchObject({
      ok: false,
      error: { code: 'WRITE_TARGET_NOT_FOUND' },
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
    expect(progress).toContainEqual(
      expect.objectContaining({ phase: 'write', step: 'write', driveId: 'd-usb', percent: 50, speed: 10, eta: 5 }),
    );
    expect(done.results[0]).toMatchObject({ model: 'Stick', serial: 'S-d-usb', size: 16e9, ending: 'verified' });
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
      expect.objectContaining({
        driveId: 'd-big',
        ok: false,
        ending: 'cancelled-before-write',
        error: expect.objectContaining({ code: 'WRITE_CANCELLED' }),
      }),
    ]);
  });
});
