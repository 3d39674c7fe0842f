import type {
  ErrorValue,
  HistoryEntry,
  MemoryChoices,
  RecentEntry,
  RememberedTarget,
  Settings,
  SettingsView,
  StickView,
} from '../../../electron/contract/api';
import type { SliceCreator, WizardState } from './types';

/** Which site tool is open over the wizard. */
export type SiteDialog = 'settings' | 'history' | 'inspect' | null;

/** Settings, the flash record, the stick inspector and the wizard's memory. */
export interface SiteSlice {
  dialog: SiteDialog;
  settingsView?: SettingsView;
  settingsBusy: boolean;
  settingsError?: ErrorValue;
  history: HistoryEntry[];
  historyError?: ErrorValue;
  /** The drive picked in the inspector, its contents and any error reading it. */
  inspectId?: string;
  stick?: StickView;
  inspectBusy: boolean;
  inspectError?: ErrorValue;
  recentConfigs: RecentEntry[];
  recentImages: RecentEntry[];
  /** Sticks remembered from the last run, selected when the same ones are plugged in. */
  pendingTargets: RememberedTarget[];
  /** The memory was read (choices are saved only after, so a start never overwrites them). */
  memoryRestored: boolean;

  openDialog(d: SiteDialog): void;
  loadSettings(): Promise<void>;
  saveSettings(settings: Settings): Promise<boolean>;
  loadHistory(): Promise<void>;
  exportHistory(format: 'csv' | 'json'): Promise<{ name: string; mime: string; text: string } | null>;
  inspect(driveId: string): Promise<void>;
  restoreMemory(): Promise<void>;
  saveMemory(): Promise<void>;
  openRecent(kind: 'config' | 'image', key: string): Promise<void>;
  /** Selects the remembered sticks that are in the list now (by model, serial and size). */
  applyPendingTargets(): void;
}

/** The choices the memory keeps, from the state. */
export function memoryChoices(s: WizardState): MemoryChoices {
  return {
    mode: s.mode,
    ...(s.config && !s.noConfig ? { configId: s.config.id } : {}),
    ...(s.image ? { imageId: s.image.id } : {}),
    stream: s.stream,
    arch: s.arch,
    fromRam: s.fromRam,
    extraKargs: s.extraKargs,
    fieldSettings: s.fieldSettings,
    verify: s.verify,
    targetIds: s.selectedIds,
    ...(s.fleet ? { fleet: { file: s.fleet.id, start: s.fleetStart, written: s.fleetWritten } } : {}),
  };
}

/** Does a listed drive stand for a remembered stick? Only a drive with a serial number can prove it. */
export function sameStick(d: { model: string; serial: string; size: number }, t: RememberedTarget): boolean {
  return !!t.serial && d.serial === t.serial && d.model === t.model && d.size === t.size;
}

