import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { FlintError } from '../../core/errors';
import { checkStdoutTarget } from '../../core/iso/output';
import {
  generatePxeConfig,
  type IgnitionSource,
  type PxeConfigFormat,
  type PxeConfigOptions,
  type RootfsSource,
} from '../../core/pxe/config';
import { pxeCustomize } from '../../core/pxe/customize';
import { unwrapIgnition, unwrapNetworkKeyfiles, wrapIgnition, wrapNetworkKeyfiles } from '../../core/pxe/initramfs';
import { addMirrorConfig, downloadPxe, refreshMirror } from '../../core/pxe/mirror';
import { layoutTftpRoot } from '../../core/pxe/tftp';
import { addCustomizeOptions, readCustomization } from '../customize-options';
import { printWarnings } from '../messages';
import { registerPxeExport } from './pxe-export';
import { registerServe } from './serve';
import { progressReporter, readKeyringFiles } from './stream';
import { PROXY_HELP, proxyFlag } from '../network';

const collect = (v: string, prev: string[] = []) => [...prev, v];

async function readInput(path: string | undefined, what: string): Promise<Uint8Array> {
  try {
    if (path === undefined || path === '-') {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return new Uint8Array(Buffer.concat(chunks));
    }
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw new FlintError('READ_FAILED', `reading ${what} ${path ?? '(stdin)'}`, [(err as Error).message]);
  }
}

/** Writes a new file without ever replacing an existing one (temp file + hard link); `-`/none = stdout. */
export async function writeOutput(out: string | undefined, data: Uint8Array | string, binary: boolean): Promise<void> {
  if (out === undefined || out === '-') {
    if (binary) checkStdoutTarget(process.stdout);
    await new Promise<void>((ok, fail) => process.stdout.write(data, (e) => (e ? fail(e) : ok())));
    return;
  }
  const tmp = `${out}.flint-tmp-${process.pid}`;
  try {
    await writeFile(tmp, data);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new FlintError('WRITE_FAILED', `writing ${out}`, [(err as Error).message]);
  }
  try {
    await link(tmp, out);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new FlintError('OUTPUT_EXISTS', `persisting output file to ${out}`, [
      e.code === 'EEXIST' ? 'File exists (os error 17)' : e.message,
    ]);
  } finally {
    await rm(tmp, { force: true });
  }
}

interface ConfigOpts {
  format: string;
  rootfsUrl?: string | true;
  rootfsInitrd?: boolean;
  ignitionUrl?: string;
  ignitionEmbedded?: boolean;
  ignitionInitrd?: string;
  baseUrl?: string;
  karg?: string[];
  initrd?: string[];
  output?: string;
  dir?: string;
  kernel?: string;
  initramfs?: string;
  rootfs?: string;
  stream?: string;
  release?: string;
  tftpPrefix?: string;
  tftpLayout?: boolean;
}

function sources(o: ConfigOpts): { rootfs: RootfsSource; ignition: IgnitionSource } {
  if (o.rootfsUrl !== undefined && o.rootfsInitrd)
    throw new FlintError('PXE_BAD_OPTIONS', '--rootfs-url and --rootfs-initrd exclude each other');
  const ign = [o.ignitionUrl !== undefined, !!o.ignitionEmbedded, o.ignitionInitrd !== undefined].filter(Boolean).length;
  if (ign > 1) throw new FlintError('PXE_BAD_OPTIONS', '--ignition-url, --ignition-embedded and --ignition-initrd exclude each other');
  const rootfs: RootfsSource = o.rootfsInitrd
    ? { mode: 'initrd' }
    : typeof o.rootfsUrl === 'string'
      ? { mode: 'url', url: o.rootfsUrl }
      : { mode: 'url' };
  const ignition: IgnitionSource =
    o.ignitionUrl !== undefined
      ? { mode: 'url', url: o.ignitionUrl }
      : o.ignitionEmbedded
        ? { mode: 'embedded' }
        : o.ignitionInitrd !== undefined
          ? { mode: 'initrd', name: o.ignitionInitrd }
          : { mode: 'none' };
  return { rootfs, ignition };
}

