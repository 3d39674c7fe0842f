import { normalizeProxyUrl } from '../core/stream/proxy';

/** Help text of `--proxy` on every verb that downloads. */
export const PROXY_HELP = 'HTTP(S) proxy URL, e.g. http://proxy:3128 ("" for none; default: HTTPS_PROXY, HTTP_PROXY and NO_PROXY)';

/** Parses `--proxy URL` (an empty value turns the environment's proxy off). */
export function proxyFlag(value: string): string {
  return value.trim() === '' ? '' : normalizeProxyUrl(value.trim());
}
