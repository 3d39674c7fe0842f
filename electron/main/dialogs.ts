/** Native open/save dialogs for the feature handlers (the only way paths reach main from the UI). */
import { dialog, type BrowserWindow } from 'electron';
import type { Dialogs } from '../app/session';

/** Dialogs attached to `getWindow()` (modal to it when it exists). */
export function electronDialogs(getWindow: () => BrowserWindow | null): Dialogs {
  return {
    async openFile(title, filters) {
      const win = getWindow();
      const opts = { title, filters, properties: ['openFile' as const] };
      const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
      return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0]!;
    },
    async saveFile(title, defaultName) {
      const win = getWindow();
      const opts = { title, defaultPath: defaultName, filters: [{ name: 'ISO image', extensions: ['iso'] }] };
      const r = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts);
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    async openFolder(title) {
      const win = getWindow();
      const opts = { title, properties: ['openDirectory' as const, 'createDirectory' as const] };
      const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
      return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0]!;
    },
  };
}
