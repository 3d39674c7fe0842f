/** The main window's security settings, with Electron mocked (its binary cannot run here). */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const state = vi.hoisted(() => ({
  windows: [] as { options: Record<string, unknown>; loaded?: string }[],
  handlers: new Map<string, (...a: unknown[]) => void>(),
  openHandler: null as null | ((d: { url: string }) => { action: string }),
  headers: null as null | ((d: unknown, cb: (r: unknown) => void) => void),
  permission: null as null | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
  permissionCheck: null as null | (() => boolean),
  external: [] as string[],
}));

vi.mock('electron', () => {
  const webContents = {
    on: (ev: string, fn: (...a: unknown[]) => void) => state.handlers.set(ev, fn),
    setWindowOpenHandler: (fn: typeof state.openHandler) => (state.openHandler = fn),
  };
  class BrowserWindow {
    webContents = webContents;
    constructor(options: Record<string, unknown>) {
      state.windows.push({ options });
    }
    once() {}
    loadURL(url: string) {
      state.windows[state.windows.length - 1]!.loaded = url;
      return Promise.resolve();
    }
  }
  return {
    BrowserWindow,
    shell: { openExternal: (u: string) => (state.external.push(u), Promise.resolve()) },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: typeof state.headers) => (state.headers = fn) },
        setPermissionRequestHandler: (fn: typeof state.permission) => (state.permission = fn),
        setPermissionCheckHandler: (fn: typeof state.permissionCheck) => (state.permissionCheck = fn),
      },
    },
  };
});

const { createMainWindow, hardenSession } = await import('../../../electron/main/window');
const { CONTENT_SECURITY_POLICY } = await import('../../../electron/app/static');

describe('main window', () => {
  beforeEach(() => {
    state.windows.length = 0;
    state.handlers.clear();
    state.external.length = 0;
  });

  it('is isolated and sandboxed, without Node, webviews or drag-drop navigation', () => {
    createMainWindow('/app/out/preload/index.cjs', 'app://flint/index.html');
    const p = state.windows[0]!.options.webPreferences as Record<string, unknown>;
    expect(p).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      navigateOnDragDrop: false,
    });
  });

  it('loads the app URL and blocks navigation, redirects, webviews and new windows', () => {
    createMainWindow('/p.cjs', 'app://flint/index.html');
    expect(state.windows[0]!.loaded).toBe('app://flint/index.html');
    for (const ev of ['will-navigate', 'will-redirect']) {
      const away = { preventDefault: vi.fn() };
      state.handlers.get(ev)!(away, 'https://evil.example/');
      expect(away.preventDefault).toHaveBeenCalled();
      const file = { preventDefault: vi.fn() };
      state.handlers.get(ev)!(file, 'file:///etc/passwd');
      expect(file.preventDefault).toHaveBeenCalled();
      const same = { preventDefault: vi.fn() };
      state.handlers.get(ev)!(same, 'app://flint/index.html');
      expect(same.preventDefault).not.toHaveBeenCalled();
    }
    const webview = { preventDefault: vi.fn() };
    state.handlers.get('will-attach-webview')!(webview);
    expect(webview.preventDefault).toHaveBeenCalled();
    expect(state.openHandler!({ url: 'https://docs.fedoraproject.org/' })).toEqual({ action: 'deny' });
    expect(state.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(state.openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(state.external).toEqual(['https://docs.fedoraproject.org/']);
  });

  it('adds the strict CSP to every response and refuses permissions', () => {
    hardenSession();
    let out: { responseHeaders: Record<string, string[]> } | undefined;
    state.headers!({ responseHeaders: { 'X-A': ['1'] } }, (r) => (out = r as typeof out));
    expect(out!.responseHeaders['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(out!.responseHeaders['X-A']).toEqual(['1']);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
    let granted: boolean | undefined;
    state.permission!({}, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
    expect(state.permissionCheck!()).toBe(false);
  });
});
