import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The root of this checkout. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The `flint` entry point of this checkout (`node bin/flint.mjs ...`). */
export const FLINT_BIN = join(ROOT, 'bin', 'flint.mjs');
