import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/**
 * The bytes of liblzma's WebAssembly build (node-liblzma's lib/wasm/liblzma.wasm), handed to its
 * Emscripten glue as `wasmBinary` (see compression.ts). From the sources (tsx, vitest) they are read
 * from node_modules; the bundlers (build/liblzma-inline.ts) replace this whole module with one that
 * holds the bytes, so a bundle needs no file beside it.
 */
export async function liblzmaWasm(): Promise<Uint8Array> {
  return readFile(createRequire(import.meta.url).resolve('node-liblzma/wasm/liblzma.wasm'));
}
