/**
 * Fleet manifests: one row per machine (name, host name, static IP with gateway and DNS, SSH keys,
 * the MAC it boots from over the network, extra kernel arguments), as CSV or YAML. Every row is
 * checked with the same rules as the field settings (electron/core/ignition/field-settings.ts) and
 * the karg rules (electron/core/cmdline.ts); every problem names its line and row, and all of them
 * are reported at once (FLEET_INVALID), so a spreadsheet is fixed in one pass.
 */
import { ERROR_CODES, type FleetProblem, type FleetProblemCode } from '../../contract/error-codes';
import { checkKargs } from '../cmdline';
import { codedError, FlintError } from '../errors';
import { fieldSettings, staticIpKeyfile, type StaticIp } from '../ignition/field-settings';
import { readCsv } from './csv';
import { FIELDS, fieldOf, type FleetField, type RawRow } from './fields';
import { readYamlRows } from './yaml-rows';

/** One machine of a fleet, checked and normalized. */
export interface FleetRow {
  /** 1-based position among the machines of the manifest. */
  row: number;
  /** Line of the manifest the row starts on. */
  line: number;
  /** Unique name; also names the machine's files in a network boot folder. */
  name: string;
  hostname?: string;
  staticIp?: StaticIp;
  /** SSH public keys for user `core`, added to the common ones. */
  sshKeys: string[];
  /** The MAC address it network-boots from, lower case with colons (aa:bb:cc:dd:ee:ff). */
  mac?: string;
  /** Extra kernel arguments, one per entry, appended after the common ones. */
  kargs: string[];
}

/** A checked manifest. */
export interface FleetManifest {
  /** File name as given (for messages). */
  file: string;
  format: 'csv' | 'yaml';
  rows: FleetRow[];
}

