/**
 * The fields of a fleet manifest row and the spellings accepted for each, shared by the CSV and
 * YAML readers (electron/core/fleet/manifest.ts, yaml-rows.ts).
 */

/** The fields of a row and the spellings accepted for each (lower case; `-` and spaces read as `_`). */
export const FIELDS = {
  name: ['name', 'machine', 'id'],
  hostname: ['hostname', 'host_name', 'host'],
  ip: ['ip', 'address', 'ip_address', 'static_ip'],
  gateway: ['gateway', 'gw'],
  dns: ['dns', 'nameservers', 'dns_servers'],
  interface: ['interface', 'iface', 'nic'],
  sshKeys: ['ssh_keys', 'ssh_key', 'ssh'],
  mac: ['mac', 'mac_address', 'hwaddr'],
  kargs: ['kargs', 'karg', 'kernel_args', 'kernel_arguments'],
} as const;

/** A field of a row. */
export type FleetField = keyof typeof FIELDS;

const BY_SPELLING = new Map<string, FleetField>(
  (Object.entries(FIELDS) as [FleetField, readonly string[]][]).flatMap(([f, names]) => names.map((n) => [n, f] as const)),
);

/** The field a column header or YAML key names (null: unknown). */
export function fieldOf(header: string): FleetField | null {
  return (
    BY_SPELLING.get(
      header
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_'),
    ) ?? null
  );
}

/** A row as read from the file, before checking: each field's text (or list) and line. */
export interface RawRow {
  line: number;
  values: Partial<Record<FleetField, { value: string | string[]; line: number }>>;
}
