// Whole-sector raw I/O (issue 13): macOS's /dev/rdiskN and Windows' \\.\PhysicalDriveN accept only
// reads and writes whose offset and length are multiples of the sector size. The stand-in is a
// loop device with a 512- or 4096-byte logical sector (`losetup --sector-size`) that Flint opens
// O_DIRECT, which the kernel holds to the same rule (EINVAL otherwise; the first test shows it
// does). On it, a full write, verify and config read-back of an image whose size is not a
// multiple of 4096 must pass, and the stick must hold exactly what `flint iso customize -o` makes.
import { execFileSync } from 'node:child_process';
import { closeSync, constants as C, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { skipReason } from '../../helpers/requirements';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { customizeFixture, fixtureIso } from '../../helpers/fixtures';
import { writeImage } from '../../../electron/core/write/write-image';
import { helperWriter } from '../../../electron/core/write/helper-writer';
import type { WriteEvent } from '../../../electron/core/write/events';
import type { FlashReport } from '../../../electron/core/flash/types';
import { WRITE_REQS, loopDrive, tempDir } from './setup';
import { readBytes } from '../../helpers/read-bytes';

const why = skipReason(WRITE_REQS);
const FLINT = join(__dirname, '..', '..', '..', 'bin', 'flint.mjs');
const MiB = 1024 * 1024;

/**
 * An O_DIRECT read of `length` bytes at `offset` into a buffer the kernel accepts (found by an
 * aligned probe read, as the writer does in electron/core/write/engine/aligned.ts), so that only the
 * offset and length decide whether the device refuses it.
 */
function directRead(device: string, offset: number, length: number): number {
  const fd = openSync(device, C.O_RDONLY | C.O_DIRECT);
  try {
    const raw = Buffer.allocUnsafeSlow(Math.max(length, 4096) + 4096);
    let at = -1;
    for (let off = 0; off < 4096 && at < 0; off += 16) {
      try {
        readSync(fd, raw, off, 4096, 0);
        at = off;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
      }
    }
    if (at < 0) throw new Error('no buffer offset the kernel accepts');
    return readSync(fd, raw, at, length, offset);
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(why)('whole-sector I/O on 512- and 4096-byte sector devices', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
  });
  const loop = (size: number, sectorSize: number): LoopDevice => {
    const l = createLoopDevice(size, undefined, { sectorSize });
    cleanups.push(() => l.remove());
    return l;
  };

  it('the stand-in enforces the rule: a 4096-byte sector device refuses the old read-back (36 bytes at 137216)', async () => {
    const l = loop(4 * MiB, 4096);
    expect((await loopDrive(l.device)).logicalBlockSize).toBe(4096);
    expect(() => directRead(l.device, 137216, 36)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    expect(() => directRead(l.device, 135168, 2048)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    expect(directRead(l.device, 135168, 4096)).toBe(4096);
    const small = loop(4 * MiB, 512);
    expect(() => directRead(small.device, 137216 + 36, 512)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    expect(directRead(small.device, 137216, 512)).toBe(512);
  });

  for (const sectorSize of [512, 4096]) {
    it(`${sectorSize}-byte sectors: \`flint write\` with a config writes, verifies and reads the config back`, async () => {
      const dir = tempDir('flint-align-');
      cleanups.push(() => dir.remove());
      // 681984 bytes: 166.5 sectors of 4096, so the last write and read are padded
      const iso = await fixtureIso('embed-areas-2021-09');
      expect(readFileSync(iso).length % 4096).not.toBe(0);
      const ign = join(dir.path, 'live.ign');
      writeFileSync(ign, await customizeFixture('live.ign'));
      const expected = join(dir.path, 'expected.iso');
      execFileSync(process.execPath, [FLINT, 'iso', 'customize', '--live-ignition', ign, '-o', expected, iso]);
      const l = loop(4 * MiB, sectorSize);
      const out = execFileSync(
        process.execPath,
        [FLINT, 'write', '--iso', iso, '--live-ignition', ign, '--target', l.device, '--allow-loop', '--yes', '--json'],
        { encoding: 'utf8', env: { ...process.env, FLINT_TEST_HOOKS: '1', FLINT_WRITER: 'in-process' } },
      );
      const report = JSON.parse(out) as FlashReport;
      const [t] = report.targets;
      expect(t).toMatchObject({ ok: true, ending: 'verified', verified: true });
      expect(t.configSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(t.configSha256).toBe(t.expectedConfigSha256);
      const want = readFileSync(expected);
      expect(readBytes(l.device, 0, want.length).equals(want)).toBe(true);
    });
  }

  it('4096-byte sectors: a multi-block image with a partial last sector, through the helper, first MiB written last', async () => {
    const dir = tempDir('flint-align-');
    cleanups.push(() => dir.remove());
    const size = 9 * MiB + 2048;
    const image = join(dir.path, 'odd.img');
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i += 4) bytes.writeUInt32LE((i * 2654435761) >>> 0, i);
    writeFileSync(image, bytes);
    const l = loop(12 * MiB, 4096);
    const events: WriteEvent[] = [];
    const [r] = await writeImage({
      image,
      plan: { imageSize: size, writes: [] },
      targets: [await loopDrive(l.device)],
      allowLoop: true,
      onEvent: (e) => events.push(e),
      writer: helperWriter(),
    });
    expect(r).toMatchObject({ ok: true, ending: 'verified', bytesWritten: size });
    expect(events).toContainEqual(expect.objectContaining({ type: 'log', message: 'writing in direct mode, 4096-byte sectors' }));
    expect(readBytes(l.device, 0, size).equals(bytes)).toBe(true);
    // the padding of the last sector is zeros
    expect(readBytes(l.device, size, 2048).every((b) => b === 0)).toBe(true);
    // progress reached the whole image only once the held first MiB was written, after the flush began
    const writes = events.filter((e) => e.type === 'progress' && e.phase === 'write') as { bytes: number }[];
    const flushAt = events.findIndex((e) => e.type === 'progress' && e.phase === 'flush');
    expect(writes.at(-1)!.bytes).toBe(size);
    expect(
      events
        .slice(0, flushAt)
        .filter((e) => e.type === 'progress' && e.phase === 'write')
        .every((e) => (e as { bytes: number }).bytes <= size - MiB),
    ).toBe(true);
  });
});
