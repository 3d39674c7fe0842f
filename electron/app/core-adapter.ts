/**
 * What the app handlers need from the core engine, in one narrow interface. The real
 * implementation (./core-default) wires electron/core; tests and `startUiServer` may pass their own.
 * Nothing here imports Electron.
 */
import type { ConfigReport, FlashPhase, ReleaseInfo } from '../contract/types';

/** A config after reading: Ignition JSON text (Butane translated) and its report. */
export interface CheckedConfig {
  /** Ignition JSON as text (what gets embedded and shown read-only). */
  text: string;
  report: ConfigReport;
}

/** A downloaded or cached ISO. */
export interface CoreImage {
  path: string;
  size: number;
  sha256?: string;
  signature: 'verified' | 'none';
  cached: boolean;
  stream?: string;
  release?: string;
}

/** Facts of an ISO as the core reports them. */
export interface CoreIsoFacts {
  volumeId: string;
  arch: string;
  embedCapacity: number;
  defaultKargs: string;
  customized: boolean;
  features: Record<string, boolean>;
}

/** A drive as the core lists it. */
export interface CoreDrive {
  id: string;
  device: string;
  size: number;
  model?: string;
  vendor?: string;
  bus?: string;
  removable: boolean;
  readOnly: boolean;
  system: boolean;
  mountpoints: string[];
}

/** Everything that customizes the live ISO (resolved from ids by the handlers). */
export interface CustomizeInput {
  /** Ignition JSON to embed, if any. */
  config?: string;
  fromRam: boolean;
  extraKargs: string[];
  network: { name: string; text: string }[];
  ca: { name: string; text: string }[];
  destDevice?: string;
  destIgnition?: string;
  /** Field-settings fragment (Ignition JSON), merged after `config`. */
  fieldSettings?: string;
}

/** A progress event from a core operation. */
export interface CoreProgress {
  phase: FlashPhase;
  /** Device path the report is about (write/verify-stick). */
  device?: string;
  bytes: number;
  total?: number;
  speed?: number;
  eta?: number;
}

/** The outcome for one target of a write. */
export interface CoreTargetResult {
  device: string;
  ok: boolean;
  error?: { code: string; message: string };
  bytesWritten?: number;
  configSha256?: string;
  expectedSha256?: string;
  ejected?: boolean;
}

/** The core operations the app uses. Every long one takes an AbortSignal. */
export interface CoreAdapter {
  /** CoreOS architecture of this machine. */
  hostArch(): string;
  /**
   * Reads a config (Ignition JSON, or Butane YAML translated to Ignition) and validates it against
   * the embed area `capacity` when given. `filesDir` resolves Butane `local` references (absent for
   * uploads, which then cannot use them). `installed` marks a config for the installed system
   * (--dest-ignition): boot_device, grub and storage.trees allowed, no live-boot lint. Problems are
   * in the report; it throws only on I/O.
   */
  checkConfig(name: string, bytes: Uint8Array, capacity?: number, filesDir?: string, installed?: boolean): Promise<CheckedConfig>;
  /** Current releases of the given streams for `arch`. */
  releases(streams: string[], arch: string, signal?: AbortSignal): Promise<ReleaseInfo[]>;
  /** Downloads (or reuses from cache) and verifies the live ISO of a stream's current release. */
  download(stream: string, arch: string, opts: { signal?: AbortSignal; onProgress?: (p: CoreProgress) => void }): Promise<CoreImage>;
  /** ISOs in the cache. */
  cachedImages(): Promise<CoreImage[]>;
  /** Inspects a live ISO. */
  inspectIso(path: string): Promise<CoreIsoFacts>;
  /** Lists drives (system drives included, flagged). */
  listDrives(): Promise<CoreDrive[]>;
  /** Watches for hot-plug; returns a stop function. Optional. */
  watchDrives?(onChange: () => void): () => void;
  /** Writes the customized ISO to a new file. */
  saveIso(src: string, dest: string, input: CustomizeInput, signal?: AbortSignal): Promise<{ size: number }>;
  /** Writes the customized image to every target (in parallel), verifying and ejecting as asked. */
  flash(opts: {
    image: string;
    input: CustomizeInput;
    targets: CoreDrive[];
    verify: boolean;
    eject: boolean;
    signal: AbortSignal;
    onProgress: (p: CoreProgress) => void;
    /** One stick finished (called as each finishes; the returned list has them all again). */
    onTarget?: (r: CoreTargetResult) => void;
  }): Promise<CoreTargetResult[]>;

  /**
   * Network boot: downloads and verifies (SHA-256 + OpenPGP) the PXE kernel, initramfs and rootfs of
   * a stream's current release into `dir` (recorded in its flint-pxe.json); returns their names.
   */
  pxeDownload(
    dir: string,
    stream: string,
    arch: string,
    opts: { signal?: AbortSignal; onProgress?: (p: CoreProgress) => void },
  ): Promise<{ release: string; artifacts: { kernel: string; initramfs: string; rootfs: string } }>;
  /**
   * Writes `src` (a live initramfs) customized with the config (coreos-installer pxe customize) to
   * `dest`; `extra` adds the field-settings fragment (merged after `config`) and network keyfiles.
   */
  pxeCustomize(
    src: string,
    dest: string,
    config: string | undefined,
    extra?: { fieldSettings?: string; network?: { name: string; text: string }[] },
  ): Promise<void>;
  /** Writes NetworkManager keyfiles wrapped as a small initrd (flint pxe network wrap) to `dest`. */
  pxeWrapNetwork(keyfiles: { name: string; text: string }[], dest: string): Promise<void>;
  /** Writes the Ignition config wrapped as a small initrd (flint pxe ignition wrap) to `dest`. */
  pxeWrapIgnition(config: string, dest: string): Promise<void>;
  /** Starts a read-only HTTP boot mirror over `dir`. */
  startBootServer(opts: {
    dir: string;
    bind: string;
    port: number;
    log: (line: string) => void;
  }): Promise<{ url: string; port: number; close(): Promise<void> }>;
}
