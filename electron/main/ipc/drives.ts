/** IPC for the "drives" feature (target list; hot-plug arrives as drives:changed). */
import type { IpcMain } from 'electron';
import { bindChannels, type IpcContext } from './bind';

/** Channels of this feature. */
export const DRIVE_CHANNELS = ['drives:list'] as const;

/** Registers the drive channels. */
export function registerDriveIpc(ipc: IpcMain, ctx: IpcContext): void {
  bindChannels(ipc, ctx, DRIVE_CHANNELS);
}
