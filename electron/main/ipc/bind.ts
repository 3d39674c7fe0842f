/**
 * Binds contract channels to ipcMain: each call is checked to come from the app's own window and
 * frame, then goes through `dispatch` (request guards, mode check, errors as values).
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { InvokeChannel } from '../../contract/api';
import type { Outcome } from '../../contract/types';
import { dispatch } from '../../app/handlers';
import type { Session } from '../../app/session';

/** What the bindings need from the app. */
export interface IpcContext {
  /** The session of the main window (null before it exists). */
  session(): Session | null;
  /** Is this event from the app's own window and top frame? */
  trusted(event: IpcMainInvokeEvent): boolean;
}

/** The answer to a call from an untrusted sender. */
export const UNTRUSTED: Outcome<never> = {
  ok: false,
  error: { code: 'SENDER_REFUSED', message: 'Request from an unknown window or frame' },
};

/** Registers `channels` on ipcMain. */
export function bindChannels(ipc: IpcMain, ctx: IpcContext, channels: readonly InvokeChannel[]): void {
  for (const channel of channels) {
    ipc.handle(channel, async (event, request: unknown) => {
      const s = ctx.session();
      if (!s || !ctx.trusted(event)) return UNTRUSTED;
      return dispatch(s, channel, request);
    });
  }
}
