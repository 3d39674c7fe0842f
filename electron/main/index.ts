/**
 * Electron main entry: one instance, one hardened window serving the renderer from app://flint,
 * IPC bound per feature, the app menu, and files opened with Flint (argv, macOS open-file,
 * second-instance argv) loaded by main and handed to the renderer.
 */
import { BrowserWindow, app, ipcMain, protocol, type IpcMainInvokeEvent } from 'electron';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { toErrorValue } from '../core/errors';
import { packagedHelperCommand } from '../core/write/elevate';
import type { OpenedFile } from '../contract/types';
import { STATIC_HEADERS, contentType, openStatic } from '../app/static';
import { filesFromArgv } from './argv';
import { electronDialogs } from './dialogs';
import { createDefaultCore } from '../app/core-default';
import { watchDrives } from '../app/drives';
import { HANDLERS, openUserFile } from '../app/handlers';
import { Session } from '../app/session';
import { coreOptionsOf, loadSettings } from '../app/settings';
import { SiteState } from '../app/site';
import { registerIpc } from './ipc';
import { installMenu } from './menu';
import { isWriterLaunch } from './writer-launch';
import { createMainWindow, hardenSession } from './window';

/** Scheme the packaged renderer is served from. */
export const APP_SCHEME = 'app';
/** URL of the renderer page. */
export const APP_URL = `${APP_SCHEME}://flint/index.html`;

const here = dirname(fileURLToPath(import.meta.url));
const preloadPath = join(here, '../preload/index.cjs');
const rendererDir = join(here, '../renderer');

let win: BrowserWindow | null = null;
let session: Session | null = null;
let stopWatch: (() => void) | null = null;
const early: string[] = filesFromArgv(process.argv, app.isPackaged).map((p) => resolve(p));

function openPaths(paths: string[]): void {
  for (const p of paths) {
    if (!session) {
      early.push(p);
      continue;
    }
    const s = session;
    openUserFile(s, p, 'argv').then(
      (o) => s.deliverOpened(o),
      (err) => s.emit('app:open-failed', toErrorValue(err)),
    );
  }
}

function trusted(event: IpcMainInvokeEvent): boolean {
  return !!win && event.sender === win.webContents && event.senderFrame === win.webContents.mainFrame;
}

/**
 * The page the window loads: electron-vite's dev server (ELECTRON_RENDERER_URL) only when running
 * from a checkout; a packaged app always loads its own app://flint page, so an environment
 * variable cannot point the privileged window at another site.
 */
export function rendererUrl(packaged: boolean, env: NodeJS.ProcessEnv = process.env): string {
  return !packaged && env.ELECTRON_RENDERER_URL ? env.ELECTRON_RENDERER_URL : APP_URL;
}

function createWindow(): void {
  const url = rendererUrl(app.isPackaged);
  win = createMainWindow(preloadPath, url);
  const w = win;
  // settings, the flash record and the wizard's memory live in Electron's per-user folder
  const userData = app.getPath('userData');
  // packaged: the writer helper is the launcher beside app.asar (resources/native/<os>/)
  const fixed = app.isPackaged ? { helper: packagedHelperCommand(process.resourcesPath) } : {};
  const site = new SiteState({ configDir: userData, stateDir: userData, makeCore: (o) => createDefaultCore({ ...o, ...fixed }) });
  session = new Session({
    mode: 'electron',
    core: createDefaultCore({ ...coreOptionsOf(site.effective()), ...fixed }),
    site,
    dialogs: electronDialogs(() => win),
    app: {
      name: 'Flint',
      version: app.getVersion(),
      versions: { electron: process.versions.electron ?? '', chrome: process.versions.chrome ?? '' },
    },
  });
  session.addSink((channel, payload) => {
    if (!w.isDestroyed()) w.webContents.send(channel, payload);
  });
  const s = session;
  void loadSettings(userData).then((saved) => {
    site.saved = saved;
    s.reconfigure();
  });
  stopWatch = watchDrives(session);
  w.on('closed', () => {
    stopWatch?.();
    session?.dispose();
    session = null;
    win = null;
  });
  openPaths(early.splice(0));
}

/** Runs a dialog-opening handler from the menu and hands its result to the renderer. */
function menuOpen(run: (s: Session) => Promise<OpenedFile | null>): void {
  const s = session;
  if (!s) return;
  run(s).then(
    (o) => o && s.emit('app:opened', o),
    (err) => s.emit('app:open-failed', toErrorValue(err)),
  );
}

if (isWriterLaunch(process.argv, app.isPackaged)) {
  // no window, no single-instance lock: the bundled helper reads process.argv.slice(2) (its own
  // arguments after the switch), does the job and exits with its code
  void import(pathToFileURL(join(process.resourcesPath, 'native', 'writer', 'main.mjs')).href);
} else {
  startApp();
}

/** The desktop app: the renderer's scheme, one instance, the window when ready. */
function startApp(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  ]);

  // macOS delivers files opened with Flint through open-file, possibly before ready.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openPaths([path]);
  });

  if (!app.requestSingleInstanceLock()) {
    app.quit();
  } else {
    app.on('second-instance', (_event, argv, workingDirectory) => {
      if (win) {
        if (win.isMinimized()) win.restore();
        win.focus();
      }
      openPaths(filesFromArgv(argv, app.isPackaged).map((p) => resolve(workingDirectory, p)));
    });

    void app.whenReady().then(() => {
      protocol.handle(APP_SCHEME, async (request) => {
        const file = await openStatic(rendererDir, new URL(request.url).pathname);
        if (!file) return new Response('Not found', { status: 404 });
        try {
          return new Response(await file.handle.readFile(), { headers: { ...STATIC_HEADERS, 'content-type': contentType(file.path) } });
        } finally {
          await file.handle.close();
        }
      });
      hardenSession();
      registerIpc(ipcMain, { session: () => session, trusted });
      installMenu({
        openConfig: () =>
          menuOpen(async (s) => {
            const file = await HANDLERS['file:open-dialog'](s, { kind: 'config' });
            return file && { kind: 'config', file };
          }),
        openImage: () =>
          menuOpen(async (s) => {
            const image = await HANDLERS['image:open-dialog'](s, {});
            return image && { kind: 'image', image };
          }),
        about: () => app.showAboutPanel(),
      });
      createWindow();
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) createWindow();
      });
    });

    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin') app.quit();
    });
  }
}
