/**
 * The IPC bindings of the main process (ipcMain stood in by a recorder): every contract channel is
 * bound, requests from other frames are refused, every handler refuses malformed requests, the
 * Electron shell refuses channels that take paths from the renderer, and drops/dialogs load files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, SHELL_DROP_CHANNEL, type InvokeChannel } from '../../../electron/contract/api';
import type { Outcome } from '../../../electron/contract/types';
import { BOUND_CHANNELS, registerIpc } from '../../../electron/main/ipc';
import type { CoreAdapter } from '../../../electron/app/core-adapter';
import { createDefaultCore } from '../../../electron/app/core-default';
import { Session, type Dialogs } from '../../../electron/app/session';

type Handler = (event: unknown, request: unknown) => Promise<Outcome<unknown>>;

const mainFrame = { url: 'app://flint/index.html' };
const ourContents = { mainFrame };
const trustedEvent = { sender: ourContents, senderFrame: mainFrame };

describe('main process IPC', () => {
  const handlers = new Map<string, Handler>();
  let dir: string;
  let session: Session;
  let dialogAnswer: string | null = null;
  const dialogs: Dialogs = {
    openFile: async () => dialogAnswer,
    saveFile: async () => dialogAnswer,
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flint-ipc-'));
    writeFileSync(join(dir, 'good.ign'), '{"ignition":{"version":"3.4.0"}}');
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const core: CoreAdapter = { ...createDefaultCore(), listDrives: async () => [], watchDrives: undefined };
    session = new Session({ mode: 'electron', core, dialogs, app: { name: 'Flint', version: '1.2.3' } });
    const ipc = { handle: (ch: string, fn: Handler) => void handlers.set(ch, fn) };
    registerIpc(ipc as never, {
      session: () => session,
      trusted: (e) => (e as typeof trustedEvent).sender === ourContents && (e as typeof trustedEvent).senderFrame === mainFrame,
    });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const call = (ch: string, req: unknown, event: unknown = trustedEvent) => handlers.get(ch)!(event, req);

  it('binds exactly the contract channels (plus the private drop channel), one file per feature', () => {
    expect([...BOUND_CHANNELS].sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect([...handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS, SHELL_DROP_CHANNEL].sort());
  });

  it('refuses calls from another window or a subframe', async () => {
    const other = { sender: {}, senderFrame: mainFrame };
    const sub = { sender: ourContents, senderFrame: { url: 'https://evil.example/' } };
    for (const e of [other, sub]) {
      expect(await call('app:info', {}, e)).toMatchObject({ ok: false, error: { code: 'SENDER_REFUSED' } });
      expect(await call(SHELL_DROP_CHANNEL, { path: join(dir, 'good.ign'), kind: 'config' }, e)).toMatchObject({
        ok: false,
        error: { code: 'SENDER_REFUSED' },
      });
    }
  });

  it('refuses a malformed request on every channel', async () => {
    for (const ch of INVOKE_CHANNELS) {
      for (const bad of [null, 'x', [], { unexpected: 1 }]) {
        const r = await call(ch, bad);
        expect(r, `${ch} ${JSON.stringify(bad)}`).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      }
    }
  });

  it('refuses wrongly typed fields', async () => {
    const cases: [InvokeChannel, unknown][] = [
      ['file:open-dialog', { kind: 'passwd' }],
      ['file:load-bytes', { kind: 'config', name: '', text: '{}' }],
      ['file:load-bytes', { kind: 'config', name: 'a.ign', text: 'x'.repeat(4 * 1024 * 1024 + 1) }],
      ['image:download', { stream: '../../etc', arch: 'x86_64' }],
      ['image:releases', { streams: 'stable' }],
      ['drives:list', { showSystem: 'yes' }],
      [
        'flash:start',
        {
          imageId: 'i',
          options: { fromRam: false, extraKargs: '', networkIds: [], caIds: [] },
          targetIds: [],
          verify: true,
          eject: false,
          confirmLarge: false,
        },
      ],
      [
        'flash:start',
        {
          imageId: 'i',
          options: { fromRam: false, extraKargs: '', networkIds: [], caIds: [], destDevice: 'sda; rm -rf /' },
          targetIds: ['a'],
          verify: true,
          eject: false,
          confirmLarge: false,
        },
      ],
      ['iso:save', { imageId: 'i', options: {} }],
      ['flash:cancel', { jobId: 5 }],
    ];
    for (const [ch, req] of cases) {
      expect(await call(ch, req), ch).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    // a drive named twice is well-formed: the target rules refuse it (WRITE_TARGET_TWICE, as on the
    // CLI; tests/integration/flash/conformance.test.ts), after the unknown image here
    const twice = { imageId: 'i', options: { fromRam: false, extraKargs: '', networkIds: [], caIds: [] }, targetIds: ['a', 'a'] };
    expect(await call('flash:start', { ...twice, verify: true, eject: false, confirmLarge: false })).toMatchObject({
      ok: false,
      error: { code: 'IMAGE_UNKNOWN' },
    });
  });

  it('refuses the browser-only channels that would take paths from the renderer', async () => {
    expect(await call('image:open-path', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'CHANNEL_REFUSED' } });
    expect(await call('fs:list-dir', { path: '/' })).toMatchObject({ ok: false, error: { code: 'CHANNEL_REFUSED' } });
  });

  it('answers app:info and resolves unknown ids to errors, not crashes', async () => {
    expect(await call('app:info', {})).toMatchObject({ ok: true, value: { name: 'Flint', version: '1.2.3', mode: 'electron' } });
    expect(await call('config:validate', { id: 'file-nope' })).toMatchObject({ ok: false, error: { code: 'FILE_UNKNOWN' } });
    expect(await call('flash:cancel', { jobId: 'flash-x' })).toMatchObject({ ok: false, error: { code: 'FLASH_NOT_RUNNING' } });
  });

  it('loads files only through its dialogs and real drops', async () => {
    dialogAnswer = null;
    expect(await call('file:open-dialog', { kind: 'config' })).toEqual({ ok: true, value: null });
    dialogAnswer = join(dir, 'good.ign');
    expect(await call('file:open-dialog', { kind: 'config' })).toMatchObject({
      ok: true,
      value: { kind: 'config', name: 'good.ign', source: 'dialog', report: { ok: true } },
    });
    expect(await call(SHELL_DROP_CHANNEL, { path: join(dir, 'good.ign'), kind: 'config' })).toMatchObject({
      ok: true,
      value: { kind: 'config', file: { source: 'drop' } },
    });
    expect(await call(SHELL_DROP_CHANNEL, { path: 'good.ign', kind: 'config' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await call(SHELL_DROP_CHANNEL, { path: join(dir, 'notes.txt'), kind: 'config' })).toMatchObject({
      ok: false,
      error: { code: 'FILE_TYPE_UNKNOWN' },
    });
    expect(await call(SHELL_DROP_CHANNEL, { path: join(dir, 'missing.ign'), kind: 'config' })).toMatchObject({
      ok: false,
      error: { code: 'FILE_UNREADABLE' },
    });
  });

  it('hands queued files opened with Flint to the renderer once, then as events', async () => {
    const events: unknown[] = [];
    session.addSink((ch, p) => events.push([ch, p]));
    session.deliverOpened({ kind: 'config', file: { id: 'f', kind: 'config', name: 'a.ign', size: 1, text: '', source: 'argv' } });
    const first = await call('app:take-opened', {});
    expect(first.ok && (first.value as unknown[]).length).toBe(1);
    expect(await call('app:take-opened', {})).toEqual({ ok: true, value: [] });
    session.deliverOpened({ kind: 'config', file: { id: 'g', kind: 'config', name: 'b.ign', size: 1, text: '', source: 'argv' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject(['app:opened', { file: { id: 'g' } }]);
  });
});
