// Never the wrong disk (issue 14, items 6 and 10), on real loop devices:
// - a loop device whose backing file is the source image (by name or by a hard link) is the source:
//   refused by the flash job and again by the writer's own listing; the image is not touched;
// - two same-size devices without serial or model swapped at the same device name between the
//   prompt and the write, or between the writer's checks and its open, are told apart by the
//   kernel's identity (diskseq, backing file): refused, and the new device is not touched.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { linkSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { skipReason } from '../../helpers/requirements';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { customizeFixture, fixtureIso } from '../../helpers/fixtures';
import { writeImage } from '../../../electron/core/write/write-image';
import { inProcessWriter } from '../../../electron/core/write/writers';
import { ERROR_CODES } from '../../../electron/contract/error-codes';
import { WRITE_REQS, loopDrive, tempDir } from './setup';
import { readBytes } from '../../helpers/read-bytes';
import { runFlintOnTerminal } from '../../helpers/cli';

const why = skipReason({ ...WRITE_REQS, tools: [...WRITE_REQS.tools, 'script'] });
const FLINT = join(__dirname, '..', '..', '..', 'bin', 'flint.mjs');
const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe.skipIf(why)('the target is the device the user picked, and never the source', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
  });
  const track = (l: LoopDevice) => {
    cleanups.push(() => l.remove());
    return l;
  };

  async function sourceIso() {
    const dir = tempDir('flint-id-');
    cleanups.push(() => dir.remove());
    const iso = join(dir.path, 'live.iso');
    writeFileSync(iso, readFileSync(await fixtureIso('embed-areas-2023-07.x86_64')));
    const ign = join(dir.path, 'live.ign');
    writeFileSync(ign, await customizeFixture('live.ign'));
    return { dir: dir.path, iso, ign };
  }

  it('a loop device backed by the source image is refused by `flint write`, by name and through a hard link', async () => {
    const { dir, iso, ign } = await sourceIso();
    const before = sha(readFileSync(iso));
    const alias = join(dir, 'alias.iso');
    linkSync(iso, alias);
    for (const backing of [iso, alias]) {
      const l = track(createLoopDevice(0, undefined, { backing }));
      let out = '';
      let status = 0;
      try {
        execFileSync(
          process.execPath,
          [FLINT, 'write', '--iso', iso, '--live-ignition', ign, '--target', l.device, '--allow-loop', '--yes', '--json'],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
        );
      } catch (e) {
        ({ stdout: out, status } = e as { stdout: string; status: number });
      }
      expect(status).toBe(1);
      const report = JSON.parse(out) as { ok: boolean; error: { code: string; params: { reasons: string[] } } };
      expect(report.error.code).toBe(ERROR_CODES.WRITE_SYSTEM_DEVICE);
      expect(report.error.params.reasons).toContain(`is backed by ${iso}, which holds the source image`);
      expect(sha(readFileSync(iso))).toBe(before);
      l.remove();
    }
  });

  it("the writer's own listing refuses it too, when handed the device directly", async () => {
    const { iso } = await sourceIso();
    const before = sha(readFileSync(iso));
    const l = track(createLoopDevice(0, undefined, { backing: iso }));
    const size = readFileSync(iso).length;
    const [r] = await writeImage({
      image: iso,
      plan: { imageSize: size, writes: [{ offset: 0, bytes: new Uint8Array(512).fill(0x55) }] },
      targets: [{ device: l.device, size, serial: '', model: '' }],
      allowLoop: true,
      writer: inProcessWriter(),
    });
    expect(r).toMatchObject({ ok: false, ending: 'not-written', error: { code: ERROR_CODES.WRITE_SYSTEM_DEVICE } });
    expect(sha(readFileSync(iso))).toBe(before);
  });

  it('a same-size device swapped in at the same name during the prompt is refused (diskseq and backing file differ)', async () => {
    const { iso } = await sourceIso();
    const picked = track(createLoopDevice(4 * MiB));
    let swapped: LoopDevice | undefined;
    const r = await runFlintOnTerminal(['write', '--iso', iso, '--target', picked.device, '--allow-loop'], 'yes', () => {
      picked.remove();
      swapped = track(createLoopDevice(4 * MiB, undefined, { at: picked.device }));
    });
    expect(swapped?.device).toBe(picked.device);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/no longer the drive you picked/);
    expect(r.output).toMatch(/disk sequence number was \d+, is \d+/);
    expect(readBytes(swapped!.device, 0, MiB).every((b) => b === 0)).toBe(true);
  });

  it('a swap between the writer’s checks and its open is caught right before opening', async () => {
    const { iso } = await sourceIso();
    const picked = track(createLoopDevice(4 * MiB));
    const seen = await loopDrive(picked.device);
    let swapped: LoopDevice | undefined;
    process.env.FLINT_TEST_HOOKS = '1';
    process.env.FLINT_TEST_PAUSE_BEFORE_OPEN_MS = '1500';
    try {
      const [r] = await writeImage({
        image: iso,
        plan: { imageSize: readFileSync(iso).length, writes: [] },
        targets: [seen],
        allowLoop: true,
        writer: inProcessWriter(),
        onEvent: (e) => {
          if (e.type === 'progress' && e.phase === 'unmount' && !swapped) {
            picked.remove();
            swapped = track(createLoopDevice(4 * MiB, undefined, { at: picked.device }));
          }
        },
      });
      expect(swapped?.device).toBe(picked.device);
      expect(r).toMatchObject({ ok: false, ending: 'not-written', error: { code: ERROR_CODES.WRITE_TARGET_CHANGED } });
      expect(r.error?.causes?.join(' ')).toMatch(/disk sequence number|backing file/);
    } finally {
      delete process.env.FLINT_TEST_HOOKS;
      delete process.env.FLINT_TEST_PAUSE_BEFORE_OPEN_MS;
    }
    expect(readBytes(swapped!.device, 0, MiB).every((b) => b === 0)).toBe(true);
  });
});
