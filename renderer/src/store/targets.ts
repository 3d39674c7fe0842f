import type { DriveInfo, DriveList, ErrorValue } from '../../../electron/contract/api';
import type { SliceCreator } from './types';
import { tr } from '../i18n';

/** Target drives: the live list (hot-plug), the hidden internal and system disks, and the selection. */
export interface TargetsSlice {
  drives: DriveInfo[];
  hiddenSystemCount: number;
  /** Show internal disks (selectable behind their typed name) and system disks (never selectable). */
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
 * An internal disk the core refuses only until its name is typed (WRITE_INTERNAL_UNCONFIRMED):
 * it may be ticked, and the confirmation asks for the name (electron/core/drives/target-safety.ts).
 */
export function needsTypedName(d: DriveInfo): boolean {
  return d.internal && !d.system && !!d.confirmName && d.refusal?.code === 'WRITE_INTERNAL_UNCONFIRMED';
}

/**
 * Whether a drive may be picked: the core's target rules say so (`refusal` names why not: system,
 * read-only, too small for the chosen image...), or only its typed name is missing.
 */
export function isSelectable(d: DriveInfo): boolean {
  return (!d.refusal || needsTypedName(d)) && !d.system && !d.readOnly;
}

/** Whether the name typed for an internal disk is its name (the core compares the same way). */
export function nameMatches(d: DriveInfo, typed: string | undefined): boolean {
  return !!d.confirmName && typed?.trim() === d.confirmName;
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
    // an event list without hidden disks while "show hidden" is on keeps the known hidden disks
    const hidden = (d: DriveInfo) => d.system || d.internal;
    const keepHidden = get().showHidden && !list.drives.some(hidden);
    const system = keepHidden ? get().drives.filter(hidden) : [];
    const drives = [...list.drives, ...system.filter((s) => !list.drives.some((d) => d.id === s.id))];
    const ok = new Set(drives.filter(isSelectable).map((d) => d.id));
    set({
      drives,
      hiddenSystemCount: list.hiddenSystemCount,
      selectedIds: get().selectedIds.filter((id) => ok.has(id)),
      drivesError: undefined,
      drivesLoaded: true,
    });
    // what each stick holds (its release, whether a newer one exists) is read once per drive;
    // a drive pulled out is forgotten, so the stick plugged in next under its name is read anew
    const present = new Set(drives.map((d) => d.id));
    set({ stickInfo: Object.fromEntries(Object.entries(get().stickInfo).filter(([id]) => present.has(id))) });
    void get().inspectDrives(drives);
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
