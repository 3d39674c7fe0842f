import type {
  DriveInfo,
  ErrorValue,
  FlashProgress,
  StickInfo,
  StickRefreshFinished,
  StickRefreshResult,
  StickRestoreResult,
} from '../../../electron/contract/api';
import { isLarge } from './targets';
import type { SliceCreator } from './types';

/** The two things the Target step does to sticks besides writing an image. */
export type StickActionKind = 'refresh' | 'restore';

/** A refresh or restore of some sticks: confirming, running, or done with a result per stick. */
export interface StickJob {
  kind: StickActionKind;
  status: 'confirming' | 'running' | 'done';
  /** The drives, as they were when the action was asked for. */
  drives: DriveInfo[];
  jobId?: string;
  progress?: FlashProgress;
  refreshResults: StickRefreshResult[];
  restoreResults: StickRestoreResult[];
  cancelled?: boolean;
  error?: ErrorValue;
}

/** Default volume label of a restored stick (electron/core/write/restore/plan.ts DEFAULT_LABEL). */
export const DEFAULT_RESTORE_LABEL = 'USBSTICK';

/** What each drive holds (its release and how it compares with its stream), and the refresh/restore job. */
export interface SticksSlice {
  /** sticks:inspect answers by drive id (absent: not read yet). */
  stickInfo: Record<string, StickInfo>;
  stickJob?: StickJob;
  restoreLabel: string;
  /** The user ticked "yes, these large drives" in the stick action's confirmation. */
  stickConfirmLarge: boolean;

  /** Reads the drives not read yet (only reads; a drive that cannot be read just shows nothing). */
  inspectDrives(drives: DriveInfo[]): Promise<void>;
  /** Opens the confirmation of a refresh or restore of `driveIds`. */
  requestStickAction(kind: StickActionKind, driveIds: string[]): void;
  setRestoreLabel(label: string): void;
  setStickConfirmLarge(v: boolean): void;
  /** Runs the confirmed action. */
  startStickAction(): Promise<void>;
  cancelStickAction(): Promise<void>;
  /** Closes the confirmation or the results. */
  closeStickJob(): void;
  applyRefreshProgress(p: FlashProgress): void;
  applyRefreshTarget(jobId: string, r: StickRefreshResult): void;
  applyRefreshFinished(f: StickRefreshFinished): void;
}

/** The live sticks among `drives` that are older than their stream's newest release. */
export function outdatedSticks(drives: DriveInfo[], info: Record<string, StickInfo>): DriveInfo[] {
  return drives.filter((d) => info[d.id]?.live && info[d.id].status === 'update');
}

/** Creates the sticks slice. */
export const createSticksSlice: SliceCreator<SticksSlice> = (set, get, api) => {
  /** Forgets what `ids` held and reads them again (after they were written). */
  async function reread(ids: string[]) {
    const info = { ...get().stickInfo };
    for (const id of ids) delete info[id];
    set({ stickInfo: info });
    await get().inspectDrives(get().drives.filter((d) => ids.includes(d.id)));
  }

  return {
    stickInfo: {},
    restoreLabel: DEFAULT_RESTORE_LABEL,
    stickConfirmLarge: false,

    async inspectDrives(drives) {
      // a stick being written is read again when its job ends
      if (get().stickJob?.status === 'running') return;
      const ids = drives.filter((d) => !d.system && !(d.id in get().stickInfo)).map((d) => d.id);
      if (ids.length === 0) return;
      const r = await api.invoke('sticks:inspect', { driveIds: ids });
      if (!r.ok) return;
      const info = { ...get().stickInfo };
      for (const i of r.value) info[i.driveId] = i;
      set({ stickInfo: info });
    },

    requestStickAction(kind, driveIds) {
      const drives = get().drives.filter((d) => driveIds.includes(d.id));
      if (drives.length === 0 || get().flashStatus === 'running' || get().stickJob?.status === 'running') return;
      set({ stickJob: { kind, status: 'confirming', drives, refreshResults: [], restoreResults: [] }, stickConfirmLarge: false });
    },

    setRestoreLabel(label) {
      set({ restoreLabel: label });
    },
    setStickConfirmLarge(v) {
      set({ stickConfirmLarge: v });
    },

    async startStickAction() {
      const job = get().stickJob;
      if (!job || job.status !== 'confirming') return;
      const needsLarge = job.drives.some(isLarge);
      if (needsLarge && !get().stickConfirmLarge) return;
      const driveIds = job.drives.map((d) => d.id);
      set({ stickJob: { ...job, status: 'running' } });
      if (job.kind === 'refresh') {
        const r = await api.invoke('sticks:refresh', { driveIds, verify: get().verify, eject: false, confirmLarge: needsLarge });
        const now = get().stickJob;
        if (!now) return;
        if (!r.ok) return set({ stickJob: { ...now, status: 'done', error: r.error } });
        // the events may have ended the job before the answer came
        set({ stickJob: { ...now, jobId: r.value.jobId } });
        return;
      }
      const label = get().restoreLabel.trim() || DEFAULT_RESTORE_LABEL;
      const r = await api.invoke('sticks:restore', { driveIds, label, confirmLarge: needsLarge });
      const now = get().stickJob ?? job;
      set({
        stickJob: r.ok ? { ...now, status: 'done', restoreResults: r.value } : { ...now, status: 'done', error: r.error },
      });
      await reread(driveIds);
    },

    async cancelStickAction() {
      const jobId = get().stickJob?.jobId;
      if (!jobId) return;
      const r = await api.invoke('flash:cancel', { jobId });
      const now = get().stickJob;
      if (!r.ok && now) set({ stickJob: { ...now, error: r.error } });
    },

    closeStickJob() {
      if (get().stickJob?.status === 'running') return;
      set({ stickJob: undefined });
    },

    applyRefreshProgress(p) {
      const job = get().stickJob;
      if (!job || job.kind !== 'refresh' || job.status !== 'running' || (job.jobId && job.jobId !== p.jobId)) return;
      set({ stickJob: { ...job, progress: p } });
    },

    applyRefreshTarget(jobId, r) {
      const job = get().stickJob;
      if (!job || job.kind !== 'refresh' || (job.jobId && job.jobId !== jobId)) return;
      set({ stickJob: { ...job, refreshResults: [...job.refreshResults.filter((x) => x.driveId !== r.driveId), r] } });
    },

    applyRefreshFinished(f) {
      const job = get().stickJob;
      if (!job || job.kind !== 'refresh' || job.status !== 'running' || (job.jobId && job.jobId !== f.jobId)) return;
      set({
        stickJob: {
          ...job,
          jobId: f.jobId,
          status: 'done',
          refreshResults: f.results.length > 0 ? f.results : job.refreshResults,
          cancelled: f.cancelled,
          ...(f.error ? { error: f.error } : {}),
        },
      });
      void reread(job.drives.map((d) => d.id));
    },
  };
};
