import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const FLINT = join(__dirname, '../../../bin/flint.mjs');

/** Runs the real `flint` CLI and returns its exit code and output. */
async function flint(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [FLINT, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('flint ignition validate', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flint-igncli-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prints warnings and exits 0 for a valid config with live-boot traps', async () => {
    const f = join(dir, 'warn.ign');
    await writeFile(f, JSON.stringify({ ignition: { version: '3.3.0' }, storage: { filesystems: [{ device: '/dev/disk/by-partlabel/var', format: 'xfs', wipeFilesystem: true }] } }));
    const r = await flint('ignition', 'validate', f);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('warning at $.storage.filesystems[0].wipeFilesystem');
    expect(r.stdout).toMatch(/valid Ignition 3\.3\.0 config, 1 warning; embedded size \d+ of 262144 bytes/);
  });

  it('exits 1 with one Error line for an invalid config, JSON report on stdout', async () => {
    const f = join(dir, 'bad.ign');
    await writeFile(f, JSON.stringify({ ignition: { version: '2.2.0' } }));
    const r = await flint('ignition', 'validate', '--json', f);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.errors[0].code).toBe('VERSION_2X');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^Error: .*bad\.ign is not a valid Ignition config: \$\.ignition\.version/);
  });

  it('fails cleanly on a missing file', async () => {
    const r = await flint('ignition', 'validate', join(dir, 'nope.ign'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: cannot read .*nope\.ign: ENOENT/);
  });
});
