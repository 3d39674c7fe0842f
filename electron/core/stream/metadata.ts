import { ERROR_CODES } from '../../contract/error-codes';
import { codedError, FlintError } from '../errors';
import { setTimeout as sleep } from 'node:timers/promises';
import { cancelledError, httpGetBuffer, isTransientError } from './http';
import type { NetworkOptions } from './proxy';

/** The Fedora CoreOS production streams Flint offers. */
export const STREAMS = ['stable', 'testing', 'next'] as const;

/** Where stream metadata lives unless a mirror is configured. */
export const DEFAULT_STREAM_BASE_URL = 'https://builds.coreos.fedoraproject.org';

/** A downloadable, signed file named in stream metadata. */
export interface Artifact {
  /** Where to GET the file. */
  url: string;
  /** The detached OpenPGP signature (`<url>.sig` unless the metadata says otherwise). */
  sigUrl: string;
  /** Lower-case hex SHA-256 of the file, from the metadata. */
  sha256: string;
  /** File name: last path segment of `url`. */
  name: string;
}

/** The artifacts of one release that Flint uses, for one architecture. */
export interface Release {
  stream: string;
  arch: string;
  /** Release version, e.g. `44.20260707.3.1`. */
  release: string;
  /** When the stream metadata was last modified (ISO 8601), if the document says. */
  date?: string;
  /** The metal live ISO. */
  iso: Artifact;
  /** The PXE kernel, initramfs and rootfs. */
  pxe: { kernel: Artifact; initramfs: Artifact; rootfs: Artifact };
}

/** Stream metadata as published (only the parts Flint reads are typed). */
export interface StreamMetadata {
  stream: string;
  metadata?: { 'last-modified'?: string; generator?: string };
  architectures: Record<string, { artifacts: Record<string, PlatformArtifacts> }>;
}

interface PlatformArtifacts {
  release: string;
  formats: Record<string, Record<string, { location: string; signature?: string; sha256: string }>>;
}

const NODE_TO_COREOS: Record<string, string> = {
  x64: 'x86_64',
  arm64: 'aarch64',
  ppc64: 'ppc64le',
  s390x: 's390x',
};

/** Maps Node's `process.arch` (x64, arm64, ...) to the CoreOS architecture name (x86_64, aarch64, ...). */
export function nodeArchToCoreos(nodeArch: string): string {
  const arch = NODE_TO_COREOS[nodeArch];
  if (!arch) {
    throw new FlintError('STREAM_ARCH_UNSUPPORTED', `Fedora CoreOS is not built for this machine's architecture (${nodeArch})`, [
      `supported: ${Object.keys(NODE_TO_COREOS).join(', ')}; pass an architecture explicitly`,
    ]);
  }
  return arch;
}

/** Accepts either a CoreOS architecture name or a Node one and returns the CoreOS name. */
export function normalizeArch(arch: string): string {
  return Object.values(NODE_TO_COREOS).includes(arch) ? arch : nodeArchToCoreos(arch);
}

/** The URL of a stream's metadata document under `baseUrl` (trailing slashes tolerated). */
export function streamUrl(stream: string, baseUrl = DEFAULT_STREAM_BASE_URL): string {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(stream)) {
    throw new FlintError('STREAM_INVALID_NAME', `Invalid stream name "${stream}"`, [`use one of ${STREAMS.join(', ')}`]);
  }
  return `${baseUrl.replace(/\/+$/, '')}/streams/${stream}.json`;
}

