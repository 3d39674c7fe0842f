/**
 * The preload (built as CommonJS: sandboxed renderers cannot load ESM preloads). It exposes exactly
 * the contract's FlintApi as `window.flint` and nothing else: invoke and on are limited to the
 * contract's channel names, and dropped files are turned into paths here with webUtils, so the
 * renderer never names a path itself.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { API_GLOBAL, SHELL_DROP_CHANNEL, isEventChannel, isInvokeChannel, type FlintApi } from '../contract/api';
import type { FileKind, OpenedFile, Outcome } from '../contract/types';

function refused(code: string, message: string): Outcome<never> {
  return { ok: false, error: { code, message } };
}

/** The api object exposed to the renderer. */
export const api: FlintApi = {
  mode: 'electron',
  async invoke(channel, request) {
    if (!isInvokeChannel(channel)) return refused('BAD_CHANNEL', 'Unknown channel');
    try {
      return await ipcRenderer.invoke(channel, request);
    } catch (err) {
      return refused('IPC_FAILED', (err as Error).message);
    }
  },
  on(channel, listener) {
    if (!isEventChannel(channel)) return () => {};
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => (listener as (p: unknown) => void)(payload);
    ipcRenderer.on(channel, wrapped);
    return () => void ipcRenderer.removeListener(channel, wrapped);
  },
  async openDroppedFile(file: File, kind: FileKind = 'config'): Promise<Outcome<OpenedFile>> {
    let path: string;
    try {
      path = webUtils.getPathForFile(file);
    } catch {
      path = '';
    }
    if (!path) return refused('DROP_NO_PATH', 'Only files dropped from the file manager can be opened');
    try {
      return await ipcRenderer.invoke(SHELL_DROP_CHANNEL, { path, kind });
    } catch (err) {
      return refused('IPC_FAILED', (err as Error).message);
    }
  },
};

contextBridge.exposeInMainWorld(API_GLOBAL, api);
