/**
 * The network-boot artifacts of a local live ISO: the kernel, initramfs and rootfs of its
 * images/pxeboot, copied out with `extractPxe` (the same bytes Fedora publishes as live-kernel,
 * live-initramfs and live-rootfs; coreos-installer's tests/images/iso-extract-pxe.sh compares
 * them), and the release the ISO names. Lets a site with one ISO and no Internet boot machines.
 */
import { basename } from 'node:path';
import { FlintError } from '../errors';
import { openFileSource } from './byte-source';
import { inspectIso } from './inspect';
import { extractPxe } from './extract';
import { IsoNotFoundError, lookupPath, readDirectory, readIso9660 } from './iso9660';
import { identifyRelease } from './release';

/** The artifacts a PXE config names, by role. */
export interface PxeArtifactFiles {
  kernel: string;
  initramfs: string;
  rootfs: string;
}

const PXEBOOT_DIR = 'IMAGES/PXEBOOT';
/** File of images/pxeboot (ISO 9660 primary names) for each role. */
const ROLES: Record<keyof PxeArtifactFiles, string> = { kernel: 'VMLINUZ', initramfs: 'INITRD.IMG', rootfs: 'ROOTFS.IMG' };

/** A name a PXELINUX APPEND line and an iPXE script can carry: no spaces or commas. */
export function safeStem(stem: string): string {
  return stem.replace(/[\s,]+/g, '-') || 'fcos';
}

/**
 * Copies images/pxeboot out of `iso` into `dir` as `<stem>-<name>` (replacing older copies) and
 * returns the names by role, every name written, and the release. Refuses an ISO that lacks one
 * of the three before writing anything.
 */
export async function extractPxeArtifacts(
  iso: string,
  dir: string,
  stem: string,
  opts: { signal?: AbortSignal; onProgress?: (bytes: number, total: number) => void } = {},
): Promise<{ release?: string; stream?: string; artifacts: PxeArtifactFiles; written: string[] }> {
  const src = await openFileSource(iso);
  let release;
  try {
    const facts = await inspectIso(src);
    release = identifyRelease(facts.volumeId, facts.kargs?.defaultKargs ?? null);
    const names = (await readDirectory(src, await lookupPath(src, await readIso9660(src), PXEBOOT_DIR))).map((r) => r.name);
    const missing = Object.values(ROLES).filter((n) => !names.includes(n));
    if (missing.length > 0) {
      throw new FlintError(
        'PXE_ISO_INCOMPLETE',
        `${basename(iso)} lacks ${missing.map((n) => `images/pxeboot/${n.toLowerCase()}`).join(', ')}`,
        ['a Fedora CoreOS live ISO carries vmlinuz, initrd.img and rootfs.img there'],
      );
    }
  } catch (err) {
    if (err instanceof IsoNotFoundError) throw new FlintError('ISO_NOT_COREOS', 'Unrecognized CoreOS ISO image.', [err.message]);
    throw err;
  } finally {
    await src.close();
  }
  const { version, stream } = release;
  const files = await extractPxe(iso, dir, { stem: safeStem(stem), overwrite: true, signal: opts.signal, onProgress: opts.onProgress });
  const byRole = {} as PxeArtifactFiles;
  for (const [role, isoName] of Object.entries(ROLES) as [keyof PxeArtifactFiles, string][]) {
    byRole[role] = basename(files.find((f) => f.isoName === isoName)!.path);
  }
  return {
    ...(version ? { release: version } : {}),
    ...(stream ? { stream } : {}),
    artifacts: byRole,
    written: files.map((f) => basename(f.path)),
  };
}
