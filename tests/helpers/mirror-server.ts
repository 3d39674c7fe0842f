import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { copyFile, link, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createMessage, enums, readPrivateKey, sign } from 'openpgp';

/**
 * A local Fedora CoreOS mirror for tests (unit, integration, e2e): serves a directory over HTTP on
 * 127.0.0.1 with Range support, rewrites stream metadata (`/streams/*.json`) so its URLs point at
 * this server, counts requests, and injects faults per path. Fill the directory with
 * populateMirror() (real stream metadata from tests/fixtures/stream/stable.json whose artifacts
 * are replaced by given files, signed at run time). Always `await server.close()` in afterEach/finally.
 */

/** A fault applied to requests whose path ends with the registered suffix (`times` = how many requests, default 1). */
export type Fault =
  /** Answer with this status instead of the file. */
  | { kind: 'status'; status: number; times?: number }
  /** Send `afterBytes` bytes of the body, then reset the connection. */
  | { kind: 'drop'; afterBytes: number; times?: number }
  /** Announce the full Content-Length but send only `afterBytes` bytes, then close the connection cleanly. */
  | { kind: 'short-body'; afterBytes: number; times?: number }
  /** Ignore the Range header: always answer 200 with the whole file. */
  | { kind: 'ignore-range'; times?: number }
  /** Send the body at most this fast (for cancel tests). */
  | { kind: 'throttle'; bytesPerSecond: number; times?: number }
  /** Serve the file with the byte at `offset` inverted. */
  | { kind: 'corrupt'; offset: number; times?: number }
  /** Send `afterBytes` bytes, then nothing more while keeping the connection open (for timeouts). */
  | { kind: 'stall'; afterBytes: number; times?: number }
  /** Answer 302 with `Location: <to>` (a path on this server or a full URL). */
  | { kind: 'redirect'; to: string; times?: number };

/** One request the server saw. */
export interface RequestRecord {
  method: string;
  path: string;
  range?: string;
  status: number;
  fault?: Fault['kind'];
  /** The Via header, set when the request came through a proxy that adds one (tinyproxy does). */
  via?: string;
}

