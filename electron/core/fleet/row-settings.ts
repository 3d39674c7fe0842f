/**
 * What one fleet row adds on top of the common config: a field-settings fragment (host name, SSH
 * keys) merged after the common configs, a NetworkManager keyfile for its static IP (replacing a
 * common keyfile of the same name), and its kernel arguments appended after the common ones. The
 * same fragment and keyfile the field settings make (electron/core/ignition/field-settings.ts), so
 * a row reads back exactly as `flint burn --hostname ... --static-ip ...` would have written it.
 */
import type { FlashCustomization, FleetRowRef } from '../flash/types';
import type { ConfigInput } from '../flash/config-gate';
import { fieldSettings, type FieldSettings } from '../ignition/field-settings';
import type { FleetRow } from './manifest';

/** Name of a row's settings among the live configs (reports and warnings name it). */
export function rowConfigName(row: FleetRow): string {
  return `fleet-${row.name}.ign`;
}

/** How progress, results and the flash record name a row's stick. */
export function fleetRowRef(row: FleetRow): FleetRowRef {
  return { row: row.row, name: row.name, ...(row.hostname ? { hostname: row.hostname } : {}) };
}

/** The fragment and keyfile of a row (the fragment sets only what the row gives). */
export function rowFieldSettings(row: FleetRow): FieldSettings {
  return fieldSettings({
    ...(row.hostname ? { hostname: row.hostname } : {}),
    ...(row.sshKeys.length ? { sshKeys: row.sshKeys } : {}),
    ...(row.staticIp ? { staticIp: row.staticIp } : {}),
  });
}

/** The fragment as Ignition JSON text, or null when the row sets nothing in it (a static IP alone). */
export function rowFragmentText(settings: FieldSettings): string | null {
  return Object.keys(settings.fragment).some((k) => k !== 'ignition') ? JSON.stringify(settings.fragment) : null;
}

/**
 * The customization of one stick: `common` with the row's fragment merged last (its values win),
 * its keyfile (a common keyfile of the same name is replaced: one static address per NIC) and its
 * kernel arguments. `common` is not changed.
 */
export function rowCustomization(common: FlashCustomization, row: FleetRow): FlashCustomization {
  const settings = rowFieldSettings(row);
  const fragment = rowFragmentText(settings);
  const liveConfigs: ConfigInput[] = [...(common.liveConfigs ?? [])];
  if (fragment) liveConfigs.push({ name: rowConfigName(row), data: new TextEncoder().encode(fragment), format: 'ignition' });
  const options = { ...(common.options ?? {}) };
  if (settings.networkKeyfiles.length) {
    const mine = new Set(settings.networkKeyfiles.map((k) => k.name));
    options.networkKeyfile = [...(options.networkKeyfile ?? []).filter((k) => !mine.has(baseName(k.name))), ...settings.networkKeyfiles];
  }
  if (row.kargs.length) options.liveKargAppend = [...(options.liveKargAppend ?? []), ...row.kargs];
  return { ...common, liveConfigs, options };
}

/** The last path component (keyfiles given on the command line carry their path as name). */
function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}
