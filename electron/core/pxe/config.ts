import { ERROR_CODES } from '../../contract/error-codes';
import { checkCmdlineLength, checkKargs, requireValidKargs } from '../cmdline';
import { FlintError, codedError } from '../errors';

/** Which network boot loader reads the generated file. */
export type PxeConfigFormat = 'pxelinux' | 'ipxe';

/** File names of the three live artifacts (relative to the TFTP root or the base URL). */
export interface PxeArtifactNames {
  kernel: string;
  initramfs: string;
  rootfs: string;
}

/** How the live system gets its root filesystem. */
export type RootfsSource =
  /** The initramfs downloads it from `coreos.live.rootfs_url` (2 GiB of RAM). */
  | { mode: 'url'; url?: string }
  /** It is loaded as a second initrd by the boot loader (4 GiB of RAM). */
  | { mode: 'initrd' };

/** Where the Ignition config comes from. */
export type IgnitionSource =
  /** Fetched at boot from `ignition.config.url` (HTTP(S) or TFTP). */
  | { mode: 'url'; url: string }
  /** Already inside the initramfs (the output of `flint pxe customize`). */
  | { mode: 'embedded' }
  /** An extra initrd beside the initramfs (the output of `flint pxe ignition wrap`). */
  | { mode: 'initrd'; name: string }
  /** No config: the live system boots with autologin on the console. */
  | { mode: 'none' };

/** Everything {@link generatePxeConfig} needs. */
export interface PxeConfigOptions {
  format: PxeConfigFormat;
  artifacts: PxeArtifactNames;
  /**
   * HTTP(S) base URL of the boot mirror (e.g. `flint serve`). iPXE loads everything from it
   * (default `tftp://${next-server}`); PXELINUX loads kernel and initrds over TFTP and uses it only
   * to build `coreos.live.rootfs_url`.
   */
  baseUrl?: string;
  rootfs: RootfsSource;
  ignition: IgnitionSource;
  /**
   * Extra kernel arguments, each entry one or more separated by spaces (checked by the one karg
   * rule set, electron/core/cmdline.ts, with the arguments Flint writes itself refused).
   */
  kargs?: string[];
  /** More initrds loaded after the others, e.g. keyfiles from `flint pxe network wrap`. */
  extraInitrds?: string[];
  /** Stream and release, written as iPXE `set STREAM` / `set VERSION` when known. */
  stream?: string;
  version?: string;
  /** PXELINUX: folder of the artifacts inside the TFTP root (default: the root itself). */
  tftpPrefix?: string;
}

/** One generated file. */
export interface PxeConfigFile {
  /** Path relative to the TFTP/HTTP root: `pxelinux.cfg/default` or `boot.ipxe`. */
  name: string;
  text: string;
}

/** The result: the files, the RAM the chosen layout needs and the final kernel arguments. */
export interface GeneratedPxeConfig {
  files: PxeConfigFile[];
  /** Minimum guest RAM in bytes (2 GiB with a rootfs URL, 4 GiB with the rootfs as an initrd). */
  ramNeeded: number;
  /** A sentence saying why, for the CLI and the UI. */
  ramNote: string;
  /** The kernel command line as the boot loader gets it (iPXE variables expanded). */
  cmdline: string;
  /** Reminders for the person setting up the site (TFTP layout, where each file goes). */
  notes: string[];
}

const GiB = 1024 ** 3;
/** RAM needed when the rootfs is fetched by the initramfs (FCOS docs: 2 GiB). */
export const RAM_ROOTFS_URL = 2 * GiB;
/** RAM needed when the rootfs is loaded as an initrd (FCOS docs: 4 GiB). */
export const RAM_ROOTFS_INITRD = 4 * GiB;
/** The arguments every FCOS network boot carries. */
export const ALWAYS_KARGS = ['ignition.firstboot', 'ignition.platform.id=metal'];

function joinUrl(base: string, name: string): string {
  return base.replace(/\/+$/, '') + '/' + name.replace(/^\/+/, '');
}

