/** IPC for the "options" feature (kernel argument and field settings checks). */
import type { IpcMain } from 'electron';
import { bindChannels, type IpcContext } from './bind';

/** Channels of this feature. */
export const OPTION_CHANNELS = ['options:check-kargs', 'options:check-field-settings'] as const;

/** Registers the option channels. */
export function registerOptionIpc(ipc: IpcMain, ctx: IpcContext): void {
  bindChannels(ipc, ctx, OPTION_CHANNELS);
}
