import type { Requirements } from '../../../helpers/requirements';
import { findHostKernel } from './live-iso';

/** OVMF firmware code and variable-store templates (Debian package ovmf). */
export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
/** The OVMF variable store copied for each UEFI boot. */
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

/** What building the tiny live ISO needs (Debian: xorriso isolinux syslinux-common grub-efi-amd64-bin grub-common mtools dosfstools busybox-static cpio linux-image-cloud-amd64). */
export const BUILD_ISO_REQUIREMENTS: Requirements = {
  // without an installed cloud kernel the builder fetches linux-image-cloud-amd64 with apt-get download
  tools: [
    'bash',
    'xorriso',
    'cpio',
    'gzip',
    'grub-mkimage',
    'mkfs.vfat',
    'mcopy',
    'mmd',
    'busybox',
    ...(findHostKernel() ? [] : ['apt-get', 'dpkg-deb']),
  ],
  files: [
    '/usr/lib/ISOLINUX/isolinux.bin',
    '/usr/lib/ISOLINUX/isohdpfx.bin',
    '/usr/lib/syslinux/modules/bios/ldlinux.c32',
    '/usr/lib/grub/x86_64-efi/linux.mod',
  ],
};

/** What booting it in QEMU under BIOS and UEFI needs (Debian: qemu-system-x86 ovmf). */
export const BOOT_REQUIREMENTS: Requirements = {
  tools: ['qemu-system-x86_64'],
  files: [OVMF_CODE, OVMF_VARS],
};

/** Merges requirement sets (for skipReason). */
export function allOf(...reqs: Requirements[]): Requirements {
  return {
    tools: [...new Set(reqs.flatMap((r) => r.tools ?? []))],
    files: [...new Set(reqs.flatMap((r) => r.files ?? []))],
    root: reqs.some((r) => r.root),
  };
}
