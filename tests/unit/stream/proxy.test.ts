import { describe, expect, it } from 'vitest';
import { bypassesProxy, normalizeProxyUrl, proxyFor, proxyLabel } from '../../../electron/core/stream/proxy';

const u = (s: string) => new URL(s);

describe('proxyFor: which proxy a URL goes through', () => {
  it('takes HTTPS_PROXY for https:// and HTTP_PROXY for http://, lower-case first, ALL_PROXY last', () => {
    const env = { HTTPS_PROXY: 'http://s:1', https_proxy: 'http://lower:1', HTTP_PROXY: 'plain:2', ALL_PROXY: 'http://all:3' };
    expect(proxyFor(u('https://builds.coreos.fedoraproject.org/x'), {}, env)).toBe('http://lower:1');
    expect(proxyFor(u('http://mirror.example/x'), {}, env)).toBe('http://plain:2');
    expect(proxyFor(u('http://mirror.example/x'), {}, { ALL_PROXY: 'http://all:3' })).toBe('http://all:3');
    expect(proxyFor(u('http://mirror.example/x'), {}, {})).toBeUndefined();
  });

  it('an explicit proxy wins over the environment, and "" turns the environment off', () => {
    const env = { HTTPS_PROXY: 'http://env:1' };
    expect(proxyFor(u('https://a.example/'), { proxy: 'http://set:8080' }, env)).toBe('http://set:8080');
    expect(proxyFor(u('https://a.example/'), { proxy: '' }, env)).toBeUndefined();
  });

  it('NO_PROXY (or the noProxy option) sends listed hosts direct', () => {
    const env = { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'mirror.site, .corp.example,10.0.0.0/8,[::1],localhost:8443' };
    expect(proxyFor(u('https://mirror.site/a'), {}, env)).toBeUndefined();
    expect(proxyFor(u('https://x.mirror.site/a'), {}, env)).toBeUndefined();
    expect(proxyFor(u('https://a.b.corp.example/a'), {}, env)).toBeUndefined();
    expect(proxyFor(u('https://10.1.2.3/a'), {}, env)).toBeUndefined();
    expect(proxyFor(u('https://11.1.2.3/a'), {}, env)).toBe('http://p:1');
    expect(proxyFor(u('https://[::1]:99/a'), {}, env)).toBeUndefined();
    expect(proxyFor(u('https://localhost:8443/a'), {}, env)).toBeUndefined();
    expect(proxyFor(u('https://localhost/a'), {}, env)).toBe('http://p:1');
    expect(proxyFor(u('https://notmirror.site/a'), {}, env)).toBe('http://p:1');
    expect(proxyFor(u('https://mirror.site/a'), { noProxy: '' }, env)).toBe('http://p:1');
    expect(bypassesProxy(u('https://anything/'), '*')).toBe(true);
  });

  it('normalizes proxy URLs, refuses other schemes, and hides credentials in labels', () => {
    expect(normalizeProxyUrl('proxy.corp:3128')).toBe('http://proxy.corp:3128');
    expect(() => normalizeProxyUrl('socks5://p:1080')).toThrow(expect.objectContaining({ code: 'PROXY_BAD_URL' }));
    expect(() => normalizeProxyUrl('http://')).toThrow(expect.objectContaining({ code: 'PROXY_BAD_URL' }));
    expect(proxyLabel('http://user:secret@p:3128')).toBe('http://p:3128');
  });
});
