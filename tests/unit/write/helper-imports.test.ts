import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..', '..');

describe('the elevated helper', () => {
  it('imports no networking module anywhere in its module graph, and nothing of Electron', async () => {
    const res = await build({
      entryPoints: [join(ROOT, 'native', 'writer', 'main.ts')],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
      packages: 'external',
    });
    const imports = new Set<string>();
    for (const input of Object.values(res.metafile!.inputs)) for (const i of input.imports) imports.add(i.path);
    const modules = Object.keys(res.metafile!.inputs);
    expect(modules.some((m) => m.endsWith('native/writer/run.ts'))).toBe(true);
    const net = [...imports].filter((p) => /^(node:)?(net|http|https|http2|dgram|tls|dns)$/.test(p));
    expect(net).toEqual([]);
    expect([...imports].filter((p) => p === 'electron' || p.includes('/main/') || p.includes('/renderer/'))).toEqual([]);
  });
});
