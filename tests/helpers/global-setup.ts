/**
 * vitest globalSetup: bundles the CLI and the writer helper into out/ once per run, before any test
 * file starts (about a second with esbuild), so every test that runs `bin/flint.mjs` or the helper
 * exercises what ships, compiled from the sources as they are now, even when one test file is run
 * alone right after an edit. Files whose bytes did not change are left alone.
 */
import { bundleAll } from '../../build/bundle';

export default async function setup(): Promise<void> {
  await bundleAll();
}
