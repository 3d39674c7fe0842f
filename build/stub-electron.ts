/**
 * A stand-in `electronDist` for packaging checks on machines that cannot download Electron (CI
 * here): a folder holding a stub `electron` executable, so `electron-builder --linux dir` can lay
 * out the app (asar, resources, helper) without the real binary. The result is not runnable.
 * The stub carries a fuse wire as Electron's binaries do (the sentinel @electron/fuses searches
 * for, version 1, the length, one state byte per fuse), so the fuses hook flips real bytes that
 * the test reads back.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** @electron/fuses' sentinel (dist/constants.js), before the wire in every Electron binary. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/**
 * Electron's default fuses (build/fuses/fuses.json5 in electron/electron): RunAsNode 1,
 * CookieEncryption 0, NodeOptions 1, NodeCliInspect 1, EmbeddedAsarIntegrityValidation 0,
 * OnlyLoadAppFromAsar 0, LoadBrowserProcessSpecificV8Snapshot 0, GrantFileProtocolExtraPrivileges 1,
 * and a ninth (WasmTrapHandlers, 1) that newer Electrons have and @electron/fuses 1.8 does not name.
 */
export const STUB_FUSE_DEFAULTS = '101100011';
const STUB_FUSE_WIRE = Buffer.concat([
  Buffer.from(FUSE_SENTINEL),
  Buffer.from([1, STUB_FUSE_DEFAULTS.length]),
  Buffer.from(STUB_FUSE_DEFAULTS),
]);

/** Creates the stand-in in `dir` (which must not hold anything else) and returns `dir`. */
export function makeStubElectronDist(dir: string, electronVersion: string): string {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const exe = join(dir, 'electron');
  const script = '#!/bin/sh\necho "stand-in Electron binary for packaging checks; not runnable" >&2\nexit 1\n# fuses: ';
  writeFileSync(exe, Buffer.concat([Buffer.from(script), STUB_FUSE_WIRE, Buffer.from('\n')]));
  chmodSync(exe, 0o755);
  writeFileSync(join(dir, 'version'), electronVersion);
  writeFileSync(join(dir, 'LICENSE'), 'Stand-in: the real Electron LICENSE ships with the real binary.\n');
  return dir;
}
