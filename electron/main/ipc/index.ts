/** Registers every feature's IPC handlers; together they cover exactly the contract's channels. */
import type { IpcMain } from 'electron';
import { APP_CHANNELS, registerAppIpc } from './app';
import type { IpcContext } from './bind';
import { DRIVE_CHANNELS, registerDriveIpc } from './drives';
import { FILE_CHANNELS, registerFileIpc } from './files';
import { FLASH_CHANNELS, registerFlashIpc } from './flash';
import { IMAGE_CHANNELS, registerImageIpc } from './images';
import { OPTION_CHANNELS, registerOptionIpc } from './options';
import { PXE_CHANNELS, registerPxeIpc } from './pxe';
import { SITE_CHANNELS, registerSiteIpc } from './site';
import { STICK_CHANNELS, registerStickIpc } from './sticks';

/** Every channel bound by the feature files (tests compare it with the contract). */
export const BOUND_CHANNELS = [
  ...APP_CHANNELS,
  ...FILE_CHANNELS,
  ...IMAGE_CHANNELS,
  ...OPTION_CHANNELS,
  ...DRIVE_CHANNELS,
  ...FLASH_CHANNELS,
  ...PXE_CHANNELS,
  ...SITE_CHANNELS,
  ...STICK_CHANNELS,
];

/** Registers all IPC handlers on `ipc`. */
export function registerIpc(ipc: IpcMain, ctx: IpcContext): void {
  registerAppIpc(ipc, ctx);
  registerFileIpc(ipc, ctx);
  registerImageIpc(ipc, ctx);
  registerOptionIpc(ipc, ctx);
  registerDriveIpc(ipc, ctx);
  registerFlashIpc(ipc, ctx);
  registerPxeIpc(ipc, ctx);
  registerSiteIpc(ipc, ctx);
  registerStickIpc(ipc, ctx);
}
