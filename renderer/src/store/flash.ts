import type { DriveInfo, ErrorValue, FlashFinished, FlashPhase, FlashProgress, TargetResult } from '../../../electron/contract/api';
import { configReady } from './config';
import { fleetAssignment, fleetOverflow } from './fleet';
import { withRate, type TimedProgress } from './rate';
import { fieldProblems, optionProblems, toCustomizeOptions } from './options';
import { isLarge, nameMatches, needsTypedName, selectedDrives } from './targets';
import type { SliceCreator, WizardState } from './types';
import type { MessageKey } from '../i18n/keys';

/** Phases of a flash, in order, with their labels' message keys. */
export const PHASES: { id: FlashPhase; label: MessageKey }[] = [
  { id: 'download', label: 'flash.phaseName.download' },
  { id: 'verify-image', label: 'flash.phaseName.verifyImage' },
  { id: 'write', label: 'flash.phaseName.write' },
  { id: 'verify-stick', label: 'flash.phaseName.verifyStick' },
];

/** Where the flash step is. */
export type FlashStatus = 'idle' | 'confirming' | 'starting' | 'running' | 'done';

/** The flash job: confirmation, progress per phase and drive, results per stick. */
export interface FlashSlice {
  flashStatus: FlashStatus;
  jobId?: string;
  /** Latest progress, keyed by phase (image phases) or `phase:driveId` (stick phases). */
  progress: Record<string, TimedProgress>;
  /** The drives of the running/finished job, as they were when it started (a pulled stick stays listed). */
  flashDrives: DriveInfo[];
  /** The furthest phase seen so far. */
  currentPhase?: FlashPhase;
  results: TargetResult[];
  finished?: FlashFinished;
  flashError?: ErrorValue;
  /** Eject each stick when done. */
  eject: boolean;
  /** Read the config back from each stick and compare. */
  verify: boolean;
  /** The user ticked "yes, these large drives" in the confirmation. */
  confirmLarge: boolean;
  /** Internal disks: the name typed in the confirmation, by drive id. */
  typedNames: Record<string, string>;
  /** "Save customized ISO…" result. */
  saved?: { path: string; size: number; machine?: string };
  saveBusy: boolean;
  saveError?: ErrorValue;

  setEject(v: boolean): void;
  setVerify(v: boolean): void;
  setConfirmLarge(v: boolean): void;
  setTypedName(driveId: string, name: string): void;
  /** Opens the confirmation naming the drives. */
  requestFlash(): void;
  cancelConfirm(): void;
  /** Starts writing (after the confirmation). */
  startFlash(): Promise<void>;
  cancelFlash(): Promise<void>;
  /** Back to idle, keeping every choice (to write more sticks). */
  resetFlash(): void;
  applyFlashProgress(p: FlashProgress): void;
  applyTargetResult(jobId: string, r: TargetResult): void;
  applyFlashFinished(f: FlashFinished): void;
  /** Saves the customized ISO (Electron: native dialog; browser: `path` is required). */
  /** Saves the customized ISO; `row` (1-based) of a loaded fleet manifest adds that machine's settings. */
  saveIso(path?: string, row?: number): Promise<void>;
}

/** What still blocks flashing, as message keys (empty = ready). */
export function flashBlockers(s: WizardState): MessageKey[] {
  const out: MessageKey[] = [];
  if (!configReady(s)) out.push(s.config ? 'blockers.configErrors' : 'blockers.noConfig');
  if (!s.image) out.push('blockers.noImage');
  out.push(...fieldProblems(s), ...optionProblems(s));
  if (s.selectedIds.length === 0) out.push('blockers.noTarget');
  if (fleetOverflow(s) > 0) out.push('blockers.fleetTooMany');
  // the manifest sets host names and addresses per machine (`flint burn --fleet` refuses them too)
  if (s.fleet && (s.fieldSettings.hostname.trim() || s.fieldSettings.address.trim())) out.push('blockers.fleetFields');
  return out;
}

/** The selected internal disks whose name was not typed yet (the confirmation waits for them). */
export function untypedNames(s: WizardState): DriveInfo[] {
  return selectedDrives(s).filter((d) => needsTypedName(d) && !nameMatches(d, s.typedNames[d.id]));
}

/** Index of a phase in PHASES. */
export function phaseIndex(p: FlashPhase): number {
  return PHASES.findIndex((x) => x.id === p);
}

