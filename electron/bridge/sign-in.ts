/**
 * How a browser gets into `flint ui` without a secret ever appearing in a command line (which
 * every local user can read in /proc/<pid>/cmdline):
 *
 * 1. The running process makes a one-time code (24 random bytes, valid for 10 minutes) and hands
 *    it over privately: printed on its own terminal as `http://127.0.0.1:P/#code=...`, or written
 *    into a launcher page only this user can read (a 0600 file in a fresh 0700 directory) whose
 *    path, not content, goes to xdg-open/open/start.
 * 2. The page sends the code once to POST /api/sign-in (same origin); the code is spent and the
 *    answer sets the session cookie: random, HttpOnly (page scripts cannot read it),
 *    SameSite=Strict (no other site's page sends it), scoped to this origin.
 * 3. Every API call and the event stream need that cookie. A spent or expired link gets
 *    SIGN_IN_CODE_INVALID; the running process prints a new link on request.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODE_PARAM, SESSION_COOKIE } from '../contract/bridge';

/** How long a sign-in code stays valid. */
export const SIGN_IN_CODE_TTL_MS = 10 * 60_000;

const secret = (): string => randomBytes(24).toString('base64url');

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The value of cookie `name` in a Cookie header, or null. */
export function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** A private directory for launcher pages: $XDG_RUNTIME_DIR (per user, 0700) when it exists, else the temp dir. */
function runtimeBase(): string {
  const xdg = process.env.XDG_RUNTIME_DIR;
  const uid = process.getuid?.();
  try {
    if (xdg && existsSync(xdg) && statSync(xdg).isDirectory() && (uid === undefined || statSync(xdg).uid === uid)) return xdg;
  } catch {
    // fall back below
  }
  return tmpdir();
}

/** One-time codes, the sessions they opened, and the launcher pages written for them. */
export class SignIn {
  private readonly codes = new Map<string, { expires: number; file?: string }>();
  private readonly sessions = new Set<string>();
  private dir: string | null = null;

  constructor(private readonly origin: string) {}

  /** A new one-time code. */
  newCode(): string {
    const now = Date.now();
    for (const [c, v] of this.codes) if (v.expires < now) this.spend(c);
    const code = secret();
    this.codes.set(code, { expires: now + SIGN_IN_CODE_TTL_MS });
    return code;
  }

  /** A sign-in link with a new one-time code in its fragment (fragments never reach a server log). */
  newLink(): string {
    return `${this.origin}/#${CODE_PARAM}=${this.newCode()}`;
  }

  /**
   * Writes a launcher page holding a new sign-in link into a file only this user can read, and
   * returns its path (what the browser is started with). The file goes when its code is spent.
   */
  async writeLauncher(): Promise<string> {
    this.dir ??= await mkdtemp(join(runtimeBase(), 'flint-ui-'));
    const code = this.newCode();
    const link = `${this.origin}/#${CODE_PARAM}=${code}`;
    const file = join(this.dir, `sign-in-${randomBytes(6).toString('hex')}.html`);
    const html = [
      '<!doctype html>',
      '<meta charset="utf-8">',
      '<meta name="referrer" content="no-referrer">',
      `<meta http-equiv="refresh" content="0;url=${link}">`,
      '<title>Flint</title>',
      `<p>Opening Flint... <a href="${link}">continue</a></p>`,
    ].join('\n');
    await writeFile(file, html, { mode: 0o600, flag: 'wx' });
    this.codes.set(code, { expires: Date.now() + SIGN_IN_CODE_TTL_MS, file });
    return file;
  }

  /** Spends `code` and returns a new session id, or null when the code is unknown, spent or expired. */
  exchange(code: unknown): string | null {
    if (typeof code !== 'string') return null;
    for (const [c, v] of this.codes) {
      if (!same(c, code)) continue;
      this.spend(c);
      if (v.expires < Date.now()) return null;
      const session = secret();
      this.sessions.add(session);
      return session;
    }
    return null;
  }

  /** The Set-Cookie value for a session. */
  cookie(session: string): string {
    return `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** True when the request carries the cookie of a session this process opened. */
  signedIn(req: IncomingMessage): boolean {
    const given = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (!given) return false;
    for (const s of this.sessions) if (same(s, given)) return true;
    return false;
  }

  /** Forgets every code and session and removes the launcher pages. */
  async close(): Promise<void> {
    this.codes.clear();
    this.sessions.clear();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  private spend(code: string): void {
    const file = this.codes.get(code)?.file;
    this.codes.delete(code);
    if (file) void rm(file, { force: true });
  }
}
