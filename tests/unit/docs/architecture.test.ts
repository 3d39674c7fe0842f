// docs/architecture.md describes the layers and their rules; these checks keep it true: its rule
// table names exactly the rules of .dependency-cruiser.cjs, its layer table lists every layer
// folder, and its "imports" column is what dependency-cruiser finds in the tree today.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/paths';

const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
const rules = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as { forbidden: { name: string }[] };

/** The body rows of the first markdown table after `heading`, as arrays of cells. */
function table(heading: string): string[][] {
  const lines = doc.slice(doc.indexOf(`\n${heading}\n`)).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const l of lines.slice(first + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(l.split('|').slice(1, -1).map((c) => c.trim()));
  }
  return rows;
}
const code = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

/** The layer of a path: `electron/<folder>`, `native` or `renderer`. */
function layerOf(path: string): string | null {
  const m = /^electron\/([^/]+)\//.exec(path);
  if (m) return `electron/${m[1]}`;
  if (path.startsWith('native/')) return 'native';
  if (path.startsWith('renderer/')) return 'renderer';
  return null;
}

describe('docs/architecture.md', () => {
  const layers = table('## Layers');

  it('names exactly the rules of .dependency-cruiser.cjs', () => {
    const documented = table('## Rules').map((r) => code(r[0])[0]);
    expect([...documented].sort()).toEqual(rules.forbidden.map((r) => r.name).sort());
  });

  it('lists every layer folder', () => {
    const listed = layers.map((r) => code(r[0])[0]).sort();
    const folders = readdirSync(join(ROOT, 'electron'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `electron/${d.name}`);
    expect(listed).toEqual([...folders, 'native', 'renderer'].sort());
    for (const l of listed) expect(existsSync(join(ROOT, l)), l).toBe(true);
  });

  it("gives each layer's imports as dependency-cruiser finds them", () => {
    const out = execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/.bin/depcruise'), 'electron', 'native', 'renderer/src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
      { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    const cruised = JSON.parse(out) as { modules: { source: string; dependencies: { resolved: string }[] }[] };
    const actual = new Map<string, Set<string>>();
    for (const m of cruised.modules) {
      const from = layerOf(m.source);
      if (!from) continue;
      for (const d of m.dependencies) {
        const to = layerOf(d.resolved);
        if (to && to !== from) actual.set(from, (actual.get(from) ?? new Set()).add(to));
      }
    }
    const documented = Object.fromEntries(layers.map((r) => [code(r[0])[0], code(r[2]).sort()]));
    const found = Object.fromEntries(layers.map((r) => [code(r[0])[0], [...(actual.get(code(r[0])[0]) ?? [])].sort()]));
    expect(documented).toEqual(found);
  });

  it('marks the flash path section so that it can be replaced whole', () => {
    const begin = doc.indexOf('<!-- flash-path: begin');
    const end = doc.indexOf('<!-- flash-path: end -->');
    expect(begin).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(begin);
    expect(doc.slice(begin, end)).toContain('## One flash, from a click to the bytes on the stick');
  });
});
