/**
 * Reads back what an embedded live `config.ign` carries: the configs it merges, its CA
 * certificates, the files it writes (installer configs, the destination config, pre/post-install
 * scripts) and its units. The layout is the one `iso customize` generates
 * (docs/live-iso-format.md §7.2, §7.3, §7.4, §7.5; coreos-installer `src/live/customize.rs`), but
 * any Ignition 3.x config is summarized the same way: inline `data:` resources are decoded (gzip
 * included), remote ones are named by URL.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { decodeDataUrl } from '../ignition/butane/dataurl';

/** An Ignition resource (merge entry, CA, file contents) as read back. Plain JSON. */
export interface ResourceSummary {
  /** `inline` for a data URL (decoded here), `remote` for any other URL. */
  kind: 'inline' | 'remote';
  /** The URL of a remote resource. */
  url?: string;
  /** Size and SHA-256 of the decoded (decompressed) contents of an inline resource. */
  size?: number;
  sha256?: string;
  /** Why an inline resource could not be decoded. */
  problem?: string;
}

/** A config merged (or replaced) into the live config. */
export interface MergedConfig extends ResourceSummary {
  /** `merge` or `replace` (ignition.config). */
  how: 'merge' | 'replace';
  /** The merged config's `ignition.version`, when inline and readable. */
  version?: string;
}

/** A CA certificate the live Ignition trusts for HTTPS fetches. */
export interface CaSummary extends ResourceSummary {
  /** Subject and expiry of an inline PEM certificate, when readable. */
  subject?: string;
  notAfter?: string;
}

/** What a written file is for (the paths `iso customize` uses). */
export type LiveFileRole = 'installer-config' | 'dest-ignition' | 'pre-install' | 'post-install' | 'file';

/** A file the live config writes. */
export interface LiveFileSummary extends ResourceSummary {
  path: string;
  mode: number | null;
  role: LiveFileRole;
}

/** The installer the live system will run, from its installer config files. */
export interface InstallerSummary {
  /** `/etc/coreos/installer.d/*` in the order the installer reads them. */
  configFiles: { path: string; text: string }[];
  /** The device it installs to without asking (the last `dest-device`), if any. */
  destDevice: string | null;
}

