import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDarwinDrives, wholeDisksOf, diskutilInfoArgv, DISKUTIL_LIST_ARGV } from '../../../electron/core/drives/darwin';
import { parseWindowsDrives, LIST_DISKS_ARGV } from '../../../electron/core/drives/windows';
import { parsePlist } from '../../../electron/core/drives/plist';
import { checkTarget } from '../../../electron/core/drives/target-safety';
import { filterDrives } from '../../../electron/core/drives/list';
import { mountContains } from '../../../electron/core/drives/system';

const FIX = join(__dirname, '..', '..', 'fixtures', 'drives');
const load = (n: string) => readFileSync(join(FIX, n), 'utf8');

describe('macOS: diskutil plists', () => {
  const list = load('diskutil-list.plist');
  const infos = {
    disk0: load('diskutil-info-disk0.plist'),
    disk4: load('diskutil-info-disk4.plist'),
    disk5: load('diskutil-info-disk5.plist'),
  };

  it('parses property lists (dict, array, string, integer, true/false, escapes, data)', () => {
    const v = parsePlist(
      '<?xml version="1.0"?><plist version="1.0"><dict><key>a</key><array><integer>-3</integer><real>1.5</real><true/><false/></array>' +
        '<key>s</key><string>R&amp;D &lt;x&gt;</string><key>d</key><data>AQID</data><key>e</key><dict/></dict></plist>',
    );
    expect(v).toEqual({ a: [-3, 1.5, true, false], s: 'R&D <x>', d: new Uint8Array([1, 2, 3]), e: {} });
    expect(() => parsePlist('<plist><dict><key>a</key></dict></plist>')).toThrow(/property list/);
  });

  it('lists whole disks, folding the APFS container into the physical disk that holds / ', () => {
    expect(DISKUTIL_LIST_ARGV).toEqual(['diskutil', 'list', '-plist']);
    expect(diskutilInfoArgv('disk4')).toEqual(['diskutil', 'info', '-plist', 'disk4']);
    expect(wholeDisksOf(list)).toEqual(['disk0', 'disk4', 'disk5']);
    const drives = parseDarwinDrives(list, infos, { protectedPaths: [] });
    const [ssd, stick, image] = drives;
    expect(ssd).toMatchObject({
      device: '/dev/disk0',
      raw: '/dev/rdisk0',
      system: true,
      removable: false,
      bus: 'nvme',
      logicalBlockSize: 4096,
    });
    expect(ssd.mountpoints).toEqual(expect.arrayContaining(['/', '/System/Volumes/Data']));
    expect(stick).toMatchObject({
      device: '/dev/disk4',
      raw: '/dev/rdisk4',
      bus: 'usb',
      removable: true,
      system: false,
      size: 15376318464,
      model: 'SanDisk Ultra',
      mountpoints: ['/Volumes/STICK'],
      readOnly: false,
    });
    expect(image).toMatchObject({ device: '/dev/disk5', loop: true, bus: 'image', readOnly: true });
    expect(filterDrives(drives).map((d) => d.device)).toEqual(['/dev/disk4']);
  });

  it('protects the stick the source image is on', () => {
    const drives = parseDarwinDrives(list, infos, {
      protectedPaths: [{ path: '/Volumes/STICK/fcos.iso', reason: 'holds the source image' }],
    });
    expect(() => checkTarget(drives[1], { imageSize: 1e6 })).toThrow(/system disk/);
  });
});

describe('Windows: Get-Disk / Get-Partition JSON', () => {
  it('runs a fixed PowerShell script (no user input)', () => {
    expect(LIST_DISKS_ARGV.slice(0, 6)).toEqual([
      'powershell.exe',
      '-NoProfile',
      '-NonInteractive',
      '-ExecutionPolicy',
      'Bypass',
      '-Command',
    ]);
    expect(LIST_DISKS_ARGV[6]).toMatch(/Get-Disk .*Get-Partition .*ConvertTo-Json/);
  });

  it('maps numbers and names of enums, drive letters in every form, boot/system disks', () => {
    const drives = parseWindowsDrives(load('windows-get-disk.json'), { protectedPaths: [] });
    expect(drives.map((d) => [d.device, d.bus, d.system, d.removable, d.readOnly, d.loop, d.partitionTable])).toEqual([
      ['\\\\.\\PhysicalDrive0', 'nvme', true, false, false, false, 'gpt'],
      ['\\\\.\\PhysicalDrive1', 'usb', false, true, false, false, 'dos'],
      ['\\\\.\\PhysicalDrive2', 'sata', false, false, false, false, 'gpt'],
      ['\\\\.\\PhysicalDrive3', 'sd', false, true, true, false, 'dos'],
      ['\\\\.\\PhysicalDrive4', 'image', false, false, false, true, 'gpt'],
    ]);
    expect(drives[0].mountpoints).toEqual(['C:\\']);
    expect(drives[1]).toMatchObject({
      mountpoints: ['E:\\'],
      serial: '4C530001230512110304',
      description: 'SanDisk Ultra',
      vendor: 'SanDisk',
    });
    expect(drives[2]).toMatchObject({ mountpoints: ['D:\\'], serial: 'WD-WCC4M1234567', physicalBlockSize: 4096 });
    expect(filterDrives(drives).map((d) => d.device)).toEqual(['\\\\.\\PhysicalDrive1', '\\\\.\\PhysicalDrive3']);
  });

  it('protects the disk whose drive letter holds the source image', () => {
    const drives = parseWindowsDrives(load('windows-get-disk.json'), {
      protectedPaths: [{ path: 'E:\\isos\\fcos.iso', reason: 'holds the source image' }],
    });
    expect(drives[1].systemReasons).toEqual(['holds the source image']);
    expect(mountContains('E:\\', 'e:\\x')).toBe(true);
    expect(mountContains('/mnt', '/mnt2/x')).toBe(false);
    expect(mountContains('/mnt', '/mnt/x')).toBe(true);
  });
});
