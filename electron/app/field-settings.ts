/**
 * Feature "field settings": the Config step's short form (SSH key, host name, static IP, time
 * zone), checked field by field with the same core functions as `flint burn --ssh-key ...`, and
 * turned into the config fragment and NetworkManager keyfile that flashing and saving embed.
 * Electron-free.
 */
import { ERROR_CODES } from '../contract/error-codes';
import { codedError, FlintError } from '../core/errors';
import { type FieldSettings, fieldSettings, staticIpKeyfile, type StaticIp } from '../core/ignition/field-settings';
import type { FieldSettingsApplied, FieldSettingsCheck, FieldSettingsField, FieldSettingsInput } from '../contract/types';

/** Is every field of the form empty? */
export function fieldSettingsEmpty(input: FieldSettingsInput): boolean {
  return Object.values(input).every((v) => v.trim() === '');
}

function staticIpOf(input: FieldSettingsInput): StaticIp | undefined {
  const [address, gateway, dns] = [input.address.trim(), input.gateway.trim(), input.dns.trim()];
  if (!address && !gateway && !dns) return undefined;
  if (!address) {
    throw codedError(
      ERROR_CODES.STATIC_IP_INVALID,
      { reason: 'needs-address', value: gateway || dns },
      'a gateway or DNS server needs the static address with its prefix length (e.g. 192.168.1.20/24)',
    );
  }
  if (!gateway) {
    throw codedError(ERROR_CODES.STATIC_IP_INVALID, { reason: 'needs-gateway', value: address }, 'a static address needs a gateway');
  }
  return { address, gateway, dns: dns ? dns.split(/[\s,;]+/).filter(Boolean) : [] };
}

/**
 * Checks each field on its own (so every problem is named next to its field). A static IP also
 * needs the image's live-initrd-network feature when `features` is given.
 */
export function checkFieldSettings(input: FieldSettingsInput, features?: Record<string, boolean>): FieldSettingsCheck {
  const problems: FieldSettingsCheck['problems'] = [];
  const summary: string[] = [];
  const applied: FieldSettingsApplied = {};
  const attempt = (field: FieldSettingsField, run: () => string | undefined) => {
    try {
      const said = run();
      if (said) summary.push(said);
    } catch (err) {
      const e = err instanceof FlintError ? err : new FlintError('FIELD_SETTINGS_INVALID', String(err));
      problems.push({ field, code: e.code, ...(e.params ? { params: e.params } : {}), message: e.message });
    }
  };
  attempt('sshKeys', () => {
    if (!input.sshKeys.trim()) return undefined;
    const users = fieldSettings({ sshKeys: input.sshKeys }).fragment.passwd as { users: { sshAuthorizedKeys: string[] }[] };
    const n = users.users[0].sshAuthorizedKeys.length;
    applied.sshKeys = n;
    return `${n} SSH key${n === 1 ? '' : 's'} for user core`;
  });
  attempt('hostname', () => {
    if (!input.hostname.trim()) return undefined;
    fieldSettings({ hostname: input.hostname });
    applied.hostname = input.hostname.trim();
    return `host name ${applied.hostname}`;
  });
  attempt('staticIp', () => {
    const ip = staticIpOf(input);
    if (!ip) return undefined;
    staticIpKeyfile(ip);
    if (features && features.liveInitrdNetwork === false) {
      throw new FlintError(
        'FEATURE_MISSING',
        'this image cannot take network settings (it lacks the live-initrd-network feature); use a newer Fedora CoreOS image',
      );
    }
    applied.staticIp = { address: ip.address, gateway: ip.gateway, dns: ip.dns };
    return `static IP ${ip.address} via ${ip.gateway}${ip.dns.length ? `, DNS ${ip.dns.join(', ')}` : ''}`;
  });
  attempt('timezone', () => {
    if (!input.timezone.trim()) return undefined;
    fieldSettings({ timezone: input.timezone });
    applied.timezone = input.timezone.trim();
    return `time zone ${applied.timezone}`;
  });
  return { ok: problems.length === 0, problems, summary, applied };
}

/**
 * The fragment and keyfiles of a filled-in form (null when it is empty). Throws one FlintError
 * (FIELD_SETTINGS_INVALID, every problem as a cause) when a field is wrong.
 */
export function buildFieldSettings(input: FieldSettingsInput, features?: Record<string, boolean>): FieldSettings | null {
  if (fieldSettingsEmpty(input)) return null;
  const check = checkFieldSettings(input, features);
  if (!check.ok) {
    throw new FlintError(
      'FIELD_SETTINGS_INVALID',
      'The field settings have problems',
      check.problems.map((p) => p.message),
    );
  }
  const t = (v: string) => (v.trim() ? v : undefined);
  return fieldSettings({
    sshKeys: t(input.sshKeys),
    hostname: t(input.hostname),
    timezone: t(input.timezone),
    staticIp: staticIpOf(input),
  });
}

/** The fragment as Ignition JSON text, or undefined when it sets nothing (e.g. a static IP alone). */
export function fragmentText(settings: FieldSettings): string | undefined {
  return Object.keys(settings.fragment).some((k) => k !== 'ignition') ? JSON.stringify(settings.fragment) : undefined;
}
