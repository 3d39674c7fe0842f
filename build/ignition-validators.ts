/**
 * Precompiled Ignition schema validators for the bundled CLI. electron/core/ignition/
 * schema-validators.ts compiles a schema with Ajv at first use; in the bundled CLI that costs about
 * 0.18 s of CPU at every start of a command that validates a config. This esbuild plugin replaces
 * that module with Ajv's standalone validation code (https://ajv.js.org/standalone.html), generated
 * here once per build with the same Ajv options, so the shipped CLI validates without compiling.
 *
 * One file per spec version, `ignition/<version>.cjs` beside the chunk that loads it, holds that
 * version's schema and validator; it is require()d when a config of that version is first checked.
 * A command that validates loads the one version in use (about 0.1 MB) instead of all seven
 * (0.54 MB: about 18 ms of CPU at every `flint write`), and the interface stays synchronous
 * (Butane's translation validates inside synchronous code). The plugin replaces schema-files.ts
 * too: IGNITION_SCHEMAS keeps its keys, and reading one loads that version's file.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv04 from 'ajv-draft-04';
import standaloneCode from 'ajv/dist/standalone';
import { build, type Metafile, type OutputFile, type Plugin } from 'esbuild';
import { IGNITION_SCHEMAS } from '../electron/core/ignition/schema-files';
import { AJV_OPTIONS } from '../electron/core/ignition/schema-validators';

const VALIDATORS_MODULE = /electron[\\/]core[\\/]ignition[\\/]schema-validators\.ts$/;
/** The module of the schemas, replaced as well; bundleCli places the spec files beside its chunk. */
export const SCHEMAS_MODULE = /electron[\\/]core[\\/]ignition[\\/]schema-files\.ts$/;
/** The directory of the per-version files, relative to the chunk that holds SCHEMAS_MODULE. */
export const SPEC_DIR = 'ignition';
const ROOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Standalone ESM code of one spec version's validator. */
export function validatorSource(version: string): string {
  const ajv = new Ajv04({ ...AJV_OPTIONS, code: { source: true, esm: true } });
  return standaloneCode(ajv, ajv.compile(IGNITION_SCHEMAS[version]));
}

/** The stand-in for schema-files.ts: the versions, each schema and validator loaded at first use. */
function schemasSource(): string {
  const getters = Object.keys(IGNITION_SCHEMAS)
    .map((v) => `  ${JSON.stringify(v)}: { enumerable: true, get: () => ignitionSpec(${JSON.stringify(v)}).schema },`)
    .join('\n');
  return `import { createRequire } from 'node:module';
const load = createRequire(import.meta.url);
const specs = new Map();
export function ignitionSpec(version) {
  let spec = specs.get(version);
  if (!spec) {
    spec = load('./${SPEC_DIR}/' + version + '.cjs');
    specs.set(version, spec);
  }
  return spec;
}
export const IGNITION_SCHEMAS = Object.freeze(Object.defineProperties({}, {
${getters}
}));
export const SUPPORTED_IGNITION_VERSIONS = Object.keys(IGNITION_SCHEMAS);
`;
}

/** The stand-in for schema-validators.ts. */
function validatorsSource(): string {
  return `import { IGNITION_SCHEMAS, ignitionSpec } from './schema-files';
export const AJV_OPTIONS = ${JSON.stringify(AJV_OPTIONS)};
export function validatorFor(version) {
  if (!(version in IGNITION_SCHEMAS)) throw new Error('no precompiled validator for Ignition spec ' + version);
  return ignitionSpec(version).validate;
}
`;
}

export const ignitionValidatorsPlugin = (): Plugin => ({
  name: 'flint-ignition-validators',
  setup(b) {
    b.onLoad({ filter: SCHEMAS_MODULE }, () => ({ contents: schemasSource(), loader: 'js' }));
    b.onLoad({ filter: VALIDATORS_MODULE }, (args) => ({ contents: validatorsSource(), loader: 'js', resolveDir: dirname(args.path) }));
  },
});

/**
 * Builds `<dir>/<SPEC_DIR>/<version>.cjs` for every spec version (in memory): the schema and
 * Ajv's standalone validator, with the Ajv runtime helpers it imports bundled in.
 */
export async function buildIgnitionSpecs(dir: string): Promise<{ outputFiles: OutputFile[]; metafile: Metafile }> {
  const results = await Promise.all(
    Object.keys(IGNITION_SCHEMAS).map((v) =>
      build({
        stdin: {
          contents: `${validatorSource(v)}\nexport const schema = ${JSON.stringify(IGNITION_SCHEMAS[v])};\n`,
          resolveDir: ROOT_DIR,
          sourcefile: `flint-ignition-spec:${v}`,
          loader: 'js',
        },
        absWorkingDir: ROOT_DIR,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        logLevel: 'warning',
        legalComments: 'none',
        minifyWhitespace: true,
        minifySyntax: true,
        outfile: join(dir, SPEC_DIR, `${v}.cjs`),
        write: false,
        metafile: true,
      }),
    ),
  );
  return {
    outputFiles: results.flatMap((r) => r.outputFiles),
    metafile: {
      inputs: Object.assign({}, ...results.map((r) => r.metafile.inputs)),
      outputs: Object.assign({}, ...results.map((r) => r.metafile.outputs)),
    },
  };
}
