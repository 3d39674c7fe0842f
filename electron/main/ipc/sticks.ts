/** IPC for the "sticks" feature: read a stick's release, refresh sticks, restore them to normal drives. */
import type { IpcMain } from 'electron';
import { bindChannels, type IpcContext } from './bind';

/** Channels of this feature. */
export const STICK_CHANNELS = ['sticks:inspect', 'sticks:refresh', 'sticks:restore'] as const;

/** Registers the stick channels. */
export function registerStickIpc(ipc: IpcMain, ctx: IpcContext): void {
  bindChannels(ipc, ctx, STICK_CHANNELS);
}
