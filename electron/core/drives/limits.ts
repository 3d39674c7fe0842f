/**
 * Targets larger than this get a "are you sure this is a USB stick?" warning (as Etcher does) and
 * need an extra confirmation. Dependency-free, so the IPC contract can share the one value.
 */
export const LARGE_DRIVE_BYTES = 128e9;
