import type { ErrorValue, FleetRowView, LoadedFile, TargetResult } from '../../../electron/contract/api';
import type { SliceCreator, WizardState } from './types';

/**
 * A fleet manifest (one machine per row, checked by the core's parser as `flint burn --fleet` does)
 * and the batch being written: the starting row and the rows written so far in this session.
 */
export interface FleetSlice {
  /** The loaded manifest (kind 'fleet', with its checked rows), or undefined. */
  fleet?: LoadedFile;
  fleetBusy: boolean;
  /** Why the last load failed (FLEET_INVALID lists every problem with its line). */
  fleetError?: ErrorValue;
  /** The row (1-based) the next batch starts at. */
  fleetStart: number;
  /** Rows written and verified (or written) by earlier batches of this manifest. */
  fleetWritten: number[];
  /** The row of each stick of the running or last batch, by drive id (progress names them). */
  fleetBatch: Record<string, FleetRowView>;

  loadFleetFile(file: File): Promise<void>;
  browseFleet(): Promise<void>;
  clearFleet(): Promise<void>;
  setFleetStart(row: number): void;
  /** Notes the rows a finished batch wrote and moves the start to the first row not yet written. */
  noteFleetResults(results: TargetResult[]): void;
}

/** One ticked stick and the row it gets. */
export interface FleetPick {
  driveId: string;
  row: FleetRowView;
}

const NO_ROWS: FleetRowView[] = [];

/** The manifest's rows, when one is loaded (a stable empty list otherwise, for store selectors). */
export function fleetRows(s: Pick<FleetSlice, 'fleet'>): FleetRowView[] {
  return s.fleet?.fleet?.rows ?? NO_ROWS;
}

/** What the row assignment depends on. */
export type FleetPickState = Pick<WizardState, 'fleet' | 'fleetStart' | 'selectedIds'>;

/**
 * The rule: rows are assigned to the ticked sticks in the order they were ticked, from the
 * starting row on (the first ticked stick gets the starting row, the second the next row...).
 * Unticking a stick frees its row and the sticks ticked after it move up one row each. The
 * selection keeps tick order (store/targets.ts toggleDrive appends), so the i-th selected id gets
 * the i-th row from the start; sticks beyond the last row get none (see fleetOverflow).
 */
export function fleetAssignment(s: FleetPickState): FleetPick[] {
  const rows = fleetRows(s);
  const picks: FleetPick[] = [];
  s.selectedIds.forEach((driveId, i) => {
    const row = rows[s.fleetStart - 1 + i];
    if (row) picks.push({ driveId, row });
  });
  return picks;
}

/** How many rows are left from the starting row on. */
export function fleetRowsLeft(s: FleetPickState): number {
  return Math.max(0, fleetRows(s).length - (s.fleetStart - 1));
}

/** Ticked sticks that get no row (more sticks than rows left): writing is refused until unticked. */
export function fleetOverflow(s: FleetPickState): number {
  return s.fleet ? Math.max(0, s.selectedIds.length - fleetRowsLeft(s)) : 0;
}

/** The first row not yet written (1 when every row is). */
export function firstUnwritten(rows: FleetRowView[], written: number[]): number {
  const done = new Set(written);
  return rows.find((r) => !done.has(r.row))?.row ?? 1;
}

/** Creates the fleet slice. */
export const createFleetSlice: SliceCreator<FleetSlice> = (set, get, api) => {
  function adopt(file: LoadedFile): void {
    const old = get().fleet;
    set({ fleet: file, fleetError: undefined, fleetStart: 1, fleetWritten: [] });
    if (old && old.id !== file.id) void api.invoke('file:forget', { id: old.id });
  }
  return {
    fleetBusy: false,
    fleetStart: 1,
    fleetWritten: [],
    fleetBatch: {},

    async loadFleetFile(file) {
      set({ fleetBusy: true, fleetError: undefined });
      const r = await api.openDroppedFile(file, 'fleet');
      set({ fleetBusy: false });
      if (!r.ok) return set({ fleetError: r.error });
      if (r.value.kind === 'config' && r.value.file.kind === 'fleet') adopt(r.value.file);
    },

    async browseFleet() {
      set({ fleetBusy: true, fleetError: undefined });
      const r = await api.invoke('file:open-dialog', { kind: 'fleet' });
      set({ fleetBusy: false });
      if (!r.ok) return set({ fleetError: r.error });
      if (r.value) adopt(r.value);
    },

    async clearFleet() {
      const f = get().fleet;
      set({ fleet: undefined, fleetError: undefined, fleetStart: 1, fleetWritten: [] });
      if (f) await api.invoke('file:forget', { id: f.id });
    },

    setFleetStart(row) {
      const n = fleetRows(get()).length;
      if (Number.isInteger(row) && row >= 1 && row <= n) set({ fleetStart: row });
    },

    noteFleetResults(results) {
      const s = get();
      if (!s.fleet) return;
      const written = [...new Set([...s.fleetWritten, ...results.filter((r) => r.ok && r.fleetRow).map((r) => r.fleetRow!.row)])];
      set({ fleetWritten: written.sort((a, b) => a - b), fleetStart: firstUnwritten(fleetRows(s), written) });
    },
  };
};
