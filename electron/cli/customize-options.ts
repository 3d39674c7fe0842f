import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { FlintError } from '../core/errors';
import type { ConfigInput } from '../core/flash/config-gate';
import type { FlashCustomization } from '../core/flash/types';
import type { NamedFile } from '../core/iso/customize';
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
 * Reads a config given on the command line as it is (Ignition or Butane): the config gate
 * (electron/core/flash/config-gate.ts) translates and checks it; Butane `local` paths are relative
 * to the file's directory.
 */
export async function readConfigInput(path: string): Promise<ConfigInput> {
  const f = await readNamedFile(path);
  return { ...f, filesDir: dirname(path) };
}

const readAll = async <T>(paths: unknown, read: (p: string) => Promise<T>): Promise<T[] | undefined> =>
  Array.isArray(paths) && paths.length > 0 ? Promise.all(paths.map((p) => read(String(p)))) : undefined;

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.length > 0 ? v.map(String) : undefined);

/** Extra inputs of `readCustomization` from a command's own flags (e.g. `burn --ignition`, `--karg`). */
export interface ExtraCustomizeInput {
  /** More live config paths (.ign or .bu), merged after --live-ignition. */
  liveIgnition?: string[];
  /** More live kernel arguments, appended after --live-karg-append. */
  liveKargAppend?: string[];
}

/**
 * Turns commander's parsed options into a customization, reading every named file: configs as
 * given (the gate checks them), the field-settings flags as one more live config (named
 * FIELD_SETTINGS_NAME, after the others so its values win) plus a network keyfile for a static IP.
 */
export async function readCustomization(opts: Record<string, unknown>, extra: ExtraCustomizeInput = {}): Promise<FlashCustomization> {
  if (opts.networkNmstate !== undefined) {
    throw new FlintError('NMSTATE_UNSUPPORTED', '--network-nmstate is not supported by Flint', [
      'convert the file with `nmstatectl gc` and pass the resulting keyfiles with --network-keyfile',
    ]);
  }
  const liveConfigs = (await readAll([...(strings(opts.liveIgnition) ?? []), ...(extra.liveIgnition ?? [])], readConfigInput)) ?? [];
  const options: NonNullable<FlashCustomization['options']> = {
    destDevice: typeof opts.destDevice === 'string' ? opts.destDevice : undefined,
    destConsole: strings(opts.destConsole),
    destKargAppend: strings(opts.destKargAppend),
    destKargDelete: strings(opts.destKargDelete),
    networkKeyfile: await readAll(opts.networkKeyfile, readNamedFile),
    ignitionCa: await readAll(opts.ignitionCa, readNamedFile),
    preInstall: await readAll(opts.preInstall, readNamedFile),
    postInstall: await readAll(opts.postInstall, readNamedFile),
    installerConfig: await readAll(opts.installerConfig, readNamedFile),
    liveKargAppend: strings([...(strings(opts.liveKargAppend) ?? []), ...(extra.liveKargAppend ?? [])]),
    liveKargDelete: strings(opts.liveKargDelete),
    liveKargReplace: strings(opts.liveKargReplace),
    force: opts.force === true,
  };
  const settings = await readFieldSettings(opts as Parameters<typeof readFieldSettings>[0]);
  // a static IP alone makes an empty fragment: nothing to merge then
  if (settings && Object.keys(settings.fragment).some((k) => k !== 'ignition')) {
    liveConfigs.push({ name: FIELD_SETTINGS_NAME, data: new TextEncoder().encode(JSON.stringify(settings.fragment)), format: 'ignition' });
  }
  if (settings?.networkKeyfiles.length) options.networkKeyfile = [...(options.networkKeyfile ?? []), ...settings.networkKeyfiles];
  for (const k of Object.keys(options) as (keyof typeof options)[]) if (options[k] === undefined) delete options[k];
  const destConfigs = await readAll(opts.destIgnition, readConfigInput);
  return { liveConfigs, ...(destConfigs ? { destConfigs } : {}), options };
}
