/**
 * vitest globalSetup: bundles the CLI and the writer helper into out/ once per run, before any test
 * file starts (about a second with esbuild), so every test that runs `bin/flint.mjs` or the helper
 * exercises what ships, compiled from the sources as they are now, even when one test file is run
 * alone right after an edit. Files whose bytes did not change are left alone.
 */
import { join } from 'node:path';
import { ROOT, bundleAll } from '../../build/bundle';

export default async function setup(): Promise<void> {
  // always the checkout's out/ (where bin/flint.mjs looks), whatever FLINT_OUT_DIR says
  await bundleAll(join(ROOT, 'out'));
}
