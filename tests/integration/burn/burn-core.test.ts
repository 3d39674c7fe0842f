// burn() as the app calls it: progress for every phase, cancellation through the AbortSignal,
// and errors as FlintErrors with codes (real loop devices, real writer helper).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { skipReason } from '../../helpers/requirements';
import { useLoopDevices, useTempDir } from '../../helpers/lifecycle';
import { COREOS_FIXTURES, fixtureIso } from '../../helpers/fixtures';
import { burn } from '../../../electron/core/burn';
import type { Progress } from '../../../electron/core/progress';
import { head } from '../../helpers/read-bytes';

const why = skipReason({ tools: ['losetup'], root: true });

describe.skipIf(why)('burn() (core API)', () => {
  const tmp = useTempDir('flint-burn-core-');
  let iso = '';
  const stick = useLoopDevices();
  const liveIgn = () => ({ name: 'live.ign', data: new Uint8Array(readFileSync(join(COREOS_FIXTURES, 'customize', 'live.ign'))) });

  beforeAll(async () => {
    iso = tmp.join('live.iso');
    writeFileSync(iso, readFileSync(await fixtureIso('embed-areas-2023-07.x86_64')));
  });

  it('reports progress for hashing, writing and verifying, and the config read back', async () => {
    const l = stick();
    const seen: Progress[] = [];
    const report = await burn(
      {
        source: { kind: 'iso', path: iso },
        customize: { liveIgnition: [liveIgn()], liveKargAppend: ['coreos.liveiso.fromram'] },
        targets: [l.device],
        allowLoop: true,
      },
      { onProgress: (p) => seen.push(p) },
    );
    expect(report.ok).toBe(true);
    expect(report.liveConfigSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.targets[0].configSha256).toBe(report.liveConfigSha256);
    expect(report.kargs?.endsWith(' coreos.liveiso.fromram')).toBe(true);
    const phases = new Set(seen.map((p) => p.phase));
    for (const ph of ['hash-image', 'write', 'verify']) expect(phases, [...phases].join(',')).toContain(ph);
    const writes = seen.filter((p) => p.phase === 'write' && p.item === l.device);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.at(-1)!.bytes).toBe(writes.at(-1)!.total);
  }, 60_000);

  it('an already aborted signal writes nothing', async () => {
    const l = stick();
    const ac = new AbortController();
    ac.abort();
    await expect(
      burn({ source: { kind: 'iso', path: iso }, customize: {}, targets: [l.device], allowLoop: true }, { signal: ac.signal }),
    ).rejects.toMatchObject({ code: 'BURN_CANCELLED' });
    expect(head(l.device, 1 << 20).every((b) => b === 0)).toBe(true);
  }, 60_000);

  /** Runs `fn` with writer-helper test hooks set in the environment the helper inherits. */
  async function withHooks<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
    const keys = ['FLINT_TEST_HOOKS', ...Object.keys(env)];
    const saved = keys.map((k) => [k, process.env[k]] as const);
    Object.assign(process.env, { FLINT_TEST_HOOKS: '1', ...env });
    try {
      return await fn();
    } finally {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }

  it('cancelling mid-write stops every stick and leaves it unbootable (first MiB wiped)', async () => {
    const big = tmp.join('big.iso');
    writeFileSync(big, Buffer.concat([readFileSync(iso), Buffer.alloc(15 << 20, 0x5a)]));
    const l = stick(32 << 20);
    const ac = new AbortController();
    const report = await withHooks({ FLINT_TEST_BLOCK_DELAY_MS: '400' }, () =>
      burn(
        { source: { kind: 'iso', path: big }, customize: { liveIgnition: [liveIgn()] }, targets: [l.device], allowLoop: true },
        { signal: ac.signal, onProgress: (p) => p.phase === 'write' && p.bytes > 0 && ac.abort() },
      ),
    );
    expect(report.ok).toBe(false);
    expect(report.targets[0]).toMatchObject({ ok: false, error: { code: 'WRITE_CANCELLED' } });
    expect(head(l.device, 1 << 20).every((b) => b === 0)).toBe(true);
  }, 60_000);

  it('a stick whose config reads back wrong is a failed stick, even without the full verify', async () => {
    const l = stick();
    const embedOffset = 139264; // images/ignition.img of the 2023-07 x86_64 fixture (docs/live-iso-format.md §10)
    const report = await withHooks({ FLINT_TEST_CORRUPT_AT: String(embedOffset + 64) }, () =>
      burn({
        source: { kind: 'iso', path: iso },
        customize: { liveIgnition: [liveIgn()] },
        targets: [l.device],
        allowLoop: true,
        verify: false,
      }),
    );
    expect(report.ok).toBe(false);
    expect(report.targets[0].ok).toBe(false);
    expect(report.targets[0].error?.code).toBe('WRITE_IGNITION_MISMATCH');
  }, 60_000);

  it('throws coded errors before writing: no target, image already customized', async () => {
    await expect(burn({ source: { kind: 'iso', path: iso }, customize: {}, targets: [] })).rejects.toMatchObject({
      code: 'BURN_NO_TARGET',
    });
    const customized = tmp.join('customized.iso');
    const l = stick();
    const first = await burn({
      source: { kind: 'iso', path: iso },
      customize: { liveIgnition: [liveIgn()] },
      targets: [l.device],
      allowLoop: true,
    });
    expect(first.ok).toBe(true);
    writeFileSync(customized, head(l.device, readFileSync(iso).length));
    const l2 = stick();
    await expect(
      burn({ source: { kind: 'iso', path: customized }, customize: {}, targets: [l2.device], allowLoop: true }),
    ).rejects.toMatchObject({
      code: 'ISO_CUSTOMIZED',
    });
    expect(head(l2.device, 1 << 20).every((b) => b === 0)).toBe(true);
    const forced = await burn({
      source: { kind: 'iso', path: customized },
      customize: { force: true },
      targets: [l2.device],
      allowLoop: true,
    });
    expect(forced).toMatchObject({ ok: true, liveConfigSha256: null });
    expect(forced.targets[0].configSha256 ?? null).toBeNull();
    expect(head(l2.device, readFileSync(iso).length).equals(readFileSync(iso))).toBe(true); // back to pristine
  }, 60_000);
});
