/**
 * The one BrowserWindow: isolated, sandboxed, no Node in the renderer; navigation, new windows,
 * webviews and permission requests refused; a strict Content-Security-Policy on every response.
 */
import { BrowserWindow, session, shell, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../app/static';

/** Opens https links in the user's browser; everything else is dropped. */
export function openExternalSafely(url: string): void {
  // Electronegativity asks to review openExternal: only https:// URLs reach it (no file:, no
  // custom schemes that start programs), and only from links the app's own pages contain
  if (/^https:\/\//i.test(url)) void shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK
}

/** Locks down a window's contents: no navigation away from `appUrl`, no new windows, no webviews. */
export function hardenContents(contents: WebContents, appUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== appUrl) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (url !== appUrl) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url);
    return { action: 'deny' };
  });
}

/** Adds the CSP header to every response of the default session and refuses permission requests. */
export function hardenSession(): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

/**
 * Creates the main window, hardened, and loads `appUrl`; `preload` is the absolute path of
 * out/preload/index.cjs. The options are a literal at the constructor so that scanners
 * (Electronegativity, tests/integration/lint/electronegativity.test.ts) can read them.
 */
export function createMainWindow(preload: string, appUrl: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1024,
    height: 760,
    minWidth: 720,
    minHeight: 560,
    show: false,
    title: 'Flint',
    backgroundColor: '#1e1f24',
    webPreferences: {
      // Electronegativity asks to review preload scripts: this one is Flint's own bundle
      // (electron/preload), which exposes only the typed contract through contextBridge
      preload, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      // the window-open handler already denies every new window, middle-click included; turning
      // Blink's auxclick off as well is Electronegativity's advice and costs nothing
      disableBlinkFeatures: 'Auxclick',
    },
  });
  hardenContents(win.webContents, appUrl);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(appUrl);
  return win;
}
