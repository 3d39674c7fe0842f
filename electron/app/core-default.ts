/**
 * The real CoreAdapter: electron/core's Ignition and Butane readers, ISO reader/customizer, stream
 * downloader and cache, drive list/watcher and writeImage (write + read-back through the writer
 * helper). Electron-free, so the Electron main process and the loopback bridge share it.
 */
import { createHash } from 'node:crypto';
import { arch as nodeArch } from 'node:process';
import type { Progress } from '../core/progress';
import { ButaneError, translateButane } from '../core/ignition/butane/translate';
import { configKind } from '../core/ignition/load';
import type { ConfigIssue } from '../core/ignition/types';
import { validateIgnition } from '../core/ignition/validate';
import { planCustomize, type CustomizeRequest } from '../core/iso/customize';
import { inspectIsoFile } from '../core/iso/inspect';
import { applyPlanToCopy } from '../core/iso/plan';
import { defaultCacheDir, listCache, lookupCache } from '../core/stream/cache';
import { downloadArtifact } from '../core/stream/download';
import { fetchStreamMetadata, nodeArchToCoreos, selectRelease } from '../core/stream/metadata';
import type { HelperCommand } from '../core/write/elevate';
import type { TargetResult as WriteTargetResult } from '../core/write/events';
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ConfigReport, FlashPhase, Issue, ReleaseInfo } from '../contract/types';
import type { CoreAdapter, CoreDrive, CoreProgress, CoreTargetResult, CustomizeInput } from './core-adapter';

/** Options of the default core. */
export interface DefaultCoreOptions {
  /** Stream metadata base URL (a mirror; default the Fedora build server). */
  baseUrl?: string;
  /** Download cache directory (default: the platform cache dir). */
  cacheDir?: string;
  /** Extra trusted armored public keys. */
  keyrings?: string[];
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
}

/** Maps the core's progress phases onto the contract's four. */
export function contractPhase(phase: string): FlashPhase {
  if (phase === 'download') return 'download';
  if (phase === 'hash-image' || phase === 'verify-image' || phase === 'signature') return 'verify-image';
  if (phase === 'verify' || phase === 'ignition' || phase === 'verify-stick') return 'verify-stick';
  return 'write';
}

function toCoreProgress(p: Progress): CoreProgress {
  const out: CoreProgress = { phase: contractPhase(p.phase), bytes: p.bytes };
  if (p.total !== undefined) out.total = p.total;
  if (p.speed !== undefined) out.speed = p.speed;
  if (p.eta !== undefined) out.eta = p.eta;
  if (p.item !== undefined && p.item.startsWith('/dev/')) out.device = p.item;
  return out;
}

/** A Butane issue (with line/column) as a contract Issue; the line goes into the message. */
function plainIssue(i: ConfigIssue & { line?: number }): Issue {
  return { code: i.code, path: i.path, message: i.line ? `line ${i.line}: ${i.message}` : i.message };
}

/** The coreos-installer customization of a CustomizeInput. */
export function toCustomizeRequest(input: CustomizeInput): CustomizeRequest {
  const enc = (t: string) => new TextEncoder().encode(t);
  const req: CustomizeRequest = { force: true };
  if (input.config) req.liveIgnition = [{ name: 'config.ign', data: enc(input.config) }];
  if (input.fieldSettings) req.liveIgnition = [...(req.liveIgnition ?? []), { name: 'field-settings.ign', data: enc(input.fieldSettings) }];
  if (input.ca.length) req.ignitionCa = input.ca.map((f) => ({ name: f.name, data: enc(f.text) }));
  if (input.network.length) req.networkKeyfile = input.network.map((f) => ({ name: f.name, data: enc(f.text) }));
  if (input.destDevice) req.destDevice = input.destDevice;
  if (input.destIgnition) req.destIgnition = [{ name: 'dest.ign', data: enc(input.destIgnition) }];
  const append = [...input.extraKargs, ...(input.fromRam ? ['coreos.liveiso.fromram'] : [])];
  if (append.length) req.liveKargAppend = append;
  return req;
}

