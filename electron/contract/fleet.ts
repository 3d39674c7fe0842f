/**
 * Fleets in the contract: a loaded manifest's checked machines as the wizard shows them, the part
 * of a flash request that gives each target its row, and how results name a row
 * (electron/core/fleet checks manifests; electron/app/fleet.ts serves them).
 */

/** One machine of a loaded fleet manifest, as the Target step shows it. */
export interface FleetRowView {
  /** 1-based position among the manifest's machines. */
  row: number;
  /** Line of the manifest the row starts on. */
  line: number;
  name: string;
  hostname?: string;
  /** Static address with prefix length (absent: DHCP). */
  address?: string;
}

/** A checked fleet manifest: its machines and the columns (fields) any row gives. */
export interface FleetSummary {
  format: 'csv' | 'yaml';
  /** Fields set on at least one row: name, hostname, ip, gateway, dns, interface, sshKeys, mac, kargs. */
  columns: string[];
  rows: FleetRowView[];
}

/** The fleet row a stick is written for (results and the flash record name it). */
export interface FleetRowRef {
  row: number;
  name: string;
  hostname?: string;
}

/** The fleet part of a flash request: the manifest's file id and each target's row (1-based). */
export interface FleetRequestPart {
  fileId: string;
  rows: number[];
}
