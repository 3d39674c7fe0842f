import { copyFile, mkdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { FlintError } from '../errors';

/** Where Debian/Ubuntu (pxelinux, syslinux-common) and Fedora (syslinux-tftpboot) keep the BIOS PXE loader files. */
export const PXELINUX_CANDIDATES: Record<string, string[]> = {
  'pxelinux.0': ['/usr/lib/PXELINUX/pxelinux.0', '/usr/share/syslinux/pxelinux.0', '/tftpboot/pxelinux.0'],
  'ldlinux.c32': ['/usr/lib/syslinux/modules/bios/ldlinux.c32', '/usr/share/syslinux/ldlinux.c32', '/tftpboot/ldlinux.c32'],
};

async function firstExisting(paths: string[]): Promise<string | undefined> {
  for (const p of paths) {
    if (
      await stat(p).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return p;
  }
  return undefined;
}

/**
 * Lays out `dir` as a TFTP root for PXELINUX: copies pxelinux.0 and ldlinux.c32 from this
 * machine's syslinux packages (or from `sources`) and creates `pxelinux.cfg/`. The kernel and
 * initrds stay where `flint pxe download` put them, next to these files. Returns the copied paths.
 */
export async function layoutTftpRoot(dir: string, sources: Partial<Record<string, string>> = {}): Promise<string[]> {
  await mkdir(join(dir, 'pxelinux.cfg'), { recursive: true });
  const copied: string[] = [];
  for (const [name, candidates] of Object.entries(PXELINUX_CANDIDATES)) {
    const src = sources[name] ?? (await firstExisting(candidates));
    if (!src) {
      throw new FlintError('PXE_NO_PXELINUX', `cannot find ${name} on this machine`, [
        `install it (Debian: apt-get install pxelinux syslinux-common; Fedora: dnf install syslinux-tftpboot) or copy it into ${dir} yourself`,
      ]);
    }
    const dest = join(dir, basename(name));
    await copyFile(src, dest);
    copied.push(dest);
  }
  return copied;
}
