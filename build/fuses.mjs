// electron-builder afterPack hook (build/electron-builder.yml): sets every Electron fuse Flint
// knows, explicitly, in the packaged binary, then reads the fuse wire back and fails the build if a
// fuse is not as set. It runs before electron-builder signs, so the signature covers the flipped
// bits. Plain JavaScript: electron-builder imports it as is. Why each fuse is on or off:
// docs/desktop.md ("Electron fuses"); the fuse list: Electron's docs/tutorial/fuses.md.
import fuses from '@electron/fuses';

const { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } = fuses;

/** Flint's fuse settings, by @electron/fuses name. */
export const FLINT_FUSES = Object.freeze({
  // the writer helper's launchers (native/<os>/flint-writer*) run this binary with
  // ELECTRON_RUN_AS_NODE=1 on resources/native/writer/main.mjs: without the fuse the app cannot write
  RunAsNode: true,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  // the renderer is served from app://flint (electron/main/index.ts), never from file://
  GrantFileProtocolExtraPrivileges: false,
});

/** ASCII '1' and '0' in the wire (@electron/fuses FuseState.ENABLE / DISABLE). */
const ON = 0x31;
const OFF = 0x30;
/** electron-builder's Arch enum values for which macOS needs a fresh ad-hoc signature. */
const ARM64 = 3;
const UNIVERSAL = 4;

/** The file @electron/fuses flips for this packed app (the .app bundle on macOS). */
export function electronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return `${appOutDir}/${packager.appInfo.productFilename}.app`;
  if (electronPlatformName === 'win32') return `${appOutDir}/${packager.appInfo.productFilename}.exe`;
  return `${appOutDir}/${packager.executableName}`;
}

/** Flips the fuses of the packed app and checks them; returns the wire read back (index: state byte). */
export default async function afterPack(context) {
  const binary = electronBinary(context);
  const config = {
    version: FuseVersion.V1,
    // flipping bytes breaks the ad-hoc signature Apple Silicon requires; a real signature comes later
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && (context.arch === ARM64 || context.arch === UNIVERSAL),
  };
  for (const [name, on] of Object.entries(FLINT_FUSES)) config[FuseV1Options[name]] = on;
  await flipFuses(binary, config);
  const wire = await getCurrentFuseWire(binary);
  for (const [name, on] of Object.entries(FLINT_FUSES)) {
    if (wire[FuseV1Options[name]] !== (on ? ON : OFF))
      throw new Error(`fuse ${name} of ${binary} is not ${on ? 'on' : 'off'} after flipping`);
  }
  return wire;
}
