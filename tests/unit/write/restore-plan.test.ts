// Restore's decisions (file system by size, labels) and its per-OS plans: Linux's argv (run for real
// in tests/integration/restore), macOS's diskutil argv and Windows's PowerShell script checked as
// recorded plans, run against stand-ins that answer with recorded outputs (tests/fixtures/drives).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlintError } from '../../../electron/core/errors';
import type { Drive } from '../../../electron/core/drives/types';
import { checkVolumeInfo, eraseDiskArgv, restoreDarwin, volumeInfoArgv } from '../../../electron/core/write/restore/darwin';
import { decodeWriterJob, encodeRestoreJob } from '../../../electron/core/write/restore/job';
import {
  blkidArgv,
  firstPartition,
  mkfsArgv,
  parseBlkidExport,
  partitionPath,
  sfdiskArgv,
  sfdiskScript,
} from '../../../electron/core/write/restore/linux';
import { DEFAULT_LABEL, FAT32_MAX_BYTES, filesystemFor, normalizeLabel, restoreLayout } from '../../../electron/core/write/restore/plan';
import {
  CHANGED_MARKER,
  checkVolumeJson,
  powershellArgv,
  psLiteral,
  restoreScript,
  restoreWin32,
} from '../../../electron/core/write/restore/win32';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'drives');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const GiB = 1024 ** 3;

function codeOf(fn: () => unknown): { code: string; params: unknown } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FlintError);
    return { code: (err as FlintError).code, params: (err as FlintError).params };
  }
  throw new Error('expected an error');
}

function drive(over: Partial<Drive>): Drive {
  return {
    id: 'x',
    device: '/dev/disk4',
    raw: '/dev/rdisk4',
    size: 16 * GiB,
    vendor: 'SanDisk',
    model: 'Ultra',
    description: 'SanDisk Ultra',
    serial: '4C530001',
    bus: 'usb',
    removable: true,
    readOnly: false,
    system: false,
    systemReasons: [],
    loop: false,
    mountpoints: [],
    partitions: [],
    logicalBlockSize: 512,
    physicalBlockSize: 512,
    partitionTable: 'dos',
    ...over,
  };
}

describe('what a restored stick becomes', () => {
  it('FAT32 up to and including 32 GiB, exFAT above', () => {
    expect(filesystemFor(8 * GiB)).toBe('fat32');
    expect(filesystemFor(32e9)).toBe('fat32'); // a "32 GB" stick
    expect(filesystemFor(FAT32_MAX_BYTES)).toBe('fat32');
    expect(filesystemFor(FAT32_MAX_BYTES + 512)).toBe('exfat');
    expect(filesystemFor(64e9)).toBe('exfat');
    expect(restoreLayout(16 * GiB)).toEqual({ filesystem: 'fat32', label: DEFAULT_LABEL });
  });

  it('FAT32 labels: upper case, plain ASCII, 11 characters, no reserved characters', () => {
    expect(normalizeLabel(' my stick ', 'fat32')).toBe('MY STICK');
    expect(normalizeLabel('ABCDEFGHIJK', 'fat32')).toBe('ABCDEFGHIJK');
    expect(codeOf(() => normalizeLabel('ABCDEFGHIJKL', 'fat32'))).toEqual({
      code: 'RESTORE_BAD_LABEL',
      params: { label: 'ABCDEFGHIJKL', filesystem: 'fat32', problem: 'too-long', max: 11 },
    });
    for (const c of ['.', '*', '?', '/', '\\', '"', ':', '|', '[']) {
      expect(codeOf(() => normalizeLabel(`A${c}B`, 'fat32')).params).toMatchObject({ problem: 'character', char: c });
    }
    expect(codeOf(() => normalizeLabel('Müll', 'fat32')).params).toMatchObject({ problem: 'character', char: 'ü' });
    expect(codeOf(() => normalizeLabel('a\tb', 'fat32')).params).toMatchObject({ problem: 'character', char: '\t' });
    expect(codeOf(() => normalizeLabel('   ', 'fat32')).params).toMatchObject({ problem: 'empty' });
  });

  it('exFAT labels keep their case, allow non-ASCII, count UTF-16 units', () => {
    expect(normalizeLabel('Big Stick', 'exfat')).toBe('Big Stick');
    expect(normalizeLabel('Müll.Stick', 'exfat')).toBe('Müll.Stick');
    expect(codeOf(() => normalizeLabel('a:b', 'exfat')).params).toMatchObject({ problem: 'character', char: ':' });
    // 6 emoji are 12 UTF-16 units: too long although they are 6 characters
    expect(codeOf(() => normalizeLabel('😀😀😀😀😀😀', 'exfat')).params).toMatchObject({ problem: 'too-long' });
  });
});

