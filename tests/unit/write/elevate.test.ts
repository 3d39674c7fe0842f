import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  appleScriptEscape,
  isAuthFailure,
  planLaunch,
  shQuote,
  devHelperCommand,
  packagedHelperCommand,
} from '../../../electron/core/write/elevate';
import { installRoot } from '../../../electron/core/install-root';
import { rawDiskPath, unmountDiskArgv, ejectDiskArgv } from '../../../electron/core/write/os/darwin';
import { diskNumberOf, diskpartArgv, diskpartCleanScript, physicalDrivePath, updateDiskArgv } from '../../../electron/core/write/os/win32';
import { ejectArgv, umountArgv } from '../../../electron/core/write/os/linux';

const ROOT = resolve(__dirname, '../../..');
const helper = { command: '/opt/Flint/flint-writer', args: ['--x'] };
const exists = () => true;
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

  it('knows a dismissed or refused prompt', () => {
    expect(isAuthFailure('pkexec', 126, '')).toBe(true);
    expect(isAuthFailure('pkexec', 127, '')).toBe(true);
    expect(isAuthFailure('pkexec', 1, '')).toBe(false);
    expect(isAuthFailure('osascript', 1, '0:1: execution error: User canceled. (-128)')).toBe(true);
    // the same cancel in another display language: the number decides
    expect(isAuthFailure('osascript', 1, '0:1: execution error: Abbruch durch den Benutzer. (-128)')).toBe(true);
    expect(isAuthFailure('uac', 1223, 'Der Vorgang wurde durch den Benutzer abgebrochen.')).toBe(true);
    expect(isAuthFailure('uac', 1, 'The operation was canceled by the user.')).toBe(false);
    expect(isAuthFailure('none', 126, '')).toBe(false);
  });

  it('outside the packaged app the helper is the compiled bundle, run by this Node as a plain path', () => {
    const h = devHelperCommand();
    expect(h.command).toBe(process.execPath);
    expect(h.args).toEqual([join(ROOT, 'out', 'native', 'writer', 'main.mjs')]);
    expect(existsSync(h.args[0])).toBe(true); // built by the vitest globalSetup
    // the same on Windows: no --import of a loader (which would need a file URL there), a Windows path
    const win = devHelperCommand({
      platform: 'win32',
      root: 'C:\\Users\\a\\flint',
      execPath: 'C:\\node\\node.exe',
      electron: undefined,
      exists,
    });
    expect(win).toEqual({ command: 'C:\\node\\node.exe', args: ['C:\\Users\\a\\flint\\out\\native\\writer\\main.mjs'] });
  });

  it("inside an unpackaged Electron the helper runs as Node: ELECTRON_RUN_AS_NODE through env, or npm's Node on Windows", () => {
    const rt = { root: '/src/flint', execPath: '/src/flint/node_modules/electron/dist/electron', electron: '45.5.0', exists };
    expect(devHelperCommand({ ...rt, platform: 'linux' })).toEqual({
      command: '/usr/bin/env',
      args: ['ELECTRON_RUN_AS_NODE=1', rt.execPath, '/src/flint/out/native/writer/main.mjs'],
    });
    expect(devHelperCommand({ ...rt, platform: 'darwin' }).command).toBe('/usr/bin/env');
    const win = devHelperCommand({ ...rt, platform: 'win32', root: 'C:\\flint', npmNode: 'C:\\node\\node.exe' });
    expect(win).toEqual({ command: 'C:\\node\\node.exe', args: ['C:\\flint\\out\\native\\writer\\main.mjs'] });
  });

  it('says how to build a missing helper instead of failing to spawn it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-root-'));
    try {
      mkdirSync(join(dir, 'bin'));
      writeFileSync(join(dir, 'bin', 'flint.mjs'), '');
      writeFileSync(join(dir, 'package.json'), '{}');
      mkdirSync(join(dir, 'electron', 'core', 'write'), { recursive: true });
      const moduleUrl = pathToFileURL(join(dir, 'electron', 'core', 'write', 'elevate.ts')).href;
      expect(installRoot(moduleUrl)).toBe(dir);
      expect(() => installRoot(pathToFileURL(join(tmpdir(), 'x.mjs')).href)).toThrow(/no Flint package/);
      expect(() => devHelperCommand({ root: dir })).toThrow(
        expect.objectContaining({ code: 'WRITE_HELPER_MISSING', causes: [`run \`npm run build\` in ${dir}`] }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the packaged helper is the launcher beside app.asar, or Flint.exe itself on Windows', () => {
    expect(packagedHelperCommand('/opt/Flint/resources', { platform: 'linux', env: {} })).toEqual({
      command: '/opt/Flint/resources/native/linux/flint-writer',
      args: [],
    });
    expect(packagedHelperCommand('/Applications/Flint.app/Contents/Resources', { platform: 'darwin' }).command).toBe(
      '/Applications/Flint.app/Contents/Resources/native/darwin/flint-writer',
    );
    expect(packagedHelperCommand('C:\\Program Files\\Flint\\resources', { platform: 'win32' })).toEqual({
      command: 'C:\\Program Files\\Flint\\Flint.exe',
      args: ['--flint-writer'],
    });
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