/** Creates the site slice. */
export const createSiteSlice: SliceCreator<SiteSlice> = (set, get, api) => ({
  dialog: null,
  settingsBusy: false,
  history: [],
  inspectBusy: false,
  recentConfigs: [],
  recentImages: [],
  pendingTargets: [],
  memoryRestored: false,

  openDialog(d) {
    set({
      dialog: d,
      settingsError: undefined,
      inspectError: undefined,
      ...(d === 'inspect' ? { stick: undefined, inspectId: undefined } : {}),
    });
    if (d === 'settings') void get().loadSettings();
    if (d === 'history') void get().loadHistory();
    if (d === 'inspect') void get().refreshDrives();
  },

  async loadSettings() {
    const r = await api.invoke('settings:get', {});
    if (r.ok) set({ settingsView: r.value });
    else set({ settingsError: r.error });
  },

  async saveSettings(settings) {
    set({ settingsBusy: true, settingsError: undefined });
    const r = await api.invoke('settings:set', { settings });
    if (!r.ok) {
      set({ settingsBusy: false, settingsError: r.error });
      return false;
    }
    const before = get().settingsView?.settings;
    set({ settingsBusy: false, settingsView: r.value, eject: r.value.settings.ejectWhenDone, dialog: null });
    // a new mirror, proxy or key changes what the stream list shows; loop devices change the drive list
    const s = r.value.settings;
    if (
      !before ||
      before.baseUrl !== s.baseUrl ||
      before.proxyMode !== s.proxyMode ||
      before.proxyUrl !== s.proxyUrl ||
      before.cacheDir !== s.cacheDir
    ) {
      void get().loadReleases();
      void get().loadCached();
    }
    void get().refreshDrives();
    return true;
  },

  async loadHistory() {
    const r = await api.invoke('history:list', {});
    if (r.ok) set({ history: r.value, historyError: undefined });
    else set({ historyError: r.error });
  },

  async exportHistory(format) {
    const r = await api.invoke('history:export', { format });
    if (r.ok) return r.value;
    set({ historyError: r.error });
    return null;
  },

  async inspect(driveId) {
    set({ inspectId: driveId, inspectBusy: true, inspectError: undefined, stick: undefined });
    const r = await api.invoke('stick:inspect', { driveId });
    if (get().inspectId !== driveId) return;
    if (r.ok) set({ stick: r.value, inspectBusy: false });
    else set({ inspectError: r.error, inspectBusy: false });
  },

  async restoreMemory() {
    // what the user changes while the memory is on its way wins over what it remembers
    const before = get();
    const r = await api.invoke('memory:restore', {});
    if (!r.ok) return set({ memoryRestored: true });
    const m = r.value;
    const now = get();
    const kept = <K extends keyof WizardState>(k: K) => now[k] === before[k];
    set({
      recentConfigs: m.recentConfigs,
      recentImages: m.recentImages,
      pendingTargets: m.targets,
      ...(kept('fromRam') ? { fromRam: m.fromRam } : {}),
      ...(kept('extraKargs') ? { extraKargs: m.extraKargs } : {}),
      ...(kept('verify') ? { verify: m.verify } : {}),
      ...(m.fieldSettings && kept('fieldSettings') ? { fieldSettings: m.fieldSettings } : {}),
      ...(m.stream && kept('stream') ? { stream: m.stream } : {}),
    });
    if (m.mode !== get().mode && !before.modePicked && !now.modePicked) get().setMode(m.mode);
    const config = m.config && kept('config') && kept('noConfig') ? m.config : undefined;
    if (m.config && !config) void api.invoke('file:forget', { id: m.config.id });
    if (config) set({ config, configError: undefined, noConfig: false });
    const fleet = m.fleet && kept('fleet') ? m.fleet : undefined;
    if (m.fleet && !fleet) void api.invoke('file:forget', { id: m.fleet.file.id });
    if (fleet) set({ fleet: fleet.file, fleetError: undefined, fleetStart: fleet.start, fleetWritten: fleet.written });
    if (m.image && kept('image')) get().adoptImage(m.image);
    else if (config) void get().revalidateConfig();
    if (kept('extraKargs') && m.extraKargs.trim()) void get().checkKargs();
    set({ memoryRestored: true });
    get().applyPendingTargets();
  },

  async saveMemory() {
    if (!get().memoryRestored) return;
    const r = await api.invoke('memory:save', { choices: memoryChoices(get()) });
    if (r.ok) set({ recentConfigs: r.value.recentConfigs, recentImages: r.value.recentImages });
  },

  async openRecent(kind, key) {
    const r = await api.invoke('memory:open-recent', { kind, key });
    if (!r.ok) {
      if (kind === 'config') set({ configError: r.error });
      else set({ imageError: r.error, image: undefined });
      return;
    }
    if (r.value.kind === 'image') get().adoptImage(r.value.image);
    else {
      const old = get().config;
      set({ config: r.value.file, configError: undefined, noConfig: false });
      if (old && old.id !== r.value.file.id) void api.invoke('file:forget', { id: old.id });
      void get().revalidateConfig();
    }
  },

  applyPendingTargets() {
    const pending = get().pendingTargets;
    if (pending.length === 0 || !get().drivesLoaded) return;
    const found = get()
      .drives.filter((d) => !d.refusal && !d.system && !d.readOnly && pending.some((t) => sameStick(d, t)))
      .map((d) => d.id);
    if (found.length) set({ selectedIds: [...new Set([...get().selectedIds, ...found])], pendingTargets: [] });
  },
});
