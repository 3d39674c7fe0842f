import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { skipReason } from '../../helpers/requirements';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { fixtureIso, customizeFixture } from '../../helpers/fixtures';
import { FLINT_BIN } from '../../helpers/paths';
import { inspectIsoFile } from '../../../electron/core/iso/inspect';
import { planCustomize } from '../../../electron/core/iso/customize';
import { writeImage } from '../../../electron/core/write/write-image';
import type { WriteEvent } from '../../../electron/core/write/events';
import { helperWriter } from '../../../electron/core/write/helper-writer';
import type { FlashReport } from '../../../electron/core/flash/types';
import { WRITE_REQS, loopDrive, tempDir } from './setup';
import { readBytes } from '../../helpers/read-bytes';

const why = skipReason(WRITE_REQS);
const FLINT = FLINT_BIN;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The fixture ISO customized with a live Ignition config: plan, expected bytes (from `flint iso customize -o`), config hash. */
async function customized(dir: string) {
  const iso = await fixtureIso('embed-areas-2023-07.x86_64');
  const ign = join(__dirname, '..', '..', 'fixtures', 'coreos-installer', 'customize', 'live.ign');
  const out = join(dir, 'expected.iso');
  execFileSync(process.execPath, [FLINT, 'iso', 'customize', '--live-ignition', ign, '-o', out, iso]);
  const res = await planCustomize(await inspectIsoFile(iso), {
    liveIgnition: [{ name: ign, data: new Uint8Array(await customizeFixture('live.ign')) }],
  });
  return { iso, plan: res.plan, expected: readFileSync(out), ignSha: sha(res.liveConfig!) };
}

describe.skipIf(why)('writing to real loop devices', () => {
  const loops: LoopDevice[] = [];
  const dirs: { remove(): void }[] = [];
  afterEach(() => {
    for (const l of loops.splice(0)) l.remove();
    for (const d of dirs.splice(0)) d.remove();
  });

  it('writes source + plan so the device holds exactly what `flint iso customize -o` produces, and reads the config back', async () => {
    const dir = tempDir('flint-wr-');
    dirs.push(dir);
    const c = await customized(dir.path);
    const loop = createLoopDevice(8 * 1024 * 1024);
    loops.push(loop);
    const events: WriteEvent[] = [];
    const [r] = await writeImage({
      image: c.iso,
      plan: c.plan,
      targets: [await loopDrive(loop.device)],
      allowLoop: true,
      expectIgnitionSha256: c.ignSha,
      onEvent: (e) => events.push(e),
    });
    expect(r).toMatchObject({
      device: loop.device,
      ok: true,
      ending: 'verified',
      verified: true,
      ignitionSha256: c.ignSha,
      bytesWritten: c.expected.length,
    });
    expect(readBytes(loop.device, 0, c.expected.length).equals(c.expected)).toBe(true);
    expect(r.sha256).toBe(sha(c.expected));
    expect(r.timings.writeMs).toBeGreaterThanOrEqual(0);
    expect(r.timings.verifyMs).toBeGreaterThanOrEqual(0);
    const phases = events.filter((e) => e.type === 'progress').map((e) => (e as { phase: string }).phase);
    expect(phases).toEqual(expect.arrayContaining(['check', 'unmount', 'write', 'verify', 'ignition']));
    const last = events.filter((e) => e.type === 'progress' && e.phase === 'write').pop() as { bytes: number; total: number };
    expect(last.bytes).toBe(last.total);
  });

  it('writes three targets at once from one read of the source', async () => {
    const dir = tempDir('flint-wr-');
    dirs.push(dir);
    const c = await customized(dir.path);
    for (let i = 0; i < 3; i++) loops.push(createLoopDevice(4 * 1024 * 1024));
    const targets = await Promise.all(loops.map((l) => loopDrive(l.device)));
    const results = await writeImage({ image: c.iso, plan: c.plan, targets, allowLoop: true, expectIgnitionSha256: c.ignSha });
    expect(results.map((r) => [r.device, r.ok])).toEqual(loops.map((l) => [l.device, true]));
    for (const l of loops) expect(readBytes(l.device, 0, c.expected.length).equals(c.expected)).toBe(true);
  });

  it('`flint write` customizes on the fly with the customize flags and reports the config hash', async () => {
    const dir = tempDir('flint-wr-');
    dirs.push(dir);
    const c = await customized(dir.path);
    const loop = createLoopDevice(4 * 1024 * 1024);
    loops.push(loop);
    const ign = join(__dirname, '..', '..', 'fixtures', 'coreos-installer', 'customize', 'live.ign');
    const out = execFileSync(
      process.execPath,
      [FLINT, 'write', '--image', c.iso, '--target', loop.device, '--allow-loop', '--yes', '--json', '--live-ignition', ign],
      {
        encoding: 'utf8',
      },
    );
    const report = JSON.parse(out) as FlashReport;
    expect(report.targets).toEqual([
      expect.objectContaining({
        target: expect.objectContaining({ device: loop.device, size: 4 * 1024 * 1024 }),
        ok: true,
        ending: 'verified',
        configSha256: c.ignSha,
        expectedConfigSha256: c.ignSha,
      }),
    ]);
    expect(report.image).toMatchObject({ path: c.iso, sha256: sha(readFileSync(c.iso)), signature: 'local' });
    expect(readBytes(loop.device, 0, c.expected.length).equals(c.expected)).toBe(true);
  });

  it('`flint write` without --yes and without a terminal refuses and writes nothing', async () => {
    const iso = await fixtureIso('embed-areas-2023-07.x86_64');
    const loop = createLoopDevice(4 * 1024 * 1024);
    loops.push(loop);
    let err: { status: number; stderr: string } | undefined;
    try {
      execFileSync(process.execPath, [FLINT, 'write', '--image', iso, '--target', loop.device, '--allow-loop'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      err = e as { status: number; stderr: string };
    }
    expect(err?.status).toBe(1);
    expect(err?.stderr.trim().split('\n').pop()).toMatch(
      /^Error: Refusing to erase \/dev\/loop\d+ without confirmation: pass --yes to confirm$/,
    );
    expect(readBytes(loop.device, 0, 1024 * 1024).every((b) => b === 0)).toBe(true);
  });

  it('works over the files transport too (the one macOS and Windows prompts use)', async () => {
    const iso = await fixtureIso('embed-areas-2023-07.x86_64');
    const loop = createLoopDevice(4 * 1024 * 1024);
    loops.push(loop);
    const size = readFileSync(iso).length;
    const [r] = await writeImage({
      image: iso,
      plan: { imageSize: size, writes: [] },
      targets: [loop.device],
      allowLoop: true,
      writer: helperWriter({ transport: 'files' }),
    });
    expect(r).toMatchObject({ ok: true, verified: true, ignitionSha256: null });
    expect(readBytes(loop.device, 0, size).equals(readFileSync(iso))).toBe(true);
  });
});
