/**
 * A stand-in `electronDist` for packaging checks on machines that cannot download Electron (CI
 * here): a folder holding a stub `electron` executable, so `electron-builder --linux dir` can lay
 * out the app (asar, resources, helper) without the real binary. The result is not runnable.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Creates the stand-in in `dir` (which must not hold anything else) and returns `dir`. */
export function makeStubElectronDist(dir: string, electronVersion: string): string {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const exe = join(dir, 'electron');
  writeFileSync(exe, '#!/bin/sh\necho "stand-in Electron binary for packaging checks; not runnable" >&2\nexit 1\n');
  chmodSync(exe, 0o755);
  writeFileSync(join(dir, 'version'), electronVersion);
  writeFileSync(join(dir, 'LICENSE'), 'Stand-in: the real Electron LICENSE ships with the real binary.\n');
  return dir;
}
