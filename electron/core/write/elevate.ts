import { existsSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import { ERROR_CODES } from '../../contract/error-codes';
import { codedError, FlintError } from '../errors';
import { installRoot } from '../install-root';

/**
 * How the writer helper is started. It is always the compiled bundle: never TypeScript, nothing
 * resolved or transpiled at run time, since it may run as root.
 * CLI, `flint ui` and the desktop app run from a checkout: this Node on
 * `<root>/out/native/writer/main.mjs` (built by `npm run build`).
 * Packaged app: a launcher script next to the app (native/<os>/flint-writer*) that runs the
 * Electron binary with ELECTRON_RUN_AS_NODE=1 on the bundled helper; elevation tools clear the
 * environment, so the variable is set inside the launcher, never passed through the prompt.
 */
export interface HelperCommand {
  command: string;
  args: string[];
}

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
 * a plain absolute path, the program argument (no `--import` of a loader: on Windows Node would
 * want a file URL there, ERR_UNSUPPORTED_ESM_URL_SCHEME). Inside an unpackaged Electron the binary
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

/**
 * The helper of the packaged app: the launcher under `<resources>/native/<os>/` (it sets
 * ELECTRON_RUN_AS_NODE=1 and runs `<resources>/native/writer/main.mjs` with the app's binary).
 */
export function packagedHelperCommand(resourcesPath: string, platform: NodeJS.Platform = process.platform): HelperCommand {
  if (platform === 'win32') return { command: `${resourcesPath}\\native\\win32\\flint-writer.cmd`, args: [] };
  const os = platform === 'darwin' ? 'darwin' : 'linux';
  return { command: posix.join(resourcesPath, 'native', os, 'flint-writer'), args: [] };
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

/** PowerShell single-quoted string: quotes doubled. */
export function psQuote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
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
    const argList = full.slice(1).map(winArg).join(' ');
    const script =
      `$p = Start-Process -FilePath ${psQuote(full[0])} -ArgumentList ${psQuote(argList)} -Verb RunAs -WindowStyle Hidden -Wait -PassThru; ` +
      'exit $p.ExitCode';
    return { method: 'uac', transport: 'files', argv: ['powershell.exe', '-NoProfile', '-NonInteractive', '-Command', script] };
  }
  throw new Error(`no elevation method for ${platform}`);
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
  if (method === 'osascript') return /-128|User cancell?ed/i.test(stderr);
  if (method === 'uac') return /cancell?ed by the user|operation was canceled/i.test(stderr);
  return false;
}

/** Whether this process already has the rights to write raw devices. */
export function isPrivileged(): boolean {
  if (process.platform === 'win32') return false; // checked by the caller with `net session` if needed
  return process.getuid?.() === 0;
}
