/**
 * Files handed to Flint by the OS: command-line arguments of the first or a second instance
 * (Windows/Linux file associations) that name .ign, .bu or .iso files. Electron-free, pure.
 */

/** Extensions Flint opens when the OS hands it a file. */
export const OPENABLE = /\.(ign|bu|iso)$/i;

/**
 * Picks the file arguments out of a process argv: skips the executable (and the app path when
 * running unpackaged), switches (--x), and anything that is not an openable, absolute-or-relative path.
 */
export function filesFromArgv(argv: readonly string[], packaged: boolean): string[] {
  const rest = argv.slice(packaged ? 1 : 2);
  const out: string[] = [];
  let afterDashes = false;
  for (const a of rest) {
    if (a === '--') {
      afterDashes = true;
      continue;
    }
    if (!afterDashes && a.startsWith('-')) continue;
    if (OPENABLE.test(a) && !a.includes('\0')) out.push(a);
  }
  return out;
}
