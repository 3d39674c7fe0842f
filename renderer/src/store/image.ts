import type { DirListing, ErrorValue, FlashProgress, ImageState, ReleaseInfo } from '../../../electron/contract/api';
import { withRate, type TimedProgress } from './rate';
import type { SliceCreator } from './types';

/** The streams the wizard offers, in this order. */
export const STREAMS = ['stable', 'testing', 'next'] as const;
/** Architectures Fedora CoreOS publishes live ISOs for. */
export const ARCHES = ['x86_64', 'aarch64', 'ppc64le', 's390x'] as const;

/**
 * True when FCOS release `a` is older than `b`, both of the form major.date.stream.build
 * (44.20260707.3.1); compared as electron/core/iso/release.ts compareVersions does: major, date,
 * then build. Other forms (developer builds) are never called older.
 */
export function olderRelease(a: string, b: string): boolean {
  const parts = (v: string) => /^(\d+)\.(\d{8})\.(\d+)\.(\d+)$/.exec(v);
  const pa = parts(a);
  const pb = parts(b);
  if (!pa || !pb) return false;
  for (const i of [1, 2, 4]) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d < 0;
  }
  return false;
}

/** Where the live ISO comes from. */
export type ImageSource = 'stream' | 'local';

/** The live ISO: a stream release (downloaded and verified, or cached) or a local file. */
export interface ImageSlice {
  imageSource: ImageSource;
  /** CoreOS architecture for downloads (defaults to this machine's). */
  arch: string;
  /** The chosen stream. */
  stream: string;
  /** Current release per stream for `arch`. */
  releases: ReleaseInfo[];
  releasesBusy: boolean;
  releasesError?: ErrorValue;
  /** The selected image, ready to write. */
  image?: ImageState;
  /** A download or open is running. */
  imageBusy: boolean;
  /** Progress of the running download (phases download and verify-image). */
  downloadProgress?: TimedProgress;
  imageError?: ErrorValue;
  /** Path typed for a local ISO (browser mode). */
  localPath: string;
  /** Directory listing shown by the in-page file browser (browser mode), if open. */
  listing?: DirListing;
  /** ISOs already in the download cache (verified when they were downloaded). */
  cachedImages: ImageState[];

  setImageSource(source: ImageSource): void;
  setStream(stream: string): void;
  setArch(arch: string): Promise<void>;
  loadReleases(): Promise<void>;
  /** Reads the list of cached ISOs (errors leave the list as it was: it is only a shortcut). */
  loadCached(): Promise<void>;
  /** Downloads (or takes from the cache) and verifies the chosen stream's ISO. */
  downloadImage(): Promise<void>;
  cancelDownload(): Promise<void>;
  setLocalPath(path: string): void;
  /** Opens the ISO at `localPath` (browser mode). */
  openLocalPath(): Promise<void>;
  /** Native open dialog (Electron). */
  browseImage(): Promise<void>;
  /** Lists a directory for the in-page file browser (browser mode); undefined = home. */
  listDir(path?: string): Promise<void>;
  closeListing(): void;
  /** Takes an image opened elsewhere (a drop, "open with Flint"). */
  adoptImage(image: ImageState): void;
  /** Applies a download progress event. */
  applyImageProgress(p: FlashProgress): void;
}

/** Creates the image slice. */
export const createImageSlice: SliceCreator<ImageSlice> = (set, get, api) => {
  async function finish(r: Awaited<ReturnType<typeof api.invoke<'image:download'>>>): Promise<void> {
    set({ imageBusy: false, downloadProgress: undefined });
    if (!r.ok) return set({ imageError: r.error });
    get().adoptImage(r.value);
    if (r.value.origin !== 'local') void get().loadCached();
  }

  return {
    imageSource: 'stream',
    arch: 'x86_64',
    stream: 'stable',
    releases: [],
    releasesBusy: false,
    imageBusy: false,
    localPath: '',
    cachedImages: [],

    setImageSource(source) {
      set({ imageSource: source, imageError: undefined });
    },

    setStream(stream) {
      set({ stream, imageError: undefined });
    },

    async setArch(arch) {
      set({ arch });
      await get().loadReleases();
    },

    async loadReleases() {
      const arch = get().arch;
      set({ releasesBusy: true, releasesError: undefined });
      const r = await api.invoke('image:releases', { streams: [...STREAMS], arch });
      if (get().arch !== arch) return; // arch changed meanwhile; the newer call wins
      if (r.ok) set({ releases: r.value, releasesBusy: false });
      else set({ releases: [], releasesError: r.error, releasesBusy: false });
    },

    async loadCached() {
      const r = await api.invoke('image:cached', {});
      if (r.ok) set({ cachedImages: r.value });
    },

    async downloadImage() {
      const { stream, arch } = get();
      set({ imageBusy: true, imageError: undefined, downloadProgress: undefined });
      await finish(await api.invoke('image:download', { stream, arch }));
    },

    async cancelDownload() {
      await api.invoke('image:cancel-download', {});
    },

    setLocalPath(path) {
      set({ localPath: path });
    },

    async openLocalPath() {
      const path = get().localPath.trim();
      if (!path) return set({ imageError: { code: 'PATH_EMPTY', message: 'Type the path of a live ISO first' } });
      set({ imageBusy: true, imageError: undefined });
      const r = await api.invoke('image:open-path', { path });
      // a failed open leaves no image chosen: the previous one is not what was asked for
      if (!r.ok) set({ image: undefined });
      await finish(r);
    },

    async browseImage() {
      set({ imageBusy: true, imageError: undefined });
      const r = await api.invoke('image:open-dialog', {});
      set({ imageBusy: false });
      if (!r.ok) return set({ imageError: r.error, image: undefined });
      if (r.value) get().adoptImage(r.value);
    },

    async listDir(path) {
      const r = await api.invoke('fs:list-dir', path ? { path, filter: 'iso' } : { filter: 'iso' });
      if (r.ok) set({ listing: r.value, imageError: undefined });
      else set({ imageError: r.error });
    },

    closeListing() {
      set({ listing: undefined });
    },

    adoptImage(image) {
      set({
        image,
        imageError: undefined,
        listing: undefined,
        imageSource: image.origin === 'local' ? 'local' : 'stream',
        localPath: image.origin === 'local' ? image.path : get().localPath,
      });
      void get().revalidateConfig();
      if (get().extraKargs.trim()) void get().checkKargs();
      // the drive list is judged against the image (too small for it?)
      void get().refreshDrives();
    },

    applyImageProgress(p) {
      if (get().imageBusy) set({ downloadProgress: withRate(get().downloadProgress, p, performance.now()) });
    },
  };
};
