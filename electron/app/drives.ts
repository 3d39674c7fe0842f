/**
 * Feature "drives": the live target list, filtered by the one target rule `flint drives` uses
 * (electron/core/drives/list.ts filterDrives): removable and USB/SD disks; internal and system
 * disks are hidden (counted) unless asked for. Every drive carries the target rules' verdict
 * (electron/core/drives/target-safety.ts) as `refusal`, judged against the image the renderer
 * last named, so a too-small, read-only, internal or system drive is shown as such, with sizes,
 * before anything is confirmed. Electron-free.
 */
import type { InvokeRequest, InvokeResponse } from '../contract/api';
import { LARGE_DRIVE_BYTES } from '../core/drives/limits';
import { filterDrives } from '../core/drives/list';
import { assessTarget, confirmationName, isInternal, type DriveIdentity } from '../core/drives/target-safety';
import type { Drive } from '../core/drives/types';
import { toErrorValue } from '../core/errors';
import type { DriveInfo, DriveList, StickSeen } from '../contract/types';
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
    internal: isInternal(d),
    mountpoints: d.mountpoints,
    large: d.size > LARGE_DRIVE_BYTES,
  };
  if (info.internal && !d.system) info.confirmName = confirmationName(d);
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

/** Whether a session last asked for the hidden (internal and system) disks: hot-plug lists keep to it. */
const showingHidden = new WeakMap<Session, boolean>();

/** Lists drives afresh and remembers them by id; `showSystem` also lists internal and system disks. */
export async function refreshDrives(s: Session, showSystem = showingHidden.get(s) ?? false): Promise<DriveList> {
  showingHidden.set(s, showSystem);
  const all = await s.core.listDrives([...s.images.values()].map((i) => i.state.path));
  s.drives = new Map(all.map((d) => [d.id, d]));
  const listable = filterDrives(all, { all: true, allowLoop: s.allowLoop });
  const shown = filterDrives(all, { all: showSystem, allowLoop: s.allowLoop });
  const size = targetImageSize(s);
  return { drives: shown.map((d) => toDriveInfo(d, size, s.allowLoop)), hiddenSystemCount: listable.length - shown.length };
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

/** A stick as every result names it: its id in this session and what was seen of it when it was picked. */
export function stickSeen(driveId: string, t: DriveIdentity): StickSeen {
  return { driveId, device: t.device, model: t.model, serial: t.serial, size: t.size };
}