function malformed(what: string, url?: string): FlintError {
  return new FlintError('STREAM_METADATA_INVALID', `Malformed stream metadata${url ? ` from ${url}` : ''}`, [what]);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the shape of a parsed stream document (the parts Flint reads); throws
 * STREAM_METADATA_INVALID naming the first problem. `origin` is used in the message.
 */
export function parseStreamMetadata(doc: unknown, origin?: string): StreamMetadata {
  if (!isObject(doc)) throw malformed('the document is not a JSON object', origin);
  if (typeof doc.stream !== 'string') throw malformed('"stream" is missing or not a string', origin);
  if (!isObject(doc.architectures)) throw malformed('"architectures" is missing or not an object', origin);
  for (const [arch, a] of Object.entries(doc.architectures)) {
    if (!isObject(a) || !isObject(a.artifacts)) throw malformed(`architectures.${arch}.artifacts is missing`, origin);
  }
  if (doc.metadata !== undefined && !isObject(doc.metadata)) throw malformed('"metadata" is not an object', origin);
  return doc as unknown as StreamMetadata;
}

/** Options of fetchStreamMetadata (with the proxy settings of NetworkOptions). */
export interface FetchMetadataOptions extends NetworkOptions {
  /** Mirror base URL (default DEFAULT_STREAM_BASE_URL). */
  baseUrl?: string;
  signal?: AbortSignal;
  /** Fail when no data arrives for this long (default 60 s). */
  timeoutMs?: number;
  /** Retries after transient failures (network errors, 408/429/5xx); default 2. */
  fetchRetries?: number;
  /** First retry delay, doubling; default 1000 ms. */
  retryDelayMs?: number;
}

/** Levenshtein distance of two short strings (for "did you mean"). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** The error for a stream the server does not have (404 for its metadata): lists the streams instead. */
function unknownStream(stream: string, url: string): FlintError {
  const streams: string[] = [...STREAMS];
  if (streams.includes(stream)) {
    // a mirror that carries only some of the streams
    return codedError(ERROR_CODES.STREAM_NOT_FOUND, { stream, streams, url, production: true }, `The mirror has no "${stream}" stream`, [
      `${url} does not exist`,
    ]);
  }
  const near = STREAMS.map((s) => ({ s, d: distance(stream, s) }))
    .filter((x) => x.d <= 2)
    .sort((a, b) => a.d - b.d)[0]?.s;
  return codedError(
    ERROR_CODES.STREAM_NOT_FOUND,
    { stream, streams, url, production: false, ...(near ? { suggestion: near } : {}) },
    `There is no stream "${stream}"${near ? `; did you mean "${near}"?` : ''}`,
    [`the streams are ${streams.join(', ')}`, `${url} does not exist`],
  );
}

/**
 * Fetches and checks `<baseUrl>/streams/<stream>.json`, retrying transient failures. A stream the
 * server does not have is STREAM_NOT_FOUND listing the production streams (a mirror may carry
 * others, so the name is not refused before asking).
 */
export async function fetchStreamMetadata(stream: string, opts: FetchMetadataOptions = {}): Promise<StreamMetadata> {
  const url = streamUrl(stream, opts.baseUrl);
  const retries = opts.fetchRetries ?? 2;
  let body: Buffer;
  for (let attempt = 0; ; attempt++) {
    try {
      body = await httpGetBuffer(url, {
        proxy: opts.proxy,
        noProxy: opts.noProxy,
        ca: opts.ca,
        signal: opts.signal,
        timeoutMs: opts.timeoutMs,
        maxBytes: 16 << 20,
      });
      break;
    } catch (err) {
      if (err instanceof FlintError && err.params?.status === 404) throw unknownStream(stream, url);
      if (opts.signal?.aborted || !isTransientError(err) || attempt >= retries) throw err;
      try {
        await sleep((opts.retryDelayMs ?? 1000) * 2 ** attempt, undefined, { signal: opts.signal });
      } catch {
        throw cancelledError(`Fetching ${url}`);
      }
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw malformed(`not valid JSON: ${(err as Error).message}`, url);
  }
  return parseStreamMetadata(doc, url);
}

/** Last path segment of a URL, refusing names that could escape a directory. */
export function artifactName(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw malformed(`invalid artifact URL "${url}"`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw malformed(`artifact URL is not http(s): ${url}`);
  const name = decodeURIComponent(u.pathname.split('/').pop() ?? '');
  if (!name || name === '.' || name === '..' || /[/\\\0]/.test(name)) throw malformed(`artifact URL has no usable file name: ${url}`);
  return name;
}

function toArtifact(entry: unknown, where: string): Artifact {
  if (!isObject(entry)) throw malformed(`${where} is missing`);
  const { location, signature, sha256 } = entry;
  if (typeof location !== 'string') throw malformed(`${where}.location is missing`);
  if (typeof sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha256)) throw malformed(`${where}.sha256 is not a SHA-256 hex digest`);
  if (signature !== undefined && typeof signature !== 'string') throw malformed(`${where}.signature is not a string`);
  return {
    url: location,
    sigUrl: (signature as string | undefined) ?? `${location}.sig`,
    sha256: sha256.toLowerCase(),
    name: artifactName(location),
  };
}

/**
 * Picks the metal live ISO and the PXE kernel/initramfs/rootfs for `arch` (CoreOS or Node name).
 * Missing pieces give coreos-installer's wording: `couldn't find architecture A, platform P, format F`.
 */
export function selectRelease(meta: StreamMetadata, arch: string): Release {
  const coreosArch = normalizeArch(arch);
  const notFound = (platform: string, format?: string) =>
    new FlintError(
      'STREAM_ARTIFACT_NOT_FOUND',
      `couldn't find architecture ${coreosArch}, platform ${platform}${format ? `, format ${format}` : ''} in stream metadata`,
      [`available architectures: ${Object.keys(meta.architectures ?? {}).join(', ') || 'none'}`],
    );
  const metal = meta.architectures?.[coreosArch]?.artifacts?.metal;
  if (!isObject(metal)) throw notFound('metal');
  if (typeof metal.release !== 'string' || !metal.release)
    throw malformed(`architectures.${coreosArch}.artifacts.metal.release is missing`);
  if (!isObject(metal.formats)) throw malformed(`architectures.${coreosArch}.artifacts.metal.formats is missing`);
  const iso = metal.formats.iso;
  const pxe = metal.formats.pxe;
  if (!isObject(iso)) throw notFound('metal', 'iso');
  if (!isObject(pxe)) throw notFound('metal', 'pxe');
  const base = `architectures.${coreosArch}.artifacts.metal.formats`;
  const release: Release = {
    stream: meta.stream,
    arch: coreosArch,
    release: metal.release,
    iso: toArtifact(iso.disk, `${base}.iso.disk`),
    pxe: {
      kernel: toArtifact(pxe.kernel, `${base}.pxe.kernel`),
      initramfs: toArtifact(pxe.initramfs, `${base}.pxe.initramfs`),
      rootfs: toArtifact(pxe.rootfs, `${base}.pxe.rootfs`),
    },
  };
  const date = meta.metadata?.['last-modified'];
  if (typeof date === 'string' && !Number.isNaN(Date.parse(date))) release.date = date;
  return release;
}