describe('Linux plan (argv)', () => {
  it('one DOS partition of type 0x0c or 0x07, old signatures wiped, formatted and probed', () => {
    expect(sfdiskScript('fat32')).toBe('label: dos\n,,c\n');
    expect(sfdiskScript('exfat')).toBe('label: dos\n,,7\n');
    expect(sfdiskArgv('/dev/sdb')).toEqual(['sfdisk', '--quiet', '--wipe', 'always', '--wipe-partitions', 'always', '/dev/sdb']);
    expect(mkfsArgv('fat32', 'MY STICK', '/dev/sdb1')).toEqual(['mkfs.vfat', '-F', '32', '-n', 'MY STICK', '/dev/sdb1']);
    expect(mkfsArgv('exfat', 'Big', '/dev/sdc1')).toEqual(['mkfs.exfat', '-L', 'Big', '/dev/sdc1']);
    expect(blkidArgv('/dev/sdb1')).toEqual(['blkid', '--probe', '--output', 'export', '/dev/sdb1']);
  });

  it('names partition nodes as the kernel does', () => {
    expect(partitionPath('/dev/sdb')).toBe('/dev/sdb1');
    expect(partitionPath('/dev/loop7')).toBe('/dev/loop7p1');
    expect(partitionPath('/dev/nvme0n1')).toBe('/dev/nvme0n1p1');
    expect(partitionPath('/dev/mmcblk0')).toBe('/dev/mmcblk0p1');
  });

  it('reads blkid and sfdisk output (escaped spaces; 4096-byte sectors in 512-byte units)', () => {
    expect(parseBlkidExport('DEVNAME=/dev/loop0p1\nLABEL=MY\\ STICK\nTYPE=vfat\n')).toEqual({
      DEVNAME: '/dev/loop0p1',
      LABEL: 'MY STICK',
      TYPE: 'vfat',
    });
    const dump = (sectorsize: number) =>
      JSON.stringify({
        partitiontable: { label: 'dos', sectorsize, partitions: [{ node: '/dev/sdb1', start: 256, size: 1000, type: 'c' }] },
      });
    expect(firstPartition(dump(512))).toEqual({ start: 256, size: 1000 });
    expect(firstPartition(dump(4096))).toEqual({ start: 2048, size: 8000 });
    expect(firstPartition(JSON.stringify({ partitiontable: { partitions: [] } }))).toBeNull();
  });
});

