import { FlintError } from '../errors';

/** x86 Linux COMMAND_LINE_SIZE: the kernel truncates a longer command line. */
export const MAX_CMDLINE_BYTES = 2048;

/**
 * Arguments Flint writes itself on a network-boot command line: a user karg that sets one of
 * these would fight with the generated value, so it is refused with a pointer to the right option.
 */
const MANAGED: Record<string, string> = {
  initrd: 'the initrds come from --rootfs-initrd / --ignition-embedded',
  BOOTIF: 'PXELINUX adds BOOTIF= itself (IPAPPEND 2)',
  'ignition.config.url': 'use --ignition-url',
  'coreos.live.rootfs_url': 'use --rootfs-url',
  'ignition.firstboot': 'it is always on the command line',
  'ignition.platform.id': 'it is always ignition.platform.id=metal for PXE',
};

/**
 * Checks extra kernel arguments the way the ISO karg editor treats them: each is one
 * space-free word (the editor splits on spaces and does not understand quotes), printable
 * ASCII, no '#' (a comment/padding character in the boot loaders' config files) and not one of
 * the arguments Flint manages. Returns the trimmed arguments; throws FlintError `PXE_KARG_INVALID`.
 */
export function checkKernelArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of args) {
    const a = raw.trim();
    const bad = (why: string) => new FlintError('PXE_KARG_INVALID', `invalid kernel argument '${raw}'`, [why]);
    if (a === '') throw bad('it is empty');
    if (/\s/.test(a)) throw bad('it contains a space; pass each argument with its own --karg');
    if (/["'\\]/.test(a)) throw bad('quotes and backslashes are not understood by the karg editor');
    if (a.includes('#')) throw bad("'#' is the padding/comment character of the boot configs");
    if (/[^\x21-\x7e]/.test(a)) throw bad('only printable ASCII is allowed');
    const key = a.split('=')[0];
    if (key in MANAGED) throw bad(`Flint sets ${key} itself: ${MANAGED[key]}`);
    out.push(a);
  }
  return out;
}

/** Throws `PXE_CMDLINE_TOO_LONG` when the final command line exceeds what the kernel keeps. */
export function checkCmdlineLength(cmdline: string): void {
  const n = Buffer.byteLength(cmdline);
  if (n >= MAX_CMDLINE_BYTES) {
    throw new FlintError('PXE_CMDLINE_TOO_LONG', `kernel command line too long: ${n} bytes`, [
      `the kernel keeps at most ${MAX_CMDLINE_BYTES - 1} bytes; shorten the URLs or drop --karg arguments`,
    ]);
  }
}
