/** The application menu: open config / open ISO, the usual edit/view/window roles, About. */
import { Menu, app, type MenuItemConstructorOptions } from 'electron';

/** What the menu items do (wired by the main entry). */
export interface MenuActions {
  openConfig(): void;
  openImage(): void;
  about(): void;
}

/** The menu template (macOS gets the app menu first). */
export function menuTemplate(actions: MenuActions, isMac: boolean): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Open Config…', accelerator: 'CmdOrCtrl+O', click: () => actions.openConfig() },
      { label: 'Open ISO…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.openImage() },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const template: MenuItemConstructorOptions[] = [
    file,
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'About Flint', click: () => actions.about() }] },
  ];
  if (isMac) template.unshift({ role: 'appMenu' });
  return template;
}

/** Installs the menu. */
export function installMenu(actions: MenuActions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(actions, process.platform === 'darwin')));
  app.setAboutPanelOptions({ applicationName: 'Flint', applicationVersion: app.getVersion() });
}