describe('macOS plan (diskutil)', () => {
  it('eraseDisk with an MBR, FAT32 or ExFAT, on the disk node', () => {
    expect(eraseDiskArgv('/dev/rdisk4', restoreLayout(16 * GiB, 'my stick'))).toEqual([
      'diskutil',
      'eraseDisk',
      'FAT32',
      'MY STICK',
      'MBRFormat',
      '/dev/disk4',
    ]);
    expect(eraseDiskArgv('/dev/disk6', restoreLayout(64e9, 'Big Stick'))).toEqual([
      'diskutil',
      'eraseDisk',
      'ExFAT',
      'Big Stick',
      'MBRFormat',
      '/dev/disk6',
    ]);
    expect(volumeInfoArgv('/dev/disk4')).toEqual(['diskutil', 'info', '-plist', '/dev/disk4s1']);
  });

  it('checks the recorded volume info against what was asked for', () => {
    const fat = fixture('diskutil-info-disk4s1-fat32.plist');
    expect(checkVolumeInfo(fat, { filesystem: 'fat32', label: 'USBSTICK' })).toMatchObject({ ok: true });
    expect(checkVolumeInfo(fat, { filesystem: 'fat32', label: 'OTHER' })).toMatchObject({ ok: false, found: 'msdos "USBSTICK"' });
    expect(checkVolumeInfo(fixture('diskutil-info-disk6s1-exfat.plist'), { filesystem: 'exfat', label: 'Big Stick' })).toEqual({
      ok: true,
      found: 'exfat "Big Stick"',
      uuid: '0E2C1A57-3B4D-3A2F-9C11-5B1E2D3F4A60',
    });
  });

  it('runs eraseDisk then reads the volume back, through a stand-in diskutil', async () => {
    const calls: string[][] = [];
    const diskutil = async (argv: string[]) => {
      calls.push(argv);
      expect(argv[0]).toBe('diskutil');
      return argv[1] === 'info' ? fixture('diskutil-info-disk4s1-fat32.plist') : 'Finished erase on disk4\n';
    };
    const steps: string[] = [];
    const v = await restoreDarwin(drive({}), { filesystem: 'fat32', label: 'USBSTICK' }, (s) => steps.push(s), undefined, diskutil);
    expect(v).toEqual({ partition: '/dev/disk4s1', filesystem: 'fat32', label: 'USBSTICK', uuid: '0E2C1A57-3B4D-3A2F-9C11-5B1E2D3F4A60' });
    expect(calls.map((c) => c[1])).toEqual(['eraseDisk', 'info']);
    expect(steps).toEqual(['format', 'check']);
    // a volume that is not what was asked for is RESTORE_CHECK_FAILED; a failing diskutil names its words
    await expect(restoreDarwin(drive({}), { filesystem: 'fat32', label: 'OTHER' }, () => {}, undefined, diskutil)).rejects.toMatchObject({
      code: 'RESTORE_CHECK_FAILED',
    });
    const failing = async () => {
      throw Object.assign(new Error('exit 1'), { stderr: 'Error: -69877: Couldn\u2019t open device' });
    };
    await expect(restoreDarwin(drive({}), { filesystem: 'fat32', label: 'USBSTICK' }, () => {}, undefined, failing)).rejects.toMatchObject({
      code: 'RESTORE_TOOL_FAILED',
      params: { device: '/dev/disk4', tool: 'diskutil', step: 'format' },
      causes: ['Error: -69877: Couldn\u2019t open device'],
    });
  });
});

