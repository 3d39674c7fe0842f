// The flash job as every front end calls it (electron/core/flash: prepareFlash + runFlash), on real
// loop devices: progress naming each target, results with the identity the user saw and how each
// stick ended, cancellation before and during writing, the one read-back check, per-target
// customizations, and the writer injected (in-process, the helper process) giving the same sticks.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipReason } from '../../helpers/requirements';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { COREOS_FIXTURES, fixtureIso } from '../../helpers/fixtures';
import { prepareFlash } from '../../../electron/core/flash/prepare';
import { runFlash } from '../../../electron/core/flash/run';
import type { FlashCustomization, FlashEvent, FlashRequest } from '../../../electron/core/flash/types';
import { helperWriter } from '../../../electron/core/write/helper-writer';
import type { WriteJob } from '../../../electron/core/write/job';
import { inProcessWriter, type WriterLauncher } from '../../../electron/core/write/writers';
import { head } from '../../helpers/read-bytes';

const why = skipReason({ tools: ['losetup'], root: true });
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe.skipIf(why)('the flash job (core API, loop devices)', () => {
  let dir = '';
  let iso = '';
  const loops: LoopDevice[] = [];
  const liveIgn = () => ({ name: 'live.ign', data: new Uint8Array(readFileSync(join(COREOS_FIXTURES, 'customize', 'live.ign'))) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flint-flash-job-'));
    iso = join(dir, 'live.iso');
    writeFileSync(iso, readFileSync(await fixtureIso('embed-areas-2023-07.x86_64')));
  });
  afterEach(() => {
    for (const l of loops.splice(0)) l.remove();
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  function stick(size = 8 << 20): LoopDevice {
    const l = createLoopDevice(size);
    loops.push(l);
    return l;
  }
  const request = (targets: string[], customization: FlashCustomization, over: Partial<FlashRequest> = {}): FlashRequest => ({
    source: { kind: 'file', path: iso },
    customization,
    targets: targets.map((device) => ({ device })),
    allowLoop: true,
    ...over,
  });
  const untouched = (l: LoopDevice) => head(l.device, 1 << 20).every((b) => b === 0);

  /** Runs `fn` with writer test hooks set in the environment (the helper inherits them). */
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

  it('reports progress per target, and per stick the identity, ending, config read back, kargs and timings', async () => {
    const l = stick();
    const seen: FlashEvent[] = [];
    const prepared = await prepareFlash(
      request([l.device], { liveConfigs: [liveIgn()], options: { liveKargAppend: ['coreos.liveiso.fromram'] } }),
    );
    expect(prepared.targets[0]!.drive).toMatchObject({ device: l.device, size: 8 << 20, loop: true });
    const report = await runFlash(prepared, { onEvent: (e) => seen.push(e), writer: inProcessWriter() });
    expect(report).toMatchObject({ ok: true, cancelled: false, writer: 'in-process' });
    const t = report.targets[0]!;
    expect(t).toMatchObject({
      target: { device: l.device, size: 8 << 20, serial: '', model: '' },
      ok: true,
      ending: 'verified',
      verified: true,
      bytesWritten: readFileSync(iso).length,
    });
    expect(t.configSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(t.configSha256).toBe(t.expectedConfigSha256);
    expect(t.kargs?.endsWith(' coreos.liveiso.fromram')).toBe(true);
    expect(t.sha256).toBe(sha(head(l.device, readFileSync(iso).length)));
    expect(t.timings.writeMs).toBeGreaterThanOrEqual(0);
    // a local image's SHA-256 is measured by the verify pass (pristine bytes, before the customization)
    expect(report.image.sha256).toBe(sha(readFileSync(iso)));
    const phases = new Set(seen.flatMap((e) => (e.type === 'progress' && e.device === l.device ? [e.phase] : [])));
    for (const ph of ['check', 'unmount', 'write', 'flush', 'verify', 'ignition']) expect(phases, [...phases].join(',')).toContain(ph);
    expect(seen.filter((e) => e.type === 'target-done')).toHaveLength(1);
  }, 60_000);

  it('an already aborted signal writes nothing, whether it fires before preparing or before running', async () => {
    const l = stick();
    const ac = new AbortController();
    ac.abort();
    await expect(prepareFlash(request([l.device], {}), { signal: ac.signal })).rejects.toMatchObject({ code: 'FLASH_CANCELLED' });
    const prepared = await prepareFlash(request([l.device], {}));
    const report = await runFlash(prepared, { signal: ac.signal });
    expect(report).toMatchObject({ ok: false, cancelled: true });
    expect(report.targets[0]).toMatchObject({ ending: 'cancelled-before-write', bytesWritten: 0, error: { code: 'FLASH_CANCELLED' } });
    expect(untouched(l)).toBe(true);
  }, 60_000);

  it('cancelling mid-write leaves each stick unbootable and says so (first MiB wiped)', async () => {
    const big = join(dir, 'big.iso');
    writeFileSync(big, Buffer.concat([readFileSync(iso), Buffer.alloc(15 << 20, 0x5a)]));
    const l = stick(32 << 20);
    const ac = new AbortController();
    const report = await withHooks({ FLINT_TEST_BLOCK_DELAY_MS: '400' }, async () =>
      runFlash(await prepareFlash({ ...request([l.device], { liveConfigs: [liveIgn()] }), source: { kind: 'file', path: big } }), {
        signal: ac.signal,
        onEvent: (e) => e.type === 'progress' && e.phase === 'write' && e.bytes > 0 && ac.abort(),
      }),
    );
    expect(report).toMatchObject({ ok: false, cancelled: true });
    expect(report.targets[0]).toMatchObject({
      ok: false,
      ending: 'cancelled-wiped',
      wiped: true,
      error: { code: 'WRITE_CANCELLED', params: { device: l.device, stage: 'writing', wiped: true } },
    });
    expect(untouched(l)).toBe(true);
  }, 60_000);

  it('a stick whose config reads back wrong failed, even without the full verify (the one read-back check)', async () => {
    const l = stick();
    const embedOffset = 139264; // images/ignition.img of the 2023-07 x86_64 fixture (iso inspect)
    const report = await withHooks({ FLINT_TEST_CORRUPT_AT: String(embedOffset + 64) }, async () =>
      runFlash(await prepareFlash(request([l.device], { liveConfigs: [liveIgn()] }, { verify: false }))),
    );
    expect(report.ok).toBe(false);
    expect(report.targets[0]).toMatchObject({ ok: false, ending: 'failed', error: { code: 'WRITE_IGNITION_MISMATCH' } });
  }, 60_000);

  it('refuses before writing (no target, a loop without the option); writes a customized image as it is unless asked to', async () => {
    await expect(prepareFlash(request([], {}))).rejects.toMatchObject({ code: 'FLASH_NO_TARGET' });
    const l = stick();
    await expect(prepareFlash(request([l.device], {}, { allowLoop: false }))).rejects.toMatchObject({
      code: 'WRITE_LOOP_NOT_ALLOWED',
      params: { device: l.device },
    });
    expect(untouched(l)).toBe(true);
    const first = await runFlash(await prepareFlash(request([l.device], { liveConfigs: [liveIgn()] })));
    expect(first.ok).toBe(true);
    const customized = join(dir, 'customized.iso');
    writeFileSync(customized, head(l.device, readFileSync(iso).length));
    // nothing asked: written as it is, and the config it already carries is the one read back
    const l2 = stick();
    const asIs = await runFlash(await prepareFlash({ ...request([l2.device], {}), source: { kind: 'file', path: customized } }));
    expect(asIs.targets[0]).toMatchObject({ ok: true, configSha256: first.targets[0]!.configSha256 });
    // a customization on a customized image needs force; force alone resets it
    await expect(
      prepareFlash({ ...request([l2.device], { liveConfigs: [liveIgn()] }), source: { kind: 'file', path: customized } }),
    ).rejects.toMatchObject({ code: 'ISO_CUSTOMIZED' });
    const forced = await runFlash(
      await prepareFlash({ ...request([l2.device], { options: { force: true } }), source: { kind: 'file', path: customized } }),
    );
    expect(forced.targets[0]).toMatchObject({ ok: true, configSha256: null, expectedConfigSha256: null });
    expect(head(l2.device, readFileSync(iso).length).equals(readFileSync(iso))).toBe(true); // back to pristine
  }, 60_000);

  it('one customization per stick: one write run, each stick its own config, the same through the helper', async () => {
    const [a, b, c, d] = [stick(), stick(), stick(), stick()];
    const cfg = (host: string) => ({
      name: `${host}.ign`,
      data: new TextEncoder().encode(
        JSON.stringify({
          ignition: { version: '3.4.0' },
          storage: { files: [{ path: '/etc/hostname', contents: { source: `data:,${host}` }, mode: 420 }] },
        }),
      ),
    });
    const fleet = (x: LoopDevice, y: LoopDevice): FlashRequest => ({
      ...request([], {}),
      targets: [
        { device: x.device, customization: { liveConfigs: [cfg('node-a')] }, fleetRow: { row: 1, name: 'node-a' } },
        { device: y.device, customization: { liveConfigs: [cfg('node-b')] }, fleetRow: { row: 2, name: 'node-b' } },
      ],
    });
    // the writer sees one job: the image is read once for both sticks, the second carries its own plan
    const jobs: WriteJob[] = [];
    const inProcess = inProcessWriter();
    const counting: WriterLauncher = { kind: 'test', run: (job, hooks) => (jobs.push(job as WriteJob), inProcess.run(job, hooks)) };
    const report = await runFlash(await prepareFlash(fleet(a, b)), { writer: counting });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.targets.map((t) => t.device)).toEqual([a.device, b.device]);
    expect(jobs[0]!.perTarget?.map((t) => t.device)).toEqual([b.device]);
    expect(report.ok).toBe(true);
    const [ra, rb] = report.targets;
    expect(ra).toMatchObject({ ending: 'verified', fleetRow: { row: 1, name: 'node-a' } });
    expect(rb).toMatchObject({ ending: 'verified', fleetRow: { row: 2, name: 'node-b' } });
    expect(ra!.configSha256).toBe(ra!.expectedConfigSha256);
    expect(rb!.configSha256).toBe(rb!.expectedConfigSha256);
    expect(ra!.configSha256).not.toBe(rb!.configSha256);
    // the sticks differ: each was compared byte for byte, none hashed on its own (one SHA-256 pass
    // per stick would bound the fleet's speed); the image's own hash is measured once
    const n = readFileSync(iso).length;
    expect(ra!.sha256).toBeUndefined();
    expect(rb!.sha256).toBeUndefined();
    expect(report.image.sha256).toBe(sha(readFileSync(iso)));
    expect(head(a.device, n).equals(head(b.device, n))).toBe(false);
    // the helper takes the per-target plans over its JSON protocol and writes the same bytes
    const viaHelper = await runFlash(await prepareFlash(fleet(c, d)), { writer: helperWriter() });
    expect(viaHelper.targets.map((t) => [t.ending, t.sha256, t.configSha256])).toEqual(
      report.targets.map((t) => [t.ending, t.sha256, t.configSha256]),
    );
    expect(head(c.device, n).equals(head(a.device, n))).toBe(true);
    expect(head(d.device, n).equals(head(b.device, n))).toBe(true);
  }, 90_000);

  it('a cancel that reaches the helper as it starts leaves the stick untouched and says so (never "helper failed")', async () => {
    const l = stick();
    const ac = new AbortController();
    ac.abort();
    const size = readFileSync(iso).length;
    const run = await helperWriter().run(
      {
        image: iso,
        plan: { imageSize: size, writes: [] },
        targets: [{ device: l.device, size: 8 << 20, serial: '', model: '' }],
        allowLoop: true,
        verify: true,
        eject: false,
      },
      { signal: ac.signal },
    );
    expect(run.results).toEqual([
      expect.objectContaining({
        device: l.device,
        ok: false,
        ending: 'cancelled-before-write',
        bytesWritten: 0,
        error: expect.objectContaining({ code: 'WRITE_CANCELLED' }),
      }),
    ]);
    expect(untouched(l)).toBe(true);
  }, 60_000);

  it('the injected writer decides who writes: the helper process gives the same sticks as the engine in-process', async () => {
    const [a, b] = [stick(), stick()];
    const c: FlashCustomization = { liveConfigs: [liveIgn()] };
    const viaHelper = await runFlash(await prepareFlash(request([a.device], c)), { writer: helperWriter() });
    const inProcess = await runFlash(await prepareFlash(request([b.device], c)), { writer: inProcessWriter() });
    expect([viaHelper.writer, inProcess.writer]).toEqual(['helper', 'in-process']);
    expect(viaHelper.targets[0]!.sha256).toBe(inProcess.targets[0]!.sha256);
    expect(viaHelper.targets[0]!.configSha256).toBe(inProcess.targets[0]!.configSha256);
    const n = readFileSync(iso).length;
    expect(head(a.device, n).equals(head(b.device, n))).toBe(true);
  }, 60_000);
});
