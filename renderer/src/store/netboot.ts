import type {
  ErrorValue,
  FlashProgress,
  PxeExportResult,
  PxeFormat,
  PxeOptions,
  PxePreview,
  PxeServerState,
} from '../../../electron/contract/api';
import { hasFieldSettings, toCustomizeOptions } from './options';
import { withRate, type TimedProgress } from './rate';
import type { SliceCreator, WizardState } from './types';

/** How the machine gets its Ignition config in network boot mode. */
export type PxeIgnitionChoice = 'embedded' | 'initrd' | 'url';

/** Log lines of the boot mirror kept on screen. */
export const MAX_SERVER_LOG = 200;

/** RAM each rootfs choice needs (FCOS docs), shown beside the choice before any preview. */
export const RAM_BY_ROOTFS = { url: 2 * 1024 ** 3, initrd: 4 * 1024 ** 3 } as const;

/** Where the network boot files come from: the stream's release (downloaded) or the live ISO picked here. */
export type PxeSourceChoice = 'stream' | 'iso';

/** Network boot: options, the generated files, the folder export and the boot mirror. */
export interface NetbootSlice {
  /** Download the stream's release, or copy the files out of the chosen live ISO (`image`). */
  pxeSource: PxeSourceChoice;
  pxeFormat: PxeFormat;
  pxeRootfs: 'url' | 'initrd';
  pxeIgnition: PxeIgnitionChoice;
  pxeIgnitionUrl: string;
  pxeBaseUrl: string;
  pxeKargs: string;
  /** The base URL field was edited or left, or an export was asked for (its "missing" error shows from then on). */
  pxeBaseUrlTouched: boolean;
  /** What the current options generate (undefined while unknown or invalid). */
  pxePreview?: PxePreview;
  /** Why the options cannot generate a config (bad karg, URL...). */
  pxePreviewError?: ErrorValue;
  /** The folder typed in browser mode. */
  pxeExportPath: string;
  pxeExportBusy: boolean;
  pxeExportProgress?: TimedProgress;
  pxeExported?: PxeExportResult;
  pxeExportError?: ErrorValue;
  pxeBind: string;
  pxePort: string;
  pxeServer?: PxeServerState;
  pxeServerBusy: boolean;
  pxeServerError?: ErrorValue;
  pxeServerLog: string[];

  /** Changes network boot options (the preview is refreshed by `refreshPxePreview`). */
  setPxe(
    patch: Partial<
      Pick<NetbootSlice, 'pxeSource' | 'pxeFormat' | 'pxeRootfs' | 'pxeIgnition' | 'pxeIgnitionUrl' | 'pxeBaseUrl' | 'pxeKargs'>
    >,
  ): void;
  /** Marks the base URL field as touched (on leaving it). */
  touchPxeBaseUrl(): void;
  refreshPxePreview(): Promise<void>;
  setPxeExportPath(path: string): void;
  /** Downloads, verifies and writes the boot folder (native dialog in Electron, the typed path in a browser). */
  exportPxe(): Promise<void>;
  cancelPxeExport(): Promise<void>;
  setPxeServerAddress(patch: { bind?: string; port?: string }): void;
  startPxeServer(): Promise<void>;
  stopPxeServer(): Promise<void>;
  applyPxeProgress(p: FlashProgress): void;
  applyPxeLog(line: string): void;
}

/** The Ignition mode sent to the core: no config and no field settings means none, whatever the choice. */
function ignitionMode(s: WizardState): PxeOptions['ignition'] {
  if (s.pxeIgnition === 'url') return 'url';
  return s.config || hasFieldSettings(s.fieldSettings) ? s.pxeIgnition : 'none';
}

/** The config and field settings a pxe:preview/pxe:export request carries besides the options. */
export function pxeInputs(s: WizardState): { configId?: string; fieldSettings?: WizardState['fieldSettings'] } {
  const fieldSettings = toCustomizeOptions(s).fieldSettings;
  return { ...(s.config ? { configId: s.config.id } : {}), ...(fieldSettings ? { fieldSettings } : {}) };
}

/** Is the options' only problem a base URL the user has not had the chance to type yet? */
export function pxeBaseUrlPending(s: NetbootSlice): boolean {
  return s.pxePreviewError?.code === 'PXE_NO_ROOTFS_URL' && !s.pxeBaseUrlTouched;
}

