import { gzipSync } from 'node:zlib';

// RFC 2396 unreserved characters stay as they are in a data URL; every other byte becomes %XX
const UNRESERVED = /[A-Za-z0-9\-_.!~*'()]/;

/** Percent-encodes bytes the way Butane does for `data:,` URLs (two upper-case hex digits). */
export function escapeDataUrl(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && UNRESERVED.test(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** A data URL for Ignition and the `compression` value that goes with it. */
export interface DataUrl {
  source: string;
  /** `""` (explicitly uncompressed), `"gzip"`, or undefined when the user set compression. */
  compression?: string;
}

/**
 * Encodes contents as Butane does: the shortest of `data:,<percent-encoded>`, `data:;base64,...`
 * and (when `allowGzip` and the user gave no compression) gzip + base64, counting 4 extra
 * characters for `gzip`. Uncompressed results carry `compression: ""` so a parent config's
 * compression is not inherited when configs are merged.
 */
export function makeDataUrl(contents: Uint8Array, userCompression?: string, allowGzip = true): DataUrl {
  let opaque = ',' + escapeDataUrl(contents);
  const b64 = ';base64,' + Buffer.from(contents).toString('base64');
  if (b64.length < opaque.length) opaque = b64;
  let compression: string | undefined = userCompression ? undefined : '';
  if (!userCompression && allowGzip) {
    const gz = ';base64,' + gzipSync(contents, { level: 9 }).toString('base64');
    if (gz.length + 'gzip'.length < opaque.length) {
      opaque = gz;
      compression = 'gzip';
    }
  }
  return { source: 'data:' + opaque, compression };
}

/** Decodes a `data:` URL's bytes (for tests and for reading fragments back). */
export function decodeDataUrl(url: string): Uint8Array {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma < 0) throw new Error(`not a data URL: ${url.slice(0, 40)}`);
  const data = url.slice(comma + 1);
  if (/;base64$/i.test(url.slice(5, comma))) return new Uint8Array(Buffer.from(decodeURIComponent(data), 'base64'));
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    if (data[i] === '%') {
      out.push(parseInt(data.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(data.charCodeAt(i));
  }
  return new Uint8Array(out);
}
