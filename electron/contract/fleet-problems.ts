/**
 * What can be wrong in a fleet manifest (electron/core/fleet), as values: each problem has a code
 * and parameters, and each front end words it (the CLI prints the core's English `message`; the
 * app words the code in its language, renderer/src/messages.ts). A problem with one field's
 * value carries that field's own error code instead (HOSTNAME_INVALID, STATIC_IP_INVALID,
 * SSH_KEY_INVALID, KARG_* of error-codes.ts) with its parameters.
 */

/** The parameters of every fleet problem code. */
export interface FleetProblemParams {
  // CSV syntax (electron/core/fleet/csv.ts)
  FLEET_CSV_UNCLOSED_QUOTE: { start: number };
  FLEET_CSV_TEXT_AFTER_QUOTE: Record<string, never>;
  FLEET_CSV_STRAY_QUOTE: Record<string, never>;
  // YAML shape (electron/core/fleet/yaml-rows.ts)
  FLEET_YAML_SYNTAX: { detail: string };
  FLEET_YAML_SECOND_DOCUMENT: Record<string, never>;
  FLEET_YAML_TOP_KEY: { key: string };
  FLEET_YAML_NOT_LIST: Record<string, never>;
  FLEET_YAML_NOT_MAPPING: Record<string, never>;
  FLEET_YAML_ALIAS: Record<string, never>;
  FLEET_YAML_NOT_TEXT: { key: string };
  FLEET_UNKNOWN_FIELD: { name: string; known: string };
  // columns and rows (electron/core/fleet/manifest.ts)
  FLEET_UNKNOWN_COLUMN: { name: string; known: string };
  FLEET_COLUMN_TWICE: { column: string };
  FLEET_NO_NAME_COLUMN: Record<string, never>;
  FLEET_FIELD_COUNT: { fields: number; columns: number };
  FLEET_NO_MACHINES: Record<string, never>;
  FLEET_TOO_MANY: { max: number };
  FLEET_NAME_MISSING: Record<string, never>;
  FLEET_NAME_INVALID: { name: string };
  FLEET_GATEWAY_MISSING: { ip: string };
  FLEET_ADDRESS_MISSING: Record<string, never>;
  FLEET_MAC_INVALID: { mac: string };
  FLEET_MAC_MULTICAST: { mac: string };
  /** The row repeats `value` of its field (name, host name, address, MAC) from line `line`, machine `name`. */
  FLEET_DUPLICATE: { value: string; line: number; name: string };
}

/** A fleet problem code. */
export type FleetProblemCode = keyof FleetProblemParams;

/**
 * One problem of a fleet manifest: the line it is on, the machine's row (1-based among the
 * machines) and field when known, its code and parameters (a FleetProblemCode, or the error code
 * of the field's value), and a plain English message.
 */
export interface FleetProblem {
  line: number;
  row?: number;
  field?: string;
  code: string;
  params?: Readonly<Record<string, unknown>>;
  message: string;
}
