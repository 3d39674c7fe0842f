/**
 * An app core that lists only a test's own loop devices: other tests' devices (made at the same
 * time by other files) stay out of the drive list, and no watcher runs, so a test sees only what
 * it made (electron/app/core-adapter.ts).
 */
import type { CoreAdapter } from '../../electron/app/core-adapter';

/** `core` with its drive list narrowed to `devices` and no drive watcher. */
export function onlyDevices(core: CoreAdapter, devices: ReadonlySet<string>): CoreAdapter {
  return { ...core, listDrives: async (p) => (await core.listDrives(p)).filter((d) => devices.has(d.device)), watchDrives: undefined };
}
