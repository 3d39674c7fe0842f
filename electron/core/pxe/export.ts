/**
 * `flint pxe export`: lays out a network boot folder for a site, from boot files already in it.
 * A default entry (the common config) and, with a fleet manifest, one entry per machine with a
 * MAC: its own initrd (config.ign with its settings merged, its network keyfile) beside the one
 * pristine initramfs, in PXELINUX configs (`pxelinux.cfg/01-<mac>`) and iPXE scripts
 * (`ipxe/<mac>.ipxe`, chained from `boot.ipxe`), and/or a matchbox data directory. Optionally a
 * dnsmasq configuration (DHCP or proxy-DHCP, TFTP, iPXE chainloading) and an nginx server block.
 * Everything is generated before the first file is written; files are replaced atomically, and
 * files a previous export wrote that this one does not (a machine removed) are deleted.
 */
import { constants as fsc } from 'node:fs';
import { copyFile, link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { ERROR_CODES, type FleetProblem } from '../../contract/error-codes';
import { checkKargs } from '../cmdline';
import { codedError, FlintError } from '../errors';
import type { FleetManifest, FleetRow } from '../fleet/manifest';
import { rowCustomization } from '../fleet/row-settings';
import { gatedRequest } from '../flash/prepare';
import type { FlashCustomization } from '../flash/types';
import type { ConfigWarnings } from '../flash/config-gate';
import type { CustomizeRequest } from '../iso/customize';
import type { IsoFeatures } from '../iso/features';
import { generatePxeConfig, type PxeArtifactNames, type RootfsSource } from './config';
import { configInitrd } from './customize';
import { chainingIpxe, machineEntries, type EntryOptions } from './fleet-entries';
import { inspectInitramfs, wrapNetworkKeyfiles } from './initramfs';
import { MATCHBOX_ASSETS, MATCHBOX_DEFAULT, matchboxGroup, matchboxProfile, type MatchboxMachine } from './matchbox';
import { copyIpxeLoaders, dnsmasqConfig, nginxConfig, type DhcpMode } from './servers';
import { layoutTftpRoot } from './tftp';

/** What an export writes boot entries for. */
export type PxeExportFormat = 'pxelinux' | 'ipxe' | 'matchbox';

/** Everything `flint pxe export` needs. */
export interface PxeExportRequest {
  /** The boot folder (TFTP root, web root, or matchbox data directory). */
  dir: string;
  /** The boot files, already in `dir`. */
  artifacts: PxeArtifactNames;
  release?: string;
  stream?: string;
  formats: PxeExportFormat[];
  /** Where machines reach the folder over HTTP(S) (matchbox: its endpoint). */
  baseUrl?: string;
  rootfs: RootfsSource;
  /** The config every machine gets (kernel arguments in options.liveKargAppend). */
  common: FlashCustomization;
  fleet?: FleetManifest;
  dnsmasq?: { mode: DhcpMode; range: string; iface?: string };
  nginx?: { port?: number; address?: string };
  /** Where to copy pxelinux.0/ldlinux.c32 and the iPXE loaders from (default: this machine's packages). */
  loaderSources?: Partial<Record<string, string>>;
}

/** What an export did. */
export interface PxeExportResult {
  /** Files written, relative to the folder. */
  written: string[];
  /** Files of the previous export that are gone now. */
  removed: string[];
  /** Each machine with a MAC and its entries. */
  machines: { name: string; mac: string; files: string[] }[];
  /** Machines of the manifest without a MAC (no network boot entry). */
  skipped: string[];
  ramNote: string;
  notes: string[];
  configWarnings: ConfigWarnings[];
}

/** The record of what an export wrote, so the next one can remove what it no longer writes. */
export const EXPORT_RECORD = 'flint-export.json';
/** The default entry's config initrd and live config. */
export const DEFAULT_INITRD = 'config.img';

/** One entry's generated parts. */
interface Entry {
  row?: FleetRow;
  kargs: string[];
  initrd: Uint8Array | null;
  liveConfig: Uint8Array | null;
  keyfiles: CustomizeRequest['networkKeyfile'];
}

/** Where a machine's files live in the folder. */
const machineDir = (name: string) => `machines/${name}`;

/** Splits a gated request into what goes into the initrd and the kernel arguments (PXE has no karg areas). */
function splitKargs(r: CustomizeRequest): { request: CustomizeRequest; kargs: string[] } {
  const { liveKargAppend, liveKargDelete, liveKargReplace, ...request } = r;
  if (liveKargDelete?.length || liveKargReplace?.length) {
    throw new FlintError('PXE_NO_LIVE_KARGS', 'live kernel arguments cannot be deleted or replaced for network boot', [
      'the boot config holds the whole kernel line: leave the argument out instead',
    ]);
  }
  return { request, kargs: liveKargAppend ?? [] };
}

/** Checks every row's kernel arguments against the network boot rules first, as manifest problems with lines. */
function checkRowKargs(fleet: FleetManifest): void {
  const problems: FleetProblem[] = [];
  for (const r of fleet.rows) {
    for (const e of checkKargs(r.kargs, { context: 'pxe' }).errors)
      problems.push({
        line: r.line,
        row: r.row,
        field: 'kargs',
        code: e.code,
        ...(e.params ? { params: e.params } : {}),
        message: e.message,
      });
  }
  if (problems.length) {
    throw codedError(
      ERROR_CODES.FLEET_INVALID,
      { file: fleet.file, problems },
      `${fleet.file} has ${problems.length} problem(s) for network boot`,
      problems.map((p) => `line ${p.line} (row ${p.row}, kargs): ${p.message}`),
    );
  }
}

async function buildEntry(c: FlashCustomization, features: IsoFeatures, row?: FleetRow): Promise<Entry & { warnings: ConfigWarnings[] }> {
  const gated = await gatedRequest(c);
  const { request, kargs } = splitKargs(gated.request);
  const built = await configInitrd(request, features);
  return {
    ...(row ? { row } : {}),
    kargs,
    initrd: built.initrd,
    liveConfig: built.liveConfig,
    keyfiles: request.networkKeyfile,
    warnings: gated.configWarnings,
  };
}

/** A path inside the folder (refuses anything that would leave it). */
function inside(dir: string, rel: string): string {
  const root = resolve(dir);
  const p = resolve(root, rel);
  if (!p.startsWith(root + sep)) throw new FlintError('PXE_BAD_OUTPUT', `output path '${rel}' leaves the folder ${dir}`);
  return p;
}

async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${process.pid}-${Date.now()}.flint-tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Places a boot file under assets/: a hard link when the folder allows it, else a copy. */
async function placeAsset(src: string, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  await rm(dest, { force: true });
  await link(src, dest).catch(() => copyFile(src, dest, fsc.COPYFILE_FICLONE));
}

/** Exports the boot folder; see the module comment. Throws before writing anything when an input is wrong. */
export async function exportPxe(req: PxeExportRequest): Promise<PxeExportResult> {
  const dir = resolve(req.dir);
  const want = {
    pxelinux: req.formats.includes('pxelinux'),
    ipxe: req.formats.includes('ipxe'),
    matchbox: req.formats.includes('matchbox'),
  };
  if (!want.pxelinux && !want.ipxe && !want.matchbox)
    throw new FlintError('PXE_BAD_OPTIONS', 'no format to export (pxelinux, ipxe, matchbox)');
  if (want.matchbox && (want.pxelinux || want.ipxe)) {
    throw new FlintError('PXE_BAD_OPTIONS', 'matchbox renders the iPXE entries itself: export --format matchbox into a folder of its own', [
      'its --base-url is the matchbox endpoint, not a web server serving the folder',
    ]);
  }
  if (want.matchbox && req.nginx) throw new FlintError('PXE_BAD_OPTIONS', 'matchbox serves its assets itself: leave out --nginx');
  if (want.matchbox && !/^https?:\/\//.test(req.baseUrl ?? '')) {
    throw new FlintError('PXE_BAD_OPTIONS', 'matchbox needs its endpoint: give --base-url http://MATCHBOX:8080');
  }
  for (const name of Object.values(req.artifacts)) {
    if (!(await stat(inside(dir, name)).catch(() => null))?.isFile()) {
      throw new FlintError('PXE_ARTIFACT_MISSING', `${name} is not in ${dir}`, [
        'run flint pxe download --dir, or give --iso to copy the boot files out of a live ISO',
      ]);
    }
  }
  if (req.fleet) checkRowKargs(req.fleet);
  const facts = await inspectInitramfs(new Uint8Array(await readFile(inside(dir, req.artifacts.initramfs))));
  const notes: string[] = [];
  if (!facts.isLive) notes.push(`${req.artifacts.initramfs} is not a CoreOS live initramfs; its machines may ignore the config initrds`);

  // everything is generated first: a refusal leaves the folder as it was
  const files = new Map<string, string | Uint8Array>();
  const def = await buildEntry(req.common, facts.features);
  const entries: (Entry & { warnings: ConfigWarnings[] })[] = [];
  const skipped: string[] = [];
  for (const row of req.fleet?.rows ?? []) {
    if (!row.mac) {
      skipped.push(row.name);
      continue;
    }
    entries.push(await buildEntry(rowCustomization(req.common, row), facts.features, row));
  }
  const base: Omit<EntryOptions, 'ignition' | 'kargs'> = {
    artifacts: req.artifacts,
    rootfs: req.rootfs,
    ...(req.baseUrl ? { baseUrl: req.baseUrl } : {}),
    ...(req.release ? { version: req.release } : {}),
    ...(req.stream ? { stream: req.stream } : {}),
  };
  const optionsOf = (e: Entry, initrdPath: string): EntryOptions => ({
    ...base,
    ignition: e.initrd ? { mode: 'initrd', name: initrdPath } : { mode: 'none' },
    kargs: e.kargs,
  });
  if (def.initrd) files.set(DEFAULT_INITRD, def.initrd);
  if (def.liveConfig) files.set('config.ign', def.liveConfig);
  let ramNote = '';
  if (want.pxelinux || want.ipxe) {
    const defOpts = optionsOf(def, DEFAULT_INITRD);
    if (want.pxelinux) {
      const g = generatePxeConfig({ ...defOpts, format: 'pxelinux' });
      files.set('pxelinux.cfg/default', g.files[0]!.text);
      ramNote = g.ramNote;
    }
    if (want.ipxe) {
      const g = chainingIpxe(defOpts);
      files.set('boot.ipxe', g.files[0]!.text);
      ramNote = g.ramNote;
    }
  }
  const machines: PxeExportResult['machines'] = [];
  for (const e of entries) {
    const row = e.row!;
    const own: string[] = [];
    const put = (name: string, data: string | Uint8Array) => (files.set(name, data), own.push(name));
    const initrd = `${machineDir(row.name)}/config.img`;
    if (e.initrd) put(initrd, e.initrd);
    if (e.liveConfig) put(`${machineDir(row.name)}/config.ign`, e.liveConfig);
    if (want.pxelinux || want.ipxe) for (const f of machineEntries(row.mac!, optionsOf(e, initrd), want)) put(f.name, f.text);
    machines.push({ name: row.name, mac: row.mac!, files: own });
  }
  const assets = want.matchbox ? await addMatchbox(req, def, entries, files) : [];
  if (req.dnsmasq) {
    const ipxeScript = want.matchbox || /^https?:/.test(req.baseUrl ?? '') ? `${req.baseUrl!.replace(/\/+$/, '')}/boot.ipxe` : 'boot.ipxe';
    files.set(
      'dnsmasq.conf',
      dnsmasqConfig({ ...req.dnsmasq, tftpRoot: dir, ipxeScript, biosLoader: want.ipxe || want.matchbox ? 'ipxe' : 'pxelinux' }),
    );
    if (!want.ipxe && !want.matchbox) notes.push('PXELINUX boots BIOS machines only: UEFI machines need the iPXE entries (--format ipxe)');
  }
  if (req.nginx) {
    const url = req.baseUrl && /^https?:/.test(req.baseUrl) ? new URL(req.baseUrl) : null;
    const port = req.nginx.port ?? (url?.port ? Number(url.port) : url?.protocol === 'https:' ? 443 : 80);
    files.set('nginx.conf', nginxConfig({ root: dir, port, ...(req.nginx.address ? { address: req.nginx.address } : {}) }));
    if (url && url.pathname !== '/') notes.push(`nginx serves the folder at /, not at ${url.pathname}: adjust its root or the base URL`);
  }

  // now write: loaders, generated files, then the record; stale files of the last export go
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  if (want.pxelinux) {
    try {
      for (const p of await layoutTftpRoot(dir, req.loaderSources)) written.push(p.slice(dir.length + 1));
    } catch (err) {
      notes.push((err as FlintError).message + ': copy pxelinux.0 and ldlinux.c32 into the TFTP root yourself');
    }
  }
  if (req.dnsmasq) written.push(...(await copyIpxeLoaders(dir, req.loaderSources)));
  for (const [name, data] of files) {
    await writeAtomic(inside(dir, name), data);
    written.push(name);
  }
  for (const [src, dest] of assets) {
    await placeAsset(inside(dir, src), inside(dir, dest));
    written.push(dest);
  }
  const removed = await removeStale(dir, written);
  await writeAtomic(join(dir, EXPORT_RECORD), JSON.stringify({ written: [...written].sort() }, null, 2) + '\n');
  if (skipped.length) notes.push(`no MAC address, so no network boot entry for: ${skipped.join(', ')}`);
  return {
    written,
    removed,
    machines,
    skipped,
    ramNote,
    notes,
    configWarnings: [...def.warnings, ...entries.flatMap((e) => e.warnings)],
  };
}

/** Adds the matchbox documents to `files`; returns the boot files to place under assets/ (source, destination). */
async function addMatchbox(
  req: PxeExportRequest,
  def: Entry,
  entries: Entry[],
  files: Map<string, string | Uint8Array>,
): Promise<[string, string][]> {
  const endpoint = req.baseUrl!.replace(/\/+$/, '');
  const b = { endpoint, artifacts: req.artifacts, rootfs: req.rootfs, ...(req.release ? { release: req.release } : {}) };
  const machine = async (id: string, name: string, e: Entry, mac?: string): Promise<MatchboxMachine> => {
    if (e.liveConfig) files.set(`ignition/${id}.ign`, e.liveConfig);
    let networkInitrd: string | undefined;
    if (e.keyfiles?.length) {
      networkInitrd = `flint/${id}/network.img`;
      files.set(`assets/${networkInitrd}`, await wrapNetworkKeyfiles(e.keyfiles));
    }
    const metadata = e.row ? { name: e.row.name, ...(e.row.hostname ? { hostname: e.row.hostname } : {}) } : {};
    return {
      id,
      name,
      ...(mac ? { mac } : {}),
      ignition: e.liveConfig !== null,
      ...(networkInitrd ? { networkInitrd } : {}),
      kargs: e.kargs,
      metadata,
    };
  };
  const all = [
    await machine(MATCHBOX_DEFAULT, 'default', def),
    ...(await Promise.all(entries.map((e) => machine(e.row!.name, e.row!.name, e, e.row!.mac)))),
  ];
  for (const m of all) {
    files.set(`profiles/${m.id}.json`, JSON.stringify(matchboxProfile(b, m), null, 2) + '\n');
    const g = matchboxGroup(m);
    files.set(`groups/${g.id}.json`, JSON.stringify(g, null, 2) + '\n');
  }
  return Object.values(req.artifacts).map((name) => [name, `assets/${MATCHBOX_ASSETS}/${name}`]);
}

/** Deletes the files the last export wrote that this one did not (only those: the record says which). */
async function removeStale(dir: string, written: string[]): Promise<string[]> {
  let before: string[] = [];
  try {
    const rec = JSON.parse(await readFile(join(dir, EXPORT_RECORD), 'utf8')) as { written?: unknown };
    if (Array.isArray(rec.written)) before = rec.written.filter((x): x is string => typeof x === 'string');
  } catch {
    return [];
  }
  const now = new Set(written);
  const removed: string[] = [];
  for (const name of before) {
    if (now.has(name)) continue;
    let path: string;
    try {
      path = inside(dir, name);
    } catch {
      continue; // a tampered record never reaches outside the folder
    }
    await rm(path, { force: true });
    removed.push(name);
  }
  return removed;
}
