import { parseGoUrl, urlInvalidParams } from './go-url';
import { type ConfigIssue, type JsonObject, isObject } from './types';

/**
 * Ignition's rules for the URLs that are not resources: `ignition.proxy` (config/v3_x/types/
 * proxy.go: must parse, http or https; a plain-http HTTPS proxy is a warning) and Tang servers of
 * LUKS volumes (tang.go: the URL must parse with scheme http or https, a thumbprint is required,
 * an advertisement must be JSON).
 */
export function networkIssues(config: JsonObject, out: ConfigIssue[], warnings: ConfigIssue[]): void {
  const ign = isObject(config.ignition) ? config.ignition : {};
  const proxy = isObject(ign.proxy) ? ign.proxy : {};
  for (const [key, httpOk] of [
    ['httpProxy', true],
    ['httpsProxy', false],
  ] as const) {
    const v = proxy[key];
    if (typeof v !== 'string') continue;
    const at = `$.ignition.proxy.${key}`;
    const u = parseGoUrl(v);
    if (!u.ok)
      out.push({
        code: 'URL_INVALID',
        path: at,
        message: `"${v.slice(0, 60)}" is not a URL Ignition can parse: ${u.reason}`,
        params: urlInvalidParams(v.slice(0, 60), u),
      });
    else if (u.scheme !== 'http' && u.scheme !== 'https')
      out.push({
        code: 'PROXY_SCHEME',
        path: at,
        message: `proxy "${v.slice(0, 60)}" must be an http:// or https:// URL`,
        params: { url: v.slice(0, 60) },
      });
    else if (u.scheme === 'http' && !httpOk)
      warnings.push({
        code: 'PROXY_INSECURE',
        path: at,
        message: 'a plain http:// proxy for HTTPS resources sends them through an unencrypted hop',
        params: {},
      });
  }
  const st = isObject(config.storage) ? config.storage : {};
  (Array.isArray(st.luks) ? st.luks : []).forEach((l, i) => {
    const clevis = isObject(l) && isObject(l.clevis) ? l.clevis : {};
    (Array.isArray(clevis.tang) ? clevis.tang : []).forEach((t, j) => {
      if (!isObject(t)) return;
      const at = `$.storage.luks[${i}].clevis.tang[${j}]`;
      if (typeof t.url === 'string') {
        const u = parseGoUrl(t.url);
        if (!u.ok)
          out.push({
            code: 'URL_INVALID',
            path: `${at}.url`,
            message: `"${t.url.slice(0, 60)}" is not a URL Ignition can parse: ${u.reason}`,
            params: urlInvalidParams(t.url.slice(0, 60), u),
          });
        else if (u.scheme !== 'http' && u.scheme !== 'https')
          out.push({
            code: 'URL_SCHEME',
            path: `${at}.url`,
            message: `Tang server "${t.url.slice(0, 60)}" must be an http:// or https:// URL`,
            params: { reason: 'tang', url: t.url.slice(0, 60) },
          });
      }
      if (typeof t.thumbprint !== 'string' || t.thumbprint === '')
        out.push({
          code: 'TANG_THUMBPRINT',
          path: `${at}.thumbprint`,
          message: 'a Tang server needs the thumbprint of its signing key',
          params: {},
        });
      if (typeof t.advertisement === 'string' && t.advertisement !== '') {
        try {
          JSON.parse(t.advertisement);
        } catch {
          out.push({
            code: 'TANG_ADVERTISEMENT',
            path: `${at}.advertisement`,
            message: 'the Tang advertisement is not valid JSON',
            params: {},
          });
        }
      }
    });
  });
}
