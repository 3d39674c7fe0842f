import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  appleScriptEscape,
  isAuthFailure,
  planLaunch,
  psQuote,
  shQuote,
  winArg,
  devHelperCommand,
} from '../../../electron/core/write/elevate';
import { rawDiskPath, unmountDiskArgv, ejectDiskArgv } from '../../../native/darwin/commands';
import { diskNumberOf, diskpartArgv, diskpartCleanScript, physicalDrivePath, updateDiskArgv } from '../../../native/win32/commands';
import { ejectArgv, umountArgv } from '../../../native/linux/ops';

const helper = { command: '/opt/Flint/flint-writer', args: ['--x'] };
const files = { job: "/tmp/it's a job.json", events: '/tmp/ev "1".jsonl', cancel: '/tmp/c' };

describe('elevation plans (fixed argv, never a shell string from input)', () => {
  it('starts the helper directly when already privileged', () => {
    expect(planLaunch({ platform: 'linux', privileged: true, helper })).toEqual({
      method: 'none',
      transport: 'stdio',
      argv: ['/opt/Flint/flint-writer', '--x'],
    });
    expect(planLaunch({ platform: 'darwin', privileged: true, helper, files }).argv).toEqual([
      '/opt/Flint/flint-writer',
      '--x',
      '--job',
      files.job,
      '--events',
      files.events,
      '--cancel-file',
      files.cancel,
    ]);
  });

  it('Linux: pkexec with the helper argv (text prompt only for the CLI)', () => {
    expect(planLaunch({ platform: 'linux', privileged: false, helper }).argv).toEqual([
      'pkexec',
      '--disable-internal-agent',
      '/opt/Flint/flint-writer',
      '--x',
    ]);
    expect(planLaunch({ platform: 'linux', privileged: false, helper, textPrompt: true }).argv).toEqual([
      'pkexec',
      '/opt/Flint/flint-writer',
      '--x',
    ]);
  });

  it('macOS: osascript do shell script with administrator privileges, every word quoted', () => {
    const p = planLaunch({ platform: 'darwin', privileged: false, helper, files });
    expect(p.method).toBe('osascript');
    expect(p.argv.slice(0, 2)).toEqual(['/usr/bin/osascript', '-e']);
    expect(p.argv[2]).toBe(
      `do shell script "'/opt/Flint/flint-writer' '--x' '--job' '/tmp/it'\\\\''s a job.json' '--events' '/tmp/ev \\"1\\".jsonl' '--cancel-file' '/tmp/c'" with administrator privileges`,
    );
  });

  it('the POSIX quoting survives a real shell', () => {
    const nasty = `a'b "c" $(rm -rf /) \`x\` \\ ;|&`;
    expect(execFileSync('sh', ['-c', `printf %s ${shQuote(nasty)}`], { encoding: 'utf8' })).toBe(nasty);
    expect(appleScriptEscape('a\\b"c')).toBe('a\\\\b\\"c');
  });

  it('Windows: Start-Process -Verb RunAs with quoted arguments', () => {
    const p = planLaunch({
      platform: 'win32',
      privileged: false,
      helper: { command: 'C:\\Program Files\\Flint\\flint-writer.cmd', args: [] },
      files: { job: 'C:\\T\\j.json', events: 'C:\\T\\e v.jsonl', cancel: "C:\\T\\it's" },
    });
    expect(p.method).toBe('uac');
    expect(p.argv.slice(0, 4)).toEqual(['powershell.exe', '-NoProfile', '-NonInteractive', '-Command']);
    expect(p.argv[4]).toBe(
      "$p = Start-Process -FilePath 'C:\\Program Files\\Flint\\flint-writer.cmd' -ArgumentList '--job C:\\T\\j.json --events \"C:\\T\\e v.jsonl\" --cancel-file C:\\T\\it''s' -Verb RunAs -WindowStyle Hidden -Wait -PassThru; exit $p.ExitCode",
    );
    expect(psQuote("it's")).toBe("'it''s'");
    expect(winArg('a "b"\\')).toBe('"a \\"b\\"\\\\"');
    expect(() => planLaunch({ platform: 'win32', privileged: false, helper })).toThrow(/files transport/);
  });

  it('knows a dismissed or refused prompt', () => {
    expect(isAuthFailure('pkexec', 126, '')).toBe(true);
    expect(isAuthFailure('pkexec', 127, '')).toBe(true);
    expect(isAuthFailure('pkexec', 1, '')).toBe(false);
    expect(isAuthFailure('osascript', 1, '0:1: execution error: User canceled. (-128)')).toBe(true);
    expect(isAuthFailure('uac', 1, 'This command cannot be run due to the error: The operation was canceled by the user.')).toBe(true);
    expect(isAuthFailure('none', 126, '')).toBe(false);
  });

  it('the development helper command runs this Node with tsx on native/writer/main.ts', () => {
    const h = devHelperCommand();
    expect(h.command).toBe(process.execPath);
    expect(h.args[0]).toBe('--import');
    expect(h.args[2]).toMatch(/native\/writer\/main\.ts$/);
  });
});

describe('per-OS writer steps', () => {
  it('Linux: plain umount (never -l/-f); eject or udisksctl power-off when present', () => {
    expect(umountArgv('/run/media/a/STICK')).toEqual(['umount', '/run/media/a/STICK']);
    expect(ejectArgv('/dev/sdb', (t) => t === 'eject')).toEqual(['eject', '/dev/sdb']);
    expect(ejectArgv('/dev/sdb', (t) => t === 'udisksctl')).toEqual(['udisksctl', 'power-off', '--no-user-interaction', '-b', '/dev/sdb']);
    expect(ejectArgv('/dev/sdb', () => false)).toBeNull();
  });

  it('macOS: unmountDisk on /dev/diskN, writes to /dev/rdiskN, eject', () => {
    expect(rawDiskPath('/dev/disk4')).toBe('/dev/rdisk4');
    expect(rawDiskPath('/dev/rdisk4')).toBe('/dev/rdisk4');
    expect(unmountDiskArgv('/dev/rdisk4')).toEqual(['diskutil', 'unmountDisk', '/dev/disk4']);
    expect(ejectDiskArgv('/dev/disk4')).toEqual(['diskutil', 'eject', '/dev/disk4']);
  });

  it('Windows: \\\\.\\PhysicalDriveN, a diskpart clean script from a validated number, Update-Disk', () => {
    expect(physicalDrivePath(2)).toBe('\\\\.\\PhysicalDrive2');
    expect(diskNumberOf('\\\\.\\PhysicalDrive12')).toBe(12);
    expect(diskNumberOf('C:\\')).toBeNull();
    expect(diskpartCleanScript(2)).toBe('select disk 2\r\nattributes disk clear readonly noerr\r\nclean\r\nrescan\r\nexit\r\n');
    expect(() => diskpartCleanScript(-1)).toThrow();
    expect(() => diskpartCleanScript(1.5)).toThrow();
    expect(diskpartArgv('C:\\T\\s.txt')).toEqual(['diskpart.exe', '/s', 'C:\\T\\s.txt']);
    expect(updateDiskArgv(2)).toEqual(['powershell.exe', '-NoProfile', '-NonInteractive', '-Command', 'Update-Disk -Number 2']);
  });
});