async function runConfig(o: ConfigOpts): Promise<void> {
  if (o.format !== 'pxelinux' && o.format !== 'ipxe')
    throw new FlintError('PXE_BAD_OPTIONS', `unknown format '${o.format}'`, ['use pxelinux or ipxe']);
  const format = o.format as PxeConfigFormat;
  const { rootfs, ignition } = sources(o);
  const common = {
    format,
    rootfs,
    ignition,
    kargs: o.karg ?? [],
    ...(o.initrd ? { extraInitrds: o.initrd } : {}),
    ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}),
    ...(o.tftpPrefix ? { tftpPrefix: o.tftpPrefix } : {}),
  };
  let result;
  if (o.dir) {
    if (o.tftpLayout) for (const p of await layoutTftpRoot(o.dir)) process.stderr.write(`copied ${p}\n`);
    const output = o.output ?? (format === 'pxelinux' ? 'pxelinux.cfg/default' : 'boot.ipxe');
    result = await addMirrorConfig(o.dir, { ...common, output });
    process.stderr.write(`wrote ${join(o.dir, output)} (rewritten by flint serve --refresh when the stream moves)\n`);
  } else {
    if (!o.kernel || !o.initramfs || !o.rootfs) {
      throw new FlintError('PXE_BAD_OPTIONS', 'the artifact names are unknown', [
        'give --dir MIRROR, or --kernel, --initramfs and --rootfs',
      ]);
    }
    const opts: PxeConfigOptions = {
      ...common,
      artifacts: { kernel: o.kernel, initramfs: o.initramfs, rootfs: o.rootfs },
      ...(o.stream ? { stream: o.stream } : {}),
      ...(o.release ? { version: o.release } : {}),
    };
    result = generatePxeConfig(opts);
    await writeOutput(o.output, result.files[0].text, false);
  }
  process.stderr.write(`This boot ${result.ramNote}.\n`);
  for (const n of result.notes) process.stderr.write(`note: ${n}\n`);
}

