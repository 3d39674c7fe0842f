import { FlintError } from '../errors';
import type { CustomizeRequest } from '../iso/customize';
import type { IsoFeatures } from '../iso/features';
import { buildCustomizeMembers } from '../iso/live-config';
import { buildEmbedPayload } from '../iso/payload';
import { appendArchive, inspectInitramfs } from './initramfs';

/** What `pxe customize` produced. */
export interface PxeCustomizeResult {
  /** The input initramfs followed by the generated archive. */
  initramfs: Uint8Array;
  /** The generated live `config.ign`, or null when no option contributed to it. */
  liveConfig: Uint8Array | null;
  /** Lines for stderr (installer notices, the kernel-argument reminder). */
  messages: string[];
}

/** The reminder coreos-installer prints when a config is embedded for PXE. */
export const PXE_FIRSTBOOT_REMINDER =
  'The PXE kernel command line must include ignition.firstboot ignition.platform.id=metal for the embedded Ignition config to run.';

/**
 * `flint pxe customize`: the same member generation as `iso customize` (docs/live-iso-format.md §7.6) applied to a
 * live initramfs. Live karg options do not exist for PXE (the kernel line is in the boot config)
 * and are refused. The feature flags come from the initramfs's `etc/coreos/features.json`.
 */
export async function pxeCustomize(initramfs: Uint8Array, req: CustomizeRequest): Promise<PxeCustomizeResult> {
  const kargOpts = [req.liveKargAppend, req.liveKargDelete, req.liveKargReplace].some((a) => a && a.length > 0);
  if (kargOpts) {
    throw new FlintError('PXE_NO_LIVE_KARGS', 'live kernel arguments cannot be customized for PXE', [
      'put them on the kernel line of the boot config instead (flint pxe config --karg ...)',
    ]);
  }
  const facts = await inspectInitramfs(initramfs);
  if (!facts.isLive) throw new FlintError('PXE_NOT_LIVE_INITRAMFS', 'not a CoreOS live initramfs image');
  if (facts.customized) throw new FlintError('PXE_ALREADY_CUSTOMIZED', 'input is already customized');
  const built = buildCustomizeMembers(req, facts.features);
  const messages = [...built.messages];
  if (built.liveConfig) messages.push(PXE_FIRSTBOOT_REMINDER);
  const out = await appendArchive(initramfs, built.members);
  return { initramfs: out, liveConfig: built.liveConfig, messages };
}

/** What {@link configInitrd} produced. */
export interface ConfigInitrd {
  /** The archive (xz cpio, CRC32), or null when the request adds nothing. */
  initrd: Uint8Array | null;
  liveConfig: Uint8Array | null;
  messages: string[];
}

/**
 * The archive `pxe customize` would append to a live initramfs (config.ign, network keyfiles,
 * installer files), as an initrd of its own: the kernel unpacks every initrd into one root, so
 * loading it beside the pristine initramfs gives the live system the same files. One pristine
 * initramfs then serves every machine of a fleet, each with its own small initrd. `features` are
 * those of the initramfs it is loaded with (inspectInitramfs).
 */
export async function configInitrd(req: CustomizeRequest, features: IsoFeatures): Promise<ConfigInitrd> {
  const kargOpts = [req.liveKargAppend, req.liveKargDelete, req.liveKargReplace].some((a) => a && a.length > 0);
  if (kargOpts) throw new Error('configInitrd: kernel arguments belong on the boot config line');
  const built = buildCustomizeMembers(req, features);
  return {
    initrd: built.members.length ? await buildEmbedPayload(built.members) : null,
    liveConfig: built.liveConfig,
    messages: built.messages,
  };
}