/** Creates the flash slice. */
export const createFlashSlice: SliceCreator<FlashSlice> = (set, get, api) => ({
  flashStatus: 'idle',
  progress: {},
  flashDrives: [],
  results: [],
  eject: false,
  verify: true,
  confirmLarge: false,
  typedNames: {},
  saveBusy: false,

  setEject(v) {
    set({ eject: v });
  },
  setVerify(v) {
    set({ verify: v });
  },
  setConfirmLarge(v) {
    set({ confirmLarge: v });
  },
  setTypedName(driveId, name) {
    set({ typedNames: { ...get().typedNames, [driveId]: name } });
  },

  requestFlash() {
    if (flashBlockers(get()).length > 0) return;
    set({ flashStatus: 'confirming', confirmLarge: false, typedNames: {}, flashError: undefined });
  },

  cancelConfirm() {
    set({ flashStatus: 'idle' });
  },

  async startFlash() {
    const s = get();
    const image = s.image;
    if (!image || flashBlockers(s).length > 0) return;
    const needsLarge = selectedDrives(s).some(isLarge);
    if (needsLarge && !s.confirmLarge) return;
    if (untypedNames(s).length > 0) return;
    // the core checks each typed name again, against the disk it lists right before writing
    const confirmedNames = Object.fromEntries(
      selectedDrives(s)
        .filter(needsTypedName)
        .map((d) => [d.id, s.typedNames[d.id].trim()]),
    );
    const picks = s.fleet ? fleetAssignment(s) : [];
    set({
      fleetBatch: Object.fromEntries(picks.map((p) => [p.driveId, p.row])),
      flashStatus: 'starting',
      progress: {},
      flashDrives: selectedDrives(s),
      results: [],
      finished: undefined,
      flashError: undefined,
      currentPhase: undefined,
    });
    const r = await api.invoke('flash:start', {
      imageId: image.id,
      ...(s.config && !s.noConfig ? { configId: s.config.id } : {}),
      options: toCustomizeOptions(s),
      targetIds: [...s.selectedIds],
      verify: s.verify,
      eject: s.eject,
      confirmLarge: needsLarge && s.confirmLarge,
      ...(Object.keys(confirmedNames).length ? { confirmedNames } : {}),
      ...(s.fleet ? { fleet: { fileId: s.fleet.id, rows: picks.map((p) => p.row.row) } } : {}),
    });
    if (!r.ok) return set({ flashStatus: 'idle', flashError: r.error });
    // events may have arrived before the answer: keep them if they carry this job id
    if (get().flashStatus === 'starting') set({ flashStatus: 'running', jobId: r.value.jobId });
    else set({ jobId: r.value.jobId });
  },

  async cancelFlash() {
    const jobId = get().jobId;
    if (!jobId) return;
    const r = await api.invoke('flash:cancel', { jobId });
    if (!r.ok) set({ flashError: r.error });
  },

  resetFlash() {
    set({
      flashStatus: 'idle',
      jobId: undefined,
      progress: {},
      results: [],
      finished: undefined,
      currentPhase: undefined,
      flashError: undefined,
    });
  },

  applyFlashProgress(p) {
    const s = get();
    if (s.jobId && p.jobId !== s.jobId) return;
    if (s.flashStatus !== 'running' && s.flashStatus !== 'starting') return;
    const key = p.driveId ? `${p.phase}:${p.driveId}` : p.phase;
    const cur = s.currentPhase;
    set({
      progress: { ...s.progress, [key]: withRate(s.progress[key], p, performance.now()) },
      currentPhase: !cur || phaseIndex(p.phase) > phaseIndex(cur) ? p.phase : cur,
      ...(s.jobId ? {} : { jobId: p.jobId }),
    });
  },

  applyTargetResult(jobId, r) {
    const s = get();
    if (s.jobId && jobId !== s.jobId) return;
    set({ results: [...s.results.filter((x) => x.driveId !== r.driveId), r] });
  },

  applyFlashFinished(f) {
    const s = get();
    if (s.jobId && f.jobId !== s.jobId) return;
    if (s.flashStatus !== 'running' && s.flashStatus !== 'starting') return;
    const results = f.results.length > 0 ? f.results : s.results;
    set({ flashStatus: 'done', finished: f, results, jobId: f.jobId });
    s.noteFleetResults(results);
  },

  async saveIso(path, row) {
    const s = get();
    if (!s.image) return;
    const machine = row && s.fleet ? s.fleet.fleet?.rows[row - 1]?.name : undefined;
    set({ saveBusy: true, saveError: undefined, saved: undefined });
    const r = await api.invoke('iso:save', {
      imageId: s.image.id,
      ...(s.config && !s.noConfig ? { configId: s.config.id } : {}),
      options: toCustomizeOptions(s),
      ...(path ? { path } : {}),
      ...(row && s.fleet ? { fleetRow: { fileId: s.fleet.id, row } } : {}),
    });
    if (!r.ok) return set({ saveBusy: false, saveError: r.error });
    set({ saveBusy: false, ...(r.value ? { saved: { ...r.value, ...(machine ? { machine } : {}) } } : {}) });
  },
});
