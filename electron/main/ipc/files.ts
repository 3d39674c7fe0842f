/**
 * IPC for the "files" feature: dialogs, uploads, validation, and the private drop channel whose
 * path comes from the preload's webUtils.getPathForFile for a File the user really dropped.
 */
import type { IpcMain } from 'electron';
import { SHELL_DROP_CHANNEL } from '../../contract/api';
import { FILE_KINDS } from '../../contract/guards';
import type { FileKind, OpenedFile, Outcome } from '../../contract/types';
import { toErrorValue } from '../../core/errors';
import { openUserFile } from '../../app/handlers';
import type { Session } from '../../app/session';
import { UNTRUSTED, bindChannels, type IpcContext } from './bind';

/** Channels of this feature. */
export const FILE_CHANNELS = ['file:open-dialog', 'file:load-bytes', 'file:forget', 'config:validate'] as const;

/** Checks a drop request: an absolute path and a known kind. */
export function isDropRequest(x: unknown): x is { path: string; kind: FileKind } {
  if (typeof x !== 'object' || x === null) return false;
  const r = x as Record<string, unknown>;
  return (
    Object.keys(r).every((k) => k === 'path' || k === 'kind') &&
    typeof r.path === 'string' &&
    r.path.length > 0 &&
    r.path.length <= 4096 &&
    !r.path.includes('\0') &&
    (/^\//.test(r.path) || /^[A-Za-z]:[\\/]/.test(r.path) || /^\\\\/.test(r.path)) &&
    typeof r.kind === 'string' &&
    (FILE_KINDS as readonly string[]).includes(r.kind)
  );
}

/** Handles a drop request (exported for tests). */
export async function handleDrop(s: Session, request: unknown): Promise<Outcome<OpenedFile>> {
  if (!isDropRequest(request)) return { ok: false, error: { code: 'BAD_REQUEST', message: 'Malformed drop' } };
  try {
    return { ok: true, value: await openUserFile(s, request.path, 'drop', request.kind) };
  } catch (err) {
    return { ok: false, error: toErrorValue(err) };
  }
}

/** Registers the file channels and the drop channel. */
export function registerFileIpc(ipc: IpcMain, ctx: IpcContext): void {
  bindChannels(ipc, ctx, FILE_CHANNELS);
  ipc.handle(SHELL_DROP_CHANNEL, async (event, request: unknown) => {
    const s = ctx.session();
    if (!s || !ctx.trusted(event)) return UNTRUSTED;
    return handleDrop(s, request);
  });
}
