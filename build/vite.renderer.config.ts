import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

/** Directory holding the renderer's index.html. */
export const rendererRoot = fileURLToPath(new URL('../renderer', import.meta.url));
/** Default output of a stand-alone renderer build (served by `flint ui` and the e2e tests). */
export const rendererOutDir = fileURLToPath(new URL('../out/renderer', import.meta.url));

/**
 * Stand-alone Vite build of the renderer (browser mode and e2e tests). Relative asset URLs so the
 * same output works from file:// in Electron and from the loopback server; no inline scripts
 * (the page runs under a strict Content-Security-Policy).
 */
export default defineConfig({
  root: rendererRoot,
  base: './',
  plugins: [react()],
  build: {
    outDir: rendererOutDir,
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
    sourcemap: false,
  },
});
