import { parse as parseYaml } from 'yaml';
import { FlintError } from '../errors';

/** Ignition spec versions coreos-installer (ignition-config 0.6.1) accepts for live/dest configs. */
export const IGNITION_VERSIONS = ['3.0.0', '3.1.0', '3.2.0', '3.3.0', '3.4.0', '3.5.0', '3.6.0'];

/**
 * Checks that `data` is an Ignition 3.x config (valid JSON, an object, a supported
 * `ignition.version`) and returns the parsed value. Errors read
 * `parsing Ignition config <path>: <cause>` as coreos-installer's do.
 */
export function parseIgnitionConfig(path: string, data: Uint8Array): Record<string, unknown> {
  const fail = (cause: string) => new FlintError('IGNITION_INVALID', `parsing Ignition config ${path}`, [cause]);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch (err) {
    throw fail(`serialization error: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw fail('serialization error: expected a JSON object');
  const ign = (value as Record<string, unknown>).ignition as Record<string, unknown> | undefined;
  const version = ign && typeof ign === 'object' ? ign.version : undefined;
  if (typeof version !== 'string') throw fail('serialization error: missing field `ignition.version`');
  if (!IGNITION_VERSIONS.includes(version)) throw fail(`unsupported config version: ${version}`);
  return value as Record<string, unknown>;
}

/** Checks that an installer config file parses as a YAML mapping (or is empty). */
export function parseInstallerConfig(path: string, data: Uint8Array): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseYaml(Buffer.from(data).toString('utf8'));
  } catch (err) {
    throw new FlintError('INSTALLER_CONFIG_INVALID', `parsing installer config ${path}`, [(err as Error).message.split('\n')[0]]);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new FlintError('INSTALLER_CONFIG_INVALID', `parsing installer config ${path}`, ['expected a mapping of installer directives']);
  }
  return value as Record<string, unknown>;
}

/**
 * Normalises a `--dest-console` spec like coreos-installer: `ttyS0,115200` → `ttyS0,115200n8`;
 * a bare device name (`tty0`) is kept.
 */
export function normaliseConsole(spec: string): string {
  const m = /^([A-Za-z][A-Za-z0-9_]*)(?:,([0-9]+)(?:([noe])([5-8])?)?)?$/.exec(spec);
  if (!m) throw new FlintError('CONSOLE_INVALID', `invalid console argument '${spec}'`, ['expected e.g. tty0 or ttyS0,115200n8']);
  const [, name, speed, parity, bits] = m;
  if (speed === undefined) return name;
  return `${name},${speed}${parity ?? 'n'}${bits ?? '8'}`;
}