/** Summary of an embedded `config.ign`. Plain JSON. */
export interface LiveConfigSummary {
  size: number;
  sha256: string;
  /** `ignition.version`, when the config parses. */
  version: string | null;
  /** Why the config does not parse as Ignition JSON (it is embedded verbatim by `iso ignition embed`). */
  problem: string | null;
  merged: MergedConfig[];
  certificateAuthorities: CaSummary[];
  files: LiveFileSummary[];
  units: { name: string; enabled: boolean | null }[];
  /** Null when the live config runs no installer. */
  installer: InstallerSummary | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Largest decoded resource read back (a live config is at most a few MiB once decompressed). */
export const MAX_RESOURCE_BYTES = 64 << 20;
const INSTALLER_DIR = '/etc/coreos/installer.d/';
const DEST_IGN = '/etc/coreos/dest.ign';

/** Decodes an inline resource's bytes; null for a remote one. Throws on a corrupt data URL or gzip. */
function resourceBytes(r: Obj): Uint8Array | null {
  const source = typeof r.source === 'string' ? r.source : '';
  if (!source.startsWith('data:')) return null;
  const raw = decodeDataUrl(source);
  return r.compression === 'gzip' ? new Uint8Array(gunzipSync(raw, { maxOutputLength: MAX_RESOURCE_BYTES })) : raw;
}

function summarize(r: unknown): { summary: ResourceSummary; bytes: Uint8Array | null } {
  const obj = isObj(r) ? r : {};
  const source = typeof obj.source === 'string' ? obj.source : null;
  if (source !== null && !source.startsWith('data:')) return { summary: { kind: 'remote', url: source }, bytes: null };
  try {
    const bytes = resourceBytes(obj) ?? new Uint8Array(0);
    return { summary: { kind: 'inline', size: bytes.length, sha256: sha256(bytes) }, bytes };
  } catch (err) {
    return { summary: { kind: 'inline', problem: (err as Error).message }, bytes: null };
  }
}

function roleOf(path: string): LiveFileRole {
  if (path.startsWith(INSTALLER_DIR)) return 'installer-config';
  if (path === DEST_IGN) return 'dest-ignition';
  if (path.startsWith('/usr/local/bin/pre-install-')) return 'pre-install';
  if (path.startsWith('/usr/local/bin/post-install-')) return 'post-install';
  return 'file';
}

function certificate(bytes: Uint8Array | null): Pick<CaSummary, 'subject' | 'notAfter'> {
  if (!bytes) return {};
  try {
    const cert = new X509Certificate(Buffer.from(bytes));
    return { subject: cert.subject.replace(/\n/g, ', '), notAfter: new Date(cert.validTo).toISOString() };
  } catch {
    return {};
  }
}

/** Summarizes a live `config.ign` (never throws: what cannot be read is reported as a problem). */
export function summarizeLiveConfig(data: Uint8Array): LiveConfigSummary {
  const out: LiveConfigSummary = {
    size: data.length,
    sha256: sha256(data),
    version: null,
    problem: null,
    merged: [],
    certificateAuthorities: [],
    files: [],
    units: [],
    installer: null,
  };
  let cfg: unknown;
  try {
    cfg = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch (err) {
    out.problem = `not JSON: ${(err as Error).message}`;
    return out;
  }
  if (!isObj(cfg)) {
    out.problem = 'not a JSON object';
    return out;
  }
  const ign = isObj(cfg.ignition) ? cfg.ignition : {};
  out.version = typeof ign.version === 'string' ? ign.version : null;
  const config = isObj(ign.config) ? ign.config : {};
  for (const [how, entries] of [
    ['merge', list(config.merge)],
    ['replace', isObj(config.replace) ? [config.replace] : []],
  ] as const) {
    for (const e of entries) {
      const { summary, bytes } = summarize(e);
      const merged: MergedConfig = { how, ...summary };
      if (bytes) {
        try {
          const child = JSON.parse(Buffer.from(bytes).toString('utf8'));
          if (isObj(child) && isObj(child.ignition) && typeof child.ignition.version === 'string') merged.version = child.ignition.version;
        } catch {
          /* a merged config that is not JSON: size and digest are still shown */
        }
      }
      out.merged.push(merged);
    }
  }
  const tls = isObj(ign.security) && isObj(ign.security.tls) ? ign.security.tls : {};
  for (const ca of list(tls.certificateAuthorities)) {
    const { summary, bytes } = summarize(ca);
    out.certificateAuthorities.push({ ...summary, ...certificate(bytes) });
  }
  const installerFiles: { path: string; text: string }[] = [];
  for (const f of list(isObj(cfg.storage) ? cfg.storage.files : [])) {
    if (!isObj(f) || typeof f.path !== 'string') continue;
    const { summary, bytes } = summarize(f.contents);
    const role = roleOf(f.path);
    out.files.push({ path: f.path, mode: typeof f.mode === 'number' ? f.mode : null, role, ...summary });
    if (role === 'installer-config' && bytes) installerFiles.push({ path: f.path, text: Buffer.from(bytes).toString('utf8') });
  }
  for (const u of list(isObj(cfg.systemd) ? cfg.systemd.units : [])) {
    if (isObj(u) && typeof u.name === 'string')
      out.units.push({ name: u.name, enabled: typeof u.enabled === 'boolean' ? u.enabled : null });
  }
  if (installerFiles.length > 0) {
    installerFiles.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    let destDevice: string | null = null;
    for (const f of installerFiles) {
      try {
        const y = parseYaml(f.text) as unknown;
        if (isObj(y) && typeof y['dest-device'] === 'string') destDevice = y['dest-device'];
      } catch {
        /* shown as text; the installer itself reports a bad file */
      }
    }
    out.installer = { configFiles: installerFiles, destDevice };
  }
  return out;
}
