/**
 * vitest globalSetup: bundles the CLI and the writer helper into out/ once per run, before any test
 * file starts (about a second with esbuild), so every test that runs `bin/flint.mjs` or the helper
 * exercises what ships, compiled from the sources as they are now, even when one test file is run
 * alone right after an edit. Files whose bytes did not change are left alone.
 *
 * It also points the per-user folders (XDG_CONFIG_HOME, XDG_STATE_HOME: settings, the flash record
 * and the wizard's memory, electron/core/user-dirs.ts) at a folder of this run, removed at the end,
 * so no test reads or adds to the record of the person running the tests.
 *
 * It is set in the top-level vitest config, which every project inherits; vitest then calls it for
 * the root and again for each project in the run, in one process, so the first call's bundling is
 * kept on globalThis and the others wait for it instead of bundling again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, bundleAll } from '../../build/bundle';

const BUNDLED = Symbol.for('flint.test.bundled');
const USER_DIRS = Symbol.for('flint.test.user-dirs');

export default async function setup(): Promise<(() => void) | undefined> {
  const g = globalThis as { [BUNDLED]?: Promise<unknown>; [USER_DIRS]?: string };
  let teardown: (() => void) | undefined;
  if (!g[USER_DIRS]) {
    const dir = mkdtempSync(join(tmpdir(), 'flint-test-user-'));
    g[USER_DIRS] = dir;
    process.env.XDG_CONFIG_HOME = join(dir, 'config');
    process.env.XDG_STATE_HOME = join(dir, 'state');
    teardown = () => rmSync(dir, { recursive: true, force: true });
  }
  // always the checkout's out/ (where bin/flint.mjs looks), whatever FLINT_OUT_DIR says
  g[BUNDLED] ??= bundleAll(join(ROOT, 'out'));
  await g[BUNDLED];
  return teardown;
}
