/** IPC for the "network boot" feature: preview, export to a folder, cancel, and the boot mirror. */
import type { IpcMain } from 'electron';
import { bindChannels, type IpcContext } from './bind';

/** Channels of this feature. */
export const PXE_CHANNELS = ['pxe:preview', 'pxe:export', 'pxe:cancel', 'pxe:serve-start', 'pxe:serve-stop'] as const;

/** Registers the network boot channels. */
export function registerPxeIpc(ipc: IpcMain, ctx: IpcContext): void {
  bindChannels(ipc, ctx, PXE_CHANNELS);
}
