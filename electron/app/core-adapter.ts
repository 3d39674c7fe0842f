/**
 * What the app handlers need from the core engine, in one narrow interface. The real
 * implementation (./core-default) wires electron/core; tests and `startUiServer` may pass their own
 * parts (a drive list, a writer stand-in). The flash job itself is never replaced: the handlers
 * run electron/core/flash with the drive list and the writer given here. Nothing here imports Electron.
 */
import type { ConfigReport, FlashPhase, ReleaseInfo } from '../contract/types';
import type { Drive } from '../core/drives/types';
import type { FlashCustomization } from '../core/flash/types';
import type { FileStamp } from '../core/stream/cache';
import type { SignerInfo } from '../core/stream/keyring';
import type { WriterLauncher } from '../core/write/writers';

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
  /** A cached image's file stamp when its SHA-256 and signature were checked (the flash job re-checks it). */
  stamp?: FileStamp;
  /** Fingerprint of the key whose signature verified it. */
  signer?: string;
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
  /** Who the signing key with `fingerprint` is (among the bundled and the extra trusted keys). */
  describeSigner?(fingerprint: string): Promise<SignerInfo>;
  /** Inspects a live ISO. */
  inspectIso(path: string): Promise<CoreIsoFacts>;
  /**
   * Lists drives (system drives included, flagged; loop devices only when allowed). The disks
   * holding `sourcePaths` (the images the session holds) count as system disks too.
   */
  listDrives(sourcePaths?: string[]): Promise<Drive[]>;
  /** Watches for hot-plug; returns a stop function. Optional. */
  watchDrives?(onChange: () => void): () => void;
  /** Writes the customized ISO (configs through the gate) to a new file. */
  saveIso(src: string, dest: string, customization: FlashCustomization, signal?: AbortSignal): Promise<{ size: number }>;
  /** Who writes flashes: the engine in-process (root), the elevated helper, or a test stand-in. */
  writer(): WriterLauncher;

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
   * Network boot from a local live ISO: copies the kernel, initramfs and rootfs out of its
   * images/pxeboot into `dir` as `<stem>-vmlinuz`, `<stem>-initrd.img`, `<stem>-rootfs.img`
   * (coreos-installer iso extract pxe names), replacing older copies; `release` as the ISO names it.
   */
  pxeExtract(
    iso: string,
    dir: string,
    stem: string,
    opts: { signal?: AbortSignal; onProgress?: (p: CoreProgress) => void },
  ): Promise<{ release?: string; stream?: string; artifacts: { kernel: string; initramfs: string; rootfs: string }; written: string[] }>;
  /** Writes `src` (a live initramfs) customized (coreos-installer pxe customize; configs through the gate) to `dest`. */
  pxeCustomize(src: string, dest: string, customization: FlashCustomization): Promise<void>;
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
