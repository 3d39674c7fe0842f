/**
 * The real CoreAdapter: electron/core's config gate (Butane and Ignition), ISO reader/customizer,
 * stream downloader and cache, drive list/watcher, and the writer the flash job uses (in-process
 * when this process may write raw devices, else the elevated helper). Electron-free, so the
 * Electron main process and the loopback bridge share it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { arch as nodeArch } from 'node:process';
import type { Progress } from '../core/progress';
import { checkConfigInput } from '../core/flash/config-gate';
import { gatedRequest, planGated } from '../core/flash/prepare';
import { DEFAULT_EMBED_CAPACITY } from '../core/ignition/validate';
import { inspectIsoFile } from '../core/iso/inspect';
import { applyPlanToCopy } from '../core/iso/plan';
import { defaultCacheDir, listCache, lookupCache } from '../core/stream/cache';
import { verifyCachedEntry } from '../core/stream/cache-trust';
import { downloadArtifact } from '../core/stream/download';
import { describeSigner } from '../core/stream/keyring';
import { fetchStreamMetadata, nodeArchToCoreos, selectRelease } from '../core/stream/metadata';
import type { HelperCommand } from '../core/write/elevate';
import { defaultWriter, type WriterLauncher } from '../core/write/writers';
import type { ConfigReport, ReleaseInfo } from '../contract/types';
import type { CoreAdapter, CoreProgress } from './core-adapter';
import { contractPhase } from './images';

/** Options of the default core. */
export interface DefaultCoreOptions {
  /** Stream metadata base URL (a mirror; default the Fedora build server). */
  baseUrl?: string;
  /** Download cache directory (default: the platform cache dir). */
  cacheDir?: string;
  /** Extra trusted armored public keys. */
  keyrings?: string[];
  /** Proxy URL for every download ('' for none; default: HTTPS_PROXY/HTTP_PROXY from the environment). */
  proxy?: string;
  /** Hosts reached without the proxy (default: NO_PROXY from the environment). */
  noProxy?: string;
  /** Offer loop devices as targets (tests only). */
  allowLoop?: boolean;
  /** Hot-plug poll interval in ms (default 2000). */
  pollMs?: number;
  /** How to start the writer helper (the packaged app: its launcher; default: this checkout's). */
  helper?: HelperCommand;
  /**
   * Linux: let pkexec ask for the password on the terminal when no graphical polkit agent runs
   * (`flint ui` started from a terminal, like `flint write`).
   */
  textPrompt?: boolean;
  /** Who writes flashes (default: in-process when privileged, else the helper; tests: a stand-in). */
  writer?: WriterLauncher;
}

function toCoreProgress(p: Progress): CoreProgress {
  const out: CoreProgress = { phase: contractPhase(p.phase), bytes: p.bytes };
  if (p.total !== undefined) out.total = p.total;
  if (p.speed !== undefined) out.speed = p.speed;
  if (p.eta !== undefined) out.eta = p.eta;
  if (p.item !== undefined && p.item.startsWith('/dev/')) out.device = p.item;
  return out;
}

