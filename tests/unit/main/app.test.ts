/**
 * The Electron main entry with Electron mocked: single-instance lock, the privileged app://
 * scheme, one hardened window, IPC from that window only, and files opened with Flint through
 * argv at start-up, a second instance's argv and macOS open-file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { waitFor } from '../../helpers/wait';

type Fn = (...a: unknown[]) => unknown;

const m = vi.hoisted(() => ({
  lock: true,
  appHandlers: new Map<string, Fn>(),
  quit: 0,
  schemes: [] as unknown[],
  protocolHandlers: new Map<string, Fn>(),
  ipc: new Map<string, Fn>(),
  windows: [] as {
    options: Record<string, unknown>;
    url?: string;
    sent: [string, unknown][];
    handlers: Map<string, Fn>;
    focused: number;
    webContents: Record<string, unknown>;
  }[],
  menu: null as unknown,
}));

vi.mock('electron', () => {
  class BrowserWindow {
    static getAllWindows = () => m.windows;
    rec: (typeof m.windows)[number];
    webContents: Record<string, unknown>;
    constructor(options: Record<string, unknown>) {
      const mainFrame = { url: 'app://flint/index.html' };
      this.rec = { options, sent: [], handlers: new Map(), focused: 0, webContents: {} };
      const rec = this.rec;
      this.webContents = rec.webContents;
      Object.assign(rec.webContents, {
        mainFrame,
        on: () => {},
        setWindowOpenHandler: () => {},
        send: (ch: string, p: unknown) => rec.sent.push([ch, p]),
      });
      m.windows.push(rec);
    }
    once() {}
    on(ev: string, fn: Fn) {
      this.rec.handlers.set(ev, fn);
    }
    loadURL(url: string) {
      this.rec.url = url;
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {
      this.rec.focused++;
    }
  }
  return {
    BrowserWindow,
    app: {
      isPackaged: false,
      getVersion: () => '0.1.0',
      // a folder nothing can be written to: these tests save no settings
      getPath: () => '/proc/flint-no-user-data',
      requestSingleInstanceLock: () => m.lock,
      quit: () => void m.quit++,
      on: (ev: string, fn: Fn) => void m.appHandlers.set(ev, fn),
      whenReady: () => Promise.resolve(),
      setAboutPanelOptions: () => {},
      showAboutPanel: () => {},
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => m.schemes.push(...s),
      handle: (scheme: string, fn: Fn) => void m.protocolHandlers.set(scheme, fn),
    },
    ipcMain: { handle: (ch: string, fn: Fn) => void m.ipc.set(ch, fn) },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: () => {} },
        setPermissionRequestHandler: () => {},
        setPermissionCheckHandler: () => {},
      },
    },
    shell: { openExternal: async () => {} },
    dialog: {},
    Menu: { setApplicationMenu: (x: unknown) => (m.menu = x), buildFromTemplate: (t: unknown) => t },
  };
});

describe('main entry', () => {
  let dir: string;
  const argv = process.argv;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flint-main-'));
    for (const n of ['start.ign', 'second.ign', 'mac.ign']) writeFileSync(join(dir, n), '{"ignition":{"version":"3.4.0"}}');
    process.argv = ['/usr/bin/electron', '.', '--enable-logging', join(dir, 'start.ign')];
    await import('../../../electron/main/index');
    await waitFor(() => m.windows.length === 1, 'the window');
  });

  afterAll(() => {
    process.argv = argv;
    m.windows[0]?.handlers.get('closed')?.(); // stops the drive watcher and disposes the session
    rmSync(dir, { recursive: true, force: true });
  });

  const win = () => m.windows[0]!;
  const trusted = () => ({ sender: win().webContents, senderFrame: win().webContents.mainFrame });

  it('registers app:// as a standard secure scheme and serves it through a handler', () => {
    expect(m.schemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect(m.protocolHandlers.has('app')).toBe(true);
  });

  it('opens one sandboxed window on app://flint with the CJS preload and an app menu', () => {
    expect(m.windows).toHaveLength(1);
    expect(win().url).toBe('app://flint/index.html');
    const prefs = win().options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(String(prefs.preload)).toMatch(/preload[/\\]index\.cjs$/);
    expect(m.menu).toBeTruthy();
  });

  it('answers IPC from its window only', async () => {
    expect(await m.ipc.get('app:info')!(trusted(), {})).toMatchObject({ ok: true, value: { mode: 'electron', version: '0.1.0' } });
    const stranger = { sender: {}, senderFrame: {} };
    expect(await m.ipc.get('app:info')!(stranger, {})).toMatchObject({ ok: false, error: { code: 'SENDER_REFUSED' } });
  });

  it('hands the file given on the command line to the renderer (queued, or as an event once it asked)', async () => {
    const r = (await m.ipc.get('app:take-opened')!(trusted(), {})) as { ok: true; value: { file: { name: string } }[] };
    const names = () => [
      ...r.value.map((o) => o.file.name),
      ...win()
        .sent.filter(([ch]) => ch === 'app:opened')
        .map(([, p]) => (p as { file: { name: string } }).file.name),
    ];
    await waitFor(() => names().length > 0, 'the argv file');
    expect(names()).toEqual(['start.ign']);
    win().sent.length = 0;
  });

  it('opens files of a second instance (relative to its cwd) and focuses the window', async () => {
    m.appHandlers.get('second-instance')!({}, ['/usr/bin/electron', '.', 'second.ign', 'notes.txt'], dir);
    expect(win().focused).toBe(1);
    await waitFor(() => win().sent.some(([ch]) => ch === 'app:opened'), 'app:opened');
    expect(win().sent.find(([ch]) => ch === 'app:opened')![1]).toMatchObject({
      kind: 'config',
      file: { name: 'second.ign', source: 'argv' },
    });
  });

  it('opens files sent by macOS open-file', async () => {
    const ev = { preventDefault: vi.fn() };
    m.appHandlers.get('open-file')!(ev, join(dir, 'mac.ign'));
    expect(ev.preventDefault).toHaveBeenCalled();
    await waitFor(() => win().sent.filter(([ch]) => ch === 'app:opened').length === 2, 'second app:opened');
  });

  it('reports a file it cannot open', async () => {
    m.appHandlers.get('open-file')!({ preventDefault() {} }, join(dir, 'missing.ign'));
    await waitFor(() => win().sent.some(([ch]) => ch === 'app:open-failed'), 'app:open-failed');
    expect(win().sent.find(([ch]) => ch === 'app:open-failed')![1]).toMatchObject({ code: 'FILE_UNREADABLE' });
  });

  it('quits at once when another instance holds the lock', async () => {
    vi.resetModules();
    m.lock = false;
    const before = m.windows.length;
    await import('../../../electron/main/index');
    await new Promise((r) => setImmediate(r)); // what whenReady() would have started has run by now
    expect(m.quit).toBe(1);
    expect(m.windows.length).toBe(before);
  });
});
