import { isIP } from 'node:net';
import { ERROR_CODES, type StaticIpReason } from '../../contract/error-codes';
import { codedError } from '../errors';
import { makeDataUrl } from './butane/dataurl';
import type { JsonObject, NamedFile } from './types';

/** A static IP configuration for one interface (or any Ethernet interface when `iface` is unset). */
export interface StaticIp {
  iface?: string;
  /** Address with prefix length, e.g. `192.168.10.20/24` or `2001:db8::20/64`. */
  address: string;
  gateway: string;
  dns: string[];
}

/** Options of `fieldSettings`: the settings a field technician sets most often. */
export interface FieldSettingsOptions {
  /** SSH public keys for user `core` (one per entry; a multi-line string is split into lines). */
  sshKeys?: string[] | string;
  hostname?: string;
  staticIp?: StaticIp;
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timezone?: string;
}

/** Result of `fieldSettings`: a config fragment plus NetworkManager keyfiles for --network-keyfile. */
export interface FieldSettings {
  fragment: JsonObject;
  networkKeyfiles: NamedFile[];
}

function badIp(reason: StaticIpReason, value: string, message: string, extra: { family?: number; address?: string } = {}) {
  return codedError(ERROR_CODES.STATIC_IP_INVALID, { reason, value, ...extra }, message);
}

function cidr(spec: string, what: string): { ip: string; prefix: number; family: 4 | 6 } {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(spec.trim());
  const family = m ? isIP(m[1]) : 0;
  const prefix = m ? Number(m[2]) : -1;
  if (!m || family === 0 || prefix > (family === 4 ? 32 : 128)) {
    throw badIp('address', spec, `${what} "${spec}" is not an address with a prefix length (e.g. 192.168.1.20/24)`);
  }
  return { ip: m[1], prefix, family: family as 4 | 6 };
}

/**
 * Parses `--static-ip` text: `[IFACE=]ADDR/PREFIX,GATEWAY[,DNS...]`, e.g.
 * `10.0.0.5/24,10.0.0.1,1.1.1.1,9.9.9.9` or `enp1s0=10.0.0.5/24,10.0.0.1`.
 */
export function parseStaticIp(spec: string): StaticIp {
  const eq = /^([A-Za-z0-9_.:-]{1,15})=(.*)$/.exec(spec.trim());
  const [iface, rest] = eq && !isIP(eq[1]) ? [eq[1], eq[2]] : [undefined, spec.trim()];
  const parts = rest
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length < 2) throw badIp('format', spec, `"${spec}" must be ADDR/PREFIX,GATEWAY[,DNS...] (e.g. 10.0.0.5/24,10.0.0.1,1.1.1.1)`);
  const result: StaticIp = { address: parts[0], gateway: parts[1], dns: parts.slice(2) };
  if (iface) result.iface = iface;
  checkStaticIp(result);
  return result;
}

function checkStaticIp(s: StaticIp): number {
  const { family } = cidr(s.address, 'address');
  if (isIP(s.gateway) !== family)
    throw badIp('gateway', s.gateway, `gateway "${s.gateway}" is not an IPv${family} address like the address ${s.address}`, {
      family,
      address: s.address,
    });
  for (const d of s.dns) if (isIP(d) === 0) throw badIp('dns', d, `DNS server "${d}" is not an IP address`);
  if (s.iface !== undefined && !/^[A-Za-z0-9_.:-]{1,15}$/.test(s.iface))
    throw badIp('interface', s.iface, `"${s.iface}" is not a network interface name`);
  return family;
}

