/**
 * Serving the built renderer: safe path resolution inside one directory, content types, and the
 * Content-Security-Policy every page gets (used by the loopback bridge and the Electron app://
 * protocol). Electron-free.
 */
import { extname } from 'node:path';
import { type OpenedInside, openInside } from '../core/safe-path';

/**
 * The page's Content-Security-Policy: only the app's own scripts and styles, no inline script, no
 * eval, no plugins, no framing; `connect` is limited to the page's own origin (the bridge API).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Headers sent with every renderer file. */
export const STATIC_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/** Content type for a file name (application/octet-stream when unknown). */
export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Opens the file a URL path names inside `root`, or null when it escapes the root (.., encoded
 * separators, NUL, symlinks out, also a file swapped for a symlink while it is opened) or is not
 * a regular file. "/" maps to index.html. The caller reads from the handle and closes it.
 */
export async function openStatic(root: string, urlPath: string): Promise<OpenedInside | null> {
  try {
    const opened = await openInside(root, urlPath === '/' || urlPath === '' ? '/index.html' : urlPath);
    return typeof opened === 'string' ? null : opened;
  } catch {
    return null;
  }
}
