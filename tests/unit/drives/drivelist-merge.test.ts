/**
 * drivelist's view merged with Flint's readers, replayed from recordings of one Windows machine
 * with six disk kinds (tests/fixtures/drives/ORIGIN.md) and of the macOS machine of the diskutil
 * fixtures: the safer answer wins, and the app's drive list and `flint drives` offer the same disks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDarwinDrives } from '../../../electron/core/drives/darwin';
import type { DrivelistDrive } from '../../../electron/core/drives/drivelist';
import { listAllDrives, listDrives, type DriveReaders } from '../../../electron/core/drives/list';
import { foldApfs, mergeDrivelist } from '../../../electron/core/drives/merge';
import { assessTarget, confirmationName, isInternal, isOffered } from '../../../electron/core/drives/target-safety';
import { parseWindowsDrives } from '../../../electron/core/drives/windows';
import type { Drive } from '../../../electron/core/drives/types';
import { createDefaultCore } from '../../../electron/app/core-default';
import { refreshDrives } from '../../../electron/app/drives';
import { Session } from '../../../electron/app/session';

const FIX = join(__dirname, '..', '..', 'fixtures', 'drives');
const load = (n: string) => readFileSync(join(FIX, n), 'utf8');
const drivelistOf = (n: string) => JSON.parse(load(n)) as DrivelistDrive[];

/** Readers that replay the recordings (a fresh copy each call: merging must not depend on earlier calls). */
const windowsReaders = (dl: () => DrivelistDrive[] | null = () => drivelistOf('windows-six-disks-drivelist.json')): DriveReaders => ({
  linux: async () => [],
  darwin: async () => [],
  win32: async (ctx) => parseWindowsDrives(load('windows-six-disks-get-disk.json'), ctx),
  drivelist: async () => dl(),
});
const darwinReaders: DriveReaders = {
  linux: async () => [],
  win32: async () => [],
  darwin: async (ctx) =>
    parseDarwinDrives(
      load('diskutil-list.plist'),
      { disk0: load('diskutil-info-disk0.plist'), disk4: load('diskutil-info-disk4.plist'), disk5: load('diskutil-info-disk5.plist') },
      ctx,
    ),
  drivelist: async () => drivelistOf('darwin-drivelist.json'),
};

const byNumber = (drives: Drive[], n: number) => drives.find((d) => d.device === `\\\\.\\PhysicalDrive${n}`)!;

