import type { ErrorValue, LoadedFile } from '../../../electron/contract/api';
import type { SliceCreator } from './types';

/** The Ignition (or Butane) config to embed, and its validation report. */
export interface ConfigSlice {
  /** The loaded config with its report, or undefined. */
  config?: LoadedFile;
  /** A load or validation is running. */
  configBusy: boolean;
  /** Why the last load failed (a person-actionable message from the core). */
  configError?: ErrorValue;
  /** The user chose to go on without a config (allowed, with a warning). */
  noConfig: boolean;
  /** Loads a File the user dropped or picked with the file input (.ign, .bu). */
  loadConfigFile(file: File): Promise<void>;
  /** Opens the native file dialog (Electron); in the browser the UI uses a file input instead. */
  browseConfig(): Promise<void>;
  /** Validates the loaded config again, against the selected image's embed area when there is one. */
  revalidateConfig(): Promise<void>;
  /** Forgets the loaded config. */
  clearConfig(): Promise<void>;
  /** Sets "continue without a config". */
  setNoConfig(value: boolean): void;
}

/** True when the config step is complete: a valid config, or "no config" chosen. */
export function configReady(s: ConfigSlice): boolean {
  return s.noConfig || (s.config?.report?.ok ?? false);
}

/** Creates the config slice. */
export const createConfigSlice: SliceCreator<ConfigSlice> = (set, get, api) => {
  async function adopt(file: LoadedFile): Promise<void> {
    const old = get().config;
    set({ config: file, configError: undefined, noConfig: false });
    if (old && old.id !== file.id) void api.invoke('file:forget', { id: old.id });
    if (get().image) await get().revalidateConfig();
  }

  return {
    configBusy: false,
    noConfig: false,

    async loadConfigFile(file) {
      set({ configBusy: true, configError: undefined });
      const r = await api.openDroppedFile(file, 'config');
      set({ configBusy: false });
      if (!r.ok && /\.iso$/i.test(file.name)) {
        // an ISO the browser cannot hand over by path: send the person to the local ISO picker
        set({ imageSource: 'local', imageError: r.error, step: 'image' });
        return;
      }
      if (!r.ok) return set({ configError: r.error });
      if (r.value.kind === 'image') {
        // an ISO dropped on the config step: take it as the image
        get().adoptImage(r.value.image);
        return;
      }
      await adopt(r.value.file);
    },

    async browseConfig() {
      set({ configBusy: true, configError: undefined });
      const r = await api.invoke('file:open-dialog', { kind: 'config' });
      set({ configBusy: false });
      if (!r.ok) return set({ configError: r.error });
      if (r.value) await adopt(r.value);
    },

    async revalidateConfig() {
      const cfg = get().config;
      if (!cfg) return;
      const imageId = get().image?.id;
      const r = await api.invoke('config:validate', imageId ? { id: cfg.id, imageId } : { id: cfg.id });
      if (get().config?.id !== cfg.id) return; // replaced meanwhile
      if (r.ok) set({ config: r.value });
      else set({ configError: r.error });
    },

    async clearConfig() {
      const cfg = get().config;
      set({ config: undefined, configError: undefined });
      if (cfg) await api.invoke('file:forget', { id: cfg.id });
    },

    setNoConfig(value) {
      set({ noConfig: value });
    },
  };
};
