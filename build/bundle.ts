/**
 * Bundles the two Node programs Flint ships, with esbuild:
 *   - the CLI, electron/cli/index.ts -> out/cli/flint.mjs plus chunks: every `import()` in the
 *     source is a split point, so `flint --version` or `flint iso ...` loads only what it runs;
 *   - the writer helper, native/writer/main.ts -> out/native/writer/main.mjs, one self-contained
 *     file (the packaged app and `flint write` run it as root: nothing is resolved or transpiled
 *     at run time).
 * Third-party code is bundled too (the npm package has no run-time dependencies); its licenses are
 * collected into out/THIRD-PARTY-NOTICES.txt. drivelist's native addon cannot be bundled: it is
 * copied to out/native/drivelist. out/cli/sources.json lists the project files the CLI
 * was built from, so bin/flint.mjs can warn in a checkout when a source is newer than the build.
 *
 *   node --import tsx build/bundle.ts          (part of `npm run build`; FLINT_OUT_DIR moves out/)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Metafile, type OutputFile, type Plugin } from 'esbuild';
import { LIBLZMA_WASM_MODULE, inlineLiblzmaModule, liblzmaWasm } from './liblzma-inline';
import { SCHEMAS_MODULE, buildIgnitionSpecs, ignitionValidatorsPlugin } from './ignition-validators';

/** The project root (this file is build/bundle.ts). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Node's `require` for the CommonJS packages inside an ES module bundle (commander, ajv, yaml...). */
const REQUIRE_BANNER =
  "import { createRequire as __flintCreateRequire } from 'node:module';\nconst require = __flintCreateRequire(import.meta.url);";

/** What one bundle produced. */
export interface BundleResult {
  /** Files written or kept, relative to the output directory. */
  files: string[];
  /** Project files (not node_modules) it was built from, relative to ROOT. */
  sources: string[];
  /** Third-party package directories it bundled, relative to ROOT. */
  packages: string[];
  /** Per output file (relative to the output directory): the inputs bundled into it, relative to ROOT. */
  contents: Record<string, string[]>;
}

const liblzmaPlugin = (): Plugin => ({
  name: 'flint-liblzma-inline',
  setup(b) {
    const wasm = liblzmaWasm();
    b.onLoad({ filter: LIBLZMA_WASM_MODULE }, () => ({ contents: inlineLiblzmaModule(wasm), loader: 'js' }));
  },
});

/**
 * node:fs as a CommonJS require() in the bundles instead of an ES import. For an ES import Node
 * builds the module's ES facade, reading every export once (lib/internal/bootstrap/realm.js,
 * syncExports), and node:fs's ReadStream/WriteStream getters then load the whole stream machinery
 * (lib/fs.js, lazyLoadStreams): in --cpu-prof of `flint iso ignition show`, the largest single
 * item after the xz decoder. Through require() (the bundles' banner defines it) the getters stay
 * lazy; esbuild reads named imports off the required object at use.
 */
const fsAsRequire = (): Plugin => ({
  name: 'flint-fs-require',
  setup(b) {
    // static imports only: a split bundle's `await import()` of a CommonJS module yields its
    // default export alone, so dynamic imports of node:fs stay ES imports
    b.onResolve({ filter: /^(node:)?fs$/ }, (args) =>
      args.kind === 'import-statement' && args.namespace !== 'flint-fs-require'
        ? { path: 'node:fs', namespace: 'flint-fs-require' }
        : { path: 'node:fs', external: true },
    );
    b.onLoad({ filter: /.*/, namespace: 'flint-fs-require' }, () => ({ contents: "module.exports = require('node:fs');", loader: 'js' }));
  },
});

/** Writes a file only when its bytes changed, through a temp file and rename (a reader never sees half a file). */
function writeIfChanged(path: string, data: Uint8Array): void {
  if (existsSync(path)) {
    const old = readFileSync(path);
    if (old.length === data.length && old.equals(data)) return;
  }
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Lists every file under `dir`, relative to it. */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

/**
 * Writes `outputs` into `outDir`: chunks first, entries (`entries`, relative names) last, so a CLI
 * started meanwhile finds either the old entry and its old chunks or the new ones; then removes
 * files of earlier builds.
 */
function publish(outDir: string, outputs: OutputFile[], entries: string[], keep: string[] = []): string[] {
  const rel = (o: OutputFile) => relative(outDir, o.path);
  const ordered = [...outputs].sort((a, b) => Number(entries.includes(rel(a))) - Number(entries.includes(rel(b))));
  for (const o of ordered) writeIfChanged(o.path, o.contents);
  const made = new Set([...outputs.map(rel), ...keep]);
  for (const f of listFiles(outDir)) if (!made.has(f)) rmSync(join(outDir, f), { force: true });
  return [...made].sort();
}

/** Which inputs went into which output file. */
function contentsOf(meta: Metafile, outDir: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [file, o] of Object.entries(meta.outputs)) {
    out[relative(outDir, resolve(ROOT, file))] = Object.keys(o.inputs).map((i) => relative(ROOT, resolve(ROOT, i)).split(sep).join('/'));
  }
  return out;
}

