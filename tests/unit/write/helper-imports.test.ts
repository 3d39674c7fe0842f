import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..', '..');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every module the helper can load: relative imports followed through the sources, bare ones collected. */
function moduleGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (!spec.startsWith('.')) {
        packages.add(spec);
        continue;
      }
      const base = resolve(dirname(file), spec);
      const found = [`${base}.ts`, join(base, 'index.ts'), base].find((p) => existsSync(p) && p.endsWith('.ts'));
      if (!found) throw new Error(`${file}: cannot resolve ${spec}`);
      visit(found);
    }
  };
  visit(entry);
  return { files: [...files], packages: [...packages] };
}

describe('the elevated helper', () => {
  it('imports no networking module anywhere in its module graph, and nothing of Electron', () => {
    const { files, packages } = moduleGraph(join(ROOT, 'native', 'writer', 'main.ts'));
    expect(files.some((f) => f.endsWith(join('electron', 'core', 'write', 'engine', 'run.ts')))).toBe(true);
    expect(files.some((f) => f.endsWith(join('electron', 'core', 'iso', 'inspect.ts')))).toBe(true);
    expect(packages.filter((p) => /^(node:)?(net|http|https|http2|dgram|tls|dns)(\/|$)/.test(p))).toEqual([]);
    expect(packages.filter((p) => p === 'electron' || p.startsWith('electron/'))).toEqual([]);
    expect(files.filter((f) => /electron[\\/](main|renderer|preload|app|cli|bridge)[\\/]/.test(f))).toEqual([]);
    // the writer engine, not the flash job around it, and none of the download code
    expect(files.filter((f) => /electron[\\/]core[\\/](flash|stream|pxe|ignition)[\\/]/.test(f))).toEqual([]);
    // the only npm package it loads is the WASM xz codec (embedded config decoding), which opens no socket
    expect(packages.filter((p) => !p.startsWith('node:')).sort()).toEqual(['node-liblzma/wasm', 'node-liblzma/wasm/liblzma.js']);
  });
});
