/**
 * The YAML form of a fleet manifest: a list of machines, at the top level or under `machines:`,
 * each a mapping with the same fields as the CSV columns (dns, ssh_keys and kargs also as lists).
 * Read with the `yaml` package's document API so every key keeps its line. Aliases are refused: a
 * manifest is a plain list, and refusing them keeps a hostile file from expanding (the concern
 * electron/core/ignition/butane/yaml.ts budgets for Butane).
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import type { FleetProblem } from '../../contract/error-codes';
import { FIELDS, fieldOf, type RawRow } from './fields';

/** Reads the machines of a YAML manifest; problems (with lines) go to `out`. */
export function readYamlRows(source: string, out: FleetProblem[]): RawRow[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  const lineOf = (n: Node | null | undefined) => (n?.range ? lines.linePos(n.range[0]).line : 1);
  for (const d of list)
    for (const e of d.errors) {
      const detail = e.message.split('\n')[0]!;
      out.push({ line: lines.linePos(e.pos[0]).line, code: 'FLEET_YAML_SYNTAX', params: { detail }, message: `not valid YAML: ${detail}` });
    }
  if (out.length) return [];
  if (list.slice(1).some((d) => d.contents !== null)) {
    out.push({
      line: lineOf(list[1]!.contents as Node),
      code: 'FLEET_YAML_SECOND_DOCUMENT',
      message: 'a second YAML document; a manifest is one list of machines',
    });
    return [];
  }
  let top = list[0]?.contents as Node | null | undefined;
  if (top && isMap(top)) {
    const machines = top.items.find((p) => isScalar(p.key) && p.key.value === 'machines');
    const others = top.items.filter((p) => p !== machines);
    for (const p of others) {
      const key = String((p.key as { value?: unknown })?.value);
      out.push({
        line: lineOf(p.key as Node),
        code: 'FLEET_YAML_TOP_KEY',
        params: { key },
        message: `unknown top-level key "${key}" (expected machines:)`,
      });
    }
    top = machines?.value as Node | null | undefined;
  }
  if (!top || !isSeq(top)) {
    out.push({
      line: lineOf(top),
      code: 'FLEET_YAML_NOT_LIST',
      message: 'expected a list of machines (at the top level or under machines:)',
    });
    return [];
  }
  const rows: RawRow[] = [];
  for (const item of top.items as Node[]) {
    const line = lineOf(item);
    if (!isMap(item)) {
      out.push({ line, code: 'FLEET_YAML_NOT_MAPPING', message: 'each machine is a mapping of fields (name: ..., hostname: ...)' });
      continue;
    }
    const values: RawRow['values'] = {};
    for (const p of item.items) {
      const key = p.key as Node;
      const at = lineOf(key);
      const k = isScalar(key) ? String(key.value) : '?';
      const f = fieldOf(k);
      if (!f) {
        out.push({
          line: at,
          code: 'FLEET_UNKNOWN_FIELD',
          params: { name: k, known: Object.keys(FIELDS).join(', ') },
          message: `unknown field "${k}"`,
        });
        continue;
      }
      const v = p.value as Node | null;
      if (v && isAlias(v)) {
        out.push({ line: at, field: f, code: 'FLEET_YAML_ALIAS', message: 'aliases (*name) are not supported in a fleet manifest' });
        continue;
      }
      if (v === null || (isScalar(v) && (v.value === null || v.value === ''))) continue;
      if (isScalar(v)) values[f] = { value: String(v.value), line: at };
      else if (isSeq(v) && (v.items as Node[]).every((x) => isScalar(x))) {
        values[f] = { value: (v.items as Node[]).map((x) => String((x as { value: unknown }).value)), line: at };
      } else
        out.push({ line: at, field: f, code: 'FLEET_YAML_NOT_TEXT', params: { key: k }, message: `${k} must be text or a list of text` });
    }
    rows.push({ line, values });
  }
  return rows;
}
