/**
 * Network boot (the "Network boot options" step, pxe:* channels): the plain data that crosses the
 * IPC contract. JSON-serializable, no Node or Electron imports (the renderer uses it too).
 */

/** Network boot: the boot loader that reads the generated file. */
export type PxeFormat = 'pxelinux' | 'ipxe';

/** Network boot options (the "Network boot options" step). */
export interface PxeOptions {
  /**
   * Where the kernel, initramfs and rootfs come from: the stream's current release, downloaded and
   * verified (`stream`, the default), or copied out of a live ISO the session holds (`iso`, with
   * `imageId`), so a site with one ISO and no Internet can boot over the network.
   */
  source?: 'stream' | 'iso';
  /** The live ISO (an id from image:open-dialog/open-path, image:download or image:cached) when source is `iso`. */
  imageId?: string;
  /** Stream and architecture whose PXE artifacts are booted (source `stream`). */
  stream: string;
  arch: string;
  /** Release shown in previews (file names); the export uses the stream's current release. */
  release?: string;
  format: PxeFormat;
  /** Rootfs fetched from coreos.live.rootfs_url (2 GiB RAM) or loaded as an initrd (4 GiB RAM). */
  rootfs: 'url' | 'initrd';
  /** Explicit rootfs URL (default: beside the others under baseUrl). */
  rootfsUrl?: string;
  /** Ignition: inside a customized initramfs, as a wrapped initrd, fetched from a URL, or none. */
  ignition: 'embedded' | 'initrd' | 'url' | 'none';
  /** The config URL when ignition is 'url'. */
  ignitionUrl?: string;
  /** HTTP(S) base URL where the boot mirror is reachable (iPXE loads everything from it). */
  baseUrl?: string;
  /** Extra kernel arguments, separated by spaces (checked like ISO kargs). */
  kargs: string;
}

/** One generated boot config file. */
export interface PxeFile {
  /** Path relative to the TFTP/HTTP root (`boot.ipxe`, `pxelinux.cfg/default`). */
  name: string;
  text: string;
}

/** What the chosen network boot options generate. */
export interface PxePreview {
  files: PxeFile[];
  /** Minimum RAM of the booted machine (bytes). */
  ramNeeded: number;
  /** Why, in words. */
  ramNote: string;
  /** The kernel command line as the boot loader passes it. */
  cmdline: string;
  notes: string[];
  /** Artifact file names the config refers to. */
  artifacts: { kernel: string; initramfs: string; rootfs: string };
  /** The Config step's field settings this boot applies, in words with where they go (absent: none). */
  fieldSettings?: string[];
}

/** The result of a network boot export into a folder. */
export interface PxeExportResult extends PxePreview {
  /** The folder (shown to the user; never accepted back in Electron). */
  dir: string;
  release: string;
  /** The artifacts, initrds and configs Flint placed in the folder, relative to it. */
  written: string[];
}

/** A running boot mirror. */
export interface PxeServerState {
  url: string;
  bind: string;
  port: number;
  dir: string;
}
