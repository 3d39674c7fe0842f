import { existsSync } from 'node:fs';
import type { Requirements } from '../../../helpers/requirements';

/** Debian's PXELINUX loader (package pxelinux). */
export const PXELINUX_0 = '/usr/lib/PXELINUX/pxelinux.0';
/** The BIOS core module PXELINUX loads next (package syslinux-common). */
export const LDLINUX_C32 = '/usr/lib/syslinux/modules/bios/ldlinux.c32';

/** Where QEMU's virtio-net iPXE ROM lives; checked so a missing ipxe-qemu is a clear skip (Debian ipxe-qemu installs it under /usr/lib/ipxe/qemu). */
const IPXE_ROM_CANDIDATES = [
  '/usr/lib/ipxe/qemu/efi-virtio.rom',
  '/usr/share/qemu/efi-virtio.rom',
  '/usr/lib/ipxe/qemu/pxe-virtio.rom',
  '/usr/share/qemu/pxe-virtio.rom',
];

/** The first iPXE ROM for virtio-net that exists (or the first candidate, for the skip message). */
export function ipxeRom(): string {
  return IPXE_ROM_CANDIDATES.find((p) => existsSync(p)) ?? IPXE_ROM_CANDIDATES[1];
}

/** What a network boot test needs besides the tiny ISO builder. */
export function netbootRequirements(): Requirements {
  return { tools: ['qemu-system-x86_64'], files: [PXELINUX_0, LDLINUX_C32, ipxeRom()] };
}

/**
 * QEMU arguments for a network boot from `tftpDir` with user-mode networking isolated from the
 * host network (`restrict=on`: nothing leaves the emulator) and the NIC's iPXE ROM first in the
 * boot order. `bootfile` is what DHCP hands out (pxelinux.0 or an iPXE script).
 */
export function netbootArgs(tftpDir: string, bootfile: string): string[] {
  if (/[,\s]/.test(tftpDir) || /[,\s]/.test(bootfile)) throw new Error(`netbootArgs: no commas or spaces allowed: ${tftpDir} ${bootfile}`);
  return [
    '-netdev',
    `user,id=n0,restrict=on,tftp=${tftpDir},bootfile=${bootfile}`,
    // QEMU picks its own virtio-net ROM (an explicit absolute romfile= is not run by SeaBIOS here)
    '-device',
    'virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56,bootindex=1',
  ];
}
