/**
 * `flint ignition validate` on hostile or messy input: a config with 130,000 files (generated
 * here, never committed) is checked instead of crashing the stack, and a config with several
 * kinds of mistakes lists every one of them, schema and semantic errors alike.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../../electron/core/ignition/types';

const FLINT = resolve(__dirname, '../../../bin/flint.mjs');
const run = promisify(execFile);

async function validate(file: string): Promise<{ code: number; report: ValidationReport; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [FLINT, 'ignition', 'validate', '--json', file], { maxBuffer: 256 << 20 });
    return { code: 0, report: JSON.parse(stdout), stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, report: JSON.parse(e.stdout || 'null'), stderr: e.stderr };
  }
}

describe('flint ignition validate on large and many-error configs', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flint-validate-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('checks a config with 130,000 files', async () => {
    const files = Array.from({ length: 130_000 }, (_, i) => ({
      path: `/var/lib/site/f${i}`,
      mode: 0o644,
      contents: { source: 'data:,x' },
    }));
    const file = join(dir, 'many.ign');
    await writeFile(file, JSON.stringify({ ignition: { version: '3.4.0' }, storage: { files } }));
    const r = await validate(file);
    expect(r.stderr).not.toMatch(/call stack/);
    expect(r.code).toBe(0);
    expect(r.report.ok).toBe(true);
    // each file would fail a live boot where it already exists: one warning per file
    expect(r.report.warnings.filter((w) => w.code === 'LIVE_FILE_NO_OVERWRITE')).toHaveLength(130_000);
  }, 120_000);

  it('lists schema and semantic errors together', async () => {
    const file = join(dir, 'messy.ign');
    await writeFile(
      file,
      JSON.stringify({
        ignition: { version: '3.4.0' },
        storage: {
          files: [{ path: '/etc/motd', mode: '0644' }, { path: 'etc/relative' }],
          luks: [{ name: 'data' }],
        },
        passwd: { users: [{ name: 42 }] },
        kernelArguments: { shouldExist: ['quiet', 'quiet'] },
      }),
    );
    const r = await validate(file);
    expect(r.code).toBe(1);
    const found = r.report.errors.map((e) => `${e.code} ${e.path}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'SCHEMA_TYPE $.storage.files[0].mode',
        'SCHEMA_TYPE $.passwd.users[0].name',
        'PATH_NOT_ABSOLUTE $.storage.files[1].path',
        'LUKS_DEVICE $.storage.luks[0].device',
        'DUPLICATE $.kernelArguments.shouldExist[1]',
      ]),
    );
  });
});
