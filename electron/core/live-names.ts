/**
 * Paths the Fedora CoreOS live initramfs agrees on with the tools that customize it, shared by the
 * ISO embed area and the PXE initramfs code (docs/live-iso-format.md §5.5; coreos-installer
 * src/live/embed.rs `INITRD_IGNITION_PATH`, `INITRD_NETWORK_DIR`, src/live/mod.rs
 * `INITRD_LIVE_STAMP_PATH`, src/live/customize.rs `INITRD_FEATURES_PATH`). Archive paths have no
 * leading `/`.
 */

/** The Ignition config the live initramfs runs. */
export const CONFIG_IGN = 'config.ign';

/** Directory of the NetworkManager keyfiles the live initramfs copies before Ignition runs. */
export const NETWORK_DIR = 'etc/coreos-firstboot-network';

/** The marker file every live initramfs carries (`pxe customize` refuses an input without it). */
export const LIVE_INITRAMFS_MARKER = 'etc/coreos-live-initramfs';

/** The live initramfs's copy of the OS feature flags (the ISO's is `coreos/features.json`). */
export const INITRAMFS_FEATURES = 'etc/coreos/features.json';

/** The archive path of the keyfile `name` (a basename). */
export function networkMember(name: string): string {
  return `${NETWORK_DIR}/${name}`;
}

/**
 * The keyfile name of a network member, or null for any other path. coreos-installer matches
 * `etc/coreos-firstboot-network/*`, whose `*` also matches a `/`, so nested paths count too.
 */
export function networkName(path: string): string | null {
  return path.startsWith(`${NETWORK_DIR}/`) ? path.slice(NETWORK_DIR.length + 1) : null;
}
