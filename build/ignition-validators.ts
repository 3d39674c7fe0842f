/**
 * Precompiled Ignition schema validators for the bundles. electron/core/ignition/schema-validators.ts
 * compiles a schema with Ajv at first use; in the bundled CLI that costs about 0.18 s of CPU at
 * every start of a command that validates a config. This esbuild plugin replaces that module with
 * Ajv's standalone validation code (https://ajv.js.org/standalone.html), generated here once per
 * build with the same Ajv options, so the shipped CLI validates without compiling anything.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv04 from 'ajv-draft-04';
import standaloneCode from 'ajv/dist/standalone';
import type { Plugin } from 'esbuild';
import { IGNITION_SCHEMAS } from '../electron/core/ignition/schema-files';
import { AJV_OPTIONS } from '../electron/core/ignition/schema-validators';

const MODULE = /electron[\\/]core[\\/]ignition[\\/]schema-validators\.ts$/;
const NS = 'flint-ignition-validator';
const ROOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Standalone ESM code of one spec version's validator. */
export function validatorSource(version: string): string {
  const ajv = new Ajv04({ ...AJV_OPTIONS, code: { source: true, esm: true } });
  return standaloneCode(ajv, ajv.compile(IGNITION_SCHEMAS[version]));
}

/** The module that stands in for schema-validators.ts: a table of the precompiled validators. */
function tableSource(): string {
  const versions = Object.keys(IGNITION_SCHEMAS);
  const imports = versions.map((v, i) => `import v${i} from '${NS}:${v}';`).join('\n');
  const table = versions.map((v, i) => `  ${JSON.stringify(v)}: v${i},`).join('\n');
  return `${imports}
const validators = {
${table}
};
export const AJV_OPTIONS = ${JSON.stringify(AJV_OPTIONS)};
export function validatorFor(version) {
  const fn = validators[version];
  if (!fn) throw new Error('no precompiled validator for Ignition spec ' + version);
  return fn;
}
`;
}

export const ignitionValidatorsPlugin = (): Plugin => ({
  name: 'flint-ignition-validators',
  setup(b) {
    b.onLoad({ filter: MODULE }, (args) => ({ contents: tableSource(), loader: 'js', resolveDir: join(args.path, '..') }));
    b.onResolve({ filter: new RegExp(`^${NS}:`) }, (args) => ({ path: args.path.slice(NS.length + 1), namespace: NS }));
    // the generated code imports Ajv's small runtime helpers (ucs2length, equal) by package path
    b.onLoad({ filter: /.*/, namespace: NS }, (args) => ({ contents: validatorSource(args.path), loader: 'js', resolveDir: ROOT_DIR }));
  },
});
