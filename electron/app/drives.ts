/**
 * Feature "drives": the live target list. System drives are hidden (counted), read-only ones shown
 * but not selectable (the renderer sees `readOnly`), large ones flagged. Electron-free.
 */
import type { InvokeRequest, InvokeResponse } from '../contract/api';
import { LARGE_DRIVE_BYTES } from '../core/drives/limits';
import type { DriveInfo, DriveList } from '../contract/types';
import type { CoreDrive } from './core-adapter';
import type { Session } from './session';

/** The renderer's view of a core drive. */
export function toDriveInfo(d: CoreDrive): DriveInfo {
  const description =
    [d.vendor, d.model]
      .filter((x) => x && x.trim())
      .join(' ')
      .trim() || d.device;
  return {
    id: d.id,
    device: d.device,
    size: d.size,
    description,
    bus: d.bus ?? 'unknown',
    removable: d.removable,
    readOnly: d.readOnly,
    system: d.system,
    mountpoints: d.mountpoints,
    large: d.size > LARGE_DRIVE_BYTES,
  };
}

/** Lists drives afresh and remembers them by id. */
export async function refreshDrives(s: Session, showSystem = false): Promise<DriveList> {
  const all = await s.core.listDrives();
  s.drives = new Map(all.map((d) => [d.id, d]));
  const shown = all.filter((d) => showSystem || !d.system);
  return { drives: shown.map(toDriveInfo), hiddenSystemCount: all.length - shown.length };
}

/** drives:list */
export async function listDrives(s: Session, req: InvokeRequest<'drives:list'>): Promise<InvokeResponse<'drives:list'>> {
  return refreshDrives(s, req.showSystem ?? false);
}

/** Starts watching for hot-plug and emits drives:changed; returns the stop function. */
export function watchDrives(s: Session): () => void {
  if (!s.core.watchDrives) return () => {};
  return s.core.watchDrives(() => {
    refreshDrives(s).then(
      (list) => s.emit('drives:changed', list),
      () => {},
    );
  });
}
