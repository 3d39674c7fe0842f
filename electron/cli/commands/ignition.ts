import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { FlintError } from '../../core/errors';
import { type FieldSettings, fieldSettings, parseStaticIp } from '../../core/ignition/field-settings';
import { mergeConfig } from '../../core/ignition/merge';
import { persistentVarFragment } from '../../core/ignition/persistent-var';
import { type ConfigIssue, type JsonObject, type ValidationReport, isObject } from '../../core/ignition/types';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/**
 * Loaded by the verbs that read a config: the loader (Butane brings yaml) and the validator (Ajv
 * and the schemas) are not needed by the commands that only borrow the field-settings flags.
 */
const loadConfigFile = async (path: string, opts?: { target?: 'live' | 'installed' }) =>
  (await import('../../core/ignition/load')).loadConfigFile(path, opts);

/** Formats a validation report as the human-readable lines `flint ignition validate` prints. */
export function formatReport(file: string, report: ValidationReport): string[] {
  const line = (kind: string, i: ConfigIssue): string => `${kind} at ${i.path}: ${i.message} [${i.code}]`;
  const lines = [...report.errors.map((i) => line('error', i)), ...report.warnings.map((i) => line('warning', i))];
  const size = report.compressedSize !== undefined ? `; embedded size ${report.compressedSize} of ${report.capacity} bytes` : '';
  const verdict = report.ok
    ? `valid Ignition ${report.version} config`
    : `INVALID (${report.errors.length} error${report.errors.length === 1 ? '' : 's'})`;
  lines.push(`${file}: ${verdict}, ${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'}${size}`);
  return lines;
}

async function readBytes(file: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    throw new FlintError('CONFIG_READ', `cannot read ${what} ${file}`, [(err as Error).message]);
  }
}

async function writeOut(path: string, data: string | Uint8Array, mode?: number): Promise<void> {
  try {
    await writeFile(path, data, mode !== undefined ? { mode } : undefined);
    if (mode !== undefined) await chmod(path, mode);
  } catch (err) {
    throw new FlintError('CONFIG_WRITE', `cannot write ${path}`, [(err as Error).message]);
  }
}

/**
 * Adds the field-settings flags (`--ssh-key FILE` (repeatable), `--hostname NAME`,
 * `--static-ip [IFACE=]ADDR/PREFIX,GW[,DNS...]`, `--timezone TZ`) to a command (`burn`,
 * `iso customize`, `ignition fragment settings`).
 */
export function addFieldSettingsOptions(cmd: Command): Command {
  return cmd
    .option('--ssh-key <file>', 'SSH public key file for user core (repeatable)', collect)
    .option('--hostname <name>', 'host name written to /etc/hostname')
    .option('--static-ip <spec>', 'static network [IFACE=]ADDR/PREFIX,GATEWAY[,DNS...] (a NetworkManager keyfile)')
    .option('--timezone <tz>', 'time zone, e.g. Europe/Berlin');
}

/**
 * Turns the parsed field-settings flags into a config fragment and keyfiles, reading the SSH key
 * files; null when none of the flags was given. Merge the fragment into the live config with
 * `mergeConfig` and pass the keyfiles as `CustomizeRequest.networkKeyfile`.
 */
export async function readFieldSettings(opts: {
  sshKey?: string[];
  hostname?: string;
  staticIp?: string;
  timezone?: string;
}): Promise<FieldSettings | null> {
  if (!opts.sshKey?.length && opts.hostname === undefined && opts.staticIp === undefined && opts.timezone === undefined) return null;
  const keys = opts.sshKey?.length
    ? await Promise.all(opts.sshKey.map(async (f) => new TextDecoder().decode(await readBytes(f, 'SSH key'))))
    : undefined;
  return fieldSettings({
    sshKeys: keys,
    hostname: opts.hostname,
    timezone: opts.timezone,
    staticIp: opts.staticIp !== undefined ? parseStaticIp(opts.staticIp) : undefined,
  });
}

async function emit(fragment: JsonObject, opts: { into?: string; output?: string; pretty?: boolean }): Promise<void> {
  let config = fragment;
  if (opts.into) {
    const base: unknown = JSON.parse(new TextDecoder().decode(await loadConfigFile(opts.into)));
    if (!isObject(base)) throw new FlintError('CONFIG_INVALID', `${opts.into} is not a JSON object`);
    config = mergeConfig(base, fragment);
  }
  const json = JSON.stringify(config, null, opts.pretty ? 2 : undefined) + '\n';
  if (opts.output) await writeOut(opts.output, json);
  else process.stdout.write(json);
}