/** A running mirror. */
export interface MirrorServer {
  /** `http://127.0.0.1:PORT` (`https://` with `tls`; no trailing slash); use as the stream base URL. */
  url: string;
  root: string;
  /** Every request, in order. */
  requests: RequestRecord[];
  /** Number of requests whose path contains `part` (all requests without it). */
  count(part?: string): number;
  /** Registers a fault for paths ending with `pathSuffix`. */
  addFault(pathSuffix: string, fault: Fault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

/** Options of startMirrorServer. */
export interface MirrorServerOptions {
  root: string;
  /** Upstream prefix replaced by the server URL in stream metadata (default the FCOS builds host). */
  upstream?: string;
  /** Serve HTTPS with this key and certificate (PEM; see tests/helpers/test-ca.ts). */
  tls?: { key: string; cert: string };
}

const DEFAULT_UPSTREAM = 'https://builds.coreos.fedoraproject.org';

function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}

/** Starts a mirror of `root` on 127.0.0.1 with an ephemeral port. */
export async function startMirrorServer(opts: MirrorServerOptions): Promise<MirrorServer> {
  const root = path.resolve(opts.root);
  const upstream = (opts.upstream ?? DEFAULT_UPSTREAM).replace(/\/+$/, '');
  const requests: RequestRecord[] = [];
  const faults: { suffix: string; fault: Fault; left: number }[] = [];
  const sockets = new Set<Socket>();
  let base = '';

  const takeFault = (p: string): Fault | undefined => {
    const f = faults.find((x) => x.left > 0 && p.endsWith(x.suffix));
    if (!f) return undefined;
    f.left--;
    return f.fault;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const rec: RequestRecord = { method: req.method ?? 'GET', path: urlPath, status: 0 };
    if (req.headers.range) rec.range = req.headers.range;
    if (typeof req.headers.via === 'string') rec.via = req.headers.via;
    requests.push(rec);
    const send = (status: number, body = '') => {
      rec.status = status;
      res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (rec.method !== 'GET' && rec.method !== 'HEAD') return send(405, 'method not allowed\n');
    const file = path.join(root, urlPath);
    if (!file.startsWith(root + path.sep)) return send(403, 'forbidden\n');
    const fault = takeFault(urlPath);
    if (fault) rec.fault = fault.kind;
    if (fault?.kind === 'status') return send(fault.status, `injected ${fault.status}\n`);
    if (fault?.kind === 'redirect') {
      rec.status = 302;
      res.writeHead(302, { location: fault.to, 'content-length': 0 });
      return res.end();
    }
    const st = await stat(file).catch(() => undefined);
    if (!st?.isFile()) return send(404, 'not found\n');

    if (/^\/streams\/[^/]+\.json$/.test(urlPath)) {
      const doc = (await readFile(file, 'utf8')).split(upstream).join(base);
      rec.status = 200;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(doc) });
      return res.end(rec.method === 'HEAD' ? undefined : doc);
    }

    const range = fault?.kind === 'ignore-range' ? undefined : parseRange(req.headers.range, st.size);
    if (range === 'invalid') {
      rec.status = 416;
      res.writeHead(416, { 'content-range': `bytes */${st.size}`, 'content-length': 0 });
      return res.end();
    }
    const start = range?.start ?? 0;
    const end = range?.end ?? st.size - 1;
    const headers: Record<string, string | number> = {
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
      'content-length': end - start + 1,
    };
    if (range) headers['content-range'] = `bytes ${start}-${end}/${st.size}`;
    rec.status = range ? 206 : 200;
    res.writeHead(rec.status, headers);
    if (rec.method === 'HEAD' || st.size === 0) return res.end();
    const input = createReadStream(file, { start, end, highWaterMark: 1 << 20 });
    if (!fault || fault.kind === 'ignore-range') {
      input.pipe(res);
      input.on('error', () => res.destroy());
      return;
    }
    let sent = 0;
    const t0 = Date.now();
    for await (let chunk of input as AsyncIterable<Buffer>) {
      if (fault.kind === 'corrupt' && fault.offset >= start + sent && fault.offset < start + sent + chunk.length) {
        chunk = Buffer.from(chunk);
        chunk[fault.offset - start - sent] ^= 0xff;
      }
      if ((fault.kind === 'drop' || fault.kind === 'short-body' || fault.kind === 'stall') && sent + chunk.length >= fault.afterBytes) {
        const part = chunk.subarray(0, Math.max(0, fault.afterBytes - sent));
        if (part.length) await new Promise<void>((r) => res.write(part, () => r()));
        input.destroy();
        if (fault.kind === 'drop') res.socket?.resetAndDestroy();
        else if (fault.kind === 'short-body') res.socket?.end();
        return; // stall: leave the connection open; the client times out (close() destroys it)
      }
      if (fault.kind === 'throttle') {
        for (let off = 0; off < chunk.length; off += 16384) {
          const piece = chunk.subarray(off, off + 16384);
          if (!res.write(piece)) await new Promise((r) => res.once('drain', r));
          sent += piece.length;
          const ahead = (sent / fault.bytesPerSecond) * 1000 - (Date.now() - t0);
          if (ahead > 0) await new Promise((r) => setTimeout(r, ahead));
          if (res.destroyed) return input.destroy();
        }
        continue;
      }
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
      sent += chunk.length;
      if (res.destroyed) return input.destroy();
    }
    res.end();
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => res.destroy());
  };
  const server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, onRequest) : http.createServer(onRequest);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    root,
    requests,
    count: (part?: string) => requests.filter((r) => part === undefined || r.path.includes(part)).length,
    addFault: (suffix, fault) => faults.push({ suffix, fault, left: fault.times ?? 1 }),
    clearFaults: () => {
      faults.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

/** The coreos-installer throw-away test key pair (never trusted by the app outside tests). */
export const TEST_KEY = {
  publicArmored: readFileSync(path.join(FIXTURES, 'coreos-installer/verify/test-key.pub.asc'), 'utf8'),
  privateArmored: readFileSync(path.join(FIXTURES, 'coreos-installer/verify/test-key.priv.asc'), 'utf8'),
};

/** Makes a detached binary OpenPGP signature (SHA-256) of `file`, streaming it. */
export async function signFile(file: string, privateArmored = TEST_KEY.privateArmored): Promise<Uint8Array> {
  const key = await readPrivateKey({ armoredKey: privateArmored });
  const message = await createMessage({ binary: Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array> });
  const out = (await sign({
    message,
    signingKeys: key,
    detached: true,
    format: 'binary',
    config: { preferredHashAlgorithm: enums.hash.sha256 },
  })) as unknown as ReadableStream<Uint8Array> | Uint8Array;
  if (out instanceof Uint8Array) return out;
  const parts: Uint8Array[] = [];
  const reader = out.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
  return Buffer.concat(parts);
}

/** SHA-256 (hex) of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Content for one artifact: bytes, or an existing file (hard-linked when possible, else copied). */
export type ArtifactSource = Uint8Array | { file: string };

/** Which artifacts to place in the mirror (the others stay in the metadata and answer 404). */
export interface PopulateOptions {
  stream?: string;
  arch?: string;
  iso?: ArtifactSource;
  kernel?: ArtifactSource;
  initramfs?: ArtifactSource;
  rootfs?: ArtifactSource;
  /** Armored private key for the `.sig` files; default the test key; `null` writes no signatures. */
  signingKey?: string | null;
}

/** What populateMirror placed: per artifact its URL path (relative to the server), file and SHA-256. */
export interface PopulatedMirror {
  streamPath: string;
  /** The metadata as written (URLs still point at the upstream host; the server rewrites them). */
  metadata: Record<string, unknown>;
  files: Partial<Record<'iso' | 'kernel' | 'initramfs' | 'rootfs', { urlPath: string; file: string; sha256: string; sigFile?: string }>>;
}

/**
 * Writes `<root>/streams/<stream>.json` from the real stable.json fixture and places the given
 * artifacts at the paths its `location`s name, with their SHA-256 patched into the metadata and
 * detached signatures next to them.
 */
export async function populateMirror(root: string, opts: PopulateOptions = {}): Promise<PopulatedMirror> {
  const stream = opts.stream ?? 'stable';
  const arch = opts.arch ?? 'x86_64';
  const doc = JSON.parse(await readFile(path.join(FIXTURES, 'stream/stable.json'), 'utf8'));
  doc.stream = stream;
  if (arch !== 'x86_64') doc.architectures = { [arch]: JSON.parse(JSON.stringify(doc.architectures.x86_64).split('x86_64').join(arch)) };
  const formats = doc.architectures[arch].artifacts.metal.formats;
  const targets = { iso: formats.iso.disk, kernel: formats.pxe.kernel, initramfs: formats.pxe.initramfs, rootfs: formats.pxe.rootfs };
  const files: PopulatedMirror['files'] = {};
  for (const kind of ['iso', 'kernel', 'initramfs', 'rootfs'] as const) {
    const src = opts[kind];
    if (!src) continue;
    const entry = targets[kind] as { location: string; signature: string; sha256: string };
    const urlPath = new URL(entry.location).pathname;
    const file = path.join(root, urlPath);
    await mkdir(path.dirname(file), { recursive: true });
    if (src instanceof Uint8Array) await writeFile(file, src);
    else await link(src.file, file).catch(() => copyFile(src.file, file));
    entry.sha256 = await sha256File(file);
    let sigFile: string | undefined;
    if (opts.signingKey !== null) {
      sigFile = path.join(root, new URL(entry.signature).pathname);
      await writeFile(sigFile, await signFile(file, opts.signingKey ?? TEST_KEY.privateArmored));
    }
    files[kind] = { urlPath, file, sha256: entry.sha256, ...(sigFile ? { sigFile } : {}) };
  }
  const streamPath = `/streams/${stream}.json`;
  await mkdir(path.join(root, 'streams'), { recursive: true });
  await writeFile(path.join(root, streamPath), JSON.stringify(doc, null, 2));
  return { streamPath, metadata: doc, files };
}
