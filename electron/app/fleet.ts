/**
 * Feature "fleet": a fleet manifest held like the other files, checked by the core's parser (the
 * one `flint burn --fleet` uses, electron/core/fleet/manifest.ts), and each target's customization
 * built from its row by the core's rowCustomization (electron/core/fleet/row-settings.ts), so a
 * stick the app writes for a row is the stick the CLI writes for it. Electron-free.
 */
import { ERROR_CODES } from '../contract/error-codes';
import type { FleetRequestPart, FleetSummary } from '../contract/fleet';
import type { FieldSettingsInput } from '../contract/types';
import { codedError, FlintError } from '../core/errors';
import { FIELDS, type FleetField } from '../core/fleet/fields';
import { parseFleet, type FleetManifest, type FleetRow } from '../core/fleet/manifest';
import { fleetRowRef, rowCustomization } from '../core/fleet/row-settings';
import type { FlashCustomization, FleetRowRef } from '../core/flash/types';
import type { Session } from './session';

/** Whether a row gives a field (after checking: an empty cell gives nothing). */
const GIVES: Record<FleetField, (r: FleetRow) => boolean> = {
  name: () => true,
  hostname: (r) => !!r.hostname,
  ip: (r) => !!r.staticIp,
  gateway: (r) => !!r.staticIp?.gateway,
  dns: (r) => (r.staticIp?.dns.length ?? 0) > 0,
  interface: (r) => !!r.staticIp?.iface,
  sshKeys: (r) => r.sshKeys.length > 0,
  mac: (r) => !!r.mac,
  kargs: (r) => r.kargs.length > 0,
};

/** What the renderer shows of a checked manifest: its machines and the fields any of them gives. */
export function fleetSummary(m: FleetManifest): FleetSummary {
  const fields = Object.keys(FIELDS) as FleetField[];
  return {
    format: m.format,
    columns: fields.filter((f) => m.rows.some(GIVES[f])),
    rows: m.rows.map((r) => ({
      row: r.row,
      line: r.line,
      name: r.name,
      ...(r.hostname ? { hostname: r.hostname } : {}),
      ...(r.staticIp ? { address: r.staticIp.address } : {}),
    })),
  };
}

/** Checks a manifest's text (FLEET_INVALID lists every problem with its line) and summarizes it. */
export function checkFleetText(name: string, text: string): FleetSummary {
  return fleetSummary(parseFleet(name, text));
}

/**
 * A host name or static address in the field settings would be the same on every stick of a fleet;
 * the manifest sets them per machine (as `flint burn --fleet` refuses --hostname and --static-ip).
 */
function refuseCommonMachineSettings(fs: FieldSettingsInput | undefined): void {
  if (fs?.hostname.trim()) throw codedError(ERROR_CODES.FLEET_FLAG_CONFLICT, { flag: 'hostname' }, 'The fleet manifest sets host names');
  if (fs?.address.trim()) throw codedError(ERROR_CODES.FLEET_FLAG_CONFLICT, { flag: 'ip' }, 'The fleet manifest sets static addresses');
}

/** One target's part of a fleet flash. */
export interface FleetTarget {
  customization: FlashCustomization;
  fleetRow: FleetRowRef;
}

/**
 * Each target's customization and row: `fleet.rows[i]` (1-based) is the row of the i-th target;
 * the manifest is parsed again from the held bytes, so the rows are those the core checked.
 */
export function fleetTargets(
  s: Session,
  fleet: FleetRequestPart,
  targetCount: number,
  common: FlashCustomization,
  fieldSettings: FieldSettingsInput | undefined,
): FleetTarget[] {
  const held = s.file(fleet.fileId);
  if (held.file.kind !== 'fleet') throw new FlintError('FILE_WRONG_KIND', `${held.file.name} is not a fleet manifest`);
  refuseCommonMachineSettings(fieldSettings);
  const m = parseFleet(held.file.name, new TextDecoder().decode(held.bytes));
  if (fleet.rows.length !== targetCount) {
    throw codedError(
      ERROR_CODES.FLEET_TARGET_COUNT,
      { rows: fleet.rows.length, targets: targetCount },
      `${fleet.rows.length} machines selected but ${targetCount} targets given`,
    );
  }
  const seen = new Set<number>();
  return fleet.rows.map((n) => {
    const row = m.rows[n - 1];
    if (!row || seen.has(n)) {
      throw codedError(
        ERROR_CODES.FLEET_ROW_UNKNOWN,
        { row: String(n), rows: m.rows.length },
        `${m.file} has no machine ${n} for this stick`,
      );
    }
    seen.add(n);
    return { customization: rowCustomization(common, row), fleetRow: fleetRowRef(row) };
  });
}
