/**
 * Streams and downloads through the bridge with the real core against a local mirror (127.0.0.1)
 * holding a fixture ISO signed at run time: releases per stream with version, download progress
 * events, signature verified, then served from the cache.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridgeClient, type BridgeClient } from '../../../renderer/src/bridge-client';
import type { FlashProgress } from '../../../electron/contract/types';
import { startUiServer, type UiServer } from '../../../electron/bridge/ui-server';
import { fixtureIso } from '../../helpers/fixtures';
import { populateMirror, startMirrorServer, TEST_KEY, type MirrorServer } from '../../helpers/mirror-server';
import { sessionHeaders } from '../../helpers/bridge-session';

describe('downloads through the bridge', () => {
  let dir: string;
  let mirror: MirrorServer;
  let server: UiServer;
  let client: BridgeClient;
  let release: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flint-bridge-dl-'));
    const iso = await fixtureIso('embed-areas-2023-07.x86_64');
    const populated = await populateMirror(join(dir, 'mirror'), { stream: 'testing', iso: { file: iso } });
    release = (populated.metadata as { architectures: { x86_64: { artifacts: { metal: { release: string } } } } }).architectures.x86_64
      .artifacts.metal.release;
    mirror = await startMirrorServer({ root: join(dir, 'mirror') });
    server = await startUiServer({
      rendererDir: dir,
      coreOptions: { baseUrl: mirror.url, cacheDir: join(dir, 'cache'), keyrings: [TEST_KEY.publicArmored] },
      core: { listDrives: async () => [], watchDrives: undefined },
    });
    client = createBridgeClient({ baseUrl: server.origin, headers: await sessionHeaders(server), reconnectMs: 100 });
  });

  afterAll(async () => {
    client?.close();
    await server?.close();
    await mirror?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the release of a stream for an architecture, not yet cached', async () => {
    const r = await client.invoke('image:releases', { streams: ['testing'], arch: 'x86_64' });
    expect(r).toEqual({ ok: true, value: [expect.objectContaining({ stream: 'testing', arch: 'x86_64', release, cached: false })] });
    const missing = await client.invoke('image:releases', { streams: ['stable'], arch: 'x86_64' });
    expect(missing.ok).toBe(false);
    const some = await client.invoke('image:releases', { streams: ['stable', 'testing'], arch: 'x86_64' });
    expect(some.ok && some.value.map((x) => x.stream)).toEqual(['testing']);
  });

  it('downloads with progress events, verifies the signature, then reuses the cache', async () => {
    const progress: FlashProgress[] = [];
    client.on('image:progress', (p) => progress.push(p));
    await client.connected();
    const first = await client.invoke('image:download', { stream: 'testing', arch: 'x86_64' });
    expect(first).toMatchObject({ ok: true, value: { origin: 'download', signature: 'verified', release, stream: 'testing' } });
    if (!first.ok) return;
    expect(first.value.facts.embedCapacity).toBeGreaterThan(0);
    expect(first.value.facts.ramForFromRam).toBe(first.value.size + 2 * 1024 ** 3);
    expect(progress.some((p) => p.phase === 'download' && p.total === first.value.size)).toBe(true);
    expect(progress.at(-1)!.bytes).toBe(first.value.size);

    const rel = await client.invoke('image:releases', { streams: ['testing'], arch: 'x86_64' });
    expect(rel.ok && rel.value[0]!.cached).toBe(true);
    const again = await client.invoke('image:download', { stream: 'testing', arch: 'x86_64' });
    expect(again).toMatchObject({ ok: true, value: { origin: 'cache', sha256: first.value.sha256 } });
    const cached = await client.invoke('image:cached', {});
    expect(cached.ok && cached.value.map((i) => i.sha256)).toEqual([first.value.sha256]);
  });
});
