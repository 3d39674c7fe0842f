import { SESSION_COOKIE, SIGN_IN_PATH } from '../../electron/contract/bridge';

/**
 * Signs a client outside a browser (a test) in to a running `flint ui` bridge with a one-time
 * code, as the page does, and returns the headers that carry the session cookie.
 */
export async function signInHeaders(origin: string, code: string): Promise<Record<string, string>> {
  const r = await fetch(`${origin}${SIGN_IN_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  const cookie = /(?:^|,\s*)(flint_session=[^;]+)/.exec(r.headers.get('set-cookie') ?? '')?.[1];
  if (r.status !== 200 || !cookie?.startsWith(`${SESSION_COOKIE}=`)) throw new Error(`sign-in failed: ${r.status} ${await r.text()}`);
  return { cookie };
}

/** Session headers for a bridge started in this process (a fresh code from the server). */
export async function sessionHeaders(server: { origin: string; signInCode(): string }): Promise<Record<string, string>> {
  return signInHeaders(server.origin, server.signInCode());
}

/** The one-time code of a sign-in link (`http://127.0.0.1:P/#code=...`). */
export function codeOfLink(link: string): string {
  const code = new URLSearchParams(new URL(link).hash.slice(1)).get('code');
  if (!code) throw new Error(`no code in ${link}`);
  return code;
}
