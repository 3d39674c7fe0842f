import { ERROR_CODES, type ErrorParams } from '../contract/error-codes';
import { FlintError } from '../core/errors';
import { cliCauses, cliMessage } from './messages';

/**
 * Formats an error as the stderr line Flint prints: its sentence (the CLI's wording of a
 * catalogued code, else the message), then causes (unless the sentence says it all). An invalid config first gets one line per
 * error, as `flint ignition validate` prints them.
 */
export function formatError(err: unknown): string {
  if (err instanceof FlintError) {
    if (err.code === ERROR_CODES.CONFIG_INVALID && err.params) {
      const p = err.params as ErrorParams['CONFIG_INVALID'];
      const n = p.errors.length;
      const each = p.errors.map((e) => `error at ${e.path ?? '$'}: ${e.message} [${e.code}]`);
      return [...each, `Error: ${p.file} is not a valid config (${n} error${n === 1 ? '' : 's'})`].join('\n');
    }
    if (err.code === ERROR_CODES.FLEET_INVALID && err.params) {
      // one line per problem (its causes: "line N (row R, field): ..."), as a compiler lists them
      const file = (err.params as ErrorParams['FLEET_INVALID']).file;
      return [...err.causes.map((c) => `${file}: ${c}`), `Error: ${err.message}`].join('\n');
    }
    const v = err.toJSON();
    return ['Error: ' + cliMessage(v), ...cliCauses(v)].join(': ');
  }
  if (err instanceof Error) return 'Error: ' + err.message;
  return 'Error: ' + String(err);
}
