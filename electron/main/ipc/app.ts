/** IPC for the "app" feature (about/app info). */
import type { IpcMain } from 'electron';
import { bindChannels, type IpcContext } from './bind';

/** Channels of this feature. */
export const APP_CHANNELS = ['app:info', 'app:take-opened'] as const;

/** Registers the app channels. */
export function registerAppIpc(ipc: IpcMain, ctx: IpcContext): void {
  bindChannels(ipc, ctx, APP_CHANNELS);
}
