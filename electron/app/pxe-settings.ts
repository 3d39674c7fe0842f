/**
 * Network boot with the Config step's field settings (SSH key, host name, static IP, time zone):
 * the same fragment and keyfile the USB flow embeds (`buildFieldSettings`), placed for each
 * Ignition mode — inside the customized initramfs (embedded), merged into the wrapped Ignition
 * initrd (initrd), or written as a live config the mirror serves (URL); a static IP travels as a
 * NetworkManager keyfile in the initramfs or a wrapped network initrd. Electron-free.
 */
import { FlintError } from '../core/errors';
import { NO_FEATURES } from '../core/iso/features';
import { buildCustomizeMembers } from '../core/iso/live-config';
import type { FieldSettingsInput } from '../contract/types';
import type { PxeOptions } from '../contract/pxe';
import { buildFieldSettings, checkFieldSettings, fragmentText } from './field-settings';

/** Name of the wrapped network keyfile initrd in an exported folder. */
export const NETWORK_INITRD = 'network.img';
/** Default name of the generated live config in URL mode (when the Ignition URL does not name one under the base URL). */
export const URL_LIVE_CONFIG = 'config.ign';

/** The field settings of one network boot, ready to place. */
export interface PxeSettings {
  /** The Ignition fragment (JSON text) merged after the user's config; absent for a static IP alone. */
  fragment?: string;
  /** NetworkManager keyfiles (the static IP). */
  keyfiles: { name: string; text: string }[];
  /** What is applied, in words (e.g. "host name node1"). */
  summary: string[];
}

/**
 * The field settings of a request (null when none were sent or the form is empty). Throws
 * FIELD_SETTINGS_INVALID on a bad field, and PXE_SETTINGS_NEED_IGNITION when the boot carries
 * no Ignition config at all (mode "none"), since they would be silently lost.
 */
export function pxeSettingsOf(o: PxeOptions, input: FieldSettingsInput | undefined): PxeSettings | null {
  if (!input) return null;
  const built = buildFieldSettings(input);
  if (!built) return null;
  if (o.ignition === 'none') {
    throw new FlintError('PXE_SETTINGS_NEED_IGNITION', 'The field settings from the Config step need an Ignition config to travel in', [
      'choose Embedded, Separate initrd or By URL under Ignition config, or clear the field settings',
    ]);
  }
  const fragment = fragmentText(built);
  const dec = new TextDecoder();
  return {
    ...(fragment ? { fragment } : {}),
    keyfiles: built.networkKeyfiles.map((k) => ({ name: k.name, text: dec.decode(k.data) })),
    summary: checkFieldSettings(input).summary,
  };
}

/**
 * The live config the USB flow would embed for `config` plus the settings fragment: the core's
 * generation (each source a gzip data URL under `ignition.config.merge`, the user's first).
 */
export function mergedLiveConfig(config: string | undefined, fragment: string): string {
  const enc = (t: string) => new TextEncoder().encode(t);
  const liveIgnition = [
    ...(config !== undefined ? [{ name: 'config.ign', data: enc(config) }] : []),
    { name: 'field-settings.ign', data: enc(fragment) },
  ];
  const live = buildCustomizeMembers({ liveIgnition }, NO_FEATURES).liveConfig;
  if (!live) throw new Error('unreachable: a fragment always yields a live config');
  return new TextDecoder().decode(live);
}

const SAFE_REL = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\.(ign|json)$/;

/**
 * Where the generated live config goes in the folder in URL mode: the Ignition URL's path under
 * the base URL when it names an .ign/.json file there (so the mirror serves it at that URL),
 * otherwise {@link URL_LIVE_CONFIG}.
 */
export function urlConfigName(o: PxeOptions): string {
  if (!o.baseUrl || !o.ignitionUrl) return URL_LIVE_CONFIG;
  const base = o.baseUrl.replace(/\/+$/, '') + '/';
  if (!o.ignitionUrl.startsWith(base)) return URL_LIVE_CONFIG;
  const rel = o.ignitionUrl.slice(base.length);
  if (!SAFE_REL.test(rel) || rel.split('/').some((p) => p === '.' || p === '..')) return URL_LIVE_CONFIG;
  return rel;
}

/** Sentences telling where each part of the settings goes, for the preview's notes. */
export function settingsNotes(o: PxeOptions, st: PxeSettings, initramfs: string, configName?: string): string[] {
  const what = st.summary.join(', ');
  const notes: string[] = [];
  const keyfile = st.keyfiles.length > 0;
  if (o.ignition === 'embedded') {
    notes.push(`Field settings (${what}) are embedded in ${initramfs}${keyfile ? ', the static IP as a network keyfile' : ''}.`);
  } else if (o.ignition === 'initrd') {
    if (st.fragment) notes.push(`Field settings (${what}) are merged into ignition.img after the Config step's config.`);
    if (keyfile) notes.push(`The static IP is a network keyfile in ${NETWORK_INITRD}, loaded as an extra initrd.`);
  } else if (o.ignition === 'url') {
    const name = configName ?? urlConfigName(o);
    if (st.fragment) {
      const served = o.baseUrl ? `${o.baseUrl.replace(/\/+$/, '')}/${name}` : undefined;
      const at = served && o.ignitionUrl === served ? '' : ` Point the Ignition URL at ${served ?? name} on the mirror.`;
      notes.push(`Field settings (${what}) are merged into ${name} in the exported folder, which the mirror serves.${at}`);
    }
    if (keyfile) notes.push(`The static IP cannot travel by URL: it is a network keyfile in ${NETWORK_INITRD}, loaded as an extra initrd.`);
  }
  return notes;
}
