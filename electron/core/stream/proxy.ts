import { BlockList, isIP } from 'node:net';
import { ERROR_CODES } from '../../contract/error-codes';
import { codedError } from '../errors';

/**
 * Network settings shared by every request Flint makes (stream metadata, signatures, artifacts).
 * With none given, the usual environment variables decide, as for curl (see curl's
 * docs/manpage "ENVIRONMENT"): `https_proxy`/`HTTPS_PROXY` for https:// URLs,
 * `http_proxy`/`HTTP_PROXY` for http:// URLs, `all_proxy`/`ALL_PROXY` for both, and
 * `no_proxy`/`NO_PROXY` for hosts reached directly. Lower-case names win, as in curl.
 */
export interface NetworkOptions {
  /**
   * Proxy for http:// and https:// URLs (`http://host:port`, credentials in the URL allowed;
   * https:// goes through CONNECT). `''` means no proxy, whatever the environment says;
   * undefined means the environment decides.
   */
  proxy?: string;
  /** Hosts reached without the proxy (NO_PROXY syntax); default the environment's NO_PROXY. */
  noProxy?: string;
  /** Extra trusted CA certificates (PEM) for https://, added to the system's (e.g. a site mirror's own CA). */
  ca?: string[];
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** The variable in lower case, else in upper case; an empty value counts as unset. */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  for (const v of [env[name.toLowerCase()], env[name.toUpperCase()]]) if (v && v.trim()) return v.trim();
  return undefined;
}

/**
 * Checks a proxy URL and returns it normalized (`proxy:3128` becomes `http://proxy:3128`, as
 * curl assumes). Throws PROXY_BAD_URL naming the value.
 */
export function normalizeProxyUrl(value: string): string {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw codedError(ERROR_CODES.PROXY_BAD_URL, { proxy: value }, `The proxy "${value}" is not a URL`, ['give it as http://host:port']);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw codedError(
      ERROR_CODES.PROXY_BAD_URL,
      { proxy: value },
      `The proxy "${value}" uses ${u.protocol.slice(0, -1)}, which Flint does not support`,
      ['use an http:// or https:// proxy'],
    );
  }
  if (!u.hostname) throw codedError(ERROR_CODES.PROXY_BAD_URL, { proxy: value }, `The proxy "${value}" names no host`);
  return u.toString().replace(/\/$/, '');
}

/** A proxy URL without its credentials, for messages. */
export function proxyLabel(proxy: string): string {
  try {
    const u = new URL(proxy);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return proxy;
  }
}

/**
 * True when `noProxy` (comma or space separated: `*`, host names matching themselves and their
 * subdomains with or without a leading dot, `host:port`, IP addresses and CIDR blocks such as
 * 10.0.0.0/8) says `url` is reached directly. The matching follows curl's (lib/noproxy.c).
 */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(url.port) || DEFAULT_PORTS[url.protocol] || 0;
  const ipVersion = isIP(host);
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      const [net, bits] = entry.split('/');
      const family = isIP(net);
      if (!ipVersion || family !== ipVersion || !/^\d+$/.test(bits)) continue;
      const list = new BlockList();
      try {
        list.addSubnet(net, Number(bits), family === 6 ? 'ipv6' : 'ipv4');
      } catch {
        continue;
      }
      if (list.check(host, family === 6 ? 'ipv6' : 'ipv4')) return true;
      continue;
    }
    let name = entry.replace(/^\[|\]$/g, '');
    let entryPort = 0;
    const m = /^(.*[^:]):(\d+)$/.exec(entry);
    if (m && isIP(entry) !== 6) {
      name = m[1].replace(/^\[|\]$/g, '');
      entryPort = Number(m[2]);
    }
    if (entryPort && entryPort !== port) continue;
    name = name.replace(/^\*?\./, '');
    if (host === name || (!ipVersion && host.endsWith(`.${name}`))) return true;
  }
  return false;
}

/**
 * The proxy `url` goes through (normalized URL), or undefined for a direct connection: the explicit
 * `proxy` option when given, else the environment (see NetworkOptions), then NO_PROXY (or the
 * `noProxy` option) may send it direct.
 */
export function proxyFor(url: URL, net: NetworkOptions = {}, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let proxy: string | undefined;
  if (net.proxy !== undefined) proxy = net.proxy.trim() || undefined;
  else if (url.protocol === 'https:') proxy = envValue(env, 'https_proxy') ?? envValue(env, 'all_proxy');
  else proxy = envValue(env, 'http_proxy') ?? envValue(env, 'all_proxy');
  if (!proxy) return undefined;
  if (bypassesProxy(url, net.noProxy ?? envValue(env, 'no_proxy'))) return undefined;
  return normalizeProxyUrl(proxy);
}
