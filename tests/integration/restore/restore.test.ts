// `flint restore` as a user runs it, on loop devices with partition scanning (as a real stick's
// partitions show up): a stick that holds a live image written by `flint burn` becomes one FAT32
// partition that mounts and keeps a file; a drive over 32 GiB (a sparse backing file) gets exFAT;
// the elevated helper does the same job; refusals touch nothing; a swapped drive is refused.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareRestore } from '../../../electron/core/flash/restore';
import { inProcessWriter } from '../../../electron/core/write/writers';
import type { RestoreReport } from '../../../electron/core/flash/restore';
import { runFlint } from '../../helpers/cli';
import { buildLiveIso, type LiveIsoInfo } from '../../e2e/boot/lib/live-iso';
import { allOf, BUILD_ISO_REQUIREMENTS } from '../../e2e/boot/lib/requirements';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { mountTools, mountVolume, type Mounted } from '../../helpers/mount';
import { readBytes } from '../../helpers/read-bytes';
import { skipReason } from '../../helpers/requirements';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const TOOLS = ['losetup', 'sfdisk', 'partx', 'blkid', 'mkfs.vfat', 'mkfs.exfat', 'fsck.vfat', 'fsck.exfat', ...mountTools()];
const why = skipReason(allOf(BUILD_ISO_REQUIREMENTS, { tools: TOOLS, root: true }));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe.skipIf(why)('flint restore on loop devices', () => {
  let dir = '';
  let info: LiveIsoInfo;
  const loops: LoopDevice[] = [];
  const mounts: Mounted[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flint-restore-'));
    info = buildLiveIso(join(dir, 'live.iso'), { volid: 'fedora-coreos-44.20260707.3.1' });
  });
  afterEach(() => {
    // mounts first (by exact path), then the devices under them
    for (const m of mounts.splice(0)) m.unmount();
    for (const l of loops.splice(0)) l.remove();
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function stick(size: number): LoopDevice {
    const l = createLoopDevice(size, undefined, { partscan: true });
    loops.push(l);
    return l;
  }

  async function restore(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RestoreReport> {
    const r = await runFlint(['restore', ...args, '--allow-loop', '--yes', '--json'], { env });
    expect(r.stderr, r.stderr).not.toMatch(/^Error/m);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout.toString()) as RestoreReport;
  }

  /** Mounts the partition, writes a file, mounts it again read-only and reads the file back. */
  function holdsAFile(partition: string, type: 'vfat' | 'exfat'): void {
    const text = `flint restore test ${Date.now()}\n`;
    const rw = mountVolume(partition, type);
    mounts.push(rw);
    writeFileSync(join(rw.dir, 'hello.txt'), text);
    rw.unmount();
    const fsck = spawnSync(type === 'vfat' ? 'fsck.vfat' : 'fsck.exfat', ['-n', partition], { encoding: 'utf8' });
    expect(fsck.status, `${fsck.stdout}${fsck.stderr}`).toBe(0);
    const ro = mountVolume(partition, type, { readOnly: true });
    mounts.push(ro);
    expect(readFileSync(join(ro.dir, 'hello.txt'), 'utf8')).toBe(text);
    ro.unmount();
  }

  it('a live stick written by flint burn becomes one FAT32 partition that mounts and holds a file', async () => {
    const loop = stick(256 * MiB);
    const burn = await runFlint(['burn', '--iso', info.iso, '--target', loop.device, '--allow-loop', '--yes']);
    expect(burn.code, burn.stderr).toBe(0);
    expect((await runFlint(['stick', 'show', loop.device])).code).toBe(0);

    const report = await restore(['--target', loop.device, '--label', 'field kit']);
    expect(report).toMatchObject({ ok: true, cancelled: false, writer: 'in-process' });
    expect(report.targets[0]).toMatchObject({
      target: { device: loop.device, size: 256 * MiB },
      ok: true,
      ending: 'verified',
      layout: { filesystem: 'fat32', label: 'FIELD KIT' },
      restored: { partition: `${loop.device}p1`, filesystem: 'fat32', label: 'FIELD KIT' },
    });
    // one DOS partition of type 0x0c from 1 MiB to the end, nothing left of the live image
    const table = JSON.parse(execFileSync('sfdisk', ['--json', loop.device], { encoding: 'utf8' })) as {
      partitiontable: { label: string; partitions: { start: number; size: number; type: string }[] };
    };
    expect(table.partitiontable.label).toBe('dos');
    expect(table.partitiontable.partitions).toEqual([expect.objectContaining({ start: 2048, size: 256 * 2048 - 2048, type: 'c' })]);
    expect(readBytes(loop.device, 32768 + 1, 5).toString()).not.toBe('CD001');
    const stickShow = await runFlint(['stick', 'show', loop.device]);
    expect(stickShow.code).toBe(1);
    expect(stickShow.stderr).toContain('holds no CoreOS live image');
    holdsAFile(`${loop.device}p1`, 'vfat');

    const text = await runFlint(['restore', '--target', loop.device, '--allow-loop', '--yes']);
    expect(text.stdout.toString()).toBe(`${loop.device}: FAT32 "USBSTICK" on ${loop.device}p1; it is a normal drive again\n`);
  }, 120_000);

  it('a drive over 32 GiB gets exFAT, keeping the label as typed (sparse backing file)', async () => {
    const loop = stick(40 * GiB);
    const report = await restore(['--target', loop.device, '--label', 'Big Stick']);
    expect(report.targets[0]).toMatchObject({
      ok: true,
      restored: { partition: `${loop.device}p1`, filesystem: 'exfat', label: 'Big Stick' },
    });
    expect(execFileSync('blkid', ['--probe', '-s', 'TYPE', '-o', 'value', `${loop.device}p1`], { encoding: 'utf8' }).trim()).toBe('exfat');
    holdsAFile(`${loop.device}p1`, 'exfat');
  }, 120_000);

  it('the elevated helper runs the same restore job (here started directly, as root)', async () => {
    const loop = stick(128 * MiB);
    const report = await restore(['--target', loop.device], { FLINT_TEST_HOOKS: '1', FLINT_WRITER: 'helper' });
    expect(report.writer).toBe('helper');
    expect(report.targets[0]).toMatchObject({ ok: true, restored: { filesystem: 'fat32', label: 'USBSTICK' } });
    holdsAFile(`${loop.device}p1`, 'vfat');
  }, 120_000);

  it('refuses without confirmation, a loop device without --allow-loop and a bad label; nothing is touched', async () => {
    const loop = stick(64 * MiB);
    const burn = await runFlint(['burn', '--iso', info.iso, '--target', loop.device, '--allow-loop', '--yes']);
    expect(burn.code).toBe(0);
    const before = sha(readBytes(loop.device, 0, 64 * MiB));
    const cases: [string[], string, RegExp][] = [
      [['--target', loop.device, '--allow-loop'], 'FLASH_NOT_CONFIRMED', /without confirmation/],
      [['--target', loop.device, '--yes'], 'WRITE_LOOP_NOT_ALLOWED', /pass --allow-loop/],
      [['--target', loop.device, '--allow-loop', '--yes', '--label', 'much too long'], 'RESTORE_BAD_LABEL', /at most 11 characters/],
      [['--target', loop.device, '--allow-loop', '--yes', '--label', 'a.b'], 'RESTORE_BAD_LABEL', /contains '\.'/],
      [['--allow-loop', '--yes'], 'FLASH_NO_TARGET', /--target DEVICE/],
    ];
    for (const [args, code, words] of cases) {
      const r = await runFlint(['restore', ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(words);
      const j = await runFlint(['restore', ...args, '--json']);
      expect(JSON.parse(j.stdout.toString())).toMatchObject({ ok: false, error: { code } });
    }
    expect(sha(readBytes(loop.device, 0, 64 * MiB))).toBe(before);
  }, 120_000);

  it('a drive that is no longer the one picked is refused, by the preparation and again by the engine', async () => {
    const loop = stick(64 * MiB);
    const before = sha(readBytes(loop.device, 0, 4 * MiB));
    const seen = { device: loop.device, size: 32 * MiB, serial: '', model: '' };
    await expect(prepareRestore({ targets: [{ device: loop.device, seen }], allowLoop: true })).rejects.toMatchObject({
      code: 'WRITE_TARGET_CHANGED',
    });
    // the writer trusts no caller's listing: a job naming the old identity is refused before a byte is written
    const run = await inProcessWriter().run({ op: 'restore', targets: [seen], allowLoop: true, label: 'X' });
    expect(run.results[0]).toMatchObject({ ok: false, ending: 'not-written', error: { code: 'WRITE_TARGET_CHANGED' } });
    expect(sha(readBytes(loop.device, 0, 4 * MiB))).toBe(before);
  }, 60_000);
});
