// `flint refresh` as a user runs it, on loop devices and a local signed mirror whose stable stream
// serves release B: what it refuses (no live image, no stream, no confirmation, a swapped stick),
// several sticks at once (one outdated without a config, one current, one ahead of the stream),
// and the verified download reused from the cache. The boots are in tests/e2e/boot/refresh-boot.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareRefresh, type RefreshReport } from '../../../electron/core/flash/refresh';
import { readHistory } from '../../../electron/core/history/record';
import { fileStamp } from '../../../electron/core/stream/cache';
import { runFlint } from '../../helpers/cli';
import { buildLiveIso, type LiveIsoInfo } from '../../e2e/boot/lib/live-iso';
import { allOf, BUILD_ISO_REQUIREMENTS } from '../../e2e/boot/lib/requirements';
import { COREOS_FIXTURES } from '../../helpers/fixtures';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { populateMirror, startMirrorServer, TEST_KEY, type MirrorServer } from '../../helpers/mirror-server';
import { readBytes } from '../../helpers/read-bytes';
import { skipReason } from '../../helpers/requirements';

const why = skipReason(allOf(BUILD_ISO_REQUIREMENTS, { tools: ['losetup', 'mkfs.vfat'], root: true }));
const RELEASE_A = '43.20260601.3.0';
const RELEASE_B = '44.20260707.3.1';
const NEWER = '44.20260801.3.0';
const DEV = '45.20260710.dev.0';
const STICK = 64 << 20;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe.skipIf(why)('flint refresh on loop devices', () => {
  let dir = '';
  const iso: Record<string, LiveIsoInfo> = {};
  let mirror: MirrorServer | undefined;
  const loops: LoopDevice[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flint-refresh-'));
    for (const v of [RELEASE_A, RELEASE_B, NEWER, DEV]) iso[v] = buildLiveIso(join(dir, `${v}.iso`), { volid: `fedora-coreos-${v}` });
    await populateMirror(join(dir, 'mirror'), { iso: { file: iso[RELEASE_B].iso } });
    mirror = await startMirrorServer({ root: join(dir, 'mirror') });
  });
  afterEach(() => {
    for (const l of loops.splice(0)) l.remove();
  });
  afterAll(async () => {
    await mirror?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function stick(): LoopDevice {
    const l = createLoopDevice(STICK);
    loops.push(l);
    return l;
  }

  async function burned(version: string, extra: string[] = []): Promise<LoopDevice> {
    const l = stick();
    const r = await runFlint(['burn', '--iso', iso[version].iso, ...extra, '--target', l.device, '--allow-loop', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    return l;
  }

  const source = () => [
    '--base-url',
    mirror!.url,
    '--keyring',
    join(COREOS_FIXTURES, 'verify', 'test-key.pub.asc'),
    '--cache-dir',
    join(dir, 'cache'),
  ];
  const refresh = (args: string[], env?: NodeJS.ProcessEnv) => runFlint(['refresh', ...args, ...source()], { env });
  const bytesOf = (l: LoopDevice) => sha(readBytes(l.device, 0, STICK));

  it('refuses a stick that holds no live image, and one whose release names no stream; nothing is written', async () => {
    const fat = stick();
    execFileSync('mkfs.vfat', ['-n', 'DATA', fat.device], { stdio: 'ignore' });
    const dev = await burned(DEV);
    const before = [bytesOf(fat), bytesOf(dev)];
    const r = await refresh(['--target', fat.device, '--allow-loop', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^Error: ${fat.device} holds no CoreOS live image, so there is nothing to refresh; write one with flint burn`),
    );
    const j = await refresh(['--target', dev.device, '--allow-loop', '--yes', '--json']);
    expect(JSON.parse(j.stdout.toString())).toMatchObject({
      ok: false,
      error: { code: 'REFRESH_NO_STREAM', params: { device: dev.device, volumeId: `fedora-coreos-${DEV}` } },
    });
    expect(j.stderr).toContain('which belongs to no stream; name one with --stream');
    expect([bytesOf(fat), bytesOf(dev)]).toEqual(before);
    expect(mirror!.count('.iso')).toBe(0);

    // --proxy is used for the stream's metadata: an unreachable one stops the refresh before writing
    const closed = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as AddressInfo;
        srv.close(() => resolve(port));
      });
    });
    const p = await refresh([
      '--target',
      dev.device,
      '--stream',
      'stable',
      '--proxy',
      `http://127.0.0.1:${closed}`,
      '--allow-loop',
      '--yes',
      '--json',
    ]);
    expect(JSON.parse(p.stdout.toString())).toMatchObject({ ok: false, error: { code: 'PROXY_UNREACHABLE' } });
    expect(bytesOf(dev)).toEqual(before[1]);

    // named explicitly, a developer build gets the stream's newest release
    const s = await refresh(['--target', dev.device, '--stream', 'stable', '--allow-loop', '--yes']);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout.toString()).toBe(`${dev.device}: ${DEV} -> ${RELEASE_B}, no config, as before\n`);
  }, 120_000);

  it('several sticks at once: outdated ones are written (a confirmation first), current and newer ones left alone', async () => {
    const old = await burned(RELEASE_A);
    const current = await burned(RELEASE_B, ['--fromram']);
    const ahead = await burned(NEWER);
    const untouched = [bytesOf(current), bytesOf(ahead)];
    const targets = ['--target', old.device, '--target', current.device, '--target', ahead.device, '--allow-loop'];

    const unconfirmed = await refresh(targets);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toContain(`${old.device}: ${RELEASE_A} -> ${RELEASE_B} (stable), keeping no config`);
    expect(unconfirmed.stderr).toContain(`${current.device}: already current (${RELEASE_B}, stable); nothing to do`);
    expect(unconfirmed.stderr).toMatch(/Refusing to erase \/dev\/loop\d+ without confirmation/);
    expect(unconfirmed.stderr).not.toContain(`erase ${current.device}`);

    const state = join(dir, 'state-several');
    const r = await refresh([...targets, '--yes', '--json'], { XDG_STATE_HOME: state });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout.toString()) as RefreshReport;
    // the refresh is in the flash record: one flash (release B), the one stick it wrote
    const recorded = await readHistory(join(state, 'flint'));
    expect(recorded.map((h) => [h.by, h.image.release, h.ok, h.sticks.map((x) => [x.device, x.ending])])).toEqual([
      ['refresh', RELEASE_B, true, [[old.device, 'verified']]],
    ]);
    expect(report.targets.map((t) => [t.target.device, t.ending, t.from, t.to, t.configKept])).toEqual([
      [old.device, 'refreshed', RELEASE_A, RELEASE_B, true],
      [current.device, 'current', RELEASE_B, RELEASE_B, null],
      [ahead.device, 'newer', NEWER, RELEASE_B, null],
    ]);
    expect(report.ok).toBe(true);
    expect([bytesOf(current), bytesOf(ahead)]).toEqual(untouched);
    // the refreshed stick is exactly the pristine release B
    expect(sha(readBytes(old.device, 0, iso[RELEASE_B].ignitionImg.offset))).toBe(
      sha(readBytes(iso[RELEASE_B].iso, 0, iso[RELEASE_B].ignitionImg.offset)),
    );

    // a second outdated stick: the verified image comes from the cache
    const gets = mirror!.count('.iso');
    const next = await burned(RELEASE_A, ['--karg', 'quiet']);
    const text = await refresh(['--target', next.device, '--allow-loop', '--yes']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.toString()).toBe(`${next.device}: ${RELEASE_A} -> ${RELEASE_B}, no config, as before\n`);
    expect(text.stderr).toContain('kargs +quiet');
    expect(mirror!.count('.iso')).toBe(gets);
  }, 180_000);

  it('a stick swapped since it was seen is refused before anything is read or written', async () => {
    const l = await burned(RELEASE_A);
    const before = bytesOf(l);
    await expect(
      prepareRefresh({
        targets: [{ device: l.device, seen: { device: l.device, size: STICK, serial: 'OTHER', model: '' } }],
        baseUrl: mirror!.url,
        keyrings: [TEST_KEY.publicArmored],
        cacheDir: join(dir, 'cache'),
        allowLoop: true,
      }),
    ).rejects.toMatchObject({ code: 'WRITE_TARGET_CHANGED' });
    expect(bytesOf(l)).toBe(before);
  }, 60_000);

  it('an image that changed after it was verified is refused before anything is written', async () => {
    const l = await burned(RELEASE_A);
    const before = bytesOf(l);
    const copy = join(dir, 'verified-b.iso');
    copyFileSync(iso[RELEASE_B].iso, copy);
    const stamp = (await fileStamp(copy))!;
    await expect(
      prepareRefresh(
        { targets: [{ device: l.device, seen: { device: l.device, size: STICK, serial: '', model: '' } }], allowLoop: true },
        {
          latest: async () => RELEASE_B,
          image: async (stream) => {
            // the verified file is rewritten in place between its check and the flash
            appendFileSync(copy, Buffer.alloc(2048));
            return {
              path: copy,
              size: statSync(copy).size,
              sha256: null,
              signature: 'verified',
              cached: true,
              stream,
              release: RELEASE_B,
              stamp,
            };
          },
        },
      ),
    ).rejects.toMatchObject({ code: 'IMAGE_CHANGED' });
    expect(bytesOf(l)).toBe(before);
  }, 60_000);
});
