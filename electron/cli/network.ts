import { FlintError } from '../core/errors';
import { normalizeProxyUrl } from '../core/stream/proxy';

/** Help text of `--proxy` on every verb that downloads. */
export const PROXY_HELP = 'HTTP(S) proxy URL, e.g. http://proxy:3128 ("" for none; default: HTTPS_PROXY, HTTP_PROXY and NO_PROXY)';

/** Parses `--proxy URL` (an empty value turns the environment's proxy off). */
export function proxyFlag(value: string): string {
  return value.trim() === '' ? '' : normalizeProxyUrl(value.trim());
}

/**
 * The CLI's own wording of core errors that carry parameters for front ends (the app words the
 * same codes in its own terms); undefined for errors whose message says it all.
 */
export function wordError(err: FlintError): string | undefined {
  const p = err.params ?? {};
  switch (err.code) {
    case 'NETWORK_UNREACHABLE':
      return `cannot reach ${p.host}: no network or DNS; set --base-url to a site mirror or --proxy`;
    case 'PROXY_UNREACHABLE':
      return `cannot reach the proxy ${p.proxy}: check --proxy (or HTTPS_PROXY/HTTP_PROXY), or add ${p.host} to NO_PROXY`;
    case 'PROXY_REFUSED':
      return `the proxy ${p.proxy} refused to connect to ${p.host} (it answered ${p.status}); check --proxy or ask for ${p.host} to be allowed`;
    case 'PROXY_AUTH_REQUIRED':
      return `the proxy ${p.proxy} asks for credentials: pass them as --proxy http://USER:PASSWORD@HOST:PORT`;
    case 'DOWNLOAD_SIGNATURE_UNKNOWN_KEY':
      if (p.keyId === undefined) return undefined;
      return (
        `${p.artifact} is signed by key ${p.keyId}, which is not a trusted key; nothing was downloaded: ` +
        'if this mirror signs with its own key, pass its public key with --keyring FILE'
      );
    default:
      return undefined;
  }
}
