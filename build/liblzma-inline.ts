/**
 * Flint loads liblzma's WebAssembly build through electron/core/codecs/liblzma-wasm.ts, which reads
 * `liblzma.wasm` from node_modules (node-liblzma's `./wasm/liblzma.wasm` export). A bundle has no
 * node_modules beside it, so the bundlers (build/bundle.ts for the CLI and the helper,
 * build/electron.vite.config.ts for the desktop main process) replace that one module of Flint's
 * with one that holds the binary itself, base64 in the source, decoded on first use. Nothing of
 * node-liblzma's own source is rewritten: its Emscripten glue takes the bytes as `wasmBinary`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The module that is replaced (path suffix, either separator). */
export const LIBLZMA_WASM_MODULE = /electron[\\/]core[\\/]codecs[\\/]liblzma-wasm\.ts$/;

/** The bytes of node-liblzma's liblzma.wasm, as installed. */
export function liblzmaWasm(): Buffer {
  return readFileSync(createRequire(import.meta.url).resolve('node-liblzma/wasm/liblzma.wasm'));
}

/** The replacement module: liblzmaWasm() with the same signature, returning the embedded bytes. */
export function inlineLiblzmaModule(wasm: Uint8Array = liblzmaWasm()): string {
  const literal = JSON.stringify(Buffer.from(wasm).toString('base64'));
  return [
    '// liblzma.wasm of node-liblzma, embedded by build/liblzma-inline.ts',
    `export async function liblzmaWasm() { return Buffer.from(${literal}, 'base64'); }`,
    '',
  ].join('\n');
}
