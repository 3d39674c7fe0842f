/**
 * Which strings Go's `net/url.Parse` refuses, the parser Ignition (config/v3_x/types/url.go,
 * proxy.go, tang.go) and Butane run on every URL of a config: a URL Ignition cannot parse fails
 * the boot, so Flint refuses it too. Written from the behaviour of Go's src/net/url/url.go
 * (`Parse`, `getScheme`, `parseAuthority`, `parseHost`, `unescape`, `shouldEscape`); it only
 * answers "would Parse fail, and why", it does not build a URL.
 */

/**
 * Which rule a URL breaks, as URL_INVALID's `problem` parameter (electron/contract/config-issues.ts
 * `UrlProblem` lists the same; the core imports no contract but the error codes).
 */
type UrlProblem =
  'control-character' | 'missing-scheme' | 'colon-in-first-segment' | 'escape' | 'host-character' | 'host-bracket' | 'port' | 'userinfo';

/** Why Go gives up: its error text (`reason`), which rule failed and the part of the URL it names. */
type GoUrlError = { reason: string; problem: UrlProblem; value?: string };

/** The result of parsing: the lower-cased scheme ('' when none) or why Go gives up. */
export type GoUrl = { ok: true; scheme: string; opaque: boolean } | ({ ok: false } & GoUrlError);

const fail = (reason: string, problem: UrlProblem, value?: string): GoUrlError =>
  value === undefined ? { reason, problem } : { reason, problem, value };

const isHex = (c: string): boolean => /^[0-9A-Fa-f]$/.test(c);

// characters RFC 3986 §3.2.2 allows unescaped in a host, as Go's shouldEscape(c, encodeHost) lists them
const HOST_OK = /^[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]$/;
// userinfo characters Go's validUserinfo accepts
const USERINFO_OK = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]$/;

/** Checks %-escapes (`%` + two hex digits); in a host only non-ASCII bytes and %25 may be escaped. */
function unescapeError(s: string, host: boolean): GoUrlError | null {
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      const esc = s.slice(i, i + 3);
      if (esc.length < 3 || !isHex(esc[1]!) || !isHex(esc[2]!))
        return fail(`invalid URL escape ${JSON.stringify(esc)}`, 'escape', JSON.stringify(esc));
      if (host && parseInt(esc[1]!, 16) < 8 && esc !== '%25')
        return fail(`invalid URL escape ${JSON.stringify(esc)}`, 'escape', JSON.stringify(esc));
      i += 2;
    } else if (host && c.charCodeAt(0) < 0x80 && !HOST_OK.test(c)) {
      return fail(`invalid character ${JSON.stringify(c)} in host name`, 'host-character', JSON.stringify(c));
    }
  }
  return null;
}

const validPort = (p: string): boolean => p === '' || /^:[0-9]*$/.test(p);

function hostError(host: string): GoUrlError | null {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) return fail("missing ']' in host", 'host-bracket');
    const port = host.slice(close + 1);
    if (!validPort(port)) return fail(`invalid port ${JSON.stringify(port)} after host`, 'port', JSON.stringify(port));
    // an IPv6 zone (%25...) may hold escapes a host may not
    if (host.slice(0, close).includes('%25')) return unescapeError(host, false);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && !validPort(host.slice(colon)))
      return fail(`invalid port ${JSON.stringify(host.slice(colon))} after host`, 'port', JSON.stringify(host.slice(colon)));
  }
  return unescapeError(host, true);
}

function authorityError(authority: string): GoUrlError | null {
  const at = authority.lastIndexOf('@');
  const bad = hostError(authority.slice(at + 1));
  if (bad || at < 0) return bad;
  const user = authority.slice(0, at);
  if ([...user].some((c) => c.charCodeAt(0) < 0x80 && !USERINFO_OK.test(c))) return fail('invalid userinfo', 'userinfo');
  return unescapeError(user, false);
}

/** Parses `raw` the way Go's url.Parse does, far enough to know whether it fails. */
export function parseGoUrl(raw: string): GoUrl {
  const hash = raw.indexOf('#');
  const [u, frag] = hash < 0 ? [raw, ''] : [raw.slice(0, hash), raw.slice(hash + 1)];
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(u)) return { ok: false, ...fail('invalid control character in URL', 'control-character') };
  let scheme = '';
  let rest = u;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*)?:/.exec(u);
  if (u.startsWith(':')) return { ok: false, ...fail('missing protocol scheme', 'missing-scheme') };
  if (m && m[1]) {
    scheme = m[1].toLowerCase();
    rest = u.slice(m[0].length);
  }
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  let opaque = false;
  if (!rest.startsWith('/')) {
    if (scheme !== '') opaque = true;
    else if (rest.split('/')[0]!.includes(':'))
      return { ok: false, ...fail('first path segment in URL cannot contain colon', 'colon-in-first-segment') };
  }
  if (!opaque) {
    if (rest.startsWith('//') && (scheme !== '' || !rest.startsWith('///'))) {
      const slash = rest.indexOf('/', 2);
      const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
      rest = slash < 0 ? '' : rest.slice(slash);
      const bad = authorityError(authority);
      if (bad) return { ok: false, ...bad };
    }
    const bad = unescapeError(rest, false);
    if (bad) return { ok: false, ...bad };
  }
  const badFrag = unescapeError(frag, false);
  if (badFrag) return { ok: false, ...badFrag };
  return { ok: true, scheme, opaque };
}

/** The parameters of a URL_INVALID finding for `url` (cut as its message cuts it) that Go refuses. */
export function urlInvalidParams(url: string, e: GoUrlError): Record<string, string> {
  const params: Record<string, string> = { reason: 'parse', url, detail: e.reason, problem: e.problem };
  if (e.value !== undefined) params.value = e.value;
  return params;
}