describe('Windows: Get-Disk and drivelist, six disk kinds', () => {
  it('classifies each kind, the safer opinion winning', async () => {
    const all = await listAllDrives({ protectedPaths: [] }, 'win32', windowsReaders());
    expect(all).toHaveLength(7);
    const boot = byNumber(all, 0);
    expect(boot).toMatchObject({ system: true, sources: ['get-disk', 'drivelist'] });

    // a second internal SATA disk and an internal NVMe: internal, offered only behind their typed name
    for (const n of [1, 2]) {
      const d = byNumber(all, n);
      expect(d).toMatchObject({ system: false, removable: false });
      expect(isInternal(d)).toBe(true);
      expect(isOffered(d)).toBe(false);
    }
    expect(byNumber(all, 1).logicalBlockSize).toBe(512);
    const sata = byNumber(all, 1);
    expect(assessTarget(sata, { imageSize: 1e9 }).refusal?.code).toBe('WRITE_INTERNAL_UNCONFIRMED');
    expect(confirmationName(sata)).toBe('WDC WD20EZRZ-00Z5HB0');
    expect(assessTarget(sata, { imageSize: 1e9, confirmedName: 'WDC WD20EZRZ-00Z5HB0' }).refusal).toBeNull();

    // a USB stick and an SD card: offered
    for (const n of [3, 4]) expect(isOffered(byNumber(all, n))).toBe(true);
    expect(byNumber(all, 3)).toMatchObject({ removable: true, bus: 'usb', mountpoints: ['G:\\'] });
    expect(byNumber(all, 4)).toMatchObject({ removable: true, bus: 'sd' });

    // a USB hard disk in a UAS enclosure: Get-Disk says USB, drivelist says fixed: internal wins
    const uas = byNumber(all, 5);
    expect(uas).toMatchObject({ bus: 'usb', removable: false, fixed: true, system: false });
    expect(isOffered(uas)).toBe(false);
    expect(assessTarget(uas, { imageSize: 1e9 }).refusal?.code).toBe('WRITE_INTERNAL_UNCONFIRMED');

    // the USB disk holding the profile: drivelist knows it is a system disk even when Flint's context does not
    const profile = byNumber(all, 6);
    expect(profile.system).toBe(true);
    expect(profile.systemReasons).toContain('the system counts it as a system drive');
    expect(assessTarget(profile, { imageSize: 1e9, confirmedName: confirmationName(profile) }).refusal?.code).toBe('WRITE_SYSTEM_DEVICE');
  });

  it("Flint's own protected paths mark the profile disk without drivelist too", async () => {
    const ctx = { protectedPaths: [{ path: 'D:\\Users\\tech', reason: 'holds D:\\Users\\tech' }] };
    const all = await listAllDrives(
      ctx,
      'win32',
      windowsReaders(() => null),
    );
    expect(byNumber(all, 6)).toMatchObject({ system: true, systemReasons: ['holds D:\\Users\\tech'] });
    // without drivelist the UAS disk looks like any USB disk: the second opinion is what hides it
    expect(isOffered(byNumber(all, 5))).toBe(true);
  });

  it('a disk drivelist does not list, or lists with an error, is internal; read-only and mountpoints add up', () => {
    const own = parseWindowsDrives(load('windows-six-disks-get-disk.json'), { protectedPaths: [] });
    const dl = drivelistOf('windows-six-disks-drivelist.json').filter((d) => !d.device.endsWith('PhysicalDrive3'));
    dl.find((d) => d.device.endsWith('PhysicalDrive4'))!.error = "Couldn't get detail data";
    Object.assign(
      dl.find((d) => d.device.endsWith('PhysicalDrive5'))!,
      { isReadOnly: true, mountpoints: [{ path: 'I:\\' }, { path: 'j:' }], logicalBlockSize: 4096 },
    );
    const merged = mergeDrivelist(own, dl, 'win32', { protectedPaths: [] });
    expect(merged[3]).toMatchObject({ fixed: true });
    expect(merged[4]).toMatchObject({ fixed: true });
    expect(isOffered(merged[3]) || isOffered(merged[4])).toBe(false);
    expect(merged[5]).toMatchObject({ readOnly: true, mountpoints: ['I:\\', 'J:\\'], logicalBlockSize: 4096 });
  });

  it('the app lists exactly what `flint drives` lists, with and without the hidden disks', async () => {
    const readers = windowsReaders();
    const session = new Session({
      mode: 'browser',
      core: { ...createDefaultCore(), listDrives: () => listAllDrives({ protectedPaths: [] }, 'win32', readers), watchDrives: undefined },
      app: { name: 'Flint', version: '0' },
    });
    const gui = await refreshDrives(session, false);
    const cli = await listDrives({}, 'win32', readers);
    expect(gui.drives.map((d) => d.device)).toEqual(cli.map((d) => d.device));
    expect(cli.map((d) => d.device)).toEqual(['\\\\.\\PhysicalDrive3', '\\\\.\\PhysicalDrive4']);
    expect(gui.hiddenSystemCount).toBe(5);

    const guiAll = await refreshDrives(session, true);
    const cliAll = await listDrives({ all: true }, 'win32', readers);
    expect(guiAll.drives.map((d) => d.device)).toEqual(cliAll.map((d) => d.device));
    const info = (n: number) => guiAll.drives.find((d) => d.device === `\\\\.\\PhysicalDrive${n}`)!;
    expect(info(1)).toMatchObject({ internal: true, confirmName: 'WDC WD20EZRZ-00Z5HB0', refusal: { code: 'WRITE_INTERNAL_UNCONFIRMED' } });
    expect(info(5)).toMatchObject({ internal: true, confirmName: 'WD My Passport 25E2' });
    expect(info(6)).toMatchObject({ system: true });
    expect(info(6).confirmName).toBeUndefined();
  });
});

describe('macOS: diskutil and drivelist', () => {
  it('folds the APFS container into its physical disk, as drivelist lib/index.ts does', () => {
    const folded = foldApfs(drivelistOf('darwin-drivelist.json'));
    expect(folded.map((d) => d.device)).toEqual(['/dev/disk0', '/dev/disk4', '/dev/disk5']);
    expect(folded[0].mountpoints.map((m) => m.path)).toEqual(['/', '/System/Volumes/Data', '/System/Volumes/VM']);
  });

  it('offers the USB stick only, in the app and in `flint drives` alike', async () => {
    const all = await listAllDrives({ protectedPaths: [] }, 'darwin', darwinReaders);
    const [ssd, stick, image] = all;
    expect(ssd).toMatchObject({ system: true, fixed: true, logicalBlockSize: 4096 });
    expect(stick).toMatchObject({ removable: true, system: false, sources: expect.arrayContaining(['drivelist']) });
    expect(image).toMatchObject({ loop: true, readOnly: true });
    const cli = await listDrives({}, 'darwin', darwinReaders);
    const session = new Session({
      mode: 'browser',
      core: {
        ...createDefaultCore(),
        listDrives: () => listAllDrives({ protectedPaths: [] }, 'darwin', darwinReaders),
        watchDrives: undefined,
      },
      app: { name: 'Flint', version: '0' },
    });
    expect((await refreshDrives(session, false)).drives.map((d) => d.device)).toEqual(cli.map((d) => d.device));
    expect(cli.map((d) => d.device)).toEqual(['/dev/disk4']);
  });
});