/** Most machines one manifest may list (a bound on work and on the files a network boot folder gets). */
export const MAX_FLEET_ROWS = 4096;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** A MAC address in any usual notation, as lower case with colons; null when it is not one. */
export function normalizeMac(text: string): string | null {
  const hex = text.trim().toLowerCase();
  const m =
    /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/.exec(hex) ??
    /^([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})$/.exec(hex) ??
    /^([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/.exec(hex);
  if (!m) return null;
  const sep = /^[0-9a-f]{2}([:-])/.exec(hex)?.[1];
  // one separator throughout (aa:bb-cc... is a typo, not an address)
  if (sep && hex.replaceAll(sep, '').length !== 12) return null;
  return m.slice(1, 7).join(':');
}

const list = (v: string | string[], split: RegExp): string[] =>
  (Array.isArray(v) ? v : [v])
    .flatMap((x) => x.split(split))
    .map((x) => x.trim())
    .filter(Boolean);

const text = (v: string | string[] | undefined): string => (v === undefined ? '' : Array.isArray(v) ? v.join(' ') : v).trim();

/** A problem's code, parameters and English message: a fleet problem, or the error of a field's value. */
type Coded = { code: FleetProblemCode | string; params?: Readonly<Record<string, unknown>>; message: string };

const coded = (e: Coded): Pick<FleetProblem, 'code' | 'params' | 'message'> => ({
  code: e.code,
  ...(e.params ? { params: e.params } : {}),
  message: e.message,
});

/** Checks one raw row; problems go to `out`. Returns the row with the fields that passed. */
function checkRow(raw: RawRow, row: number, out: FleetProblem[]): FleetRow {
  const v = raw.values;
  const at = (f: FleetField) => v[f]?.line ?? raw.line;
  const problem = (f: FleetField | undefined, e: Coded) =>
    out.push({ line: f ? at(f) : raw.line, row, ...(f ? { field: f } : {}), ...coded(e) });
  const attempt = (f: FleetField, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      problem(f, err instanceof FlintError ? err : { code: 'FLEET_INVALID', message: String(err) });
    }
  };
  const name = text(v.name?.value);
  if (!name) problem('name', { code: 'FLEET_NAME_MISSING', message: 'every machine needs a name' });
  else if (!NAME.test(name)) {
    problem('name', {
      code: 'FLEET_NAME_INVALID',
      params: { name },
      message: `"${name}" is not a machine name (letters, digits, '.', '_' and '-', at most 63)`,
    });
  }
  const out1: FleetRow = { row, line: raw.line, name, sshKeys: [], kargs: [] };
  const hostname = text(v.hostname?.value);
  if (hostname) {
    attempt('hostname', () => {
      fieldSettings({ hostname });
      out1.hostname = hostname;
    });
  }
  const ip = text(v.ip?.value);
  const gateway = text(v.gateway?.value);
  const dns = list(v.dns?.value ?? [], /[\s,;]+/);
  const iface = text(v.interface?.value);
  if (ip) {
    if (!gateway)
      problem('gateway', { code: 'FLEET_GATEWAY_MISSING', params: { ip }, message: `the static address ${ip} needs a gateway` });
    else {
      const s: StaticIp = { address: ip, gateway, dns, ...(iface ? { iface } : {}) };
      attempt('ip', () => {
        staticIpKeyfile(s);
        out1.staticIp = s;
      });
    }
  } else if (gateway || dns.length || iface) {
    problem(gateway ? 'gateway' : dns.length ? 'dns' : 'interface', {
      code: 'FLEET_ADDRESS_MISSING',
      message: 'a gateway, DNS servers or an interface need the static address (ip)',
    });
  }
  const keys = list(v.sshKeys?.value ?? [], /\r?\n|;/);
  if (keys.length) {
    attempt('sshKeys', () => {
      fieldSettings({ sshKeys: keys });
      out1.sshKeys = [...new Set(keys)];
    });
  }
  const mac = text(v.mac?.value);
  if (mac) {
    const m = normalizeMac(mac);
    if (!m)
      problem('mac', { code: 'FLEET_MAC_INVALID', params: { mac }, message: `"${mac}" is not a MAC address (e.g. 52:54:00:12:34:56)` });
    else if (parseInt(m.slice(0, 2), 16) & 1) {
      problem('mac', { code: 'FLEET_MAC_MULTICAST', params: { mac: m }, message: `${m} is a multicast address, not a network card's` });
    } else out1.mac = m;
  }
  const kargs = v.kargs?.value;
  if (kargs !== undefined && text(kargs)) {
    const checked = checkKargs(Array.isArray(kargs) ? kargs : [kargs], { context: 'iso' });
    for (const e of checked.errors) problem('kargs', e);
    out1.kargs = checked.args;
  }
  return out1;
}

/** Checks uniqueness across rows: names, host names, addresses and MACs must not repeat. */
function checkUnique(rows: FleetRow[], out: FleetProblem[]): void {
  const keys: [FleetField, (r: FleetRow) => string | undefined, string][] = [
    ['name', (r) => r.name.toLowerCase(), 'name'],
    ['hostname', (r) => r.hostname?.toLowerCase(), 'host name'],
    ['ip', (r) => r.staticIp?.address.replace(/\/\d+$/, ''), 'address'],
    ['mac', (r) => r.mac, 'MAC address'],
  ];
  for (const [field, key, what] of keys) {
    const first = new Map<string, FleetRow>();
    for (const r of rows) {
      const k = key(r);
      if (!k) continue;
      const prev = first.get(k);
      if (!prev) first.set(k, r);
      else {
        out.push({
          line: r.line,
          row: r.row,
          field,
          code: 'FLEET_DUPLICATE',
          params: { value: k, line: prev.line, name: prev.name },
          message: `the ${what} ${k} is also on line ${prev.line} (${prev.name})`,
        });
      }
    }
  }
}

/** Reads the rows of a CSV manifest: a header naming the columns, then one machine per record. */
function csvRows(source: string, out: FleetProblem[]): RawRow[] {
  const { records, errors } = readCsv(source);
  for (const e of errors) out.push({ line: e.line, code: e.code, message: e.message });
  const [header, ...body] = records;
  if (!header) return [];
  const columns = header.fields.map((h) => ({ h: h.trim(), f: fieldOf(h) }));
  for (const c of columns) {
    if (!c.f && c.h) {
      const known = Object.keys(FIELDS).join(', ');
      out.push({
        line: header.line,
        code: 'FLEET_UNKNOWN_COLUMN',
        params: { name: c.h, known },
        message: `unknown column "${c.h}" (known: ${known})`,
      });
    }
  }
  const seen = new Set<FleetField>();
  for (const c of columns) {
    if (c.f && seen.has(c.f)) {
      out.push({
        line: header.line,
        field: c.f,
        code: 'FLEET_COLUMN_TWICE',
        params: { column: c.f },
        message: `the column ${c.f} is given twice`,
      });
    }
    if (c.f) seen.add(c.f);
  }
  if (!seen.has('name'))
    out.push({
      line: header.line,
      code: 'FLEET_NO_NAME_COLUMN',
      message: 'the header must name a "name" column (the first line lists the columns)',
    });
  return body.map((r) => {
    if (r.fields.length > columns.length) {
      out.push({
        line: r.line,
        code: 'FLEET_FIELD_COUNT',
        params: { fields: r.fields.length, columns: columns.length },
        message: `${r.fields.length} fields, but the header names ${columns.length} columns`,
      });
    }
    const values: RawRow['values'] = {};
    columns.forEach((c, i) => {
      const value = r.fields[i];
      if (c.f && value !== undefined && value.trim() !== '') values[c.f] = { value, line: r.line };
    });
    return { line: r.line, values };
  });
}

/** Whether `name`/`text` look like YAML rather than CSV. */
function isYaml(name: string, source: string): boolean {
  if (/\.ya?ml$|\.json$/i.test(name)) return true;
  if (/\.csv$/i.test(name)) return false;
  return /^\s*(-|machines\s*:|\[)/.test(source.replace(/^(\s*#[^\n]*\n)+/, ''));
}

/**
 * Reads and checks a fleet manifest (`name` picks the format by extension: .csv, .yaml/.yml/.json;
 * otherwise by content). Throws FLEET_INVALID listing every problem with its line and row.
 */
export function parseFleet(name: string, source: string): FleetManifest {
  const problems: FleetProblem[] = [];
  const format = isYaml(name, source) ? 'yaml' : 'csv';
  const raws = format === 'yaml' ? readYamlRows(source, problems) : csvRows(source, problems);
  if (raws.length === 0 && problems.length === 0) {
    problems.push({ line: 1, code: 'FLEET_NO_MACHINES', message: 'the manifest lists no machines' });
  }
  if (raws.length > MAX_FLEET_ROWS) {
    problems.push({
      line: raws[MAX_FLEET_ROWS]!.line,
      code: 'FLEET_TOO_MANY',
      params: { max: MAX_FLEET_ROWS },
      message: `more than ${MAX_FLEET_ROWS} machines`,
    });
  }
  const rows = raws.slice(0, MAX_FLEET_ROWS).map((raw, i) => checkRow(raw, i + 1, problems));
  checkUnique(rows, problems);
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line);
    const n = problems.length;
    throw codedError(
      ERROR_CODES.FLEET_INVALID,
      { file: name, problems },
      `${name} has ${n} problem${n === 1 ? '' : 's'}`,
      problems.map(problemLine),
    );
  }
  return { file: name, format, rows };
}

/** One problem as a line of text: `line 4 (row 3, mac): "zz" is not a MAC address`. */
export function problemLine(p: FleetProblem): string {
  const where = [p.row !== undefined ? `row ${p.row}` : '', p.field ?? ''].filter(Boolean).join(', ');
  return `line ${p.line}${where ? ` (${where})` : ''}: ${p.message}`;
}
