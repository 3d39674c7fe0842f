/**
 * The launch plans of the writer helper on Windows and in an AppImage, checked as argv. Windows
 * cannot run here: the plan is decoded the way powershell.exe decodes -EncodedCommand, its string
 * literals read by PowerShell's single-quote rules, and the helper's command line split by the
 * CommandLineToArgvW rules (Microsoft's "Parsing C command-line arguments"), so what the helper
 * would receive is compared with what was meant, for paths with spaces, `&`, `^`, `|`, `%`,
 * typographic quotes and non-ASCII user names.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  UAC_CANCELLED_EXIT,
  WRITER_SWITCH,
  appImageOf,
  isAuthFailure,
  packagedHelperCommand,
  planLaunch,
  winArg,
} from '../../../electron/core/write/elevate';
import { isWriterLaunch } from '../../../electron/main/writer-launch';

/** CommandLineToArgvW's split of the arguments part of a command line. */
function commandLineToArgv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inArg = false;
  let quoted = false;
  for (let i = 0; i < line.length;) {
    const c = line[i];
    if (!quoted && (c === ' ' || c === '\t')) {
      if (inArg) out.push(cur);
      cur = '';
      inArg = false;
      i++;
      continue;
    }
    inArg = true;
    if (c === '\\') {
      let n = 0;
      while (line[i] === '\\') {
        n++;
        i++;
      }
      if (line[i] === '"') {
        cur += '\\'.repeat(Math.floor(n / 2));
        if (n % 2 === 1) {
          cur += '"';
          i++;
        }
      } else cur += '\\'.repeat(n);
      continue;
    }
    if (c === '"') {
      if (quoted && line[i + 1] === '"') {
        cur += '"';
        i += 2;
        continue;
      }
      quoted = !quoted;
      i++;
      continue;
    }
    cur += c;
    i++;
  }
  if (inArg) out.push(cur);
  return out;
}

