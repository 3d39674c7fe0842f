/** IPC for the "images" feature: releases, download, cached and local ISOs. */
import type { IpcMain } from 'electron';
import { bindChannels, type IpcContext } from './bind';

/** Channels of this feature (image:open-path and fs:list-dir are refused in Electron by dispatch). */
export const IMAGE_CHANNELS = [
  'image:releases',
  'image:download',
  'image:cancel-download',
  'image:open-dialog',
  'image:open-path',
  'image:cached',
  'fs:list-dir',
] as const;

/** Registers the image channels. */
export function registerImageIpc(ipc: IpcMain, ctx: IpcContext): void {
  bindChannels(ipc, ctx, IMAGE_CHANNELS);
}