/** Registers `flint pxe download|refresh|customize|ignition wrap|unwrap|network wrap|unwrap|config|export` and `flint serve`. */
export function registerPxe(program: Command): void {
  const pxe = program.command('pxe').description('Network boot (PXE and iPXE): artifacts, customized initramfs, boot configs');

  pxe
    .command('download')
    .description('Download and verify the live kernel, initramfs and rootfs of a release into a folder')
    .option('--stream <name>', 'stream: stable, testing or next', 'stable')
    .option('--arch <arch>', 'architecture (default: this machine)')
    .option('--dir <dir>', 'where to put the files (a boot mirror folder)', '.')
    .option('--base-url <url>', 'stream metadata base URL (a mirror of builds.coreos.fedoraproject.org)')
    .option('--keyring <file>', 'extra trusted OpenPGP public key file (repeatable)', collect)
    .option('--cache-dir <dir>', 'download cache')
    .option('--proxy <url>', PROXY_HELP, proxyFlag)
    .action(
      async (o: {
        stream: string;
        arch?: string;
        dir: string;
        baseUrl?: string;
        keyring?: string[];
        cacheDir?: string;
        proxy?: string;
      }) => {
        const progress = progressReporter(process.stderr.isTTY === true);
        const ac = new AbortController();
        const cancel = () => ac.abort();
        process.once('SIGINT', cancel);
        let r;
        try {
          r = await downloadPxe(o.dir, {
            stream: o.stream,
            arch: o.arch,
            streamBaseUrl: o.baseUrl,
            keyrings: await readKeyringFiles(o.keyring),
            cacheDir: o.cacheDir,
            signal: ac.signal,
            onProgress: progress.update,
            proxy: o.proxy,
          });
        } finally {
          progress.stop();
          process.off('SIGINT', cancel);
        }
        process.stderr.write(`Fedora CoreOS ${r.release} (${r.stream}, ${r.arch}) verified\n`);
        for (const p of Object.values(r.paths)) process.stdout.write(p + '\n');
      },
    );

  pxe
    .command('refresh')
    .description('Pull a newer release into a boot mirror folder if the stream has moved, and rewrite its recorded configs')
    .option('--dir <dir>', 'boot mirror folder (made by flint pxe download)', '.')
    .option('--keyring <file>', 'extra trusted OpenPGP public key file (repeatable)', collect)
    .option('--cache-dir <dir>', 'download cache')
    .option('--proxy <url>', PROXY_HELP, proxyFlag)
    .action(async (o: { dir: string; keyring?: string[]; cacheDir?: string; proxy?: string }) => {
      const r = await refreshMirror(o.dir, { keyrings: await readKeyringFiles(o.keyring), cacheDir: o.cacheDir, proxy: o.proxy });
      process.stdout.write(
        r.changed ? `${r.from} -> ${r.to}; configs rewritten; removed ${r.removed.join(', ') || 'nothing'}\n` : `${r.to} is current\n`,
      );
    });

  addCustomizeOptions(
    pxe
      .command('customize')
      .description('Create a customized live initramfs for PXE (coreos-installer pxe customize)')
      .argument('<initramfs>', 'CoreOS live initramfs image')
      .requiredOption('-o, --output <path>', 'output file'),
  ).action(async (input: string, o: Record<string, unknown>) => {
    // the config gate loads here: it brings the validators along
    const { gatedRequest } = await import('../../core/flash/prepare');
    const { request, configWarnings } = await gatedRequest(await readCustomization(o));
    printWarnings(configWarnings);
    const r = await pxeCustomize(await readInput(input, 'initramfs'), request);
    await writeOutput(String(o.output), r.initramfs, true);
    for (const m of r.messages) process.stderr.write(m + '\n');
  });

  const ign = pxe.command('ignition').description('Wrap an Ignition config in an initrd, or show the one inside');
  ign
    .command('wrap')
    .description('Write an initrd (xz cpio, CRC32) holding only config.ign, to load beside the initramfs')
    .option('-i, --ignition-file <path>', 'Ignition config (default: stdin)')
    .option('-o, --output <path>', 'output file (default: stdout)')
    .action(async (o: { ignitionFile?: string; output?: string }) => {
      await writeOutput(o.output, await wrapIgnition(await readInput(o.ignitionFile, 'Ignition config')), true);
    });
  ign
    .command('unwrap')
    .description('Print the config.ign inside an initrd (wrapped config or customized initramfs)')
    .argument('[initrd]', 'initrd image (default: stdin)')
    .action(async (input: string | undefined) => {
      await writeOutput(undefined, await unwrapIgnition(await readInput(input, 'initrd')), false);
    });

  const net = pxe.command('network').description('Wrap NetworkManager keyfiles in an initrd, or show the ones inside');
  net
    .command('wrap')
    .description('Write an initrd (xz cpio, CRC32) holding keyfiles for the live system, to load beside the initramfs')
    .requiredOption('-k, --keyfile <path>', 'NetworkManager keyfile (repeatable)', collect)
    .option('-o, --output <path>', 'output file (default: stdout)')
    .action(async (o: { keyfile: string[]; output?: string }) => {
      const files = await Promise.all(o.keyfile.map(async (k) => ({ name: k, data: await readInput(k, 'keyfile') })));
      await writeOutput(o.output, await wrapNetworkKeyfiles(files), true);
    });
  net
    .command('unwrap')
    .description('Print the keyfiles inside an initrd, or write them to a folder')
    .argument('[initrd]', 'initrd image (default: stdin)')
    .option('-C, --directory <dir>', 'write the keyfiles into this folder instead')
    .action(async (input: string | undefined, o: { directory?: string }) => {
      const files = await unwrapNetworkKeyfiles(await readInput(input, 'initrd'));
      for (const f of files) {
        if (o.directory) await writeOutput(join(o.directory, f.name), f.data, false);
        else process.stdout.write(`########## ${f.name} ##########\n${Buffer.from(f.data).toString()}\n`);
      }
    });

  pxe
    .command('config')
    .description("Generate a pxelinux.cfg/default or an iPXE script in the Fedora CoreOS docs' shape")
    .requiredOption('--format <format>', 'pxelinux or ipxe')
    .option('--rootfs-url [url]', 'the initramfs fetches the rootfs (needs 2 GiB RAM; default URL: base URL + rootfs name)')
    .option('--rootfs-initrd', 'load the rootfs as a second initrd (needs 4 GiB RAM)')
    .option('--ignition-url <url>', 'fetch the Ignition config from this HTTP(S) or TFTP URL')
    .option('--ignition-embedded', 'the initramfs carries the config (made by flint pxe customize)')
    .option('--ignition-initrd <name>', 'load this initrd (made by flint pxe ignition wrap) beside the initramfs')
    .option('--base-url <url>', 'HTTP(S) base URL of the boot mirror (iPXE loads everything from it; PXELINUX only the rootfs)')
    .option('--karg <arg>', 'extra kernel argument (repeatable)', collect)
    .option('--initrd <name>', 'another initrd loaded after the others, e.g. from flint pxe network wrap (repeatable)', collect)
    .option('-o, --output <path>', 'output file (default: stdout; with --dir: relative to it)')
    .option('--dir <dir>', 'boot mirror folder made by flint pxe download: names and release from it, config recorded for refresh')
    .option('--kernel <name>', 'kernel file name (without --dir)')
    .option('--initramfs <name>', 'initramfs file name (without --dir)')
    .option('--rootfs <name>', 'rootfs file name (without --dir)')
    .option('--stream <name>', 'stream written into the iPXE script (without --dir)')
    .option('--release <version>', 'release written into the iPXE script (without --dir)')
    .option('--tftp-prefix <dir>', 'PXELINUX: folder of the artifacts inside the TFTP root')
    .option('--tftp-layout', 'with --dir and PXELINUX: also copy pxelinux.0 and ldlinux.c32 into the folder')
    .action(runConfig);

  registerPxeExport(pxe);
  registerServe(program);
}
