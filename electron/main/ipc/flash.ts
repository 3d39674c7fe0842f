/** IPC for the "flash" feature: write sticks, cancel, save the customized ISO. */
import type { IpcMain } from 'electron';
import { bindChannels, type IpcContext } from './bind';

/** Channels of this feature. */
export const FLASH_CHANNELS = ['flash:start', 'flash:cancel', 'iso:save'] as const;

/** Registers the flash channels. */
export function registerFlashIpc(ipc: IpcMain, ctx: IpcContext): void {
  bindChannels(ipc, ctx, FLASH_CHANNELS);
}
