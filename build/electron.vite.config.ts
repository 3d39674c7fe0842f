/**
 * electron-vite build of the desktop app: main (ESM, out/main/index.js), preload (CommonJS,
 * out/preload/index.cjs: sandboxed renderers cannot load ESM preloads) and renderer
 * (out/renderer; FLINT_OUT_DIR moves the out/ root). Run with `npx electron-vite build -c build/electron.vite.config.ts`.
 * Flint has no run-time dependencies (package.json lists every package under devDependencies), so
 * electron-vite externalizes none: main bundles the libraries it uses and app.asar needs no node_modules.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { LIBLZMA_WASM_MODULE, inlineLiblzmaModule } from './liblzma-inline';

const at = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

/** The build's output root (FLINT_OUT_DIR overrides it, e.g. for packaging tests in a temp dir). */
export const OUT_DIR = process.env.FLINT_OUT_DIR ?? at('out');
const out = (p: string) => `${OUT_DIR}/${p}`;

/** node-liblzma's WASM binary inside the bundle instead of a file beside it (see liblzma-inline.ts). */
function liblzmaInline(): Plugin {
  return {
    name: 'flint-liblzma-inline',
    load(id) {
      return LIBLZMA_WASM_MODULE.test(id) ? inlineLiblzmaModule() : null;
    },
  };
}

export default defineConfig({
  main: {
    root: at('.'),
    plugins: [liblzmaInline()],
    build: {
      outDir: out('main'),
      emptyOutDir: true,
      target: 'node22',
      rollupOptions: { input: { index: at('electron/main/index.ts') } },
    },
  },
  preload: {
    root: at('.'),
    build: {
      outDir: out('preload'),
      emptyOutDir: true,
      rollupOptions: {
        input: { index: at('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: at('renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: out('renderer'),
      emptyOutDir: true,
      modulePreload: { polyfill: false },
      assetsInlineLimit: 0,
      target: 'es2022',
      rollupOptions: { input: { index: at('renderer/index.html') } },
    },
  },
});
