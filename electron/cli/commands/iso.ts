import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { FlintError } from '../../core/errors';
import { openFileSource } from '../../core/iso/byte-source';
import { inspectIso, type IsoFacts } from '../../core/iso/inspect';
import { checkStdoutTarget, writePlanOutput } from '../../core/iso/output';
import type { PatchPlan } from '../../core/iso/plan';
import { addCustomizeOptions, readCustomization, readNamedFile } from '../customize-options';
import { printWarnings } from '../messages';
import { showIgnition, showKargs } from '../quick';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** The planners, loaded by the verbs that change an image (they bring yaml along; `show` and `inspect` do not need them). */
const planners = () => import('../../core/iso/customize');

/** Reads the facts of the ISO at `path` (the file is only read). */
async function facts(path: string): Promise<IsoFacts> {
  const src = await openFileSource(path);
  try {
    return await inspectIso(src);
  } finally {
    await src.close();
  }
}

/** Checks `-o -` before any work so nothing is computed for a terminal. */
function precheckOutput(output: string | undefined): void {
  if (output === '-') checkStdoutTarget(process.stdout);
}

async function emit(input: string, plan: PatchPlan, output: string | undefined): Promise<void> {
  await writePlanOutput(input, plan, output);
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Facts as printed by `flint iso inspect --json`. */
export function factsJson(f: IsoFacts): Record<string, unknown> {
  return {
    volumeId: f.volumeId,
    systemId: f.systemId,
    arch: f.arch,
    size: f.size,
    embedArea: f.embedArea,
    kargs: f.kargs && { size: f.kargs.size, slots: f.kargs.slots, default: f.kargs.defaultKargs, current: f.kargs.currentKargs },
    defaultKargs: f.kargs?.defaultKargs ?? null,
    currentKargs: f.kargs?.currentKargs ?? null,
    features: f.features,
    customized: f.customized,
    members: f.members.map((m) => ({ path: m.path, size: m.data.length })),
    hasIgnition: f.ignition !== null,
  };
}

function factsText(f: IsoFacts): string {
  const lines = [
    `Volume ID:       ${f.volumeId}`,
    `Architecture:    ${f.arch}`,
    `Size:            ${f.size}`,
    `Embed area:      offset ${f.embedArea.offset}, length ${f.embedArea.length}`,
    `Karg areas:      ${f.kargs ? `${f.kargs.slots.map((s) => s.offset).join(', ')} (size ${f.kargs.size})` : 'none'}`,
  ];
  if (f.kargs) lines.push(`Default kargs:   ${f.kargs.defaultKargs}`, `Current kargs:   ${f.kargs.currentKargs}`);
  const feats = [f.features.installerConfig && 'installer-config', f.features.liveInitrdNetwork && 'live-initrd-network'].filter(Boolean);
  lines.push(`Features:        ${feats.join(', ') || 'none'}`);
  lines.push(`Customized:      ${f.customized ? 'yes' : 'no'}`);
  for (const m of f.members) lines.push(`Embedded file:   ${m.path} (${m.data.length} bytes)`);
  return lines.join('\n') + '\n';
}

function outputOption(cmd: Command): Command {
  return cmd.option('-o, --output <path>', 'write the result to a new file (`-` for stdout) instead of modifying ISO in place');
}

/** Registers `flint iso ...`: customize, reset, inspect, ignition, kargs, network (coreos-installer's verbs and flags). */
export function registerIso(program: Command): void {
  const iso = program.command('iso').description('Customize a CoreOS live ISO image (compatible with coreos-installer iso)');

  addCustomizeOptions(
    outputOption(
      iso
        .command('customize')
        .description('Customize a CoreOS live ISO image')
        .argument('<ISO>', 'ISO image')
        .option('-f, --force', 'overwrite existing customizations'),
    ),
  ).action(async (input: string, opts: Record<string, unknown>) => {
    precheckOutput(opts.output as string | undefined);
    // the gate and the planners load here: they bring yaml and the validators along
    const [customization, { planGated }] = await Promise.all([readCustomization(opts), import('../../core/flash/prepare')]);
    // planning overlaps the copy of `-o OUT` (writePlanOutput takes the plan as a promise)
    const plan = facts(input)
      .then((f) => planGated(f, customization))
      .then((result) => {
        printWarnings(result.configWarnings, result.warnings);
        for (const m of result.messages) process.stderr.write(m + '\n');
        return result.plan;
      });
    await writePlanOutput(input, plan, opts.output as string | undefined);
  });

  outputOption(
    iso.command('reset').description('Restore a CoreOS live ISO image to default settings').argument('<ISO>', 'ISO image'),
  ).action(async (input: string, opts: { output?: string }) => {
    precheckOutput(opts.output);
    const { planReset } = await planners();
    await emit(input, await planReset(await facts(input)), opts.output);
  });

  iso
    .command('inspect')
    .description('Show what Flint finds in a live ISO image')
    .argument('<ISO>', 'ISO image')
    .option('--json', 'print JSON')
    .action(async (input: string, opts: { json?: boolean }) => {
      const f = await facts(input);
      process.stdout.write(opts.json ? JSON.stringify(factsJson(f), null, 2) + '\n' : factsText(f));
    });

  const ign = iso.command('ignition').description('Embed an Ignition config in a CoreOS live ISO image');
  outputOption(
    ign
      .command('embed')
      .description('Embed an Ignition config in an ISO image (not validated)')
      .argument('<ISO>', 'ISO image')
      .option('-i, --ignition-file <path>', 'Ignition config to embed (default: stdin)')
      .option('-f, --force', 'overwrite an existing Ignition config'),
  ).action(async (input: string, opts: { ignitionFile?: string; force?: boolean; output?: string }) => {
    precheckOutput(opts.output);
    const config = opts.ignitionFile ? (await readNamedFile(opts.ignitionFile)).data : await readStdin();
    const { planEmbedIgnition } = await planners();
    await emit(input, await planEmbedIgnition(await facts(input), config, opts.force === true), opts.output);
  });
  ign
    .command('show')
    .description('Show the embedded Ignition config from an ISO image')
    .argument('<ISO>', 'ISO image')
    .action((input: string) => showIgnition(input));
  outputOption(
    ign.command('remove').description('Remove an existing embedded Ignition config from an ISO image').argument('<ISO>', 'ISO image'),
  ).action(async (input: string, opts: { output?: string }) => {
    precheckOutput(opts.output);
    const { planRemoveIgnition } = await planners();
    await emit(input, await planRemoveIgnition(await facts(input)), opts.output);
  });

  const kargs = iso.command('kargs').description('Modify kernel args in a CoreOS live ISO image');
  outputOption(
    kargs
      .command('modify')
      .description('Modify kernel args in an ISO image')
      .argument('<ISO>', 'ISO image')
      .option('-a, --append <arg>', 'kernel argument to append (repeatable)', collect)
      .option('-d, --delete <arg>', 'kernel argument to delete (repeatable)', collect)
      .option('-r, --replace <k=o=n>', 'kernel argument to replace, KEY=OLD=NEW (repeatable)', collect),
  ).action(async (input: string, opts: { append?: string[]; delete?: string[]; replace?: string[]; output?: string }) => {
    precheckOutput(opts.output);
    const { planKargs } = await planners();
    const { plan, warnings } = planKargs(await facts(input), { append: opts.append, delete: opts.delete, replace: opts.replace });
    printWarnings([], warnings);
    await emit(input, plan, opts.output);
  });
  outputOption(kargs.command('reset').description('Reset kernel args in an ISO image to defaults').argument('<ISO>', 'ISO image')).action(
    async (input: string, opts: { output?: string }) => {
      precheckOutput(opts.output);
      const { planKargs } = await planners();
      await emit(input, planKargs(await facts(input), {}, 'default').plan, opts.output);
    },
  );
  kargs
    .command('show')
    .description('Show kernel args from an ISO image')
    .argument('<ISO>', 'ISO image')
    .option('-d, --default', 'show the default kernel args')
    .action((input: string, opts: { default?: boolean }) => showKargs(input, opts.default === true));

  const net = iso.command('network').description('Embed network settings in a CoreOS live ISO image');
  outputOption(
    net
      .command('embed')
      .description('Embed network settings in an ISO image')
      .argument('<ISO>', 'ISO image')
      .requiredOption('-k, --keyfile <path>', 'NetworkManager keyfile to embed (repeatable)', collect)
      .option('-f, --force', 'overwrite existing network settings'),
  ).action(async (input: string, opts: { keyfile: string[]; force?: boolean; output?: string }) => {
    precheckOutput(opts.output);
    const files = await Promise.all(opts.keyfile.map(readNamedFile));
    const { planNetworkEmbed } = await planners();
    await emit(input, await planNetworkEmbed(await facts(input), files, opts.force === true), opts.output);
  });
  net
    .command('extract')
    .description('Extract embedded network settings from an ISO image')
    .argument('<ISO>', 'ISO image')
    .option('-C, --directory <dir>', 'write the keyfiles into this directory instead of printing them')
    .action(async (input: string, opts: { directory?: string }) => {
      const { networkMembers } = await planners();
      const files = networkMembers(await facts(input));
      if (files.length === 0) throw new FlintError('NO_NETWORK', 'No embedded network settings.');
      if (opts.directory) {
        await mkdir(opts.directory, { recursive: true });
        for (const f of files) {
          const path = join(opts.directory, f.name);
          await writeFile(path, f.data, { flag: 'wx' }).catch((err) => {
            throw new FlintError('WRITE_FAILED', `writing ${path}`, [(err as Error).message]);
          });
          process.stdout.write(path + '\n');
        }
      } else {
        for (const f of files) {
          process.stdout.write(`########## ${f.name} ##########\n`);
          process.stdout.write(f.data);
        }
      }
    });
  outputOption(
    net.command('remove').description('Remove existing network settings from an ISO image').argument('<ISO>', 'ISO image'),
  ).action(async (input: string, opts: { output?: string }) => {
    precheckOutput(opts.output);
    const { planNetworkRemove } = await planners();
    await emit(input, await planNetworkRemove(await facts(input)), opts.output);
  });

  const extract = iso.command('extract').description('Commands to extract files from a CoreOS live ISO image');
  extract
    .command('pxe')
    .description('Extract PXE files from an ISO image')
    .argument('<ISO>', 'ISO image')
    .option('-o, --output-dir <path>', 'output directory', '.')
    .action(async (input: string, opts: { outputDir: string }) => {
      // the extractors (and node:crypto) load only for `iso extract`, not for every `iso` command
      const { extractPxe } = await import('../../core/iso/extract');
      await extractPxe(input, opts.outputDir, { onFile: (path) => process.stdout.write(path + '\n') });
    });
  extract
    .command('minimal-iso')
    .description('Extract a minimal ISO from a CoreOS live ISO image')
    .argument('<ISO>', 'ISO image')
    .argument('[OUTPUT_ISO]', 'minimal ISO output file (`-` for stdout)', '-')
    .option('--output-rootfs <path>', 'extract rootfs image as well')
    .option('--rootfs-url <url>', 'inject rootfs URL karg into minimal ISO')
    .action(async (input: string, output: string, opts: { outputRootfs?: string; rootfsUrl?: string }) => {
      const { extractMinimalIso } = await import('../../core/iso/extract');
      await extractMinimalIso(input, { output, outputRootfs: opts.outputRootfs, rootfsUrl: opts.rootfsUrl });
    });
}