/** Creates the real core adapter. */
export function createDefaultCore(opts: DefaultCoreOptions = {}): CoreAdapter {
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const net = { proxy: opts.proxy, noProxy: opts.noProxy };
  const listDrives = async (sourcePaths: string[] = []) => {
    // loaded on first use: the drive and write engines are only needed once the user gets there
    const { listAllDrives, systemContext } = await import('../core/drives/list');
    const drives = await listAllDrives(systemContext(sourcePaths));
    return drives.filter((d) => opts.allowLoop || !d.loop);
  };
  return {
    hostArch: () => nodeArchToCoreos(nodeArch),

    async checkConfig(name, bytes, capacity, filesDir, installed) {
      // the config gate's own check (every flash passes the gate again): a live config against the
      // default embed area, the installed system's config as the gate checks it (no lint, no size)
      const r = await checkConfigInput(
        { name, data: bytes, ...(filesDir ? { filesDir } : {}) },
        installed ? { live: false, capacity: 0 } : { live: true, capacity: capacity ?? DEFAULT_EMBED_CAPACITY },
      );
      const report: ConfigReport = { ok: r.ok, errors: r.errors, warnings: r.warnings };
      if (r.version) report.version = r.version;
      if (r.compressedSize !== undefined) report.compressedSize = r.compressedSize;
      if (r.capacity !== undefined) report.capacity = r.capacity;
      // a translated Butane config is shown as the Ignition it becomes, indented for reading
      const translated = r.ignition !== bytes;
      const text = new TextDecoder().decode(r.ignition);
      return { text: translated ? JSON.stringify(JSON.parse(text), null, 2) : text, report };
    },

    async releases(streams, arch, signal): Promise<ReleaseInfo[]> {
      // streams are fetched in parallel; one that fails is left out unless all do
      const settled = await Promise.allSettled(
        streams.map(async (stream) => {
          const meta = await fetchStreamMetadata(stream, { baseUrl: opts.baseUrl, signal, ...net });
          const rel = selectRelease(meta, arch);
          // a cheap look: an entry whose file changed since it was verified is not counted as cached
          const cached = !!(await lookupCache(cacheDir, rel.iso.name, rel.iso.sha256).catch(() => undefined))?.unchanged;
          const info: ReleaseInfo = { stream: rel.stream, arch: rel.arch, release: rel.release, cached };
          if (rel.date) info.date = rel.date;
          return info;
        }),
      );
      const out = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (out.length === 0 && failed) throw failed.reason;
      return out;
    },

    async download(stream, arch, { signal, onProgress }) {
      const meta = await fetchStreamMetadata(stream, { baseUrl: opts.baseUrl, signal, ...net });
      const rel = selectRelease(meta, arch);
      const dl = await downloadArtifact(rel.iso, {
        ...net,
        cacheDir,
        keyrings: opts.keyrings,
        signal,
        onProgress: onProgress && ((p) => onProgress(toCoreProgress(p))),
      });
      return { ...dl, stream: rel.stream, release: rel.release };
    },

    async cachedImages() {
      const listing = await listCache(cacheDir).catch(() => ({ entries: [] }));
      const out = [];
      for (const e of listing.entries.filter((x) => /\.iso$/i.test(x.name))) {
        // the same check as a download's cache hit: a changed file is read again or left out
        const t = await verifyCachedEntry(cacheDir, e, { keyrings: opts.keyrings }).catch(() => undefined);
        if (t)
          out.push({
            path: t.path,
            size: t.size,
            sha256: t.sha256,
            signature: t.signature,
            cached: true,
            stamp: t.stamp,
            ...(t.signer ? { signer: t.signer } : {}),
          });
      }
      return out;
    },

    describeSigner: (fingerprint) => describeSigner(fingerprint, opts.keyrings ?? []),

    async inspectIso(path) {
      const f = await inspectIsoFile(path);
      return {
        volumeId: f.volumeId,
        arch: f.arch,
        embedCapacity: f.embedArea.length,
        defaultKargs: f.kargs?.defaultKargs ?? '',
        customized: f.customized,
        features: {
          installerConfig: f.features.installerConfig,
          liveInitrdNetwork: f.features.liveInitrdNetwork,
          liveKargs: f.kargs !== null,
        },
      };
    },

    listDrives,

    watchDrives(onChange) {
      // the core watcher: polls, and on Linux re-lists at once on udev block events
      const stop = new AbortController();
      void Promise.all([import('../core/drives/watch'), import('../core/drives/list')]).then(
        ([{ watchDrives }, { listAllDrives, systemContext }]) =>
          watchDrives({
            list: () => listAllDrives(systemContext()),
            onChange: () => onChange(),
            onError: () => {},
            intervalMs: opts.pollMs,
            signal: stop.signal,
          }),
        () => {},
      );
      return () => stop.abort();
    },

    async saveIso(src, dest, customization) {
      const facts = await inspectIsoFile(src);
      const { plan } = await planGated(facts, customization);
      await applyPlanToCopy(src, dest, plan);
      return { size: facts.size };
    },

    writer: () =>
      opts.writer ?? defaultWriter({ ...(opts.helper ? { helper: opts.helper } : {}), ...(opts.textPrompt ? { textPrompt: true } : {}) }),

    async pxeDownload(dir, stream, arch, { signal, onProgress }) {
      const { downloadPxe } = await import('../core/pxe/mirror');
      const r = await downloadPxe(dir, {
        stream,
        arch,
        streamBaseUrl: opts.baseUrl,
        ...net,
        cacheDir,
        keyrings: opts.keyrings,
        signal,
        onProgress: onProgress && ((p) => onProgress(toCoreProgress(p))),
      });
      const name = (p: string) => basename(p);
      return {
        release: r.release,
        artifacts: { kernel: name(r.paths.kernel), initramfs: name(r.paths.initramfs), rootfs: name(r.paths.rootfs) },
      };
    },

    async pxeExtract(iso, dir, stem, { signal, onProgress }) {
      const { extractPxeArtifacts } = await import('../core/iso/pxe-artifacts');
      return extractPxeArtifacts(iso, dir, stem, {
        signal,
        onProgress: onProgress && ((bytes, total) => onProgress({ phase: 'write', bytes, total })),
      });
    },

    async pxeCustomize(src, dest, customization) {
      const { pxeCustomize } = await import('../core/pxe/customize');
      const { request } = await gatedRequest(customization);
      const r = await pxeCustomize(await readFile(src), request);
      await writeFile(dest, r.initramfs, { flag: 'wx' });
    },

    async pxeWrapIgnition(config, dest) {
      const { wrapIgnition } = await import('../core/pxe/initramfs');
      await writeFile(dest, await wrapIgnition(new TextEncoder().encode(config)));
    },

    async pxeWrapNetwork(keyfiles, dest) {
      const { wrapNetworkKeyfiles } = await import('../core/pxe/initramfs');
      const enc = (t: string) => new TextEncoder().encode(t);
      await writeFile(dest, await wrapNetworkKeyfiles(keyfiles.map((k) => ({ name: k.name, data: enc(k.text) }))));
    },

    async startBootServer(o) {
      const { startBootServer } = await import('../core/pxe/server');
      return startBootServer(o);
    },
  };
}
