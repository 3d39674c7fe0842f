/**
 * Per-user folders for what Flint keeps between runs: settings (the config folder) and the flash
 * record and the wizard's memory (the state folder). The desktop app passes Electron's userData
 * instead; `flint ui` and the CLI use these. Linux follows the XDG Base Directory Specification
 * (XDG_CONFIG_HOME, XDG_STATE_HOME); macOS keeps both in ~/Library/Application Support/Flint and
 * Windows in %APPDATA%\Flint, where Electron's userData would be.
 */
import { homedir } from 'node:os';
import path from 'node:path';

/** Where settings live. */
export function userConfigDir(env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): string {
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(homedir(), 'AppData', 'Roaming'), 'Flint');
  if (platform === 'darwin') return path.join(homedir(), 'Library', 'Application Support', 'Flint');
  return path.join(env.XDG_CONFIG_HOME || path.join(homedir(), '.config'), 'flint');
}

/** Where the flash record and the wizard's memory live. */
export function userStateDir(env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): string {
  if (platform === 'win32' || platform === 'darwin') return userConfigDir(env, platform);
  return path.join(env.XDG_STATE_HOME || path.join(homedir(), '.local', 'state'), 'flint');
}
