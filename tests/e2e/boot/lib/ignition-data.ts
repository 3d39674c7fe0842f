import { gunzipSync } from 'node:zlib';

/** An Ignition resource: a source URL, optionally compressed. */
export interface IgnitionResource {
  source?: string | null;
  compression?: string | null;
}

/**
 * Decodes an inline `data:` URL resource (RFC 2397, base64 or percent-encoded) and undoes its
 * `compression` (gzip). Throws on anything else, so a test never compares against a guess.
 */
export function decodeResource(r: IgnitionResource): Buffer {
  const src = r.source ?? '';
  const m = /^data:([^,]*),(.*)$/s.exec(src);
  if (!m) throw new Error(`not a data URL: ${src.slice(0, 60)}`);
  const raw = m[1].split(';').includes('base64') ? Buffer.from(m[2], 'base64') : Buffer.from(decodeURIComponent(m[2]), 'utf8');
  if (!r.compression) return raw;
  if (r.compression === 'gzip') return gunzipSync(raw);
  throw new Error(`unsupported compression ${r.compression}`);
}

/** What a live config (the /config.ign the guest printed) carries, with its inline data decoded. */
export interface LiveConfigContents {
  version: string;
  /** Each `ignition.config.merge` entry's decoded bytes, in order. */
  merges: Buffer[];
  /** Each `storage.files` entry: path → decoded contents and mode. */
  files: Map<string, { data: Buffer; mode?: number }>;
  /** systemd unit names. */
  units: string[];
}

/** Parses a live config and decodes the inline data it embeds (merged configs, files). */
export function liveConfigContents(text: string): LiveConfigContents {
  type Cfg = {
    ignition: { version: string; config?: { merge?: IgnitionResource[] } };
    storage?: { files?: { path: string; mode?: number; contents?: IgnitionResource }[] };
    systemd?: { units?: { name: string }[] };
  };
  const cfg = JSON.parse(text) as Cfg;
  const files = new Map<string, { data: Buffer; mode?: number }>();
  for (const f of cfg.storage?.files ?? []) {
    files.set(f.path, { data: f.contents ? decodeResource(f.contents) : Buffer.alloc(0), mode: f.mode });
  }
  return {
    version: cfg.ignition.version,
    merges: (cfg.ignition.config?.merge ?? []).map(decodeResource),
    files,
    units: (cfg.systemd?.units ?? []).map((u) => u.name),
  };
}
