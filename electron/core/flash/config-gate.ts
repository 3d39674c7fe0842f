/**
 * The one gate every config passes before it is embedded, on every path (the app, `flint burn`,
 * `flint write`, `flint iso customize`): Butane is translated, the Ignition config validated
 * (schema, semantics, embed size) and, for the live system, linted for live-boot traps. An invalid
 * config is refused with every error listed; warnings go back to the front end to show.
 */
import { ERROR_CODES, type ConfigProblem } from '../../contract/error-codes';
import { codedError } from '../errors';
import type { ButaneIssue } from '../ignition/butane/translate';
import { configKind } from '../ignition/load';
import type { ConfigIssue } from '../ignition/types';
import { validateIgnition } from '../ignition/validate';
import { parseIgnitionConfig } from '../iso/config-check';
import type { NamedFile } from '../iso/live-config';

/** A config as the user gave it: Ignition JSON or Butane YAML. */
export interface ConfigInput {
  /** File name (shown in messages; its extension tells Butane from Ignition unless `format` says). */
  name: string;
  data: Uint8Array;
  /** Overrides the guess from name and content (the app holds Butane already translated). */
  format?: 'ignition' | 'butane';
  /** Directory Butane `local` paths are relative to (absent: they cannot be used). */
  filesDir?: string;
}

/** The report of one config: every error and warning, and the Ignition bytes to embed. */
export interface ConfigCheck {
  /** The Ignition config (Butane translated; Ignition bytes unchanged). */
  ignition: Uint8Array;
  ok: boolean;
  /** Ignition spec version, when it could be read. */
  version?: string;
  errors: ConfigProblem[];
  warnings: ConfigProblem[];
  /** Embedded (compressed) size and the embed area's capacity, when measured. */
  compressedSize?: number;
  capacity?: number;
}

/**
 * A Butane issue as a problem, its YAML line first in the message and, for a front end wording
 * the finding itself (renderer/src/config-words.ts `configIssueText`), among its parameters.
 */
function butaneProblem(i: ButaneIssue): ConfigProblem {
  const p: ConfigProblem = { code: i.code, path: i.path, message: `line ${i.line}: ${i.message}` };
  if (i.params) p.params = { ...i.params, line: i.line };
  return p;
}

/** An Ignition finding as a problem, with the parameters a front end words it from. */
function plain(i: ConfigIssue): ConfigProblem {
  const p: ConfigProblem = { code: i.code, path: i.path, message: i.message };
  if (i.params) p.params = i.params;
  return p;
}

/**
 * Checks one config: translates Butane (every translation error is reported), then validates the
 * Ignition config against `capacity` (0 skips the size check) with the live-boot lint when `live`.
 * Never throws for a bad config: the problems are in the result.
 */
export async function checkConfigInput(input: ConfigInput, o: { live: boolean; capacity?: number }): Promise<ConfigCheck> {
  let ignition = input.data;
  const warnings: ConfigProblem[] = [];
  const format = input.format ?? configKind(input.name, input.data);
  if (format === 'butane') {
    // the Butane translator (and its YAML parser) loads only for a Butane config
    const { ButaneError, translateButane } = await import('../ignition/butane/translate');
    try {
      // only a config for the installed system may use boot_device, grub and storage.trees
      const r = translateButane(new TextDecoder().decode(input.data), { filesDir: input.filesDir, target: o.live ? 'live' : 'installed' });
      warnings.push(...r.warnings.map(butaneProblem));
      ignition = new TextEncoder().encode(JSON.stringify(r.config));
    } catch (err) {
      if (!(err instanceof ButaneError)) throw err;
      return { ignition: input.data, ok: false, errors: err.issues.map(butaneProblem), warnings };
    }
  }
  const report = await validateIgnition(ignition, { live: o.live, capacity: o.capacity ?? 0 });
  const out: ConfigCheck = {
    ignition,
    ok: report.ok,
    errors: report.errors.map(plain),
    warnings: [...warnings, ...report.warnings.map(plain)],
  };
  if (report.version) out.version = report.version;
  if (report.compressedSize !== undefined) out.compressedSize = report.compressedSize;
  if (report.capacity !== undefined) out.capacity = report.capacity;
  return out;
}

/** The warnings of one config, by file. */
export interface ConfigWarnings {
  file: string;
  warnings: ConfigProblem[];
}

/** What passed the gate: the Ignition bytes to embed and the warnings to show. */
export interface GatedConfigs {
  live: NamedFile[];
  dest: NamedFile[];
  warnings: ConfigWarnings[];
}

/**
 * Passes every config through the gate: the live configs with the live-boot lint and against the
 * embed area's `capacity`, the installed system's configs without either. Throws IGNITION_INVALID
 * for what coreos-installer refuses too (in its words), else CONFIG_INVALID (every error of the
 * first invalid file in its parameters), before anything is written.
 */
export async function gateConfigs(o: { live?: ConfigInput[]; dest?: ConfigInput[]; capacity?: number }): Promise<GatedConfigs> {
  const warnings: ConfigWarnings[] = [];
  const pass = async (inputs: ConfigInput[], live: boolean): Promise<NamedFile[]> => {
    const out: NamedFile[] = [];
    for (const input of inputs) {
      // what coreos-installer itself refuses (not JSON, no supported spec version) keeps its
      // wording (src/live/customize.rs via iso/config-check.ts); Flint's checks come after
      if ((input.format ?? configKind(input.name, input.data)) === 'ignition') parseIgnitionConfig(input.name, input.data);
      const r = await checkConfigInput(input, { live, capacity: live ? o.capacity : 0 });
      if (!r.ok) {
        const n = r.errors.length;
        throw codedError(
          ERROR_CODES.CONFIG_INVALID,
          { file: input.name, errors: r.errors },
          `${input.name} is not a valid ${live ? 'live' : 'installer'} config (${n} error${n === 1 ? '' : 's'})`,
          r.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)),
        );
      }
      if (r.warnings.length) warnings.push({ file: input.name, warnings: r.warnings });
      out.push({ name: input.name, data: r.ignition });
    }
    return out;
  };
  const live = await pass(o.live ?? [], true);
  const dest = await pass(o.dest ?? [], false);
  return { live, dest, warnings };
}
