/**
 * ELECTRON_RENDERER_URL (electron-vite's dev server) is honoured only by an unpackaged app: a
 * packaged Flint always loads its own app://flint page, whatever the environment says.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

const m = vi.hoisted(() => ({ packaged: true, loaded: [] as string[] }));

vi.mock('electron', () => {
  class BrowserWindow {
    static getAllWindows = () => [];
    webContents = { on: () => {}, setWindowOpenHandler: () => {}, send: () => {}, mainFrame: {} };
    once() {}
    on() {}
    loadURL(url: string) {
      m.loaded.push(url);
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
  }
  return {
    BrowserWindow,
    app: {
      get isPackaged() {
        return m.packaged;
      },
      getVersion: () => '0.1.0',
      // a folder nothing can be written to: these tests save no settings
      getPath: () => '/proc/flint-no-user-data',
      requestSingleInstanceLock: () => true,
      quit: () => {},
      on: () => {},
      whenReady: () => Promise.resolve(),
      setAboutPanelOptions: () => {},
      showAboutPanel: () => {},
    },
    protocol: { registerSchemesAsPrivileged: () => {}, handle: () => {} },
    ipcMain: { handle: () => {} },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: () => {} },
        setPermissionRequestHandler: () => {},
        setPermissionCheckHandler: () => {},
      },
    },
    shell: { openExternal: async () => {} },
    dialog: {},
    Menu: { setApplicationMenu: () => {}, buildFromTemplate: (t: unknown) => t },
  };
});

async function loadedUrl(packaged: boolean): Promise<string> {
  m.packaged = packaged;
  m.loaded.length = 0;
  vi.resetModules();
  await import('../../../electron/main/index');
  for (let i = 0; i < 200 && m.loaded.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  return m.loaded[0]!;
}

describe('renderer URL', () => {
  const argv = process.argv;
  afterEach(() => {
    delete process.env.ELECTRON_RENDERER_URL;
    process.argv = argv;
  });

  it('ignores ELECTRON_RENDERER_URL in a packaged app', async () => {
    (process as { resourcesPath?: string }).resourcesPath = '/opt/Flint/resources';
    process.argv = ['/opt/Flint/flint'];
    process.env.ELECTRON_RENDERER_URL = 'http://evil.example/';
    expect(await loadedUrl(true)).toBe('app://flint/index.html');
  });

  it('uses it during development (electron-vite dev)', async () => {
    process.argv = ['/usr/bin/electron', '.'];
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173/';
    expect(await loadedUrl(false)).toBe('http://localhost:5173/');
  });
});
