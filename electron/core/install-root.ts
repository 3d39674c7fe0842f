/**
 * The directory Flint runs from: a checkout, or the installed npm package. Modules that find files
 * of their own package (the writer helper, the renderer build) start from their own URL, which is
 * a source file under electron/ in a checkout and tests, or a bundle under out/ once built; both
 * sit below the root that holds package.json and bin/flint.mjs, at different depths.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Walks up from `moduleUrl` (a module's import.meta.url) to the directory holding package.json and bin/flint.mjs. */
export function installRoot(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bin', 'flint.mjs'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no Flint package above ${fileURLToPath(moduleUrl)}`);
    dir = up;
  }
}
