import type { Node, ParsedNode } from 'yaml';
import { isMap, isScalar } from 'yaml';
import { type JsonObject, isObject } from '../types';
import { applyInstalledSections } from './installed';
import { addMountUnits, checkGenerated, checkOutput, tidy } from './output';
import { BUTANE_ROOT, FCOS_TO_IGNITION, type Field, type Shape } from './spec';
import { applyTrees } from './trees';
import { type ButaneTarget, type Ctx, objectOf } from './walk';
import { type ButaneIssue, ButaneError, ButaneYaml } from './yaml';

export { ButaneError, type ButaneIssue, type ButaneTarget };

/** Options of `translateButane`. */
export interface ButaneOptions {
  /** Directory that `local`, `contents_local`, `ssh_authorized_keys_local` and tree paths are relative to. */
  filesDir?: string;
  /**
   * Who the config is for (default 'live'): only a config for the installed system
   * (--dest-ignition) may use boot_device, grub and storage.trees.
   */
  target?: ButaneTarget;
}

/** Result of `translateButane`: the Ignition config, its spec version, and non-fatal warnings. */
export interface ButaneResult {
  config: JsonObject;
  ignitionVersion: string;
  warnings: ButaneIssue[];
}

/**
 * Translates a Butane config (variant `fcos`, versions 1.0.0 to 1.6.0) to the Ignition config
 * Butane would produce (spec 3.0.0 to 3.5.0). Every field Flint does not support, and every
 * type or version error, is reported with its YAML line; throws a ButaneError listing them all.
 */
export function translateButane(text: string, opts: ButaneOptions = {}): ButaneResult {
  const y = ButaneYaml.parse(text);
  const base = {
    y,
    target: opts.target ?? ('live' as const),
    errors: [] as ButaneIssue[],
    warnings: [] as ButaneIssue[],
    mounts: [],
    collected: {},
    where: new Map(),
    dataUrls: new Map(),
    filesDir: opts.filesDir,
  };
  const root = y.doc.contents as ParsedNode | null;
  if (!root || !isMap(root))
    throw new ButaneError([
      {
        code: 'BUTANE_TYPE',
        path: '$',
        message: 'a Butane config must be a YAML mapping with variant and version',
        params: { reason: 'root' },
        ...y.at(root),
      },
    ]);
  const get = (k: string): Node | undefined => root.items.find((p) => isScalar(p.key) && p.key.value === k)?.value as Node | undefined;
  const variantNode = get('variant');
  const versionNode = get('version');
  const variant = variantNode && isScalar(variantNode) ? String(variantNode.value) : undefined;
  const version = versionNode && isScalar(versionNode) ? String(versionNode.source ?? versionNode.value) : undefined;
  if (variant !== 'fcos') {
    throw new ButaneError([
      {
        code: 'BUTANE_VARIANT',
        path: '$.variant',
        message: variant ? `variant "${variant}" is not supported; Flint translates variant fcos` : 'missing "variant: fcos"',
        params: variant ? { reason: 'unsupported', variant } : { reason: 'missing' },
        ...y.at(variantNode ?? root),
      },
    ]);
  }
  const ignitionVersion = version ? FCOS_TO_IGNITION[version] : undefined;
  if (!version || !ignitionVersion) {
    throw new ButaneError([
      {
        code: 'BUTANE_VERSION',
        path: '$.version',
        message: version
          ? `Butane fcos version "${version}" is not supported (use ${Object.keys(FCOS_TO_IGNITION).join(', ')})`
          : 'missing "version" (e.g. 1.5.0)',
        params: version ? { reason: 'unsupported', version, known: Object.keys(FCOS_TO_IGNITION).join(', ') } : { reason: 'missing' },
        ...y.at(versionNode ?? root),
      },
    ]);
  }
  const ctx: Ctx = { ...base, minor: Number(version.split('.')[1]), version };
  const rootShape = BUTANE_ROOT as Extract<Shape, { kind: 'object' }>;
  const fields: Record<string, Field> = {
    ...rootShape.fields,
    variant: { shape: 'string', json: '' },
    version: { shape: 'string', json: '' },
  };
  const body = objectOf(ctx, root, fields, '$', '$') ?? {};
  let config: JsonObject = { ...body, ignition: { ...(isObject(body.ignition) ? body.ignition : {}), version: ignitionVersion } };
  // Butane's order (base/v0_x ToIgn3_xUnvalidated, fcos/v1_x ToIgn3_xUnvalidated): the user's
  // entries, mount units, trees, then boot_device and grub as parents of all that
  if (ctx.collected.trees) applyTrees(ctx, config, ctx.collected.trees);
  // Ignition's rules on what the user wrote, mapped back to YAML lines (as Butane checks its output)
  if (ctx.errors.length === 0) checkOutput(ctx, config, ignitionVersion);
  config = addMountUnits(ctx, config);
  if (ctx.errors.length === 0 && (ctx.collected.boot_device || ctx.collected.grub)) {
    config = applyInstalledSections(ctx, config);
    // what the generated entries add (a clash with the user's own) is reported at their section
    const section = ctx.collected.boot_device ?? ctx.collected.grub;
    if (ctx.errors.length === 0 && section) checkGenerated(ctx, config, ignitionVersion, section.node, section.path);
  }
  config.ignition = { ...(config.ignition as JsonObject), version: ignitionVersion };
  if (ctx.errors.length) throw new ButaneError(ctx.errors);
  return { config: tidy(config) as JsonObject, ignitionVersion, warnings: ctx.warnings };
}
