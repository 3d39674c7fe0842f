import { chmodSync, copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { posix, win32 } from 'node:path';
import { ERROR_CODES } from '../../contract/error-codes';
import { codedError, FlintError } from '../errors';
import { installRoot } from '../install-root';

/**
 * How the writer helper is started. It is always the compiled bundle: never TypeScript, nothing
 * resolved or transpiled at run time, since it may run as root.
 * CLI, `flint ui` and the desktop app run from a checkout: this Node on
 * `<root>/out/native/writer/main.mjs` (built by `npm run build`).
 * Packaged app: on Linux and macOS a launcher script next to the app (native/<os>/flint-writer)
 * that runs the Electron binary with ELECTRON_RUN_AS_NODE=1 on the bundled helper (elevation tools
 * clear the environment, so the variable is set inside the launcher, never passed through the
 * prompt); on Windows the app's own Flint.exe with WRITER_SWITCH (see packagedHelperCommand).
 */
export interface HelperCommand {
  command: string;
  args: string[];
  /** The command to run, made right before each launch (AppImage: the helper copy, made again if it was removed). */
  prepare?: () => HelperCommand;
}

/**
 * The first argument that makes the packaged Flint.exe run the writer helper instead of the app
 * (electron/main/index.ts): UAC then names Flint and its publisher, where the former `.cmd`
 * launcher showed "Windows Command Processor" and let cmd.exe read `&`, `^` and `|` in paths.
 * In the helper, process.argv.slice(2) is then the helper's own arguments, as under Node.
 */
export const WRITER_SWITCH = '--flint-writer';

/** The runtime `devHelperCommand` plans for (this process unless a test says otherwise). */
export interface HelperRuntime {
  platform?: NodeJS.Platform;
  /** The running binary: Node, or Electron when the desktop app runs unpackaged. */
  execPath?: string;
  /** Electron's version when running inside Electron. */
  electron?: string;
  /** The package root holding out/native/writer/main.mjs. */
  root?: string;
  /** The Node that started npm (npm sets npm_node_execpath for `npm start`). */
  npmNode?: string;
  /** File check (tests planning for another OS pass their own). */
  exists?: (path: string) => boolean;
}

/**
 * The compiled helper of this checkout or installed package, run by Node. The helper is given as
 * a plain absolute path, the program argument: nothing is passed to `--import`, which on Windows
 * takes only a file URL (a drive-letter path fails with ERR_UNSUPPORTED_ESM_URL_SCHEME), so no
 * loader is needed in development either. Inside an unpackaged Electron the binary
 * is Electron, which runs a script as Node only with ELECTRON_RUN_AS_NODE=1: set through
 * /usr/bin/env on Linux and macOS (pkexec and sudo clear the environment, the argv survives);
 * Windows elevation does not pass the environment either, so there the Node that ran npm runs it.
 */
export function devHelperCommand(rt: HelperRuntime = {}): HelperCommand {
  const platform = rt.platform ?? process.platform;
  const path = platform === 'win32' ? win32 : posix;
  const root = rt.root ?? installRoot(import.meta.url);
  const helper = path.join(root, 'out', 'native', 'writer', 'main.mjs');
  if (!(rt.exists ?? existsSync)(helper)) {
    throw new FlintError('WRITE_HELPER_MISSING', `The writer helper is not built (${helper})`, [`run \`npm run build\` in ${root}`]);
  }
  const execPath = rt.execPath ?? process.execPath;
  const electron = 'electron' in rt ? rt.electron : process.versions.electron;
  if (!electron) return { command: execPath, args: [helper] };
  if (platform === 'win32') return { command: rt.npmNode ?? process.env.npm_node_execpath ?? 'node.exe', args: [helper] };
  return { command: '/usr/bin/env', args: ['ELECTRON_RUN_AS_NODE=1', execPath, helper] };
}

/** What packagedHelperCommand needs to know of the running app (tests pass their own). */
export interface PackagedRuntime {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** Where the AppImage's helper copy goes (a fresh private directory by default). */
  copyDir?: () => string;
}

/**
 * The helper of the packaged app.
 * - Windows: `<install>\Flint.exe --flint-writer`, started by its own path (no cmd.exe).
 * - Linux and macOS: the launcher under `<resources>/native/<os>/` (it sets ELECTRON_RUN_AS_NODE=1
 *   and runs `<resources>/native/writer/main.mjs` with the app's binary).
 * - Linux AppImage: the app runs from a FUSE mount that only the user can read, so root could
 *   not run the launcher there (pkexec exit 127, which read as a cancelled prompt). The helper
 *   (one file) is copied to a private directory outside the mount and `$APPIMAGE` itself is run
 *   as root on it: root mounts its own copy of the image and AppRun hands the arguments to the
 *   binary, which ELECTRON_RUN_AS_NODE=1 (set through /usr/bin/env, argv survives pkexec) turns
 *   into Node. Etcher re-runs $APPIMAGE the same way (lib/gui/app/modules/image-writer.ts).
 */
export function packagedHelperCommand(resourcesPath: string, rt: PackagedRuntime = {}): HelperCommand {
  const platform = rt.platform ?? process.platform;
  if (platform === 'win32') return { command: win32.join(resourcesPath, '..', 'Flint.exe'), args: [WRITER_SWITCH] };
  if (platform === 'darwin') return { command: posix.join(resourcesPath, 'native', 'darwin', 'flint-writer'), args: [] };
  const appImage = appImageOf(resourcesPath, rt.env ?? process.env);
  if (appImage) {
    const source = posix.join(resourcesPath, 'native', 'writer', 'main.mjs');
    let copy = '';
    const prepare = (): HelperCommand => {
      if (!copy || !existsSync(copy)) {
        const dir = (rt.copyDir ?? (() => mkdtempSync(posix.join(tmpdir(), 'flint-writer-'))))();
        copy = posix.join(dir, 'main.mjs');
        copyFileSync(source, copy);
        chmodSync(copy, 0o644);
      }
      return { command: '/usr/bin/env', args: ['ELECTRON_RUN_AS_NODE=1', appImage, copy] };
    };
    return { command: '/usr/bin/env', args: ['ELECTRON_RUN_AS_NODE=1', appImage], prepare };
  }
  return { command: posix.join(resourcesPath, 'native', 'linux', 'flint-writer'), args: [] };
}

/**
 * The AppImage file this app runs from, when it does: the AppImage runtime sets APPIMAGE (the
 * file) and APPDIR (its mount point); the app's resources are then inside APPDIR.
 */
export function appImageOf(resourcesPath: string, env: NodeJS.ProcessEnv): string | null {
  const file = env.APPIMAGE;
  const dir = env.APPDIR;
  if (!file || !dir || !posix.isAbsolute(file)) return null;
  const inside = resourcesPath === dir || resourcesPath.startsWith(dir.endsWith('/') ? dir : dir + '/');
  return inside ? file : null;
}

/** How events and the job travel: pipes (stdio) or files (prompts that do not pass stdio through). */
export type HelperTransport = 'stdio' | 'files';

/** The elevation mechanism used. */
export type ElevationMethod = 'none' | 'pkexec' | 'osascript' | 'uac';

/** A launch plan: the exact argv to spawn (a fixed array, never a shell string made from input). */
export interface LaunchPlan {
  method: ElevationMethod;
  transport: HelperTransport;
  argv: string[];
}

/** Files of the files transport (job in, events out, cancel flag). */
export interface TransportFiles {
  job: string;
  events: string;
  cancel: string;
}

/** POSIX shell single-quoting: 'it'\''s'. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** AppleScript string literal contents: backslash and double quote escaped. */
export function appleScriptEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * PowerShell single-quoted string: quotes doubled. PowerShell also ends such a string at the
 * typographic single quotes U+2018 to U+201B (its language specification, §2.3.5.2
 * single-quote-character), which a user name like O’Brien holds: they are doubled too.
 */
export function psQuote(s: string): string {
  return `'${s.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}

/** One Windows command-line argument, quoted as CommandLineToArgvW expects. */
export function winArg(s: string): string {
  if (s !== '' && !/[\s"]/.test(s)) return s;
  return '"' + s.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1') + '"';
}

/** Options for planning a launch. */
export interface PlanOptions {
  platform?: NodeJS.Platform;
  /** Already root/administrator: start the helper directly, no prompt. */
  privileged: boolean;
  helper: HelperCommand;
  /** Needed for the files transport (macOS, Windows). */
  files?: TransportFiles;
  /** Linux: let pkexec ask on the terminal when no graphical agent runs (CLI). */
  textPrompt?: boolean;
}

/**
 * Plans how to start the helper: directly when privileged; else pkexec (Linux, stdio passes
 * through), osascript "do shell script ... with administrator privileges" (macOS) or PowerShell
 * Start-Process -Verb RunAs (Windows), the last two with the files transport.
 */
export function planLaunch(o: PlanOptions): LaunchPlan {
  const platform = o.platform ?? process.platform;
  const base = [o.helper.command, ...o.helper.args];
  const fileArgs = o.files ? ['--job', o.files.job, '--events', o.files.events, '--cancel-file', o.files.cancel] : [];
  if (o.privileged) {
    return { method: 'none', transport: o.files ? 'files' : 'stdio', argv: [...base, ...fileArgs] };
  }
  if (platform === 'linux') {
    return { method: 'pkexec', transport: 'stdio', argv: ['pkexec', ...(o.textPrompt ? [] : ['--disable-internal-agent']), ...base] };
  }
  if (!o.files) throw new Error(`elevation on ${platform} needs the files transport`);
  const full = [...base, ...fileArgs];
  if (platform === 'darwin') {
    const shell = full.map(shQuote).join(' ');
    return {
      method: 'osascript',
      transport: 'files',
      argv: ['/usr/bin/osascript', '-e', `do shell script "${appleScriptEscape(shell)}" with administrator privileges`],
    };
  }
  if (platform === 'win32') {
    return {
      method: 'uac',
      transport: 'files',
      argv: ['powershell.exe', '-NoProfile', '-NonInteractive', '-EncodedCommand', encodePs(uacScript(full))],
    };
  }
  throw new Error(`no elevation method for ${platform}`);
}

/**
 * ERROR_CANCELLED (winerror.h): ShellExecuteEx's error when the UAC prompt is dismissed. The
 * elevation script exits with it, so a cancel is told by number, in every display language.
 */
export const UAC_CANCELLED_EXIT = 1223;
/** The elevation script's exit when Windows refused to start the helper for another reason. */
export const UAC_START_FAILED_EXIT = 1224;

/**
 * The PowerShell that starts the helper elevated: .NET's Process.Start with the runas verb (the
 * ShellExecuteEx call behind Start-Process -Verb RunAs), so that a dismissed prompt arrives as a
 * Win32Exception carrying its number rather than as a translated message. The program is started
 * by its own path; the arguments are one command line quoted for CommandLineToArgvW (winArg),
 * read by the program itself, never by cmd.exe.
 */
export function uacScript(argv: string[]): string {
  const [file, ...rest] = argv;
  return [
    '$ErrorActionPreference = "Stop"',
    '$i = New-Object System.Diagnostics.ProcessStartInfo',
    `$i.FileName = ${psQuote(file)}`,
    `$i.Arguments = ${psQuote(rest.map(winArg).join(' '))}`,
    '$i.Verb = "runas"',
    '$i.UseShellExecute = $true',
    '$i.WindowStyle = "Hidden"',
    `try { $p = [System.Diagnostics.Process]::Start($i) } catch [System.ComponentModel.Win32Exception] { if ($_.Exception.NativeErrorCode -eq ${UAC_CANCELLED_EXIT}) { exit ${UAC_CANCELLED_EXIT} }; [Console]::Error.WriteLine("Windows error " + $_.Exception.NativeErrorCode + ": " + $_.Exception.Message); exit ${UAC_START_FAILED_EXIT} }`,
    '$p.WaitForExit()',
    'exit $p.ExitCode',
  ].join('; ');
}

/**
 * PowerShell's -EncodedCommand form of a script: base64 of its UTF-16LE text. The script then
 * reaches powershell.exe as letters, digits, `+`, `/` and `=`, so no quoting rule of the command
 * line (CreateProcess, PowerShell's own parser) can split or change it, whatever the paths hold.
 */
export function encodePs(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

/**
 * The error for a plan whose first program could not be started. pkexec comes with polkit, which
 * minimal servers and containers often lack (Debian splits it into the `pkexec` package): say how
 * to go on without it instead of "spawn pkexec ENOENT".
 */
export function launchError(plan: LaunchPlan, err: NodeJS.ErrnoException): FlintError {
  if (plan.method === 'pkexec' && err.code === 'ENOENT') {
    return codedError(
      ERROR_CODES.WRITE_NO_ELEVATION_TOOL,
      { tool: 'pkexec' },
      'writing needs administrator rights and pkexec is not installed: run the command with sudo, or install polkit (its pkexec command)',
    );
  }
  return codedError(
    ERROR_CODES.WRITE_HELPER_FAILED,
    { exitCode: null, signal: null },
    `could not start the writer helper (${plan.argv[0]})`,
    [err.message],
  );
}

/** True when the elevation tool's exit says the prompt was dismissed or authorization refused. */
export function isAuthFailure(method: ElevationMethod, exitCode: number | null, stderr: string): boolean {
  if (method === 'pkexec') return exitCode === 126 || exitCode === 127;
  // osascript's error number -128 (userCanceledErr) is printed in every language
  if (method === 'osascript') return /\(-128\)/.test(stderr);
  if (method === 'uac') return exitCode === UAC_CANCELLED_EXIT;
  return false;
}

/** Whether this process already has the rights to write raw devices. */
export function isPrivileged(): boolean {
  if (process.platform === 'win32') return false; // checked by the caller with `net session` if needed
  return process.getuid?.() === 0;
}
