import { parseGoUrl, urlInvalidParams } from './go-url';
import { networkIssues } from './semantics-network';
import { storageIssues } from './semantics-storage';
import { type ConfigIssue, type JsonObject, isObject, jsonPath } from './types';

/**
 * Semantic checks the JSON schema cannot express, matching what Ignition's own validator
 * (`ignition-validate`) rejects: absolute and simplified paths, duplicate entries, URL schemes and
 * data URLs, hash names and sizes, compression, file modes, filesystem formats, unit names.
 */

const HASH_HEX_LENGTH: Record<string, number> = { sha512: 128, sha256: 64 };
const FORMATS = ['xfs', 'ext4', 'btrfs', 'vfat', 'swap', 'none'];
const UNIT_SUFFIXES = [
  'service',
  'socket',
  'device',
  'mount',
  'automount',
  'swap',
  'target',
  'path',
  'timer',
  'snapshot',
  'slice',
  'scope',
];
// RFC 2396 unreserved + reserved characters; anything else must be %XX-escaped in a data URL
const DATA_CHARS = /^[A-Za-z0-9\-_.!~*'();/?:@&=+$,]$/;

function versionAtLeast(version: string, minor: number): boolean {
  return Number(version.split('.')[1]) >= minor;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(o: JsonObject, k: string): string | undefined {
  return typeof o[k] === 'string' ? (o[k] as string) : undefined;
}

/** Checks a path is absolute and already simplified (no `.`, `..`, `//` or trailing slash). */
function checkPath(p: string | undefined, at: string, out: ConfigIssue[]): void {
  if (p === undefined) return;
  if (!p.startsWith('/')) {
    out.push({
      code: 'PATH_NOT_ABSOLUTE',
      path: at,
      message: `path "${p}" must be absolute (start with /)`,
      params: { path: p, what: 'path' },
    });
    return;
  }
  const parts = p.split('/').slice(1);
  const clean = p === '/' || parts.every((s) => s !== '' && s !== '.' && s !== '..');
  if (!clean)
    out.push({
      code: 'PATH_NOT_SIMPLIFIED',
      path: at,
      message: `path "${p}" is not fully simplified (remove ".", "..", "//" and trailing "/")`,
      params: { path: p },
    });
}

function checkDataUrl(src: string, at: string, out: ConfigIssue[]): void {
  const comma = src.indexOf(',');
  if (comma < 0) {
    out.push({ code: 'DATA_URL_INVALID', path: at, message: 'data URL has no "," before its data', params: { reason: 'no-comma' } });
    return;
  }
  const meta = src.slice(5, comma);
  const base64 = /;base64$/i.test(meta);
  const media = meta.replace(/;base64$/i, '').split(';')[0];
  if (media !== '' && !media.includes('/'))
    out.push({
      code: 'DATA_URL_INVALID',
      path: at,
      message: `data URL media type "${media}" has no "/"`,
      params: { reason: 'media-type', media },
    });
  const data = src.slice(comma + 1);
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (c === '%') {
      if (!/^[0-9A-Fa-f]{2}$/.test(data.slice(i + 1, i + 3))) {
        out.push({
          code: 'DATA_URL_INVALID',
          path: at,
          message: `data URL has a broken %-escape at position ${comma + 1 + i} (need two hex digits)`,
          params: { reason: 'escape', position: comma + 1 + i },
        });
        return;
      }
      i += 2;
    } else if (!DATA_CHARS.test(c)) {
      out.push({
        code: 'DATA_URL_INVALID',
        path: at,
        message: `data URL contains the character ${JSON.stringify(c)} which must be %-escaped`,
        params: { reason: 'character', char: JSON.stringify(c) },
      });
      return;
    }
  }
  if (base64 && !/^[A-Za-z0-9+/]*={0,2}$/.test(decodeURIComponent(data))) {
    out.push({
      code: 'DATA_URL_INVALID',
      path: at,
      message: 'data URL is marked base64 but its data is not base64',
      params: { reason: 'not-base64' },
    });
  }
}

/** Checks one resource (`source`, `compression`, `verification`); `version` gates schemes. */
function checkResource(r: unknown, at: string, version: string, out: ConfigIssue[], warnings: ConfigIssue[] = out): void {
  if (!isObject(r)) return;
  const src = str(r, 'source');
  const parsed = src ? parseGoUrl(src) : null;
  if (src && parsed && !parsed.ok) {
    out.push({
      code: 'URL_INVALID',
      path: jsonPath(at, 'source'),
      message: `"${src.slice(0, 60)}" is not a URL Ignition can parse: ${parsed.reason}`,
      params: urlInvalidParams(src.slice(0, 60), parsed),
    });
  } else if (src) {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(src)?.[1]?.toLowerCase();
    const schemes = [
      'http',
      'https',
      'tftp',
      's3',
      'data',
      ...(versionAtLeast(version, 2) ? ['gs'] : []),
      ...(versionAtLeast(version, 4) ? ['arn'] : []),
    ];
    if (!scheme || !schemes.includes(scheme)) {
      out.push({
        code: 'URL_SCHEME',
        path: jsonPath(at, 'source'),
        message: `unsupported URL scheme in "${src.slice(0, 60)}" (use ${schemes.join(', ')})`,
        params: { reason: 'unsupported', url: src.slice(0, 60), allowed: schemes.join(', ') },
      });
    } else if (scheme === 'data') {
      checkDataUrl(src, jsonPath(at, 'source'), out);
    } else if (scheme !== 'arn' && /[\s"<>\\^`{|}]/.test(src)) {
      out.push({
        code: 'URL_INVALID',
        path: jsonPath(at, 'source'),
        message: `URL "${src.slice(0, 60)}" contains spaces or characters that must be escaped`,
        params: { reason: 'unescaped', url: src.slice(0, 60) },
      });
    }
  }
  const headers = Array.isArray(r.httpHeaders) ? r.httpHeaders : [];
  const scheme2 = src ? /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(src)?.[1]?.toLowerCase() : undefined;
  if (headers.length && scheme2 !== 'http' && scheme2 !== 'https')
    out.push({
      code: 'HTTP_HEADERS_SCHEME',
      path: jsonPath(at, 'httpHeaders'),
      message: 'HTTP headers can only be used with http:// and https:// sources',
      params: {},
    });
  duplicates(headers, jsonPath(at, 'httpHeaders'), (h) => str(h, 'name'), new Map(), out, 'http-header');
  if ((r.source === undefined || r.source === null) && isObject(r.verification) && str(r.verification, 'hash'))
    out.push({
      code: 'VERIFICATION_NO_SOURCE',
      path: jsonPath(jsonPath(at, 'verification'), 'hash'),
      message: 'a verification hash needs a source',
      params: {},
    });
  const comp = str(r, 'compression');
  if (comp && comp !== 'gzip')
    out.push({
      code: 'COMPRESSION',
      path: jsonPath(at, 'compression'),
      message: `compression "${comp}" is not supported (only "gzip")`,
      params: { compression: comp },
    });
  const ver = r.verification;
  const hash = isObject(ver) ? str(ver, 'hash') : undefined;
  if (hash !== undefined) {
    const [fn, sum] = hash.split(/-(.*)/s);
    const want = HASH_HEX_LENGTH[fn];
    const hp = jsonPath(jsonPath(at, 'verification'), 'hash');
    if (!want || (fn === 'sha256' && !versionAtLeast(version, 1)))
      out.push({
        code: 'HASH_FUNCTION',
        path: hp,
        message: `unrecognized hash function "${fn}" (use sha512-<hex>${versionAtLeast(version, 1) ? ' or sha256-<hex>' : ''})`,
        params: { name: fn, sha256: versionAtLeast(version, 1) ? 1 : 0 },
      });
    else if (!sum || sum.length !== want)
      out.push({ code: 'HASH_SIZE', path: hp, message: `${fn} hash must be ${want} hex digits`, params: { name: fn, digits: want } });
    else if (!/^[0-9a-fA-F]+$/.test(sum))
      warnings.push({
        code: 'HASH_NOT_HEX',
        path: hp,
        message: `${fn} hash is not hexadecimal, so the download can never match it`,
        params: { name: fn },
      });
  }
}

/**
 * What `duplicates` compares, as the DUPLICATE finding's `what` parameter (a token the app words;
 * electron/contract/config-issues.ts `DuplicateWhat` lists the same, as the core imports no
 * contract but the error codes), and the English noun of the CLI message.
 */
const DUPLICATE_NOUNS = {
  'http-header': 'HTTP header',
  path: 'path',
  disk: 'disk',
  'partition-label': 'partition label',
  'partition-number': 'partition number',
  raid: 'RAID name',
  luks: 'LUKS name',
  filesystem: 'filesystem device',
  unit: 'unit',
  dropin: 'drop-in',
  user: 'user',
  group: 'group',
} as const;
type DuplicateWhat = keyof typeof DUPLICATE_NOUNS;

/** Reports entries of `items` whose `key(item)` repeats an earlier one (or one in `seen`). */
function duplicates(
  items: unknown[],
  at: string,
  key: (o: JsonObject) => string | undefined,
  seen: Map<string, string>,
  out: ConfigIssue[],
  what: DuplicateWhat,
): void {
  items.forEach((it, i) => {
    if (!isObject(it)) return;
    const k = key(it);
    if (k === undefined) return;
    const here = jsonPath(at, i);
    const first = seen.get(k);
    if (first)
      out.push({
        code: 'DUPLICATE',
        path: here,
        message: `duplicate ${DUPLICATE_NOUNS[what]} "${k}" (already defined at ${first})`,
        params: { reason: 'entry', what, value: k, first },
      });
    else seen.set(k, here);
  });
}

function checkMode(node: JsonObject, at: string, version: string, out: ConfigIssue[], warnings: ConfigIssue[]): void {
  const mode = node.mode;
  if (typeof mode !== 'number') return;
  if (mode < 0 || mode > 0o7777)
    out.push({
      code: 'MODE_INVALID',
      path: jsonPath(at, 'mode'),
      message: `mode ${mode} is not a valid permission set (give it in decimal: 0644 is 420)`,
      params: { mode },
    });
  else if (mode & 0o7000 && !versionAtLeast(version, 4))
    warnings.push({
      code: 'MODE_SPECIAL_BITS',
      path: jsonPath(at, 'mode'),
      message: 'setuid/setgid/sticky bits are ignored by Ignition before spec 3.4.0',
      params: {},
    });
}

/** Runs the semantic checks on a schema-valid config; returns errors and (Ignition's own) warnings. */
export function semanticIssues(config: JsonObject, version: string): { errors: ConfigIssue[]; warnings: ConfigIssue[] } {
  const out: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const ign = isObject(config.ignition) ? config.ignition : {};
  const cfg = isObject(ign.config) ? ign.config : {};
  list(cfg.merge).forEach((r, i) => checkResource(r, `$.ignition.config.merge[${i}]`, version, out, warnings));
  if (cfg.replace) checkResource(cfg.replace, '$.ignition.config.replace', version, out, warnings);
  const tls = isObject(ign.security) && isObject(ign.security.tls) ? ign.security.tls : {};
  list(tls.certificateAuthorities).forEach((r, i) =>
    checkResource(r, `$.ignition.security.tls.certificateAuthorities[${i}]`, version, out, warnings),
  );

  const st = isObject(config.storage) ? config.storage : {};
  const nodes = new Map<string, string>();
  for (const kind of ['files', 'directories', 'links'] as const) {
    const at = `$.storage.${kind}`;
    list(st[kind]).forEach((n, i) => {
      if (!isObject(n)) return;
      const here = jsonPath(at, i);
      checkPath(str(n, 'path'), jsonPath(here, 'path'), out);
      checkMode(n, here, version, out, warnings);
      if (kind === 'files') {
        checkResource(n.contents, jsonPath(here, 'contents'), version, out, warnings);
        list(n.append).forEach((r, j) => checkResource(r, jsonPath(jsonPath(here, 'append'), j), version, out, warnings));
        const src = isObject(n.contents) ? str(n.contents, 'source') : undefined;
        if (n.overwrite === true && !src)
          out.push({
            code: 'OVERWRITE_NO_SOURCE',
            path: jsonPath(here, 'overwrite'),
            message: 'overwrite must be false when the file has no contents.source',
            params: {},
          });
      }
      if (kind === 'links' && !str(n, 'target'))
        out.push({ code: 'LINK_TARGET', path: jsonPath(here, 'target'), message: 'a link needs a target', params: {} });
    });
    duplicates(list(st[kind]), at, (n) => str(n, 'path'), nodes, out, 'path');
  }
  duplicates(list(st.disks), '$.storage.disks', (d) => str(d, 'device'), new Map(), out, 'disk');
  list(st.disks).forEach((d, i) => {
    if (!isObject(d)) return;
    const at = `$.storage.disks[${i}].partitions`;
    duplicates(list(d.partitions), at, (p) => str(p, 'label'), new Map(), out, 'partition-label');
    duplicates(
      list(d.partitions),
      at,
      (p) => (typeof p.number === 'number' && p.number !== 0 ? String(p.number) : undefined),
      new Map(),
      out,
      'partition-number',
    );
    list(d.partitions).forEach((p, j) => {
      const label = isObject(p) ? str(p, 'label') : undefined;
      if (label && label.length > 36)
        out.push({
          code: 'PARTITION_LABEL',
          path: `${at}[${j}].label`,
          message: 'partition labels are at most 36 characters',
          params: {},
        });
    });
  });
  duplicates(list(st.raid), '$.storage.raid', (r) => str(r, 'name'), new Map(), out, 'raid');
  duplicates(list(st.luks), '$.storage.luks', (l) => str(l, 'name'), new Map(), out, 'luks');
  list(st.luks).forEach((l, i) => {
    if (!isObject(l)) return;
    checkResource(l.keyFile, `$.storage.luks[${i}].keyFile`, version, out, warnings);
    checkPath(str(l, 'device'), `$.storage.luks[${i}].device`, out);
  });
  duplicates(list(st.filesystems), '$.storage.filesystems', (f) => str(f, 'device'), new Map(), out, 'filesystem');
  list(st.filesystems).forEach((f, i) => {
    if (!isObject(f)) return;
    const at = `$.storage.filesystems[${i}]`;
    const fmt = str(f, 'format');
    const formats = versionAtLeast(version, 3) ? FORMATS : FORMATS.filter((x) => x !== 'none');
    if (fmt && !formats.includes(fmt))
      out.push({
        code: 'FS_FORMAT',
        path: `${at}.format`,
        message: `filesystem format "${fmt}" is not supported (use ${formats.join(', ')})`,
        params: { reason: 'unsupported', format: fmt, allowed: formats.join(', ') },
      });
    checkPath(str(f, 'path'), `${at}.path`, out);
    checkPath(str(f, 'device'), `${at}.device`, out);
  });

  const sd = isObject(config.systemd) ? config.systemd : {};
  duplicates(list(sd.units), '$.systemd.units', (u) => str(u, 'name'), new Map(), out, 'unit');
  list(sd.units).forEach((u, i) => {
    if (!isObject(u)) return;
    const name = str(u, 'name') ?? '';
    if (!UNIT_SUFFIXES.includes(name.split('.').pop() ?? '') || !name.includes('.'))
      out.push({
        code: 'UNIT_NAME',
        path: `$.systemd.units[${i}].name`,
        message: `"${name}" has no valid systemd unit extension (.service, .mount, .timer ...)`,
        params: { name },
      });
    duplicates(list(u.dropins), `$.systemd.units[${i}].dropins`, (d) => str(d, 'name'), new Map(), out, 'dropin');
    list(u.dropins).forEach((d, j) => {
      if (isObject(d) && !(str(d, 'name') ?? '').endsWith('.conf'))
        out.push({
          code: 'DROPIN_NAME',
          path: `$.systemd.units[${i}].dropins[${j}].name`,
          message: 'drop-in names must end in .conf',
          params: {},
        });
    });
  });

  storageIssues(st, out);

  const pw = isObject(config.passwd) ? config.passwd : {};
  duplicates(list(pw.users), '$.passwd.users', (u) => str(u, 'name'), new Map(), out, 'user');
  list(pw.users).forEach((u, i) => {
    if (!isObject(u)) return;
    for (const k of ['sshAuthorizedKeys', 'groups']) {
      const seen = new Set<unknown>();
      list(u[k]).forEach((v, j) => {
        if (seen.has(v))
          out.push({
            code: 'DUPLICATE',
            path: `$.passwd.users[${i}].${k}[${j}]`,
            message: `duplicate entry ${JSON.stringify(v)}`,
            params: { reason: 'list', value: String(JSON.stringify(v)) },
          });
        seen.add(v);
      });
    }
  });
  duplicates(list(pw.groups), '$.passwd.groups', (g) => str(g, 'name'), new Map(), out, 'group');

  // Ignition keys shouldExist and shouldNotExist as one list (KernelArguments.MergedKeys): an
  // argument may appear once in the two lists together
  const ka = isObject(config.kernelArguments) ? config.kernelArguments : {};
  const args = new Map<string, string>();
  for (const k of ['shouldExist', 'shouldNotExist']) {
    list(ka[k]).forEach((a, i) => {
      if (typeof a !== 'string') return;
      const here = `$.kernelArguments.${k}[${i}]`;
      const first = args.get(a);
      if (first === undefined) args.set(a, here);
      else
        out.push({
          code: 'DUPLICATE',
          path: here,
          message: first.includes(k)
            ? `kernel argument "${a}" is listed twice (already at ${first})`
            : `kernel argument "${a}" is both required and forbidden`,
          params: first.includes(k) ? { reason: 'kernel-argument', value: a, first } : { reason: 'kernel-argument-conflict', value: a },
        });
    });
  }
  networkIssues(config, out, warnings);
  return { errors: out, warnings };
}