/** The value of `$i.<name> = '<literal>'` in a PowerShell script, by its single-quote rules. */
function psAssigned(script: string, name: string): string {
  const start = script.indexOf(`$i.${name} = '`);
  expect(start).toBeGreaterThanOrEqual(0);
  const quotes = /['\u2018\u2019\u201A\u201B]/;
  let out = '';
  for (let i = start + `$i.${name} = '`.length; i < script.length; i++) {
    const c = script[i];
    if (quotes.test(c)) {
      if (quotes.test(script[i + 1] ?? '')) {
        out += c;
        i++;
        continue;
      }
      return out;
    }
    out += c;
  }
  throw new Error(`unterminated string for ${name}`);
}

const users = ['Zoë O’Brien & Co', 'Ana^Lúcia|100%', "d'Artagnan", '山田 太郎', 'Émile (admin)'];

describe('Windows: the helper started elevated by its own path, no cmd.exe', () => {
  for (const user of users) {
    it(`passes every argument intact for the user "${user}"`, () => {
      const install = `C:\\Users\\${user}\\AppData\\Local\\Programs\\Flint`;
      const temp = `C:\\Users\\${user}\\AppData\\Local\\Temp\\flint-write-a&b`;
      const helper = packagedHelperCommand(`${install}\\resources`, { platform: 'win32' });
      const files = { job: `${temp}\\job.json`, events: `${temp}\\events.jsonl`, cancel: `${temp}\\cancel` };
      const plan = planLaunch({ platform: 'win32', privileged: false, helper, files });
      expect(plan.method).toBe('uac');
      expect(plan.transport).toBe('files');
      expect(plan.argv.slice(0, 4)).toEqual(['powershell.exe', '-NoProfile', '-NonInteractive', '-EncodedCommand']);
      // nothing in the argv that a command-line parser could split or reinterpret
      expect(plan.argv[4]).toMatch(/^[A-Za-z0-9+/=]+$/);
      expect(plan.argv.join(' ')).not.toMatch(/cmd(\.exe)?\b/i);
      const script = Buffer.from(plan.argv[4], 'base64').toString('utf16le');
      expect(psAssigned(script, 'FileName')).toBe(`${install}\\Flint.exe`);
      expect(script).toContain('$i.Verb = "runas"');
      expect(commandLineToArgv(psAssigned(script, 'Arguments'))).toEqual([
        WRITER_SWITCH,
        '--job',
        files.job,
        '--events',
        files.events,
        '--cancel-file',
        files.cancel,
      ]);
    });
  }

  it('quotes what CommandLineToArgvW would otherwise split or unescape', () => {
    const args = ['C:\\a b\\', 'x"y', 'tab\there', '', 'a\\\\"b', 'plain'];
    expect(commandLineToArgv(args.map(winArg).join(' '))).toEqual(args);
  });

  it('a dismissed prompt is told by ERROR_CANCELLED, in any display language', () => {
    const plan = planLaunch({
      platform: 'win32',
      privileged: false,
      helper: { command: 'C:\\F\\Flint.exe', args: [WRITER_SWITCH] },
      files: { job: 'j', events: 'e', cancel: 'c' },
    });
    const script = Buffer.from(plan.argv[4], 'base64').toString('utf16le');
    expect(script).toContain(`NativeErrorCode -eq ${UAC_CANCELLED_EXIT}) { exit ${UAC_CANCELLED_EXIT} }`);
    expect(isAuthFailure('uac', UAC_CANCELLED_EXIT, '')).toBe(true);
    expect(isAuthFailure('uac', 3, '')).toBe(false);
  });

  it('the packaged Flint.exe becomes the helper only with the switch first, and only packaged', () => {
    expect(isWriterLaunch(['C:\\F\\Flint.exe', WRITER_SWITCH, '--job', 'j'], true)).toBe(true);
    expect(isWriterLaunch(['C:\\F\\Flint.exe', WRITER_SWITCH], false)).toBe(false);
    expect(isWriterLaunch(['C:\\F\\Flint.exe', 'config.ign', WRITER_SWITCH], true)).toBe(false);
    // the helper reads its arguments from argv[2] on, as under Node
    expect(['C:\\F\\Flint.exe', WRITER_SWITCH, '--job', 'j'].slice(2)).toEqual(['--job', 'j']);
  });
});

describe('AppImage: root runs $APPIMAGE on a copy of the helper outside the FUSE mount', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flint-appimage-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('detects the AppImage by APPIMAGE and APPDIR around the resources', () => {
    const env = { APPIMAGE: '/home/a b/Flint-1.0.AppImage', APPDIR: '/tmp/.mount_FlintX1' };
    expect(appImageOf('/tmp/.mount_FlintX1/resources', env)).toBe(env.APPIMAGE);
    expect(appImageOf('/tmp/.mount_FlintX10/resources', env)).toBeNull();
    expect(appImageOf('/opt/Flint/resources', env)).toBeNull();
    expect(appImageOf('/tmp/.mount_FlintX1/resources', { APPDIR: env.APPDIR })).toBeNull();
  });

  it('plans pkexec /usr/bin/env ELECTRON_RUN_AS_NODE=1 $APPIMAGE <copy>, copying again when the copy is gone', () => {
    const mount = join(dir, '.mount_FlintX1');
    const resources = join(mount, 'resources');
    mkdirSync(join(resources, 'native', 'writer'), { recursive: true });
    writeFileSync(join(resources, 'native', 'writer', 'main.mjs'), 'helper();\n');
    const appImage = join(dir, 'Zoë & Co', 'Flint 1.0.AppImage');
    let n = 0;
    const helper = packagedHelperCommand(resources, {
      platform: 'linux',
      env: { APPIMAGE: appImage, APPDIR: mount },
      copyDir: () => {
        const d = join(dir, `copy${++n}`);
        mkdirSync(d, { mode: 0o700 });
        return d;
      },
    });
    expect(helper.prepare).toBeTypeOf('function');
    const first = helper.prepare!();
    const copy = join(dir, 'copy1', 'main.mjs');
    expect(first).toEqual({ command: '/usr/bin/env', args: ['ELECTRON_RUN_AS_NODE=1', appImage, copy] });
    expect(readFileSync(copy, 'utf8')).toBe('helper();\n');
    expect(statSync(join(dir, 'copy1')).mode & 0o777).toBe(0o700);
    expect(helper.prepare!().args[2]).toBe(copy); // kept while it exists
    rmSync(copy);
    expect(helper.prepare!().args[2]).toBe(join(dir, 'copy2', 'main.mjs'));
    expect(existsSync(join(dir, 'copy2', 'main.mjs'))).toBe(true);

    const plan = planLaunch({ platform: 'linux', privileged: false, helper: helper.prepare!() });
    expect(plan.argv).toEqual([
      'pkexec',
      '--disable-internal-agent',
      '/usr/bin/env',
      'ELECTRON_RUN_AS_NODE=1',
      appImage,
      join(dir, 'copy2', 'main.mjs'),
    ]);
    // nothing of the FUSE mount is in the argv root runs
    expect(plan.argv.some((a) => a.startsWith(mount))).toBe(false);
  });
});
