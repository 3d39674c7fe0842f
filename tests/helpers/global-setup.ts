/**
 * vitest globalSetup: bundles the CLI and the writer helper into out/ once per run, before any test
 * file starts (about a second with esbuild), so every test that runs `bin/flint.mjs` or the helper
 * exercises what ships, compiled from the sources as they are now, even when one test file is run
 * alone right after an edit. Files whose bytes did not change are left alone.
 *
 * It is set in the top-level vitest config, which every project inherits; vitest then calls it for
 * the root and again for each project in the run, in one process, so the first call's bundling is
 * kept on globalThis and the others wait for it instead of bundling again.
 */
import { join } from 'node:path';
import { ROOT, bundleAll } from '../../build/bundle';

const BUNDLED = Symbol.for('flint.test.bundled');

export default async function setup(): Promise<void> {
  const g = globalThis as { [BUNDLED]?: Promise<unknown> };
  // always the checkout's out/ (where bin/flint.mjs looks), whatever FLINT_OUT_DIR says
  g[BUNDLED] ??= bundleAll(join(ROOT, 'out'));
  await g[BUNDLED];
}