function registerFragment(ign: Command): void {
  const frag = ign.command('fragment').description('Print a ready Ignition fragment (or merge it into a config with --into)');
  frag
    .command('var')
    .description('Persistent /var for a live system: created on the first boot, reused after')
    .requiredOption('--disk <device>', 'the data disk by a stable name, e.g. /dev/disk/by-id/ata-...')
    .option('--format <fs>', 'xfs or ext4', 'xfs')
    .option('--size-mib <n>', 'size of the var partition in MiB (default: rest of the disk)')
    .option('--luks-key-file <file>', 'encrypt /var with LUKS, unlocked with this key file on every boot')
    .option('--into <config>', 'merge into this .ign/.bu config and print the result')
    .option('-o, --output <out>', 'write here instead of stdout')
    .option('-p, --pretty', 'indent the JSON output')
    .action(
      async (opts: {
        disk: string;
        format: string;
        sizeMib?: string;
        luksKeyFile?: string;
        into?: string;
        output?: string;
        pretty?: boolean;
      }) => {
        const sizeMiB = opts.sizeMib !== undefined ? Number(opts.sizeMib) : undefined;
        const luksKeyFile = opts.luksKeyFile ? await readBytes(opts.luksKeyFile, 'LUKS key file') : undefined;
        await emit(persistentVarFragment({ disk: opts.disk, filesystem: opts.format as 'xfs', sizeMiB, luksKeyFile }), opts);
      },
    );
  addFieldSettingsOptions(
    frag
      .command('settings')
      .description('SSH key, host name, time zone (config fragment) and a static IP (NetworkManager keyfile)')
      .option('--keyfile-dir <dir>', 'where to write the static IP keyfile (embed it with --network-keyfile)')
      .option('--into <config>', 'merge into this .ign/.bu config and print the result')
      .option('-o, --output <out>', 'write here instead of stdout')
      .option('-p, --pretty', 'indent the JSON output'),
  ).action(
    async (opts: {
      sshKey?: string[];
      hostname?: string;
      staticIp?: string;
      timezone?: string;
      keyfileDir?: string;
      into?: string;
      output?: string;
      pretty?: boolean;
    }) => {
      const settings = await readFieldSettings(opts);
      if (!settings) throw new FlintError('USAGE', 'give at least one of --ssh-key, --hostname, --static-ip, --timezone');
      if (settings.networkKeyfiles.length && !opts.keyfileDir) {
        throw new FlintError(
          'USAGE',
          '--static-ip makes a NetworkManager keyfile: give --keyfile-dir DIR to write it, then embed it with --network-keyfile',
        );
      }
      for (const k of settings.networkKeyfiles) {
        await mkdir(opts.keyfileDir as string, { recursive: true });
        await writeOut(join(opts.keyfileDir as string, k.name), k.data, 0o600);
        process.stderr.write(`wrote ${join(opts.keyfileDir as string, k.name)} (embed it with --network-keyfile)\n`);
      }
      await emit(settings.fragment, opts);
    },
  );
}

/** Registers `flint ignition validate` and `flint ignition fragment var|settings`. */
export function registerIgnition(program: Command): void {
  const ign = program.command('ignition').description('Check and build Ignition configs');
  ign
    .command('validate')
    .description('Validate an Ignition config (spec 3.x, or a Butane .bu) and lint it for live-boot traps; exit 1 on errors')
    .argument('<file>', 'Ignition config (.ign) or Butane config (.bu)')
    .option('--json', 'print the report as JSON')
    .option('--no-live', 'skip the live-boot lint (config for an installed system)')
    .action(async (file: string, opts: { json?: boolean; live: boolean }) => {
      const { validateIgnition } = await import('../../core/ignition/validate');
      const report = await validateIgnition(await loadConfigFile(file, { target: opts.live ? 'live' : 'installed' }), { live: opts.live });
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(file, report).join('\n') + '\n');
      if (!report.ok) {
        const first = report.errors[0];
        throw new FlintError('IGNITION_INVALID', `${file} is not a valid Ignition config`, [`${first.path}: ${first.message}`]);
      }
    });
  registerFragment(ign);
}
