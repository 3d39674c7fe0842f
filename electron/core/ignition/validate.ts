import { buildEmbedPayload } from '../iso/payload';
import { CONFIG_IGN } from '../live-names';
import { liveBootIssues } from './lint';
import { IGNITION_SCHEMAS, SUPPORTED_IGNITION_VERSIONS, schemaIssues, unknownKeys } from './schema';
import { semanticIssues } from './semantics';
import { type ConfigIssue, type ValidationReport, appendAll, isObject } from './types';

/** Size of the Ignition embed area of current FCOS live ISOs (`coreos/igninfo.json`), in bytes. */
export const DEFAULT_EMBED_CAPACITY = 262144;

/** Options of `validateIgnition`. */
export interface ValidateOptions {
  /** Run the live-boot lint (default true; false for configs meant for an installed system). */
  live?: boolean;
  /** Embed-area capacity to compare with (default 262144); 0 skips the size check. */
  capacity?: number;
  /** Measures the embedded size of the config bytes (default: Flint's cpio + xz payload builder). */
  measure?: (bytes: Uint8Array) => Promise<number>;
}

/** Flint's real measurement: the config as the single `config.ign` member of the embed payload. */
export async function measureEmbedded(bytes: Uint8Array): Promise<number> {
  return (await buildEmbedPayload([{ path: CONFIG_IGN, data: bytes }])).length;
}

function fail(version: string | null, error: ConfigIssue): ValidationReport {
  return { ok: false, version, errors: [error], warnings: [] };
}

/**
 * Validates an Ignition config: JSON syntax, a known 3.x spec version, the official schema of that
 * version, Ignition's semantic rules, the live-boot lint (warnings) and the compressed size
 * against the embed area. Never throws for a bad config; every problem is in the report.
 */
export async function validateIgnition(bytes: Uint8Array, opts: ValidateOptions = {}): Promise<ValidationReport> {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    // Go's encoding/json (Ignition) does not skip a byte-order mark: "invalid character 'ï'
    // looking for beginning of value", so such a config fails on the machine.
    return fail(null, {
      code: 'JSON_BOM',
      path: '$',
      message: 'the config starts with a UTF-8 byte-order mark, which Ignition rejects; save it as UTF-8 without BOM',
      params: {},
    });
  }
  let config: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    config = JSON.parse(text);
  } catch (err) {
    return fail(null, {
      code: 'JSON_INVALID',
      path: '$',
      message: `not valid JSON: ${(err as Error).message}`,
      params: { detail: (err as Error).message },
    });
  }
  if (!isObject(config))
    return fail(null, { code: 'JSON_INVALID', path: '$', message: 'an Ignition config must be a JSON object', params: {} });
  const ign = config.ignition;
  const version = isObject(ign) && typeof ign.version === 'string' ? ign.version : null;
  if (version === null) {
    return fail(null, {
      code: 'VERSION_MISSING',
      path: '$.ignition.version',
      message:
        'the config has no ignition.version; Fedora CoreOS needs e.g. "3.4.0" (is this a Butane YAML file? translate it with `flint butane` first)',
      params: {},
    });
  }
  if (/^[12]\./.test(version)) {
    return fail(version, {
      code: 'VERSION_2X',
      path: '$.ignition.version',
      message: `Ignition spec ${version} is the old 2.x format that Fedora CoreOS does not accept; rewrite it as a spec 3.x config (or as Butane)`,
      params: { version },
    });
  }
  if (!(version in IGNITION_SCHEMAS)) {
    const hint = version.endsWith('-experimental') ? '; Fedora CoreOS releases do not accept experimental specs' : '';
    return fail(version, {
      code: 'VERSION_UNKNOWN',
      path: '$.ignition.version',
      message: `unknown Ignition spec version "${version}" (Flint knows ${SUPPORTED_IGNITION_VERSIONS.join(', ')})${hint}`,
      params: { version, known: SUPPORTED_IGNITION_VERSIONS.join(', '), experimental: hint ? 1 : 0 },
    });
  }

  // every problem is reported: the semantic rules run even when the schema already failed (they
  // skip entries of the wrong type), so one pass lists everything to fix
  const errors = schemaIssues(config, version);
  const warnings = unknownKeys(config, version);
  const sem = semanticIssues(config, version);
  appendAll(errors, sem.errors);
  appendAll(warnings, sem.warnings);
  if (errors.length === 0 && opts.live !== false) appendAll(warnings, liveBootIssues(config));

  const report: ValidationReport = { ok: errors.length === 0, version, errors, warnings };
  const capacity = opts.capacity ?? DEFAULT_EMBED_CAPACITY;
  if (capacity > 0) {
    const size = await (opts.measure ?? measureEmbedded)(bytes);
    report.compressedSize = size;
    report.capacity = capacity;
    if (size > capacity) {
      errors.push({
        code: 'CONFIG_TOO_LARGE',
        path: '$',
        message: `the config compresses to ${size} bytes but the ISO's embed area holds ${capacity}; move large files to a remote source (with a verification hash)`,
        params: { size, capacity },
      });
      report.ok = false;
    }
  }
  return report;
}