/** The NetworkManager keyfile (`<iface or "static">.nmconnection`) for a static IP. */
export function staticIpKeyfile(s: StaticIp): NamedFile {
  const family = checkStaticIp(s);
  const id = s.iface ?? 'static';
  const dns = (fam: number): string => {
    const list = s.dns.filter((d) => isIP(d) === fam);
    return list.length ? `dns=${list.join(';')};\n` : '';
  };
  const v4 = family === 4 ? `method=manual\naddress1=${s.address},${s.gateway}\n${dns(4)}may-fail=false\n` : `method=disabled\n`;
  const v6 = family === 6 ? `method=manual\naddress1=${s.address},${s.gateway}\n${dns(6)}may-fail=false\n` : `method=auto\n${dns(6)}`;
  const text =
    `[connection]\nid=${id}\ntype=ethernet\n${s.iface ? `interface-name=${s.iface}\n` : ''}autoconnect=true\n\n` +
    `[ethernet]\n\n[ipv4]\n${v4}\n[ipv6]\n${v6}`;
  return { name: `${id}.nmconnection`, data: new TextEncoder().encode(text) };
}

function sshKeys(input: string[] | string): string[] {
  const lines = (Array.isArray(input) ? input : [input]).flatMap((k) => k.split(/\r?\n/)).map((k) => k.trim());
  const keys = lines.filter((k) => k !== '' && !k.startsWith('#'));
  for (const k of keys) {
    if (!/^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp\d+|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/=]+( .*)?$/.test(k)) {
      throw codedError(
        ERROR_CODES.SSH_KEY_INVALID,
        { key: k.slice(0, 40) },
        `"${k.slice(0, 40)}..." is not an SSH public key (expected e.g. "ssh-ed25519 AAAA... user@host"; give the .pub file, not the private key)`,
      );
    }
  }
  if (keys.length === 0) throw codedError(ERROR_CODES.SSH_KEY_INVALID, { key: '' }, 'no SSH public key found');
  return [...new Set(keys)];
}

/**
 * Builds the config fragment for the common field settings: SSH keys for user `core`, the host
 * name (/etc/hostname), the time zone (/etc/localtime link) — all with overwrite: true so a live
 * system can apply them on every boot — and, for a static IP, a NetworkManager keyfile to embed
 * with --network-keyfile (so the network is up in the initramfs too). Merge the fragment with
 * `mergeConfig`.
 */
export function fieldSettings(opts: FieldSettingsOptions): FieldSettings {
  const fragment: JsonObject = { ignition: { version: '3.0.0' } };
  const files: JsonObject[] = [];
  const links: JsonObject[] = [];
  if (opts.sshKeys !== undefined) fragment.passwd = { users: [{ name: 'core', sshAuthorizedKeys: sshKeys(opts.sshKeys) }] };
  if (opts.hostname !== undefined) {
    const h = opts.hostname.trim();
    if (h.length > 253 || !/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(h)) {
      throw codedError(
        ERROR_CODES.HOSTNAME_INVALID,
        { hostname: opts.hostname },
        `"${opts.hostname}" is not a valid host name (letters, digits and inner hyphens; dots between labels)`,
      );
    }
    const url = makeDataUrl(new TextEncoder().encode(h));
    files.push({ path: '/etc/hostname', mode: 0o644, overwrite: true, contents: { source: url.source, compression: url.compression } });
  }
  if (opts.timezone !== undefined) {
    const tz = opts.timezone.trim();
    if (!/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(tz))
      throw codedError(
        ERROR_CODES.TIMEZONE_INVALID,
        { timezone: opts.timezone, reason: 'syntax' },
        `"${opts.timezone}" is not a time zone name like Europe/Berlin or UTC`,
      );
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
    } catch {
      throw codedError(
        ERROR_CODES.TIMEZONE_INVALID,
        { timezone: tz, reason: 'unknown' },
        `unknown time zone "${tz}" (check the spelling; \`timedatectl list-timezones\` lists them)`,
      );
    }
    links.push({ path: '/etc/localtime', target: `../usr/share/zoneinfo/${tz}`, overwrite: true });
  }
  if (files.length || links.length) fragment.storage = { ...(files.length ? { files } : {}), ...(links.length ? { links } : {}) };
  return { fragment, networkKeyfiles: opts.staticIp ? [staticIpKeyfile(opts.staticIp)] : [] };
}
