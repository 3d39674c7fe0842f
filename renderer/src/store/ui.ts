import type { AppInfo, ErrorValue, ShellMode } from '../../../electron/contract/api';
import { savedLanguageChoice, type LanguageChoice } from '../i18n';
import type { SliceCreator } from './types';

/** The wizard's steps in USB stick mode, in order. */
export const STEPS = ['config', 'image', 'options', 'target', 'flash'] as const;
/** The wizard's steps in network boot mode: the same config step, then options and output. */
export const NET_STEPS = ['config', 'netboot', 'output'] as const;
/** One step of the wizard (either mode). */
export type StepId = (typeof STEPS)[number] | (typeof NET_STEPS)[number];
/** Colour theme: follow the system, or forced. */
export type Theme = 'system' | 'light' | 'dark';
/** What Flint makes: a USB stick, or network boot (PXELINUX/iPXE) files and a boot mirror. */
export type Mode = 'usb' | 'network';

/** The steps of a mode, in order. */
export function stepsOf(mode: Mode): readonly StepId[] {
  return mode === 'network' ? NET_STEPS : STEPS;
}

/** A message shown in the notice area (errors that belong to no step, e.g. an open-with failure). */
export interface Notice {
  id: number;
  error: ErrorValue;
}

/** Navigation, theme, language, mode, app info and global notices. */
export interface UiSlice {
  /** Which shell runs the page (from the api): Electron uses native dialogs, the browser file inputs. */
  shell: ShellMode;
  step: StepId;
  theme: Theme;
  /** The interface language: follow the system, or one the app speaks. */
  language: LanguageChoice;
  mode: Mode;
  appInfo?: AppInfo;
  notices: Notice[];
  goTo(step: StepId): void;
  next(): void;
  back(): void;
  setTheme(theme: Theme): void;
  setLanguage(language: LanguageChoice): void;
  /** Switches the mode (a pick before the memory is restored is kept over the remembered mode). */
  setMode(mode: Mode): void;
  /** The mode was picked in this session (the restored memory does not switch it then). */
  modePicked: boolean;
  pushNotice(error: ErrorValue): void;
  dismissNotice(id: number): void;
  setAppInfo(info: AppInfo): void;
}

let noticeSeq = 0;

/** Creates the ui slice. */
export const createUiSlice: SliceCreator<UiSlice> = (set, get, api) => ({
  shell: api.mode,
  step: 'config',
  theme: 'system',
  language: savedLanguageChoice(),
  mode: 'usb',
  notices: [],

  goTo(step) {
    set({ step });
  },
  next() {
    const steps = stepsOf(get().mode);
    const i = steps.indexOf(get().step);
    if (i < steps.length - 1) set({ step: steps[i + 1] });
  },
  back() {
    const steps = stepsOf(get().mode);
    const i = steps.indexOf(get().step);
    if (i > 0) set({ step: steps[i - 1] });
  },
  setTheme(theme) {
    set({ theme });
  },
  setLanguage(language) {
    set({ language });
  },
  modePicked: false,
  setMode(mode) {
    if (!get().modePicked) set({ modePicked: true });
    if (mode === get().mode) return;
    // the config step is shared; any other step belongs to one mode
    set({ mode, step: stepsOf(mode).includes(get().step) ? get().step : 'config' });
  },
  pushNotice(error) {
    set({ notices: [...get().notices, { id: ++noticeSeq, error }].slice(-4) });
  },
  dismissNotice(id) {
    set({ notices: get().notices.filter((n) => n.id !== id) });
  },
  setAppInfo(info) {
    set({ appInfo: info });
  },
});
