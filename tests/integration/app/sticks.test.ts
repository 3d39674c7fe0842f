/**
 * The app's stick channels (sticks:inspect, sticks:refresh, sticks:restore) behind the contract,
 * on real loop devices and a local signed mirror whose stable stream serves release B: a stick
 * `flint burn` wrote with release A and a config reads as outdated, is refreshed to B keeping its
 * config (events refresh:target/finished), then reads as current; a blank drive reads as not live;
 * the refreshed stick is restored to one FAT32 partition with the given label; the cached download
 * names its release for the Image step. The renderer over these channels: tests/unit/renderer/sticks.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultCore } from '../../../electron/app/core-default';
import { dispatch } from '../../../electron/app/handlers';
import { Session } from '../../../electron/app/session';
import type { DriveList, ImageState } from '../../../electron/contract/types';
import type { StickInfo, StickRefreshFinished, StickRestoreResult } from '../../../electron/contract/sticks';
import type { HistoryEntry } from '../../../electron/contract/site';
import { buildLiveIso, type LiveIsoInfo } from '../../e2e/boot/lib/live-iso';
import { allOf, BUILD_ISO_REQUIREMENTS } from '../../e2e/boot/lib/requirements';
import { onlyDevices } from '../../helpers/app-core';
import { runFlint } from '../../helpers/cli';
import { COREOS_FIXTURES } from '../../helpers/fixtures';
import { useTempDir } from '../../helpers/lifecycle';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { populateMirror, startMirrorServer, TEST_KEY, type MirrorServer } from '../../helpers/mirror-server';
import { FIXTURE_RELEASE } from '../../helpers/release';
import { skipReason } from '../../helpers/requirements';
import { waitFor } from '../../helpers/wait';

const why = skipReason(allOf(BUILD_ISO_REQUIREMENTS, { tools: ['losetup', 'sfdisk', 'partx', 'blkid', 'mkfs.vfat'], root: true }));
const RELEASE_A = '38.20230718.3.0';
const STICK = 64 << 20;
const LIVE_IGN = join(COREOS_FIXTURES, 'customize', 'live.ign');

type Answer<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

describe.skipIf(why)('app stick channels on loop devices', () => {
  const tmp = useTempDir('flint-app-sticks-');
  let isoA: LiveIsoInfo;
  let mirror: MirrorServer | undefined;
  let session: Session | undefined;
  const loops: LoopDevice[] = [];
  const events: [string, unknown][] = [];

  beforeAll(async () => {
    isoA = buildLiveIso(tmp.join('a.iso'), { volid: `fedora-coreos-${RELEASE_A}` });
    const isoB = buildLiveIso(tmp.join('b.iso'), { volid: `fedora-coreos-${FIXTURE_RELEASE}` });
    await populateMirror(tmp.join('mirror'), { iso: { file: isoB.iso } });
    mirror = await startMirrorServer({ root: tmp.join('mirror') });
    // partition scanning, so the restored partition shows up as /dev/loopNp1 as on a real stick
    loops.push(createLoopDevice(STICK, undefined, { partscan: true }), createLoopDevice(STICK));
    const mine = new Set(loops.map((l) => l.device));
    const core = createDefaultCore({
      baseUrl: mirror.url,
      cacheDir: tmp.join('cache'),
      keyrings: [TEST_KEY.publicArmored],
      allowLoop: true,
    });
    session = new Session({
      mode: 'browser',
      allowLoop: true,
      // only this test's loop devices: other tests' drives stay out of the list
      core: onlyDevices(core, mine),
      app: { name: 'Flint', version: '1' },
    });
    session.addSink((ch, p) => events.push([ch, p]));
  }, 180_000);

  afterAll(async () => {
    session?.dispose();
    for (const l of loops) l.remove();
    await mirror?.close();
  });

  async function call<T>(ch: string, req: unknown): Promise<T> {
    const r = (await dispatch(session!, ch, req)) as Answer<T>;
    if (!r.ok) throw new Error(`${ch}: ${r.error.code} ${r.error.message}`);
    return r.value;
  }

  it('reads, refreshes keeping the config, and restores a stick', async () => {
    const [stick, blank] = loops;
    const burn = await runFlint(['burn', '--iso', isoA.iso, '--ignition', LIVE_IGN, '--target', stick.device, '--allow-loop', '--yes']);
    expect(burn.code, burn.stderr).toBe(0);
    const list = await call<DriveList>('drives:list', {});
    const idOf = (l: LoopDevice) => list.drives.find((d) => d.device === l.device)!.id;

    const before = await call<StickInfo[]>('sticks:inspect', { driveIds: [idOf(stick), idOf(blank)] });
    expect(before[0]).toMatchObject({
      live: true,
      release: { version: RELEASE_A, stream: 'stable' },
      customized: true,
      latest: FIXTURE_RELEASE,
      status: 'update',
      latestCached: false,
    });
    expect(before[0].configSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(before[1]).toEqual({ driveId: idOf(blank), live: false });

    // a stick with no live image is refused before anything is downloaded or written
    const refused = await call<{ jobId: string }>('sticks:refresh', {
      driveIds: [idOf(blank)],
      verify: true,
      eject: false,
      confirmLarge: false,
    });
    const finishedOf = (jobId: string) =>
      events.find(([ch, p]) => ch === 'refresh:finished' && (p as StickRefreshFinished).jobId === jobId)?.[1] as
        StickRefreshFinished | undefined;
    await waitFor(() => !!finishedOf(refused.jobId), 'the refused refresh to end');
    expect(finishedOf(refused.jobId)).toMatchObject({ ok: false, results: [], error: { code: 'REFRESH_NOT_LIVE' } });

    const job = await call<{ jobId: string }>('sticks:refresh', {
      driveIds: [idOf(stick)],
      verify: true,
      eject: false,
      confirmLarge: false,
    });
    await waitFor(() => !!finishedOf(job.jobId), 'the refresh to end', 120_000);
    const done = finishedOf(job.jobId)!;
    expect(done.error).toBeUndefined();
    expect(done).toMatchObject({ ok: true, cancelled: false });
    expect(done.results).toEqual([
      expect.objectContaining({
        driveId: idOf(stick),
        ending: 'refreshed',
        from: RELEASE_A,
        to: FIXTURE_RELEASE,
        configSha256: before[0].configSha256,
        configSha256After: before[0].configSha256,
        configKept: true,
        flashEnding: 'verified',
      }),
    ]);
    expect(events.some(([ch, p]) => ch === 'refresh:progress' && (p as { jobId: string }).jobId === job.jobId)).toBe(true);
    expect(events.some(([ch, p]) => ch === 'refresh:target' && (p as { jobId: string }).jobId === job.jobId)).toBe(true);

    // the refresh is in the flash record the History dialog lists (newest first)
    const history = await call<HistoryEntry[]>('history:list', {});
    const mine = history.find((h) => h.by === 'refresh' && h.sticks.some((x) => x.device === stick.device));
    expect(mine).toMatchObject({ ok: true, image: { release: FIXTURE_RELEASE }, sticks: [{ device: stick.device, ending: 'verified' }] });
    expect(mine!.configSha256).toBe(before[0].configSha256);

    const after = await call<StickInfo[]>('sticks:inspect', { driveIds: [idOf(stick)] });
    expect(after[0]).toMatchObject({ live: true, release: { version: FIXTURE_RELEASE }, status: 'current', latestCached: true });
    expect(after[0].configSha256).toBe(before[0].configSha256);

    // the Image step's cached list names the release the download holds
    const cached = await call<ImageState[]>('image:cached', {});
    expect(cached.map((i) => [i.release, i.stream])).toEqual([[FIXTURE_RELEASE, 'stable']]);

    const restored = await call<StickRestoreResult[]>('sticks:restore', {
      driveIds: [idOf(stick)],
      label: 'fieldkit',
      confirmLarge: false,
    });
    expect(restored).toEqual([
      {
        driveId: idOf(stick),
        device: stick.device,
        ok: true,
        ending: 'verified',
        filesystem: 'fat32',
        label: 'FIELDKIT',
        partition: `${stick.device}p1`,
      },
    ]);
    const probe = execFileSync('blkid', ['-o', 'export', `${stick.device}p1`], { encoding: 'utf8' });
    expect(probe).toMatch(/^TYPE=vfat$/m);
    expect(probe).toMatch(/^LABEL=FIELDKIT$/m);
    const gone = await call<StickInfo[]>('sticks:inspect', { driveIds: [idOf(stick)] });
    expect(gone[0]).toEqual({ driveId: idOf(stick), live: false });
  }, 240_000);
});
