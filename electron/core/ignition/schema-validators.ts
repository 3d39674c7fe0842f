import Ajv04 from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import { IGNITION_SCHEMAS } from './schema-files';

/**
 * The validator of one Ignition spec version's schema, compiled by Ajv at first use. This is the
 * development and test path: the bundled CLI replaces this module with validators Ajv generated
 * at build time (build/ignition-validators.ts, Ajv's "standalone validation code"), because
 * compiling the schemas costs about 0.18 s of CPU at every start of a command that validates
 * (`flint burn`, `flint write`, `flint ignition validate`). Both paths use the same Ajv options,
 * so they report the same errors.
 */
const compiled = new Map<string, ValidateFunction>();

export const AJV_OPTIONS = { allErrors: true, strict: false } as const;

export function validatorFor(version: string): ValidateFunction {
  let fn = compiled.get(version);
  if (!fn) {
    fn = new Ajv04(AJV_OPTIONS).compile(IGNITION_SCHEMAS[version]);
    compiled.set(version, fn);
  }
  return fn;
}
