/**
 * Per-machine network boot entries: PXELINUX looks for `pxelinux.cfg/01-<mac>` (ARP type 1, the
 * MAC in lower-case hex with dashes) before `pxelinux.cfg/default` (syslinux's PXELINUX
 * documentation, "configuration filename" search order); iPXE runs `boot.ipxe`, which chains to
 * `ipxe/<mac>.ipxe` for the machine it runs on (iPXE's `${mac:hexhyp}` setting, as matchbox's
 * boot.ipxe passes it: matchbox/http/ipxe.go) and boots the default entry when there is none.
 * Pure: returns file names and text.
 */
import { generatePxeConfig, type GeneratedPxeConfig, type PxeConfigOptions } from './config';

/** The MAC with dashes: 52:54:00:aa:00:01 -> 52-54-00-aa-00-01. */
export function macHyphens(mac: string): string {
  return mac.toLowerCase().replaceAll(':', '-');
}

/** PXELINUX's per-machine config file for a MAC (Ethernet, ARP type 01). */
export function pxelinuxMacFile(mac: string): string {
  return `pxelinux.cfg/01-${macHyphens(mac)}`;
}

/** The iPXE script `boot.ipxe` chains to for a MAC. */
export function ipxeMacFile(mac: string): string {
  return `ipxe/${macHyphens(mac)}.ipxe`;
}

/** One boot entry: what the config generator takes, minus the format. */
export type EntryOptions = Omit<PxeConfigOptions, 'format'>;

/**
 * The default iPXE script with the per-machine chain in front: a machine with an entry boots it,
 * any other (or one whose entry cannot be fetched) boots the default below.
 */
export function chainingIpxe(def: EntryOptions): GeneratedPxeConfig {
  const g = generatePxeConfig({ ...def, format: 'ipxe' });
  const lines = g.files[0]!.text.split('\n');
  const at = lines.findIndex((l) => l.startsWith('kernel '));
  lines.splice(
    at,
    0,
    '# a machine of the fleet boots its own entry (ipxe/<mac>.ipxe); any other boots the default below',
    `chain --autofree \${BASEURL}/ipxe/\${mac:hexhyp}.ipxe || echo No entry for \${mac:hexhyp}: booting the default`,
  );
  return { ...g, files: [{ name: 'boot.ipxe', text: lines.join('\n') }] };
}

/** A machine's PXELINUX config and iPXE script (as requested), under their per-MAC names. */
export function machineEntries(
  mac: string,
  o: EntryOptions,
  formats: { pxelinux: boolean; ipxe: boolean },
): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  if (formats.pxelinux) out.push({ name: pxelinuxMacFile(mac), text: generatePxeConfig({ ...o, format: 'pxelinux' }).files[0]!.text });
  if (formats.ipxe) out.push({ name: ipxeMacFile(mac), text: generatePxeConfig({ ...o, format: 'ipxe' }).files[0]!.text });
  return out;
}
