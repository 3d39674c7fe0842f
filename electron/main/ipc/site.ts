/** IPC for the site features: settings, the wizard's memory, the flash record, the stick inspector. */
import type { IpcMain } from 'electron';
import { bindChannels, type IpcContext } from './bind';

/** Channels of these features. */
export const SITE_CHANNELS = [
  'settings:get',
  'settings:set',
  'memory:save',
  'memory:restore',
  'memory:open-recent',
  'history:list',
  'history:export',
  'stick:inspect',
] as const;

/** Registers the site channels. */
export function registerSiteIpc(ipc: IpcMain, ctx: IpcContext): void {
  bindChannels(ipc, ctx, SITE_CHANNELS);
}
