/**
 * Bundles the writer helper (native/writer/main.ts) into one self-contained ES module,
 * out/native/writer/main.js (+ package.json marking it ESM, + liblzma.wasm), which the packaged
 * app ships beside app.asar as resources/native/writer/ and starts with its own binary in Node
 * mode through the launchers in native/<os>/ (see electron/core/write/elevate.ts).
 * Run with `npx vite build -c build/helper.vite.config.ts`.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const at = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
/** Output directory (FLINT_OUT_DIR moves the out/ root, e.g. for packaging tests). */
const OUT = `${process.env.FLINT_OUT_DIR ?? at('out')}/native/writer`;

/**
 * node-liblzma's WASM build reads `./liblzma.wasm` beside the module that loads it: copy it there.
 * A package.json with "type": "module" makes Node (and Electron as Node) load main.js as ESM.
 */
function helperSidecars(): Plugin {
  return {
    name: 'flint-helper-sidecars',
    closeBundle() {
      writeFileSync(`${OUT}/package.json`, '{ "type": "module" }\n');
      const req = createRequire(import.meta.url);
      const wasmDir = dirname(req.resolve('node-liblzma/wasm'));
      copyFileSync(join(wasmDir, 'liblzma.wasm'), `${OUT}/liblzma.wasm`);
    },
  };
}

export default defineConfig({
  root: at('.'),
  plugins: [helperSidecars()],
  logLevel: 'warn',
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: at('native/writer/main.ts'),
    outDir: OUT,
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: { output: { format: 'es', entryFileNames: 'main.js', chunkFileNames: '[name]-[hash].js' } },
  },
});
