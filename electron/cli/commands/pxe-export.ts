/**
 * `flint pxe export`: lays out a site's network boot folder (electron/core/pxe/export.ts) from boot
 * files already in it (`flint pxe download --dir`, or named), or copied out of a live ISO (--iso):
 * a default entry, per-machine entries for a fleet manifest, PXELINUX and/or iPXE and/or a matchbox
 * data directory, and optionally dnsmasq and nginx configurations.
 */
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { FlintError } from '../../core/errors';
import type { PxeArtifactNames, RootfsSource } from '../../core/pxe/config';
import { addCustomizeOptions, readCustomization } from '../customize-options';
import { printWarnings } from '../messages';

const collect = (v: string, prev: string[] = []) => [...prev, v];
const FORMATS = ['pxelinux', 'ipxe', 'matchbox'] as const;

interface ExportFlags {
  dir: string;
  iso?: string;
  kernel?: string;
  initramfs?: string;
  rootfs?: string;
  format: string;
  baseUrl?: string;
  rootfsUrl?: string | true;
  rootfsInitrd?: boolean;
  ignition?: string;
  karg?: string[];
  fleet?: string;
  dnsmasq?: string;
  dhcpRange?: string;
  interface?: string;
  nginx?: boolean;
  json?: boolean;
  [customizeFlag: string]: unknown;
}

/** The boot files: copied out of --iso, named by the flags, or recorded in the folder by `pxe download`. */
async function bootFiles(o: ExportFlags): Promise<{ artifacts: PxeArtifactNames; release?: string; stream?: string }> {
  const named = [o.kernel, o.initramfs, o.rootfs].filter((x) => x !== undefined).length;
  if (o.iso) {
    if (named) throw new FlintError('PXE_BAD_OPTIONS', '--iso names the boot files itself: leave out --kernel, --initramfs and --rootfs');
    const { extractPxeArtifacts, safeStem } = await import('../../core/iso/pxe-artifacts');
    const x = await extractPxeArtifacts(o.iso, o.dir, safeStem(basename(o.iso).replace(/\.iso$/i, '')));
    process.stderr.write(`copied ${x.written.join(', ')} out of ${o.iso}\n`);
    return x;
  }
  if (named === 3) return { artifacts: { kernel: o.kernel!, initramfs: o.initramfs!, rootfs: o.rootfs! } };
  if (named) throw new FlintError('PXE_BAD_OPTIONS', 'give all of --kernel, --initramfs and --rootfs, or none');
  const { readManifest } = await import('../../core/pxe/mirror');
  const m = await readManifest(o.dir);
  if (!m) {
    throw new FlintError('PXE_BAD_OPTIONS', `${o.dir} holds no boot files Flint knows of`, [
      `run flint pxe download --dir ${o.dir}, give --iso LIVE.iso, or name them with --kernel, --initramfs and --rootfs`,
    ]);
  }
  return { artifacts: m.artifacts, release: m.release, stream: m.stream };
}

function formatsOf(list: string): ('pxelinux' | 'ipxe' | 'matchbox')[] {
  const out = list
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  for (const f of out) {
    if (!(FORMATS as readonly string[]).includes(f))
      throw new FlintError('PXE_BAD_OPTIONS', `unknown format '${f}'`, [`use ${FORMATS.join(', ')}`]);
  }
  return [...new Set(out)] as ('pxelinux' | 'ipxe' | 'matchbox')[];
}

