/**
 * `flint burn --fleet FILE [--rows LIST]`: each target gets one machine of the manifest, in the
 * order the targets are given, with the row's settings on top of the common customization
 * (electron/core/fleet/row-settings.ts). All sticks of one batch are written by one flash job, from
 * one read of the image.
 */
import { readFile } from 'node:fs/promises';
import { ERROR_CODES } from '../contract/error-codes';
import { codedError } from '../core/errors';
import { parseFleet, type FleetManifest, type FleetRow } from '../core/fleet/manifest';
import { fleetRowRef, rowCustomization } from '../core/fleet/row-settings';
import type { FlashCustomization, FlashTargetSpec } from '../core/flash/types';

/** Reads and checks a manifest file (FLEET_INVALID lists every problem with its line). */
export async function readFleetFile(path: string): Promise<FleetManifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw codedError(ERROR_CODES.FLASH_INPUT_UNREADABLE, { path, what: 'the fleet manifest' }, `Cannot read the fleet manifest ${path}`, [
      (err as Error).message,
    ]);
  }
  return parseFleet(path, text);
}

/**
 * The rows a `--rows` list names, in its order: row numbers (1-based), ranges (`3-5`) and machine
 * names, separated by commas. Without a list: every row.
 */
export function selectRows(m: FleetManifest, spec: string | undefined): FleetRow[] {
  if (spec === undefined) return m.rows;
  const out: FleetRow[] = [];
  const unknown = (row: string) =>
    codedError(ERROR_CODES.FLEET_ROW_UNKNOWN, { row, rows: m.rows.length }, `${m.file} has no machine "${row}" (${m.rows.length} rows)`);
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (from < 1 || to > m.rows.length || from > to) throw unknown(part);
      out.push(...m.rows.slice(from - 1, to));
      continue;
    }
    const row = /^\d+$/.test(part) ? m.rows[Number(part) - 1] : m.rows.find((r) => r.name.toLowerCase() === part.toLowerCase());
    if (!row) throw unknown(part);
    out.push(row);
  }
  return [...new Set(out)];
}

/** The per-machine flags a manifest replaces: given with --fleet they would be the same on every stick. */
export function refusePerMachineFlags(flags: { hostname?: unknown; staticIp?: unknown }): void {
  for (const [flag, v] of [
    ['--hostname', flags.hostname],
    ['--static-ip', flags.staticIp],
  ] as const) {
    if (v !== undefined) {
      throw codedError(ERROR_CODES.FLEET_FLAG_CONFLICT, { flag }, `${flag} is per machine: give it in the fleet manifest`);
    }
  }
}

/**
 * One flash target per device, each with its row: as many devices as selected rows (the first
 * device gets the first row), else FLEET_TARGET_COUNT.
 */
export function fleetTargets(devices: string[], rows: FleetRow[], common: FlashCustomization): FlashTargetSpec[] {
  if (devices.length !== rows.length) {
    throw codedError(
      ERROR_CODES.FLEET_TARGET_COUNT,
      { rows: rows.length, targets: devices.length },
      `${rows.length} machines selected but ${devices.length} target${devices.length === 1 ? '' : 's'} given`,
    );
  }
  return devices.map((device, i) => {
    const row = rows[i]!;
    return { device, customization: rowCustomization(common, row), fleetRow: fleetRowRef(row) };
  });
}
