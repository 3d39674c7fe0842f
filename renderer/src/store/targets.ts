import type { DriveInfo, DriveList, ErrorValue } from '../../../electron/contract/api';
import type { SliceCreator } from './types';
import { tr } from '../i18n';

/** Target drives: the live list (hot-plug), the hidden system drives, and the selection. */
export interface TargetsSlice {
  drives: DriveInfo[];
  hiddenSystemCount: number;
  /** Show system drives (listed, never selectable). */
  showHidden: boolean;
  /** Ids of the selected drives (several sticks can be written at once). */
  selectedIds: string[];
  drivesError?: ErrorValue;
  drivesLoaded: boolean;

  refreshDrives(): Promise<void>;
  /** Applies a list from drives:list or a drives:changed event; drops selections that vanished. */
  applyDriveList(list: DriveList): void;
  toggleDrive(id: string): void;
  setShowHidden(value: boolean): Promise<void>;
}

/** Whether a drive gets the large-drive warning (the core decides: see electron/core/drives/limits.ts). */
export function isLarge(d: DriveInfo): boolean {
  return d.large;
}

/** A person's name for a drive: its model/vendor, or what kind of device it is. */
export function driveName(d: DriveInfo): string {
  const desc = d.description.trim();
  // the core names a loop device without vendor or model "Loop device" (electron/core/drives/lsblk.ts): words of its own, translated here
  if (desc && desc !== d.device && !(d.bus === 'loop' && desc === 'Loop device')) return desc;
  if (d.bus === 'loop') return tr('drive.loop');
  return d.removable ? tr('drive.removable') : tr('drive.unknown');
}

/**
 * Whether a drive may be picked: the core's target rules say so (`refusal` names why not: system,
 * read-only, too small for the chosen image...).
 */
export function isSelectable(d: DriveInfo): boolean {
  return !d.refusal && !d.system && !d.readOnly;
}

/** The selected drives, in list order. */
export function selectedDrives(s: TargetsSlice): DriveInfo[] {
  return s.drives.filter((d) => s.selectedIds.includes(d.id));
}

/** Creates the targets slice. */
export const createTargetsSlice: SliceCreator<TargetsSlice> = (set, get, api) => ({
  drives: [],
  hiddenSystemCount: 0,
  showHidden: false,
  selectedIds: [],
  drivesLoaded: false,

  async refreshDrives() {
    // with the chosen image, the core also judges each drive's size against it
    const imageId = get().image?.id;
    const r = await api.invoke('drives:list', { showSystem: get().showHidden, ...(imageId ? { imageId } : {}) });
    if (r.ok) get().applyDriveList(r.value);
    else set({ drivesError: r.error, drivesLoaded: true });
  },

  applyDriveList(list) {
    // an event list without system drives while "show hidden" is on keeps the known system drives
    const keepSystem = get().showHidden && !list.drives.some((d) => d.system);
    const system = keepSystem ? get().drives.filter((d) => d.system) : [];
    const drives = [...list.drives, ...system.filter((s) => !list.drives.some((d) => d.id === s.id))];
    const ok = new Set(drives.filter(isSelectable).map((d) => d.id));
    set({
      drives,
      hiddenSystemCount: list.hiddenSystemCount,
      selectedIds: get().selectedIds.filter((id) => ok.has(id)),
      drivesError: undefined,
      drivesLoaded: true,
    });
  },

  toggleDrive(id) {
    const d = get().drives.find((x) => x.id === id);
    if (!d || !isSelectable(d)) return;
    const sel = get().selectedIds;
    set({ selectedIds: sel.includes(id) ? sel.filter((x) => x !== id) : [...sel, id] });
  },

  async setShowHidden(value) {
    set({ showHidden: value });
    await get().refreshDrives();
  },
});
