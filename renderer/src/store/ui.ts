import type { AppInfo, ErrorValue, ShellMode } from '../../../electron/shared/contract';
import type { SliceCreator } from './types';

/** The wizard's steps, in order. */
export const STEPS = ['config', 'image', 'options', 'target', 'flash'] as const;
/** One step of the wizard. */
export type StepId = (typeof STEPS)[number];
/** Colour theme: follow the system, or forced. */
export type Theme = 'system' | 'light' | 'dark';
/** What Flint makes: a USB stick now; network boot (PXE) later (issue 7). */
export type Mode = 'usb' | 'network';

/** A message shown in the notice area (errors that belong to no step, e.g. an open-with failure). */
export interface Notice {
  id: number;
  error: ErrorValue;
}

/** Navigation, theme, mode, app info and global notices. */
export interface UiSlice {
  /** Which shell runs the page (from the api): Electron uses native dialogs, the browser file inputs. */
  shell: ShellMode;
  step: StepId;
  theme: Theme;
  mode: Mode;
  appInfo?: AppInfo;
  notices: Notice[];
  goTo(step: StepId): void;
  next(): void;
  back(): void;
  setTheme(theme: Theme): void;
  setMode(mode: Mode): void;
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
  mode: 'usb',
  notices: [],

  goTo(step) {
    set({ step });
  },
  next() {
    const i = STEPS.indexOf(get().step);
    if (i < STEPS.length - 1) set({ step: STEPS[i + 1] });
  },
  back() {
    const i = STEPS.indexOf(get().step);
    if (i > 0) set({ step: STEPS[i - 1] });
  },
  setTheme(theme) {
    set({ theme });
  },
  setMode(mode) {
    if (mode === 'usb') set({ mode });
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
