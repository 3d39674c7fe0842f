import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { FlintError } from '../core/errors';
import { ButaneError } from '../core/ignition/butane/translate';
import type { FieldSettings } from '../core/ignition/field-settings';
import { loadConfigFile } from '../core/ignition/load';
import type { CustomizeRequest, NamedFile } from '../core/iso/customize';
import { addFieldSettingsOptions, readFieldSettings } from './commands/ignition';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Name of the live config made from the field-settings flags (merged after the user's configs). */
export const FIELD_SETTINGS_NAME = 'field-settings.ign';

/**
 * Adds every `iso customize` option with coreos-installer's names (docs/live-iso-format.md §7.3) to `cmd`, plus
 * Flint's field-settings flags (--ssh-key, --hostname, --static-ip, --timezone). Not -f/-o:
 * commands that reuse these options define those themselves.
 */
export function addCustomizeOptions(cmd: Command): Command {
  addFieldSettingsOptions(cmd);
  return cmd
    .option('--dest-ignition <path>', 'Ignition config for the destination system (repeatable: merged)', collect)
    .option('--dest-device <path>', 'install to this device without asking')
    .option('--dest-console <spec>', 'kernel and bootloader console for the destination, e.g. ttyS0,115200n8 (repeatable)', collect)
    .option('--dest-karg-append <arg>', 'destination kernel argument to append (repeatable)', collect)
    .option('--dest-karg-delete <arg>', 'destination kernel argument to delete (repeatable)', collect)
    .option(
      '--network-keyfile <path>',
      'NetworkManager keyfile for the live system and, with the installer, the destination (repeatable)',
      collect,
    )
    .option('--network-nmstate <path>', 'NOT SUPPORTED by Flint (left out): convert with `nmstatectl gc` and use --network-keyfile')
    .option('--ignition-ca <path>', 'CA certificate (PEM) for Ignition HTTPS fetches (repeatable)', collect)
    .option('--pre-install <path>', 'script to run before installing (repeatable)', collect)
    .option('--post-install <path>', 'script to run after installing (repeatable)', collect)
    .option('--installer-config <path>', 'coreos-installer config file (YAML) (repeatable)', collect)
    .option('--live-ignition <path>', 'Ignition config merged into the live system (repeatable)', collect)
    .option('--live-karg-append <arg>', 'live kernel argument to append (repeatable)', collect)
    .option('--live-karg-delete <arg>', 'live kernel argument to delete (repeatable)', collect)
    .option('--live-karg-replace <k=o=n>', 'live kernel argument to replace, KEY=OLD=NEW (repeatable)', collect);
}

/** Reads a file given on the command line into a NamedFile; the error names the path. */
export async function readNamedFile(path: string): Promise<NamedFile> {
  try {
    return { name: path, data: new Uint8Array(await readFile(path)) };
  } catch (err) {
    throw new FlintError('READ_FAILED', `reading ${path}`, [(err as Error).message]);
  }
}

/**
 * Reads an Ignition config given on the command line (.ign as is, Butane .bu translated); a
 * Butane problem becomes one error naming the file and the YAML line.
 */
export async function readConfigFile(path: string): Promise<NamedFile> {
  try {
    return { name: path, data: await loadConfigFile(path) };
  } catch (err) {
    if (err instanceof ButaneError) throw new FlintError(err.code, `${path}: ${err.message}`, err.causes);
    throw err;
  }
}

const readAll = async (paths: unknown, read = readNamedFile): Promise<NamedFile[] | undefined> =>
  Array.isArray(paths) && paths.length > 0 ? Promise.all(paths.map((p) => read(String(p)))) : undefined;

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.length > 0 ? v.map(String) : undefined);

/** True when the parsed options ask for any customization at all. */
export function hasCustomizeOptions(opts: Record<string, unknown>): boolean {
  return [
    'destIgnition',
    'destDevice',
    'destConsole',
    'destKargAppend',
    'destKargDelete',
    'networkKeyfile',
    'networkNmstate',
    'ignitionCa',
    'preInstall',
    'postInstall',
    'installerConfig',
    'liveIgnition',
    'liveKargAppend',
    'liveKargDelete',
    'liveKargReplace',
    'sshKey',
    'hostname',
    'staticIp',
    'timezone',
  ].some((k) => opts[k] !== undefined);
}

/**
 * Adds field settings to a request: the fragment as one more live config (named
 * FIELD_SETTINGS_NAME, after the others so its values win) and the static IP keyfile as a network
 * keyfile (the ISO engine refuses it on images without the live-initrd-network feature).
 */
export function applyFieldSettings(req: CustomizeRequest, settings: FieldSettings): CustomizeRequest {
  // a static IP alone makes an empty fragment: nothing to merge then
  if (Object.keys(settings.fragment).some((k) => k !== 'ignition')) {
    const fragment = { name: FIELD_SETTINGS_NAME, data: new TextEncoder().encode(JSON.stringify(settings.fragment)) };
    req.liveIgnition = [...(req.liveIgnition ?? []), fragment];
  }
  if (settings.networkKeyfiles.length) req.networkKeyfile = [...(req.networkKeyfile ?? []), ...settings.networkKeyfiles];
  return req;
}

/** Extra inputs of `readCustomizeRequest` from a command's own flags (e.g. `burn --ignition`). */
export interface ExtraCustomizeInput {
  /** More live config paths (.ign or .bu), merged after --live-ignition. */
  liveIgnition?: string[];
}

/**
 * Turns commander's parsed options into a CustomizeRequest, reading every named file: live and
 * destination configs may be Butane (translated), and the field-settings flags become one more
 * live config plus a network keyfile.
 */
export async function readCustomizeRequest(opts: Record<string, unknown>, extra: ExtraCustomizeInput = {}): Promise<CustomizeRequest> {
  if (opts.networkNmstate !== undefined) {
    throw new FlintError('NMSTATE_UNSUPPORTED', '--network-nmstate is not supported by Flint', [
      'convert the file with `nmstatectl gc` and pass the resulting keyfiles with --network-keyfile',
    ]);
  }
  const req: CustomizeRequest = {
    destIgnition: await readAll(opts.destIgnition, readConfigFile),
    destDevice: typeof opts.destDevice === 'string' ? opts.destDevice : undefined,
    destConsole: strings(opts.destConsole),
    destKargAppend: strings(opts.destKargAppend),
    destKargDelete: strings(opts.destKargDelete),
    networkKeyfile: await readAll(opts.networkKeyfile),
    ignitionCa: await readAll(opts.ignitionCa),
    preInstall: await readAll(opts.preInstall),
    postInstall: await readAll(opts.postInstall),
    installerConfig: await readAll(opts.installerConfig),
    liveIgnition: await readAll([...(strings(opts.liveIgnition) ?? []), ...(extra.liveIgnition ?? [])], readConfigFile),
    liveKargAppend: strings(opts.liveKargAppend),
    liveKargDelete: strings(opts.liveKargDelete),
    liveKargReplace: strings(opts.liveKargReplace),
    force: opts.force === true,
  };
  const settings = await readFieldSettings(opts as Parameters<typeof readFieldSettings>[0]);
  if (settings) applyFieldSettings(req, settings);
  for (const k of Object.keys(req) as (keyof CustomizeRequest)[]) if (req[k] === undefined) delete req[k];
  return req;
}