function checkUrl(url: string, what: string, schemes: string[]): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FlintError('PXE_BAD_URL', `invalid ${what} URL '${url}'`);
  }
  if (!schemes.includes(u.protocol)) {
    throw new FlintError('PXE_BAD_URL', `unsupported ${what} URL '${url}'`, [`use ${schemes.map((s) => s.slice(0, -1)).join(' or ')}`]);
  }
  if (/\s/.test(url)) throw new FlintError('PXE_BAD_URL', `invalid ${what} URL '${url}'`, ['it contains a space']);
}

function checkName(name: string, what: string): void {
  if (!name || /[\s,]/.test(name)) {
    throw new FlintError('PXE_BAD_NAME', `invalid ${what} file name '${name}'`, ['names must not be empty or contain spaces or commas']);
  }
}

/** The rootfs URL for `coreos.live.rootfs_url`, from the explicit URL or the base URL. */
function rootfsUrl(opts: PxeConfigOptions): string {
  if (opts.rootfs.mode !== 'url') throw new Error('unreachable');
  const url = opts.rootfs.url ?? (opts.baseUrl ? joinUrl(opts.baseUrl, opts.artifacts.rootfs) : undefined);
  if (!url) {
    throw codedError(
      ERROR_CODES.PXE_NO_ROOTFS_URL,
      {},
      'the rootfs URL is unknown: name it, give an http(s) base URL, or load the rootfs as an initrd',
    );
  }
  checkUrl(url, 'rootfs', ['http:', 'https:']);
  return url;
}

function ramOf(opts: PxeConfigOptions): { ramNeeded: number; ramNote: string } {
  return opts.rootfs.mode === 'url'
    ? { ramNeeded: RAM_ROOTFS_URL, ramNote: 'needs at least 2 GiB of RAM (the initramfs fetches the rootfs from coreos.live.rootfs_url)' }
    : { ramNeeded: RAM_ROOTFS_INITRD, ramNote: 'needs at least 4 GiB of RAM (the rootfs is loaded as an initrd)' };
}

function header(opts: PxeConfigOptions, ramNote: string, comment: string): string[] {
  const rel = opts.version ? ` for Fedora CoreOS ${opts.version}${opts.stream ? ` (${opts.stream})` : ''}` : '';
  return [`${comment} Generated by Flint${rel}.`, `${comment} This boot ${ramNote}.`];
}

function pxelinux(opts: PxeConfigOptions, extra: string[], ramNote: string): { text: string; cmdline: string } {
  const p = opts.tftpPrefix ? opts.tftpPrefix.replace(/\/+$/, '') + '/' : '';
  const initrds = [p + opts.artifacts.initramfs];
  if (opts.rootfs.mode === 'initrd') initrds.push(p + opts.artifacts.rootfs);
  if (opts.ignition.mode === 'initrd') initrds.push(p + opts.ignition.name);
  for (const x of opts.extraInitrds ?? []) initrds.push(p + x);
  const args = [`initrd=${initrds.join(',')}`];
  if (opts.rootfs.mode === 'url') args.push(`coreos.live.rootfs_url=${rootfsUrl(opts)}`);
  args.push(...ALWAYS_KARGS);
  if (opts.ignition.mode === 'url') args.push(`ignition.config.url=${opts.ignition.url}`);
  args.push(...extra);
  const cmdline = args.join(' ');
  const text = [
    ...header(opts, ramNote, '#'),
    'DEFAULT pxeboot',
    'TIMEOUT 20',
    'PROMPT 0',
    'LABEL pxeboot',
    `    KERNEL ${p}${opts.artifacts.kernel}`,
    `    APPEND ${cmdline}`,
    'IPAPPEND 2',
    '',
  ].join('\n');
  return { text, cmdline };
}