async function runExport(o: ExportFlags): Promise<void> {
  const formats = formatsOf(o.format);
  if (o.rootfsUrl !== undefined && o.rootfsInitrd)
    throw new FlintError('PXE_BAD_OPTIONS', '--rootfs-url and --rootfs-initrd exclude each other');
  if (o.dnsmasq !== undefined && o.dnsmasq !== 'dhcp' && o.dnsmasq !== 'proxy') {
    throw new FlintError('PXE_BAD_OPTIONS', `--dnsmasq takes dhcp or proxy, not '${o.dnsmasq}'`);
  }
  if (o.dnsmasq && !o.dhcpRange) {
    throw new FlintError('PXE_BAD_OPTIONS', '--dnsmasq needs --dhcp-range', [
      o.dnsmasq === 'proxy'
        ? 'the network address for proxy-DHCP, e.g. 10.0.0.0'
        : 'the addresses to hand out, e.g. 10.0.0.100,10.0.0.200,12h',
    ]);
  }
  const rootfs: RootfsSource = o.rootfsInitrd
    ? { mode: 'initrd' }
    : typeof o.rootfsUrl === 'string'
      ? { mode: 'url', url: o.rootfsUrl }
      : { mode: 'url' };
  // read everything the user named before copying boot files out of an ISO
  const common = await readCustomization(o, { liveIgnition: o.ignition ? [o.ignition] : [], liveKargAppend: o.karg ?? [] });
  const fleet = o.fleet ? await (await import('../fleet-targets')).readFleetFile(o.fleet) : undefined;
  const files = await bootFiles(o);
  const { exportPxe } = await import('../../core/pxe/export');
  const r = await exportPxe({
    dir: resolve(o.dir),
    ...files,
    formats,
    ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}),
    rootfs,
    common,
    ...(fleet ? { fleet } : {}),
    ...(o.dnsmasq
      ? { dnsmasq: { mode: o.dnsmasq as 'dhcp' | 'proxy', range: o.dhcpRange!, ...(o.interface ? { iface: o.interface } : {}) } }
      : {}),
    ...(o.nginx ? { nginx: {} } : {}),
  });
  printWarnings(r.configWarnings);
  if (o.json) {
    process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    return;
  }
  for (const m of r.machines) process.stdout.write(`${m.name}  ${m.mac}  ${m.files.join(' ')}\n`);
  process.stderr.write(
    `wrote ${r.written.length} files into ${resolve(o.dir)}${r.removed.length ? `, removed ${r.removed.length} left from the last export` : ''}\n`,
  );
  if (r.ramNote) process.stderr.write(`This boot ${r.ramNote}.\n`);
  for (const n of r.notes) process.stderr.write(`note: ${n}\n`);
}

/** Registers `flint pxe export` under `pxe`. */
export function registerPxeExport(pxe: Command): void {
  addCustomizeOptions(
    pxe
      .command('export')
      .description(
        'Lay out a network boot folder: default and per-machine entries (--fleet), PXELINUX, iPXE or matchbox, dnsmasq and nginx configs',
      )
      .requiredOption('--dir <dir>', 'the boot folder: TFTP root, web root or matchbox data directory')
      .option('--iso <file>', 'copy the kernel, initramfs and rootfs out of this live ISO into the folder')
      .option('--kernel <name>', 'kernel file in the folder (default: from flint-pxe.json)')
      .option('--initramfs <name>', 'initramfs file in the folder')
      .option('--rootfs <name>', 'rootfs file in the folder')
      .option('--format <list>', 'what to write, comma separated: pxelinux, ipxe, matchbox', 'pxelinux,ipxe')
      .option('--base-url <url>', 'HTTP(S) URL machines reach the folder at (matchbox: its endpoint, e.g. http://matchbox:8080)')
      .option('--rootfs-url [url]', 'the initramfs fetches the rootfs (2 GiB RAM; default URL: base URL + rootfs name)')
      .option('--rootfs-initrd', 'load the rootfs as an initrd (4 GiB RAM)')
      .option('--ignition <file>', 'Ignition config (.ign, or Butane .bu) every machine gets, like --live-ignition')
      .option('--karg <arg>', 'kernel argument for every machine (repeatable)', collect)
      .option('--fleet <file>', 'fleet manifest (CSV or YAML): one entry per machine with a MAC, its settings on top of the common config')
      .option('--dnsmasq <mode>', 'also write dnsmasq.conf: dhcp (hand out addresses) or proxy (beside an existing DHCP server)')
      .option('--dhcp-range <range>', 'with --dnsmasq: START,END[,NETMASK][,LEASE] for dhcp; the network address for proxy')
      .option('--interface <iface>', 'with --dnsmasq: answer on this interface only')
      .option('--nginx', 'also write nginx.conf, a server block serving the folder read-only')
      .option('--json', 'print what was written as JSON'),
  ).action(runExport);
}