/** Splits a metafile's inputs into project sources and bundled package directories. */
function inputsOf(meta: Metafile): { sources: string[]; packages: string[] } {
  const sources = new Set<string>();
  const packages = new Set<string>();
  for (const input of Object.keys(meta.inputs)) {
    // a plugin's generated module (`namespace:path`, e.g. build/ignition-validators.ts) is no file
    if (/^[a-z][a-z-]+:/.test(input)) continue;
    const abs = resolve(ROOT, input);
    const m = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)/.exec(abs);
    if (m) packages.add(relative(ROOT, m[1]));
    else sources.add(relative(ROOT, abs).split(sep).join('/'));
  }
  return { sources: [...sources].sort(), packages: [...packages].sort() };
}

/** Options both bundles share. */
const COMMON: BuildOptions = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'none',
  // whitespace and syntax only: names stay, so stack traces in bug reports remain readable
  minifyWhitespace: true,
  minifySyntax: true,
  banner: { js: REQUIRE_BANNER },
  outExtension: { '.js': '.mjs' },
};

/** Runs esbuild in memory (publish() writes the result). */
async function bundle(options: BuildOptions, plugins: Plugin[] = []): Promise<{ outputFiles: OutputFile[]; metafile: Metafile }> {
  const r = await build({
    ...COMMON,
    ...options,
    plugins: [...plugins, fsAsRequire(), liblzmaPlugin(), ignitionValidatorsPlugin()],
    write: false,
    metafile: true,
  });
  return { outputFiles: r.outputFiles, metafile: r.metafile };
}

/**
 * index.ts loads ./quick for the reading commands it answers without commander; in the bundle that
 * import names out/cli/quick.mjs, built on its own with everything it uses (see bundleCli).
 */
const quickExternal = (): Plugin => ({
  name: 'flint-quick-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/quick$/ }, (args) =>
      /electron[\\/]cli[\\/]index\.ts$/.test(args.importer) ? { path: './quick.mjs', external: true } : undefined,
    );
  },
});

/**
 * Bundles the CLI into `<outRoot>/cli`: flint.mjs and its chunks, and quick.mjs, one file (no
 * split points) for `iso ignition show` and `iso kargs show`. Two files load where the chunks of
 * commander, the iso commands and their engine would be two dozen; each one Node opens, reads,
 * compiles and links costs start-up time (tests/bench/startup.bench.ts).
 */
export async function bundleCli(outRoot: string): Promise<BundleResult> {
  const outDir = join(outRoot, 'cli');
  const [r, quick] = await Promise.all([
    bundle(
      {
        entryPoints: { flint: 'electron/cli/index.ts' },
        outdir: outDir,
        splitting: true,
        chunkNames: 'chunks/[name]-[hash]',
        // `flint ui` builds the renderer with Vite only in a checkout that has not built it yet
        external: ['vite'],
      },
      [quickExternal()],
    ),
    bundle({ entryPoints: { quick: 'electron/cli/quick.ts' }, outdir: outDir }),
  ]);
  // the Ignition spec files go beside the chunk that require()s them (build/ignition-validators.ts)
  const schemasChunk = Object.entries(r.metafile.outputs).find(([, o]) => Object.keys(o.inputs).some((i) => SCHEMAS_MODULE.test(i)));
  if (!schemasChunk) throw new Error('the CLI bundle holds no electron/core/ignition/schema-files.ts');
  const specs = await buildIgnitionSpecs(dirname(resolve(ROOT, schemasChunk[0])));
  const both = {
    inputs: { ...r.metafile.inputs, ...quick.metafile.inputs, ...specs.metafile.inputs },
    outputs: { ...r.metafile.outputs, ...quick.metafile.outputs, ...specs.metafile.outputs },
  };
  const { sources, packages } = inputsOf(both);
  // quick.mjs before flint.mjs, which imports it
  const files = publish(
    outDir,
    [...specs.outputFiles, ...quick.outputFiles, ...r.outputFiles],
    ['quick.mjs', 'flint.mjs'],
    ['sources.json'],
  );
  // always rewritten: its time is the build's time, which bin/flint.mjs compares the sources with
  writeIfChanged(join(outDir, 'sources.json'), Buffer.from(JSON.stringify({ builtAt: new Date().toISOString(), sources }, null, 1) + '\n'));
  return { files, sources, packages, contents: contentsOf(both, outDir) };
}

