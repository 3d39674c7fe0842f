/**
 * node-liblzma's WASM build reads `liblzma.wasm` from disk beside the module that loads it
 * (readLocalWasmBinary in node-liblzma/lib/wasm/bindings.js: `readFile(new URL('./liblzma.wasm',
 * import.meta.url))`). A bundle moves that module, so the file would have to travel beside every
 * bundle and chunk. Instead the bundlers (build/bundle.ts for the CLI and the helper,
 * build/electron.vite.config.ts for the desktop main process) replace that one read with the
 * binary itself, base64 in the source, decoded on first use. node-liblzma is pinned to an exact
 * version; if its source changes shape the build stops here instead of shipping a bundle that
 * cannot find its WASM.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The module whose file read is replaced (path suffix, either separator). */
export const LIBLZMA_BINDINGS = /node-liblzma[\\/]lib[\\/]wasm[\\/]bindings\.js$/;

/** The statement of bindings.js that reads the WASM file (node-liblzma 5.1.3). */
const READ_STATEMENT = 'const buf = await readFile(wasmPath);';

/** The bytes of node-liblzma's liblzma.wasm, as installed. */
export function liblzmaWasm(): Buffer {
  const require = createRequire(import.meta.url);
  return readFileSync(join(dirname(require.resolve('node-liblzma/wasm')), 'liblzma.wasm'));
}

/** Returns bindings.js with the WASM file read replaced by the embedded bytes. */
export function inlineLiblzmaWasm(source: string, wasm: Uint8Array = liblzmaWasm()): string {
  const at = source.indexOf(READ_STATEMENT);
  if (at < 0 || source.indexOf(READ_STATEMENT, at + 1) >= 0) {
    throw new Error(`node-liblzma changed: "${READ_STATEMENT}" is not in wasm/bindings.js exactly once; update build/liblzma-inline.ts`);
  }
  const literal = JSON.stringify(Buffer.from(wasm).toString('base64'));
  return source.slice(0, at) + `const buf = Buffer.from(${literal}, 'base64');` + source.slice(at + READ_STATEMENT.length);
}
