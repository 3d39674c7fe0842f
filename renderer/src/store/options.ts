import type {
  CustomizeOptions,
  ErrorValue,
  FieldSettingsCheck,
  FieldSettingsInput,
  FileKind,
  KargsCheck,
  LoadedFile,
} from '../../../electron/contract/api';
import type { SliceCreator } from './types';
import type { MessageKey } from '../i18n/keys';

/** Kinds of side files the options step loads. */
export type OptionFileKind = Exclude<FileKind, 'config'>;

/** Customization options: run from RAM, extra kargs, and the advanced installer/network bits. */
export interface OptionsSlice {
  fromRam: boolean;
  extraKargs: string;
  /** Result of the last kargs check (for the text currently in `extraKargs`). */
  kargsCheck?: KargsCheck;
  kargsBusy: boolean;
  /** NetworkManager keyfiles. */
  networkFiles: LoadedFile[];
  /** CA certificates. */
  caFiles: LoadedFile[];
  /** Automatic install: destination device (empty = no automatic install). */
  destDevice: string;
  /** Automatic install: Ignition config of the installed system. */
  destIgnition?: LoadedFile;
  optionsError?: ErrorValue;
  /** The Config step's field settings form (SSH key, host name, static IP, time zone). */
  fieldSettings: FieldSettingsInput;
  /** The core's check of `fieldSettings` as they stood when it was asked. */
  fieldCheck?: FieldSettingsCheck;

  setFromRam(value: boolean): void;
  setExtraKargs(value: string): void;
  /** Asks the core to check `extraKargs` against the image's defaults. */
  checkKargs(): Promise<void>;
  /** Loads a side file: from a File (drop / file input) or, without one, the native dialog. */
  addOptionFile(kind: OptionFileKind, file?: File): Promise<void>;
  removeOptionFile(id: string): Promise<void>;
  setDestDevice(value: string): void;
  clearOptionsError(): void;
  /** Edits one field of the field settings (the last check is dropped). */
  setFieldSetting(key: keyof FieldSettingsInput, value: string): void;
  /** Asks the core to check the field settings (against the chosen image's features). */
  checkFieldSettings(): Promise<void>;
}

/** An empty field settings form. */
export const EMPTY_FIELD_SETTINGS: FieldSettingsInput = { sshKeys: '', hostname: '', address: '', gateway: '', dns: '', timezone: '' };

/** Does the form hold anything? */
export function hasFieldSettings(f: FieldSettingsInput): boolean {
  return Object.values(f).some((v) => v.trim() !== '');
}

/** A destination device the core will accept (e.g. /dev/sda, /dev/disk/by-id/...). */
export const DEST_DEVICE_RE = /^\/dev\/[A-Za-z0-9/_.-]{1,120}$/;

/** Problems of the options as they stand, as message keys (empty = ready). */
export function optionProblems(s: OptionsSlice): MessageKey[] {
  const out: MessageKey[] = [];
  if (s.kargsCheck && !s.kargsCheck.ok) out.push('blockers.kargs');
  if (s.destDevice && !DEST_DEVICE_RE.test(s.destDevice)) out.push('blockers.destDevice');
  if (s.destDevice && !s.destIgnition) out.push('blockers.destIgnitionMissing');
  if (!s.destDevice && s.destIgnition) out.push('blockers.destDeviceMissing');
  return out;
}

/** Problems of the Config step's field settings (shown and marked on the Config step). */
export function fieldProblems(s: OptionsSlice): MessageKey[] {
  return s.fieldCheck && !s.fieldCheck.ok ? ['blockers.fields'] : [];
}

/** The options as the contract's CustomizeOptions. */
export function toCustomizeOptions(s: OptionsSlice): CustomizeOptions {
  const o: CustomizeOptions = {
    fromRam: s.fromRam,
    extraKargs: s.extraKargs.trim(),
    networkIds: s.networkFiles.map((f) => f.id),
    caIds: s.caFiles.map((f) => f.id),
  };
  if (s.destDevice.trim()) o.destDevice = s.destDevice.trim();
  if (s.destIgnition) o.destIgnitionId = s.destIgnition.id;
  if (hasFieldSettings(s.fieldSettings)) {
    const f = s.fieldSettings;
    o.fieldSettings = {
      ...f,
      hostname: f.hostname.trim(),
      address: f.address.trim(),
      gateway: f.gateway.trim(),
      dns: f.dns.trim(),
      timezone: f.timezone.trim(),
    };
  }
  return o;
}

/** Creates the options slice. */
export const createOptionsSlice: SliceCreator<OptionsSlice> = (set, get, api) => ({
  fromRam: false,
  extraKargs: '',
  kargsBusy: false,
  networkFiles: [],
  caFiles: [],
  destDevice: '',
  fieldSettings: EMPTY_FIELD_SETTINGS,

  setFromRam(value) {
    set({ fromRam: value });
  },

  setExtraKargs(value) {
    set({ extraKargs: value, kargsCheck: undefined });
  },

  async checkKargs() {
    const kargs = get().extraKargs.trim();
    if (!kargs) return set({ kargsCheck: undefined, kargsBusy: false });
    set({ kargsBusy: true });
    const imageId = get().image?.id;
    const r = await api.invoke('options:check-kargs', imageId ? { kargs, imageId } : { kargs });
    if (get().extraKargs.trim() !== kargs) return; // edited meanwhile
    if (r.ok) set({ kargsCheck: r.value, kargsBusy: false, optionsError: undefined });
    else set({ kargsBusy: false, optionsError: r.error });
  },

  async addOptionFile(kind, file) {
    set({ optionsError: undefined });
    let loaded: LoadedFile | null;
    if (file) {
      const r = await api.openDroppedFile(file, kind);
      if (!r.ok) return set({ optionsError: r.error });
      if (r.value.kind !== 'config') {
        return set({
          optionsError: { code: 'WRONG_FILE', message: `${file.name} is an ISO, not a text file`, params: { name: file.name } },
        });
      }
      loaded = r.value.file;
    } else {
      const r = await api.invoke('file:open-dialog', { kind });
      if (!r.ok) return set({ optionsError: r.error });
      loaded = r.value;
    }
    if (!loaded) return;
    const f = loaded;
    if (kind === 'network') set({ networkFiles: [...get().networkFiles, f] });
    else if (kind === 'ca') set({ caFiles: [...get().caFiles, f] });
    else {
      const old = get().destIgnition;
      set({ destIgnition: f });
      if (old) void api.invoke('file:forget', { id: old.id });
    }
  },

  async removeOptionFile(id) {
    set({
      networkFiles: get().networkFiles.filter((f) => f.id !== id),
      caFiles: get().caFiles.filter((f) => f.id !== id),
      destIgnition: get().destIgnition?.id === id ? undefined : get().destIgnition,
    });
    await api.invoke('file:forget', { id });
  },

  setDestDevice(value) {
    set({ destDevice: value });
  },

  clearOptionsError() {
    set({ optionsError: undefined });
  },

  setFieldSetting(key, value) {
    set({ fieldSettings: { ...get().fieldSettings, [key]: value }, fieldCheck: undefined });
  },

  async checkFieldSettings() {
    const settings = get().fieldSettings;
    if (!hasFieldSettings(settings)) return set({ fieldCheck: undefined });
    const imageId = get().image?.id;
    const r = await api.invoke('options:check-field-settings', imageId ? { settings, imageId } : { settings });
    if (get().fieldSettings !== settings) return; // edited meanwhile
    if (r.ok) set({ fieldCheck: r.value });
    else set({ optionsError: r.error });
  },
});