function ipxe(opts: PxeConfigOptions, extra: string[], ramNote: string): { text: string; cmdline: string } {
  const base = (opts.baseUrl ?? 'tftp://${next-server}').replace(/\/+$/, '');
  const v = opts.version;
  // file names carry the release; write them with ${VERSION} as the FCOS docs do
  const named = (n: string) => (v && n.includes(v) ? n.split(v).join('${VERSION}') : n);
  const expand = (s: string) =>
    s
      .replaceAll('${BASEURL}', base)
      .replaceAll('${VERSION}', v ?? '')
      .replaceAll('${CONFIGURL}', opts.ignition.mode === 'url' ? opts.ignition.url : '');
  const lines = ['#!ipxe', ...header(opts, ramNote, '#')];
  if (opts.stream) lines.push(`set STREAM ${opts.stream}`);
  if (v) lines.push(`set VERSION ${v}`);
  if (opts.ignition.mode === 'url') lines.push(`set CONFIGURL ${opts.ignition.url}`);
  lines.push(`set BASEURL ${base}`);
  const args = ['initrd=main'];
  const initrdLines = [`initrd --name main \${BASEURL}/${named(opts.artifacts.initramfs)}`];
  if (opts.rootfs.mode === 'initrd') {
    args.push('initrd=rootfs');
    initrdLines.push(`initrd --name rootfs \${BASEURL}/${named(opts.artifacts.rootfs)}`);
  }
  if (opts.ignition.mode === 'initrd') {
    args.push('initrd=ignition');
    initrdLines.push(`initrd --name ignition \${BASEURL}/${named(opts.ignition.name)}`);
  }
  for (const [i, x] of (opts.extraInitrds ?? []).entries()) {
    args.push(`initrd=extra${i + 1}`);
    initrdLines.push(`initrd --name extra${i + 1} \${BASEURL}/${named(x)}`);
  }
  if (opts.rootfs.mode === 'url') {
    // an explicit URL is written as is; otherwise the rootfs sits beside the others on an HTTP mirror
    if (opts.rootfs.url || !/^https?:/.test(base)) args.push(`coreos.live.rootfs_url=${rootfsUrl(opts)}`);
    else args.push(`coreos.live.rootfs_url=\${BASEURL}/${named(opts.artifacts.rootfs)}`);
  }
  args.push(...ALWAYS_KARGS);
  if (opts.ignition.mode === 'url') args.push('ignition.config.url=${CONFIGURL}');
  args.push(...extra);
  lines.push(`kernel \${BASEURL}/${named(opts.artifacts.kernel)} ${args.join(' ')}`, ...initrdLines, 'boot', '');
  return { text: lines.join('\n'), cmdline: expand(args.join(' ')) };
}

/**
 * Generates a PXELINUX `pxelinux.cfg/default` or an iPXE script in the shapes of the Fedora
 * CoreOS "live booting" docs, with `ignition.firstboot ignition.platform.id=metal` always on the
 * command line, `IPAPPEND 2` for PXELINUX, and the RAM the chosen rootfs source needs.
 * Pure: writes nothing. Throws FlintError on a bad karg, URL or name, or a command line too long.
 */
export function generatePxeConfig(opts: PxeConfigOptions): GeneratedPxeConfig {
  const checked = checkKargs(opts.kargs ?? [], { context: 'pxe' });
  requireValidKargs(checked);
  const extra = checked.args;
  for (const [what, name] of Object.entries(opts.artifacts)) checkName(name, what);
  if (opts.ignition.mode === 'initrd') checkName(opts.ignition.name, 'Ignition initrd');
  for (const x of opts.extraInitrds ?? []) checkName(x, 'extra initrd');
  if (opts.ignition.mode === 'url') checkUrl(opts.ignition.url, 'Ignition config', ['http:', 'https:', 'tftp:']);
  if (opts.baseUrl !== undefined)
    checkUrl(opts.baseUrl, 'base', opts.format === 'ipxe' ? ['http:', 'https:', 'tftp:'] : ['http:', 'https:']);
  const { ramNeeded, ramNote } = ramOf(opts);
  const { text, cmdline } = opts.format === 'pxelinux' ? pxelinux(opts, extra, ramNote) : ipxe(opts, extra, ramNote);
  checkCmdlineLength(cmdline);
  const name = opts.format === 'pxelinux' ? 'pxelinux.cfg/default' : 'boot.ipxe';
  const notes: string[] = [];
  if (opts.format === 'pxelinux') {
    notes.push('put pxelinux.0 and ldlinux.c32 (Debian: pxelinux, syslinux-common) in the TFTP root, next to pxelinux.cfg/');
  }
  if (opts.ignition.mode === 'none') notes.push('no Ignition config: the live system will only offer a console autologin');
  if (opts.ignition.mode === 'embedded') notes.push('the initramfs must be the output of `flint pxe customize`');
  for (const w of checked.warnings) notes.push(w.message);
  return { files: [{ name, text }], ramNeeded, ramNote, cmdline, notes };
}
