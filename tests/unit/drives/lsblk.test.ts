import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLsblk, lsblkArgs, LSBLK_COLUMNS } from '../../../electron/core/drives/lsblk';
import { checkTarget } from '../../../electron/core/drives/target-safety';
import { filterDrives } from '../../../electron/core/drives/list';
import { ERROR_CODES } from '../../../electron/contract/error-codes';
import type { Drive, SystemContext } from '../../../electron/core/drives/types';

const FIX = join(__dirname, '..', '..', 'fixtures', 'lsblk');
const load = (name: string) => readFileSync(join(FIX, name), 'utf8');
const none: SystemContext = { protectedPaths: [] };
const by = (drives: Drive[], dev: string) => drives.find((d) => d.device === dev)!;

describe('lsblk adapter', () => {
  it('asks lsblk for exactly the documented columns, in bytes, as JSON, with full paths', () => {
    expect(lsblkArgs()).toEqual(['--bytes', '--json', '--paths', '-o', LSBLK_COLUMNS]);
    expect(LSBLK_COLUMNS).toBe(
      'NAME,KNAME,TYPE,SIZE,TRAN,RM,HOTPLUG,RO,SUBSYSTEMS,VENDOR,MODEL,SERIAL,PTTYPE,MOUNTPOINTS,LABEL,PHY-SEC,LOG-SEC,FSTYPE,MAJ:MIN,WWN,PTUUID',
    );
    expect(lsblkArgs('/dev/sdb').at(-1)).toBe('/dev/sdb');
  });

  it('reads the recording of this VM: drops zram, marks the root disk system, keeps the loop device as loop', () => {
    const drives = parseLsblk(load('debian12-vm-loop.json'), none);
    expect(drives.map((d) => d.device)).toEqual(['/dev/loop0', '/dev/vda']);
    const vda = by(drives, '/dev/vda');
    expect(vda).toMatchObject({
      bus: 'virtio',
      system: true,
      systemReasons: ['holds /'],
      removable: false,
      logicalBlockSize: 512,
      physicalBlockSize: 4096,
      size: 274877906944,
    });
    const loop = by(drives, '/dev/loop0');
    expect(loop).toMatchObject({
      loop: true,
      bus: 'loop',
      system: false,
      mountpoints: ['/mnt/flint-test'],
      serial: '',
      description: 'Loop device',
    });
    expect(filterDrives(drives)).toEqual([]);
    expect(filterDrives(drives, { allowLoop: true }).map((d) => d.device)).toEqual(['/dev/loop0']);
    expect(filterDrives(drives, { all: true }).map((d) => d.device)).toEqual(['/dev/vda']);
  });

  it('classifies a laptop: LUKS+LVM root and swap make the NVMe disk system; USB sticks and SD cards are targets', () => {
    const drives = parseLsblk(load('laptop-nvme-luks-usb.json'), none);
    expect(drives.map((d) => d.device)).toEqual(['/dev/sda', '/dev/sdb', '/dev/mmcblk0', '/dev/nvme0n1']);
    const nvme = by(drives, '/dev/nvme0n1');
    expect(nvme.system).toBe(true);
    expect(nvme.systemReasons).toEqual(['holds /boot/efi', 'holds /boot', 'holds /', 'holds active swap']);
    expect(nvme.partitions).toContain('/dev/mapper/fedora-root');
    expect(nvme.bus).toBe('nvme');
    const stick = by(drives, '/dev/sda');
    expect(stick).toMatchObject({
      bus: 'usb',
      removable: true,
      system: false,
      vendor: 'SanDisk',
      model: 'Ultra',
      description: 'SanDisk Ultra',
      serial: '4C530001230512110304',
      mountpoints: ['/run/media/alice/STICK'],
      partitionTable: 'dos',
    });
    expect(by(drives, '/dev/mmcblk0')).toMatchObject({ bus: 'sd', removable: true });
    expect(by(drives, '/dev/sdb')).toMatchObject({ bus: 'usb', removable: true, size: 256060514304 });
    expect(filterDrives(drives).map((d) => d.device)).toEqual(['/dev/sda', '/dev/sdb', '/dev/mmcblk0']);
    // ids are stable and distinct
    expect(parseLsblk(load('laptop-nvme-luks-usb.json'), none).map((d) => d.id)).toEqual(drives.map((d) => d.id));
    expect(new Set(drives.map((d) => d.id)).size).toBe(drives.length);
  });

  it('a USB stick holding / is a system disk and is refused; so is the disk holding the source image or the program', () => {
    const ctx: SystemContext = {
      protectedPaths: [
        { path: '/mnt/data/isos/fcos.iso', reason: 'holds the source image' },
        { path: '/usr/bin/node', reason: 'holds the running program' },
      ],
    };
    const drives = parseLsblk(load('usb-root-data-disk.json'), ctx);
    const root = by(drives, '/dev/sda');
    expect(root).toMatchObject({ bus: 'usb', removable: true, system: true });
    expect(root.systemReasons).toEqual(['holds /boot/efi', 'holds /', 'holds the running program']);
    const data = by(drives, '/dev/sdb');
    expect(data.systemReasons).toEqual(['holds the source image']);
    expect(() => checkTarget(root, { imageSize: 1e9 })).toThrow(
      expect.objectContaining({ code: ERROR_CODES.WRITE_SYSTEM_DEVICE, causes: root.systemReasons }),
    );
    expect(() => checkTarget(data, { imageSize: 1e9 })).toThrow(expect.objectContaining({ code: ERROR_CODES.WRITE_SYSTEM_DEVICE }));
    expect(drives.some((d) => d.device === '/dev/ram0')).toBe(false);
    expect(filterDrives(drives).map((d) => d.device)).toEqual(['/dev/sdc', '/dev/sdd']);
  });

  it('refuses read-only and too-small targets with actionable messages, warns above 128 GB', () => {
    const drives = parseLsblk(load('usb-root-data-disk.json'), none);
    expect(() => checkTarget(by(drives, '/dev/sdc'), { imageSize: 1e9 })).toThrow(
      expect.objectContaining({ code: ERROR_CODES.WRITE_READ_ONLY, message: expect.stringMatching(/write-protect/) }),
    );
    expect(() => checkTarget(by(drives, '/dev/sdd'), { imageSize: 2_500_000_000 })).toThrow(
      expect.objectContaining({
        code: ERROR_CODES.WRITE_TOO_SMALL,
        message: '/dev/sdd (Verbatim STORE N GO) is too small: it holds 2.0 GB, the image needs 2.5 GB',
        params: { device: '/dev/sdd', description: 'Verbatim STORE N GO', size: 2_000_000_000, needed: 2_500_000_000 },
      }),
    );
    expect(checkTarget(by(drives, '/dev/sdd'), { imageSize: 1e9 })).toEqual([]);
    const big = by(parseLsblk(load('laptop-nvme-luks-usb.json'), none), '/dev/sdb');
    expect(checkTarget(big, { imageSize: 1e9 })).toEqual([expect.objectContaining({ code: 'LARGE_DRIVE' })]);
    const loop = by(parseLsblk(load('debian12-vm-loop.json'), none), '/dev/loop0');
    expect(() => checkTarget(loop, { imageSize: 1e6 })).toThrow(expect.objectContaining({ code: ERROR_CODES.WRITE_LOOP_NOT_ALLOWED }));
    expect(checkTarget(loop, { imageSize: 1e6, allowLoop: true })).toEqual([]);
  });

  it('rejects output that is not lsblk JSON', () => {
    expect(() => parseLsblk('lsblk: unknown column', none)).toThrow(expect.objectContaining({ code: 'DRIVES_LIST_FAILED' }));
    expect(() => parseLsblk('{}', none)).toThrow(/blockdevices/);
  });
});