/** The contract's PxeOptions for the current state (an ISO source without a chosen ISO sends no imageId: the core says so). */
export function toPxeOptions(s: WizardState): PxeOptions {
  const fromIso = s.pxeSource === 'iso';
  const release = fromIso ? undefined : s.releases.find((r) => r.stream === s.stream && r.arch === s.arch)?.release;
  const o: PxeOptions = {
    ...(fromIso ? { source: 'iso' as const, ...(s.image ? { imageId: s.image.id } : {}) } : {}),
    stream: s.stream,
    arch: s.arch,
    format: s.pxeFormat,
    rootfs: s.pxeRootfs,
    ignition: ignitionMode(s),
    kargs: s.pxeKargs.trim(),
  };
  if (release) o.release = release;
  if (o.ignition === 'url' && s.pxeIgnitionUrl.trim()) o.ignitionUrl = s.pxeIgnitionUrl.trim();
  if (s.pxeBaseUrl.trim()) o.baseUrl = s.pxeBaseUrl.trim();
  return o;
}

/** Kernel-argument problems of the last preview (the field shows them). */
export function pxeKargProblem(s: NetbootSlice): ErrorValue | undefined {
  const code = s.pxePreviewError?.code ?? '';
  return code.startsWith('KARG_') || code === 'PXE_CMDLINE_TOO_LONG' ? s.pxePreviewError : undefined;
}

let previewSeq = 0;

/** Creates the network boot slice. */
export const createNetbootSlice: SliceCreator<NetbootSlice> = (set, get, api) => ({
  pxeSource: 'stream',
  pxeFormat: 'ipxe',
  pxeRootfs: 'url',
  pxeIgnition: 'embedded',
  pxeIgnitionUrl: '',
  pxeBaseUrl: '',
  pxeKargs: '',
  pxeBaseUrlTouched: false,
  pxeExportPath: '',
  pxeExportBusy: false,
  pxeBind: '127.0.0.1',
  pxePort: '8080',
  pxeServerBusy: false,
  pxeServerLog: [],

  setPxe(patch) {
    set(patch.pxeBaseUrl !== undefined ? { ...patch, pxeBaseUrlTouched: true } : patch);
  },

  touchPxeBaseUrl() {
    if (!get().pxeBaseUrlTouched) set({ pxeBaseUrlTouched: true });
  },

  async refreshPxePreview() {
    const seq = ++previewSeq;
    const s = get();
    const r = await api.invoke('pxe:preview', { options: toPxeOptions(s), ...pxeInputs(s) });
    if (seq !== previewSeq) return; // options changed meanwhile
    if (r.ok) set({ pxePreview: r.value, pxePreviewError: undefined });
    else set({ pxePreview: undefined, pxePreviewError: r.error });
  },

  setPxeExportPath(path) {
    set({ pxeExportPath: path });
  },

  async exportPxe() {
    const s = get();
    set({ pxeExportBusy: true, pxeExportError: undefined, pxeExportProgress: undefined, pxeBaseUrlTouched: true });
    const req = { options: toPxeOptions(s), ...pxeInputs(s) };
    const r = await api.invoke('pxe:export', s.shell === 'electron' ? req : { ...req, path: s.pxeExportPath.trim() });
    set({ pxeExportBusy: false, pxeExportProgress: undefined });
    if (!r.ok) return set({ pxeExportError: r.error });
    if (r.value) set({ pxeExported: r.value, pxePreview: r.value, pxePreviewError: undefined });
  },

  async cancelPxeExport() {
    await api.invoke('pxe:cancel', {});
  },

  setPxeServerAddress(patch) {
    set({ ...(patch.bind !== undefined ? { pxeBind: patch.bind } : {}), ...(patch.port !== undefined ? { pxePort: patch.port } : {}) });
  },

  async startPxeServer() {
    const port = Number(get().pxePort);
    if (!/^\d{1,5}$/.test(get().pxePort.trim()) || port > 65535) {
      return set({ pxeServerError: { code: 'PORT_INVALID', message: 'The port must be a number from 0 to 65535' } });
    }
    set({ pxeServerBusy: true, pxeServerError: undefined, pxeServerLog: [] });
    const r = await api.invoke('pxe:serve-start', { bind: get().pxeBind.trim(), port });
    set({ pxeServerBusy: false });
    if (r.ok) set({ pxeServer: r.value });
    else set({ pxeServerError: r.error });
  },

  async stopPxeServer() {
    set({ pxeServerBusy: true });
    const r = await api.invoke('pxe:serve-stop', {});
    set({ pxeServerBusy: false, ...(r.ok ? { pxeServer: undefined } : { pxeServerError: r.error }) });
  },

  applyPxeProgress(p) {
    if (!get().pxeExportBusy) return;
    set({ pxeExportProgress: withRate(get().pxeExportProgress, p, performance.now()) });
  },

  applyPxeLog(line) {
    set({ pxeServerLog: [...get().pxeServerLog, line].slice(-MAX_SERVER_LOG) });
  },
});