/** Creates the real core adapter. */
export function createDefaultCore(opts: DefaultCoreOptions = {}): CoreAdapter {
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const listDrives = async (): Promise<CoreDrive[]> => {
    // loaded on first use: the drive and write engines are only needed once the user gets there
    const { listAllDrives, systemContext } = await import('../core/drives/list');
    const drives = await listAllDrives(systemContext());
    return drives
      .filter((d) => opts.allowLoop || !d.loop)
      .map((d) => ({
        id: d.id,
        device: d.device,
        size: d.size,
        model: d.model,
        vendor: d.vendor,
        bus: d.bus,
        removable: d.removable,
        readOnly: d.readOnly,
        system: d.system,
        mountpoints: d.mountpoints,
      }));
  };
  return {
    hostArch: () => nodeArchToCoreos(nodeArch),

    async checkConfig(name, bytes, capacity, filesDir, installed) {
      let ignition = bytes;
      const warnings: Issue[] = [];
      if (configKind(name, bytes) === 'butane') {
        try {
          const r = translateButane(new TextDecoder().decode(bytes), { filesDir, target: installed ? 'installed' : 'live' });
          warnings.push(...r.warnings.map(plainIssue));
          ignition = new TextEncoder().encode(JSON.stringify(r.config, null, 2));
        } catch (err) {
          if (!(err instanceof ButaneError)) throw err;
          const text = new TextDecoder().decode(bytes);
          return { text, report: { ok: false, errors: err.issues.map(plainIssue), warnings: [] } };
        }
      }
      const report = await validateIgnition(ignition, { live: !installed, capacity });
      const out: ConfigReport = { ok: report.ok, errors: report.errors, warnings: [...warnings, ...report.warnings] };
      if (report.version) out.version = report.version;
      if (report.compressedSize !== undefined) out.compressedSize = report.compressedSize;
      if (report.capacity !== undefined) out.capacity = report.capacity;
      return { text: new TextDecoder().decode(ignition), report: out };
    },

    async releases(streams, arch, signal): Promise<ReleaseInfo[]> {
      // streams are fetched in parallel; one that fails is left out unless all do
      const settled = await Promise.allSettled(
        streams.map(async (stream) => {
          const meta = await fetchStreamMetadata(stream, { baseUrl: opts.baseUrl, signal });
          const rel = selectRelease(meta, arch);
          const cached = !!(await lookupCache(cacheDir, rel.iso.name, rel.iso.sha256).catch(() => undefined));
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
      const meta = await fetchStreamMetadata(stream, { baseUrl: opts.baseUrl, signal });
      const rel = selectRelease(meta, arch);
      const dl = await downloadArtifact(rel.iso, {
        cacheDir,
        keyrings: opts.keyrings,
        signal,
        onProgress: onProgress && ((p) => onProgress(toCoreProgress(p))),
      });
      return { ...dl, stream: rel.stream, release: rel.release };
    },

    async cachedImages() {
      const listing = await listCache(cacheDir).catch(() => ({ entries: [] }));
      return listing.entries
        .filter((e) => /\.iso$/i.test(e.name))
        .map((e) => ({ path: e.path, size: e.size, sha256: e.sha256, signature: e.signature, cached: true }));
    },

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

    async saveIso(src, dest, input) {
      const facts = await inspectIsoFile(src);
      const { plan } = await planCustomize(facts, toCustomizeRequest(input));
      await applyPlanToCopy(src, dest, plan);
      return { size: facts.size };
    },

    async flash({ image, input, targets, verify, eject, signal, onProgress, onTarget }) {
      // What burn() does for a local image, plus the helper override the packaged app needs.
      const { writeImage } = await import('../core/write/write-image');
      const facts = await inspectIsoFile(image);
      const planned = await planCustomize(facts, toCustomizeRequest(input));
      const expected = planned.liveConfig ? createHash('sha256').update(planned.liveConfig).digest('hex') : null;
      const toResult = (r: WriteTargetResult): CoreTargetResult => {
        if (!r.ok)
          return { device: r.device, ok: false, bytesWritten: r.bytesWritten, error: { code: r.error.code, message: r.error.message } };
        const out: CoreTargetResult = { device: r.device, ok: true, bytesWritten: r.bytesWritten };
        if (r.ignitionSha256) out.configSha256 = r.ignitionSha256;
        if (expected) out.expectedSha256 = expected;
        if (eject) out.ejected = true;
        // the read-back is the proof: a stick whose config differs from the generated one failed
        if ((r.ignitionSha256 ?? null) !== expected) {
          out.ok = false;
          out.error = {
            code: 'WRITE_IGNITION_MISMATCH',
            message: `The Ignition config read back from ${r.device} is not the one generated`,
          };
        }
        return out;
      };
      const results = await writeImage({
        image,
        plan: planned.plan,
        targets: targets.map((t) => t.device),
        allowLoop: opts.allowLoop ?? false,
        verify,
        eject,
        expectIgnitionSha256: expected ?? undefined,
        signal,
        ...(opts.helper ? { helper: opts.helper } : {}),
        ...(opts.textPrompt ? { textPrompt: true } : {}),
        onEvent: (e) => {
          if (e.type === 'progress') {
            onProgress({
              phase: contractPhase(e.phase),
              device: e.device,
              bytes: e.bytes,
              total: e.total,
              ...(e.speed ? { speed: e.speed } : {}),
            });
          } else if (e.type === 'target-done') onTarget?.(toResult(e.result));
        },
      });
      return results.map(toResult);
    },

    async pxeDownload(dir, stream, arch, { signal, onProgress }) {
      const { downloadPxe } = await import('../core/pxe/mirror');
      const r = await downloadPxe(dir, {
        stream,
        arch,
        streamBaseUrl: opts.baseUrl,
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

    async pxeCustomize(src, dest, config, extra) {
      const { pxeCustomize } = await import('../core/pxe/customize');
      const input: CustomizeInput = { fromRam: false, extraKargs: [], network: [...(extra?.network ?? [])], ca: [] };
      if (config !== undefined) input.config = config;
      if (extra?.fieldSettings) input.fieldSettings = extra.fieldSettings;
      const r = await pxeCustomize(await readFile(src), toCustomizeRequest(input));
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
