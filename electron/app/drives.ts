/**
 * Feature "drives": the live target list. System drives are hidden (counted); every drive carries
 * the target rules' verdict (electron/core/drives/target-safety.ts) as `refusal`, judged against
 * the image the renderer last named, so a too-small, read-only or system drive is shown as such,
 * with sizes, before anything is confirmed. Electron-free.
 */
import type { InvokeRequest, InvokeResponse } from '../contract/api';
import { LARGE_DRIVE_BYTES } from '../core/drives/limits';
import { assessTarget } from '../core/drives/target-safety';
import type { Drive } from '../core/drives/types';
import { toErrorValue } from '../core/errors';
import type { DriveInfo, DriveList } from '../contract/types';
import type { Session } from './session';

/** The renderer's view of a drive, judged by the target rules for an image of `imageSize` bytes. */
function toDriveInfo(d: Drive, imageSize: number, allowLoop: boolean): DriveInfo {
  const info: DriveInfo = {
    id: d.id,
    device: d.device,
    size: d.size,
    description: d.description.trim() || d.device,
    model: d.model,
    serial: d.serial,
    bus: d.bus,
    removable: d.removable,
    readOnly: d.readOnly,
    system: d.system,
    mountpoints: d.mountpoints,
    large: d.size > LARGE_DRIVE_BYTES,
  };
  // a large drive is asked about in the confirmation, not refused here
  const { refusal } = assessTarget(d, { imageSize, allowLoop });
  if (refusal) info.refusal = toErrorValue(refusal);
  return info;
}

/** Size of the image the drive list is judged against (0: none named yet). */
function targetImageSize(s: Session): number {
  const id = s.targetImageId;
  return id && s.images.has(id) ? s.image(id).state.size : 0;
}

/** Lists drives afresh and remembers them by id. */
export async function refreshDrives(s: Session, showSystem = false): Promise<DriveList> {
  const all = await s.core.listDrives([...s.images.values()].map((i) => i.state.path));
  s.drives = new Map(all.map((d) => [d.id, d]));
  const shown = all.filter((d) => showSystem || !d.system);
  const size = targetImageSize(s);
  return { drives: shown.map((d) => toDriveInfo(d, size, s.allowLoop)), hiddenSystemCount: all.length - shown.length };
}

/** drives:list */
export async function listDrives(s: Session, req: InvokeRequest<'drives:list'>): Promise<InvokeResponse<'drives:list'>> {
  if (req.imageId !== undefined) {
    s.image(req.imageId);
    s.targetImageId = req.imageId;
  }
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
