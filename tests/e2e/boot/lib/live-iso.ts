import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The script that builds the tiny FCOS-like ISO (adapted from the team's reference tools). */
export const MAKE_LIVE_ISO = join(dirname(fileURLToPath(import.meta.url)), 'make-live-iso.sh');

/** Where the tiny ISO keeps its embed areas, as the builder measured them in the image. */
export interface LiveIsoInfo {
  /** Absolute path of the ISO. */
  iso: string;
  /** ISO volume id (also in the `coreos.liveiso=` karg). */
  volid: string;
  /** The default kernel arguments in both karg embed areas. */
  defaultKargs: string;
  /** Size in bytes of each karg embed area (kargs.json `size`). */
  kargAreaSize: number;
  /** images/ignition.img: absolute byte offset and length of the Ignition embed area. */
  ignitionImg: { offset: number; length: number };
  /** Absolute byte offset of each karg embed area, keyed by the ISO path of its file. */
  kargAreas: Record<string, number>;
  /** With `pxeDir`: the guest kernel and initramfs copied there. */
  kernel?: string;
  initrd?: string;
}

/** Options of {@link buildLiveIso}. */
export interface BuildLiveIsoOptions {
  /** Kernel bzImage; default {@link findHostKernel}, else the script fetches linux-image-cloud-amd64. */
  kernel?: string;
  /** Leave `console=ttyS0` out of the default kargs (as on a real FCOS ISO). */
  noConsole?: boolean;
  /** BIOS only (no UEFI El Torito image / ESP). */
  biosOnly?: boolean;
  /** ISO volume id. */
  volid?: string;
  /** Also copy the guest's vmlinuz and initrd.img into this directory (for network-boot tests). */
  pxeDir?: string;
  /** A file to carry as images/pxeboot/rootfs.img (network boot from the ISO). */
  rootfs?: string;
}

/** Debian's cloud kernel installed on this machine (/boot/vmlinuz-*-cloud-amd64), or undefined. */
export function findHostKernel(): string | undefined {
  let names: string[];
  try {
    names = readdirSync('/boot');
  } catch {
    return undefined;
  }
  const k = names
    .filter((n) => /^vmlinuz-.*-cloud-amd64$/.test(n))
    .sort()
    .pop();
  return k ? join('/boot', k) : undefined;
}

/**
 * Builds a ~18 MB hybrid FCOS-like live ISO at `out` (about 1 s): BIOS isolinux + UEFI GRUB,
 * images/ignition.img (256 KiB of zeros), coreos/{kargs,igninfo,features}.json, karg embed areas
 * in isolinux.cfg and grub.cfg laid out as coreos-assembler does, a real kernel and a busybox
 * initramfs whose /init prints /proc/cmdline and /config.ign on ttyS0 (see parseBootReport).
 */
export function buildLiveIso(out: string, opts: BuildLiveIsoOptions = {}): LiveIsoInfo {
  const args = [MAKE_LIVE_ISO, '--quiet'];
  const kernel = opts.kernel ?? findHostKernel();
  if (kernel) args.push('--kernel', kernel);
  if (opts.noConsole) args.push('--no-console');
  if (opts.biosOnly) args.push('--bios-only');
  if (opts.volid) args.push('--volid', opts.volid);
  if (opts.pxeDir) args.push('--pxe-dir', opts.pxeDir);
  if (opts.rootfs) args.push('--rootfs', opts.rootfs);
  args.push(out);
  const stdout = execFileSync('bash', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const j = JSON.parse(stdout.trim().split('\n').pop()!) as {
    iso: string;
    volid: string;
    default_kargs: string;
    karg_area_size: number;
    ignition_img: { offset: number; length: number };
    karg_areas: Record<string, number>;
  };
  const info: LiveIsoInfo = {
    iso: j.iso,
    volid: j.volid,
    defaultKargs: j.default_kargs,
    kargAreaSize: j.karg_area_size,
    ignitionImg: { offset: j.ignition_img.offset, length: j.ignition_img.length },
    kargAreas: j.karg_areas,
  };
  if (opts.pxeDir) {
    info.kernel = join(opts.pxeDir, 'vmlinuz');
    info.initrd = join(opts.pxeDir, 'initrd.img');
    if (!existsSync(info.kernel) || !existsSync(info.initrd)) throw new Error(`make-live-iso did not fill ${opts.pxeDir}`);
  }
  return info;
}