describe('Windows plan (PowerShell Storage cmdlets)', () => {
  const id = { size: 16008609792, serial: '4C530001' };

  it('checks the disk is the one picked before anything destructive, then clears, initializes MBR, partitions, formats', () => {
    const s = restoreScript(2, id, { filesystem: 'fat32', label: 'USBSTICK' }).split('\r\n');
    const at = (re: RegExp) => s.findIndex((l) => re.test(l));
    expect(s[0]).toBe("$ErrorActionPreference = 'Stop'");
    expect(s).toContain('$disk = Get-Disk -Number 2');
    expect(s).toContain(`if ($disk.Size -ne 16008609792) { throw '${CHANGED_MARKER}: size' }`);
    expect(s).toContain(`if (([string]$disk.SerialNumber).Trim() -ne '4C530001') { throw '${CHANGED_MARKER}: serial' }`);
    // every destructive cmdlet comes after both identity checks
    const guards = Math.max(at(/\$disk\.Size -ne/), at(/SerialNumber/));
    for (const cmd of [/Clear-Disk/, /Initialize-Disk/, /New-Partition/, /Format-Volume/]) expect(at(cmd)).toBeGreaterThan(guards);
    expect(s).toContain("if ($disk.PartitionStyle -ne 'RAW') { Clear-Disk -Number 2 -RemoveData -RemoveOEM -Confirm:$false }");
    expect(s).toContain('Initialize-Disk -Number 2 -PartitionStyle MBR');
    expect(s).toContain('$part = New-Partition -DiskNumber 2 -UseMaximumSize -MbrType FAT32 -AssignDriveLetter');
    expect(s).toContain("$vol = Format-Volume -Partition $part -FileSystem FAT32 -NewFileSystemLabel 'USBSTICK' -Confirm:$false -Force");
    const ex = restoreScript(3, id, { filesystem: 'exfat', label: 'Big Stick' });
    expect(ex).toContain('-MbrType IFS');
    expect(ex).toContain("-FileSystem exFAT -NewFileSystemLabel 'Big Stick'");
    expect(() => restoreScript(-1, id, { filesystem: 'fat32', label: 'A' })).toThrow();
    expect(() => restoreScript(1.5, id, { filesystem: 'fat32', label: 'A' })).toThrow();
  });

  it('quotes labels and serials as PowerShell literals, typographic quotes included', () => {
    expect(psLiteral("it's")).toBe("'it''s'");
    expect(psLiteral('a\u2019b')).toBe("'a\u2019\u2019b'");
    expect(psLiteral('$(rm -r C:\\)')).toBe("'$(rm -r C:\\)'");
    const s = restoreScript(2, { size: 1, serial: "x'; Clear-Disk 0; '" }, { filesystem: 'exfat', label: "a'b" });
    expect(s).toContain("-ne 'x''; Clear-Disk 0; ''') {");
    expect(s).toContain("-NewFileSystemLabel 'a''b'");
  });

  it('runs the script as -EncodedCommand (UTF-16LE base64): no command-line quoting at all', () => {
    const script = restoreScript(2, id, { filesystem: 'exfat', label: 'Stick ÄÖ' });
    const argv = powershellArgv(script);
    expect(argv.slice(0, 6)).toEqual(['powershell.exe', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand']);
    expect(argv[6]).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(argv[6], 'base64').toString('utf16le')).toBe(script);
  });

  it('checks the recorded Format-Volume output (drive letter as text or a code point)', () => {
    expect(checkVolumeJson(fixture('windows-format-volume-fat32.json'), { filesystem: 'fat32', label: 'USBSTICK' })).toEqual({
      ok: true,
      found: 'FAT32 "USBSTICK"',
      partition: 'E:',
    });
    expect(checkVolumeJson(fixture('windows-format-volume-exfat.json'), { filesystem: 'exfat', label: 'Big Stick' })).toEqual({
      ok: true,
      found: 'exFAT "Big Stick"',
      partition: 'F:',
    });
    expect(checkVolumeJson(fixture('windows-format-volume-exfat.json'), { filesystem: 'fat32', label: 'Big Stick' }).ok).toBe(false);
  });

  it('a disk whose number now belongs to another drive is WRITE_TARGET_CHANGED, through a stand-in PowerShell', async () => {
    const d = drive({ device: '\\\\.\\PhysicalDrive2', raw: '\\\\.\\PhysicalDrive2', size: id.size, serial: id.serial });
    const ok = async (argv: string[]) => {
      expect(argv[0]).toBe('powershell.exe');
      return fixture('windows-format-volume-fat32.json');
    };
    await expect(restoreWin32(d, { filesystem: 'fat32', label: 'USBSTICK' }, () => {}, undefined, ok)).resolves.toEqual({
      partition: 'E:',
      filesystem: 'fat32',
      label: 'USBSTICK',
    });
    const swapped = async () => {
      throw Object.assign(new Error('exit 1'), { stderr: `${CHANGED_MARKER}: serial\nAt line:4 char:1` });
    };
    await expect(restoreWin32(d, { filesystem: 'fat32', label: 'USBSTICK' }, () => {}, undefined, swapped)).rejects.toMatchObject({
      code: 'WRITE_TARGET_CHANGED',
      params: { device: '\\\\.\\PhysicalDrive2', changes: [`${CHANGED_MARKER}: serial`] },
    });
    await expect(
      restoreWin32(drive({ device: '/dev/sdb' }), { filesystem: 'fat32', label: 'A' }, () => {}, undefined, ok),
    ).rejects.toMatchObject({
      code: 'WRITE_TARGET_NOT_FOUND',
    });
  });
});

describe('the restore job format', () => {
  it('travels as JSON with op "restore"; a write job still decodes as one', () => {
    const job = {
      op: 'restore' as const,
      targets: [{ device: '/dev/sdb', size: 1024, serial: 'S', model: 'M' }],
      allowLoop: false,
      label: 'X',
    };
    expect(decodeWriterJob(encodeRestoreJob(job))).toEqual(job);
    expect(() => decodeWriterJob(JSON.stringify({ version: 1, op: 'restore', targets: [], label: 'X' }))).toThrow(/no targets/);
    expect(() => decodeWriterJob(JSON.stringify({ version: 1, op: 'restore', targets: [{ device: '/dev/sdb' }], label: 'X' }))).toThrow(
      /device, size, serial and model/,
    );
    const write = decodeWriterJob(
      JSON.stringify({
        version: 1,
        image: '/a.iso',
        plan: { imageSize: 4096, writes: [] },
        targets: job.targets,
        allowLoop: false,
        verify: true,
        eject: false,
      }),
    );
    expect(write).toMatchObject({ image: '/a.iso', verify: true });
  });
});