/** Bundles the writer helper into `<outRoot>/native/writer/main.mjs` (one file). */
export async function bundleHelper(outRoot: string): Promise<BundleResult> {
  const outDir = join(outRoot, 'native', 'writer');
  const r = await bundle({ entryPoints: { main: 'native/writer/main.ts' }, outdir: outDir });
  const { sources, packages } = inputsOf(r.metafile);
  return { files: publish(outDir, r.outputFiles, ['main.mjs']), sources, packages, contents: contentsOf(r.metafile, outDir) };
}

/** The license files of a package directory (LICENSE, LICENCE, COPYING, NOTICE, any extension). */
function licenseFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /^(licen[cs]e|copying|notice)([.-].*)?$/i.test(f))
    .sort();
}

/** The notices text for bundled packages: name, version, license, then each license file. */
export function thirdPartyNotices(packageDirs: string[]): string {
  const parts = [
    'Flint bundles the following packages into out/cli and out/native/writer. Each is listed with its',
    'license as its authors published it; the unmodified sources are on the npm registry under the same',
    'name and version. Flint itself is licensed under the Apache License 2.0 (LICENSE).',
    '',
  ];
  for (const dir of [...new Set(packageDirs)].sort()) {
    const abs = resolve(ROOT, dir);
    const pkg = JSON.parse(readFileSync(join(abs, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
    parts.push('='.repeat(78), `${pkg.name} ${pkg.version} (${pkg.license ?? 'see below'})`, '='.repeat(78));
    const files = licenseFiles(abs);
    if (files.length === 0) parts.push(`(no license file in the package; its package.json declares ${pkg.license ?? 'nothing'})`);
    for (const f of files) parts.push(readFileSync(join(abs, f), 'utf8').trimEnd(), '');
  }
  return parts.join('\n') + '\n';
}

/** Where `npm ci` builds drivelist's addon (from source: its tarball has no binaries). */
export const DRIVELIST_ADDON = join(ROOT, 'node_modules', 'drivelist', 'build', 'Release', 'drivelist.node');

/**
 * Copies drivelist's addon to `<outRoot>/native/drivelist/drivelist.node`, beside the bundles that
 * load it on Windows and macOS (electron/core/drives/drivelist.ts); the packaged app ships that
 * directory. Returns the copy's path, or null when the addon was not built.
 */
export function copyDrivelistAddon(outRoot: string): string | null {
  if (!existsSync(DRIVELIST_ADDON)) return null;
  const dest = join(outRoot, 'native', 'drivelist', 'drivelist.node');
  writeIfChanged(dest, readFileSync(DRIVELIST_ADDON));
  return dest;
}

/** Bundles the CLI and the helper into `outRoot` and writes the third-party notices. */
export async function bundleAll(
  outRoot = process.env.FLINT_OUT_DIR ?? join(ROOT, 'out'),
): Promise<{ cli: BundleResult; helper: BundleResult }> {
  const [cli, helper] = await Promise.all([bundleCli(outRoot), bundleHelper(outRoot)]);
  // the addon holds drivelist's code and node-addon-api's (header-only) code
  const addon = copyDrivelistAddon(outRoot) ? [join('node_modules', 'drivelist'), join('node_modules', 'node-addon-api')] : [];
  writeIfChanged(join(outRoot, 'THIRD-PARTY-NOTICES.txt'), Buffer.from(thirdPartyNotices([...cli.packages, ...helper.packages, ...addon])));
  return { cli, helper };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  const { cli, helper } = await bundleAll();
  console.log(
    `bundled the CLI (${cli.files.length} files, ${cli.packages.length} packages) and the writer helper (${helper.files.join(', ')}) ` +
      `in ${(performance.now() - t0).toFixed(0)} ms`,
  );
}
