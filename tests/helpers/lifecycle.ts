// Resources that live as long as a describe block (or a test file), made and removed by exact
// name through vitest hooks, so a failing test cannot leave them behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createLoopDevice, type LoopDevice } from './loop';

/** A temp dir for the tests of one block. */
export interface TempDir {
  /** Its path (valid from the block's first beforeAll to its last afterAll). */
  readonly path: string;
  /** A path inside it. */
  join(...parts: string[]): string;
}

/**
 * Makes `<tmpdir>/<prefix>XXXXXX` before the tests of the calling describe block (or file) and
 * removes it after them. Call it before the block's own hooks that use the dir.
 */
export function useTempDir(prefix: string): TempDir {
  let path = '';
  beforeAll(() => {
    path = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    if (path) rmSync(path, { recursive: true, force: true });
    path = '';
  });
  const current = () => {
    if (!path) throw new Error(`useTempDir(${prefix}) used outside the tests of its block`);
    return path;
  };
  return {
    get path() {
      return current();
    },
    join: (...parts) => join(current(), ...parts),
  };
}

/**
 * Loop devices for the tests of the calling describe block: the returned function attaches one
 * on a sparse file of `size` bytes (8 MiB by default); every device is removed after each test.
 */
export function useLoopDevices(): (size?: number) => LoopDevice {
  const made: LoopDevice[] = [];
  afterEach(() => {
    for (const l of made.splice(0)) l.remove();
  });
  return (size = 8 << 20) => {
    const l = createLoopDevice(size);
    made.push(l);
    return l;
  };
}
