/**
 * The first half of the flash job: everything that can refuse a flash, done before anyone is asked
 * to confirm and before a byte is written. Gets the image, passes every config through the gate,
 * plans each customization (the karg rules run there), and checks every target against the
 * target rules on a fresh listing.
 */
import { createHash } from 'node:crypto';
import { ERROR_CODES } from '../../contract/error-codes';
import { codedError } from '../errors';
import { listAllDrives, systemContext } from '../drives/list';
import { assessTarget, checkIdentity, findTarget, type TargetRules } from '../drives/target-safety';
import type { Drive } from '../drives/types';
import { planCustomize, type CustomizeRequest } from '../iso/customize';
import { inspectIsoFile, type IsoFacts } from '../iso/inspect';
import type { ProgressListener } from '../progress';
import { gateConfigs, type ConfigWarnings } from './config-gate';
import { obtainImage } from './source';
import type { FlashCustomization, FlashRequest, PreparedCustomization, PreparedFlash, PreparedTarget } from './types';

/** Hooks of the preparation (a download reports progress and can be cancelled). */
export interface PrepareHooks {
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Lists the drives (default: this machine's, with the image's disk protected). Tests may replace it. */
  listDrives?: (imagePath: string) => Promise<Drive[]>;
}

const sha256Hex = (d: Uint8Array) => createHash('sha256').update(d).digest('hex');

/**
 * True when a customization asks for nothing, not even `force` (which alone resets a customized
 * image, as `iso customize -f` does): the image is then written as it is.
 */
function isEmptyCustomization(c: FlashCustomization): boolean {
  if ((c.liveConfigs?.length ?? 0) > 0 || (c.destConfigs?.length ?? 0) > 0) return false;
  return Object.values(c.options ?? {}).every((v) => v === undefined || v === false || (Array.isArray(v) && v.length === 0));
}

/**
 * A customization as the ISO and PXE engines take it, once every config passed the gate (live
 * configs checked against `capacity` when given).
 */
export async function gatedRequest(
  c: FlashCustomization,
  capacity?: number,
): Promise<{ request: CustomizeRequest; configWarnings: ConfigWarnings[] }> {
  const gated = await gateConfigs({ live: c.liveConfigs, dest: c.destConfigs, capacity });
  const request: CustomizeRequest = {
    ...c.options,
    ...(gated.live.length ? { liveIgnition: gated.live } : {}),
    ...(gated.dest.length ? { destIgnition: gated.dest } : {}),
  };
  return { request, configWarnings: gated.warnings };
}

/**
 * Plans a customization the way `iso customize` does, with every config through the gate first:
 * the plan, the generated live config, the kargs and every warning.
 */
export async function planGated(facts: IsoFacts, c: FlashCustomization) {
  const { request, configWarnings } = await gatedRequest(c, facts.embedArea.length);
  return { ...(await planCustomize(facts, request)), configWarnings };
}

/** Gates the configs and plans one customization of the image (an empty one writes it as it is). */
async function prepareCustomization(facts: IsoFacts, c: FlashCustomization): Promise<PreparedCustomization> {
  const currentKargs = facts.kargs?.currentKargs ?? null;
  if (isEmptyCustomization(c)) {
    // written as it is: the sticks carry whatever config the image already embeds
    return {
      plan: { imageSize: facts.size, writes: [] },
      liveConfigSha256: facts.ignition ? sha256Hex(facts.ignition) : null,
      kargs: currentKargs,
      messages: [],
      configWarnings: [],
      kargWarnings: [],
    };
  }
  const planned = await planGated(facts, c);
  return {
    plan: planned.plan,
    liveConfigSha256: planned.liveConfig ? sha256Hex(planned.liveConfig) : null,
    kargs: planned.kargs ?? currentKargs,
    messages: planned.messages,
    configWarnings: planned.configWarnings,
    kargWarnings: planned.warnings,
  };
}

/** Checks the targets against the rules on one listing; throws the first refusal. */
function checkTargets(
  req: FlashRequest,
  drives: Drive[],
  rules: TargetRules,
): { drive: Drive; warnings: PreparedTarget['warnings']; confirmedName?: string }[] {
  const seen = new Set<string>();
  return req.targets.map((spec) => {
    const drive = findTarget(spec.device, drives);
    if (seen.has(drive.device)) {
      throw codedError(ERROR_CODES.WRITE_TARGET_TWICE, { device: drive.device }, `${drive.device} is given twice`);
    }
    seen.add(drive.device);
    if (spec.seen) checkIdentity(spec.seen, drive);
    const a = assessTarget(drive, { ...rules, confirmedName: spec.confirmedName });
    if (a.refusal) throw a.refusal;
    return { drive, warnings: a.warnings, ...(spec.confirmedName !== undefined ? { confirmedName: spec.confirmedName } : {}) };
  });
}

/**
 * Prepares a flash: refuses it with a catalogued error (no target, a target that is missing,
 * system, read-only, too small or unconfirmed large, an invalid config, a bad karg...) or returns
 * what will be written where. Nothing is written.
 */
export async function prepareFlash(req: FlashRequest, hooks: PrepareHooks = {}): Promise<PreparedFlash> {
  if (req.targets.length === 0) throw codedError(ERROR_CODES.FLASH_NO_TARGET, {}, 'No target device given');
  const list = hooks.listDrives ?? ((image: string) => listAllDrives(systemContext(image ? [image] : [])));
  const rules = { allowLoop: req.allowLoop ?? false, confirmLarge: req.confirmLarge };
  // the rules that do not need the image's size, before a download
  if (req.source.kind === 'stream') checkTargets(req, await list(''), { ...rules, imageSize: 0 });
  const image = await obtainImage(req.source, hooks).catch((err: unknown) => {
    if (hooks.signal?.aborted) throw cancelledBeforeWrite();
    throw err;
  });
  if (hooks.signal?.aborted) throw cancelledBeforeWrite();
  // the listing (lsblk: a process of its own) runs while the image is read and the configs are
  // checked; a refusal of those still comes first, as the listing is awaited after them
  const listing = list(image.path);
  listing.catch(() => undefined);
  const facts = await inspectIsoFile(image.path);
  if (req.source.kind === 'stream' && !image.arch) image.arch = facts.arch;
  const plans = new Map<FlashCustomization, Promise<PreparedCustomization>>();
  const planFor = (c: FlashCustomization) => {
    let p = plans.get(c);
    if (!p) plans.set(c, (p = prepareCustomization(facts, c)));
    return p;
  };
  const prepared: PreparedCustomization[] = [];
  for (const spec of req.targets) prepared.push(await planFor(spec.customization ?? req.customization));
  const checked = checkTargets(req, await listing, { ...rules, imageSize: facts.size });
  const targets = checked.map((c, i) => {
    const row = req.targets[i]!.fleetRow;
    return { ...c, customization: prepared[i]!, ...(row ? { fleetRow: row } : {}) };
  });
  return { request: req, image, targets };
}

/** The error of a flash cancelled before any stick was touched. */
export function cancelledBeforeWrite() {
  return codedError(ERROR_CODES.FLASH_CANCELLED, {}, 'Cancelled; nothing was written to the sticks');
}
