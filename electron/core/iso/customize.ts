import { basename } from 'node:path';
import { FlintError } from '../errors';
import type { CpioMember } from '../codecs/cpio';
import { CONFIG_IGN, networkMember, networkName } from '../live-names';
import type { IsoFacts } from './inspect';
import type { WarningValue } from '../../contract/error-codes';
import { checkKargEdits, editKargs, kargWrites, type KargEdits } from './kargs';
import { buildCustomizeMembers, type GeneratedMembers, type MemberRequest, type NamedFile } from './live-config';
import { encodeEmbedArea } from './payload';
import { normalizePlan, type PatchPlan, type PatchWrite } from './plan';

// Re-exported so callers find the customization API in one place.
export type { NamedFile } from './live-config';

/** An embed-area member carried over byte for byte (archive path and bytes). */
export type KeptMember = CpioMember;

/** Everything `iso customize` can do, with coreos-installer's option semantics (docs/live-iso-format.md §7). */
export interface CustomizeRequest extends MemberRequest {
  /**
   * Embed-area members to write exactly as given instead of generating them (giving a stick's
   * customization to a newer release, see stick.ts); no member option may be given beside them.
   */
  keepMembers?: KeptMember[];
  liveKargAppend?: string[];
  liveKargDelete?: string[];
  liveKargReplace?: string[];
  /** Customize even if the image already is. */
  force?: boolean;
}

/** A customization as data: the patch plan plus what it contains. */
export interface CustomizeResult {
  plan: PatchPlan;
  /** The generated live `config.ign`, or null when none is needed. */
  liveConfig: Uint8Array | null;
  /** Files the embed area will hold. */
  members: CpioMember[];
  /** The new live kargs, or null when the karg slots are left alone. */
  kargs: string | null;
  /** Notes for the user (stderr). */
  messages: string[];
  /** Warnings about the live kargs (an argument repeated or overriding a default). */
  warnings: WarningValue[];
}

/** Writes that make the embed area hold exactly `members` (zeros when there are none). */
export async function embedAreaWrites(facts: IsoFacts, members: CpioMember[]): Promise<PatchWrite[]> {
  return [{ offset: facts.embedArea.offset, bytes: await encodeEmbedArea(members, facts.embedArea.length) }];
}

function requireKargs(facts: IsoFacts) {
  if (!facts.kargs) throw new FlintError('KARGS_UNSUPPORTED', 'No karg embed areas found; old or corrupted CoreOS ISO image.');
  return facts.kargs;
}

/**
 * Plans `iso customize`: refuses an already customized image unless `force`, generates fresh
 * members (existing ones are discarded) and, if any live-karg option is given, edits the
 * default kargs.
 */
export async function planCustomize(facts: IsoFacts, req: CustomizeRequest): Promise<CustomizeResult> {
  if (facts.customized && !req.force) throw new FlintError('ISO_CUSTOMIZED', 'This ISO image is already customized; use -f to force.');
  const edits: KargEdits = { append: req.liveKargAppend, delete: req.liveKargDelete, replace: req.liveKargReplace };
  const wantKargs = [edits.append, edits.delete, edits.replace].some((l) => (l?.length ?? 0) > 0);
  let kargs: string | null = null;
  let warnings: WarningValue[] = [];
  const writes: PatchWrite[] = [];
  if (wantKargs) {
    if (!facts.kargs) throw new FlintError('FEATURE_MISSING', 'This OS image does not support customizing live kernel arguments.');
    warnings = checkKargEdits(edits, facts.kargs.defaultKargs);
    kargs = editKargs(facts.kargs.defaultKargs, edits);
    writes.push(...kargWrites(facts.kargs, kargs));
  }
  const gen = req.keepMembers ? keptMemberSet(req, facts) : buildCustomizeMembers(req, facts.features);
  writes.push(...(await embedAreaWrites(facts, gen.members)));
  return {
    plan: normalizePlan(facts.size, writes),
    liveConfig: gen.liveConfig,
    members: gen.members,
    kargs,
    messages: gen.messages,
    warnings,
  };
}

const MEMBER_OPTIONS: (keyof MemberRequest)[] = [
  'liveIgnition',
  'ignitionCa',
  'networkKeyfile',
  'preInstall',
  'postInstall',
  'installerConfig',
  'destIgnition',
  'destDevice',
  'destKargAppend',
  'destKargDelete',
  'destConsole',
];

/**
 * The members of `req.keepMembers` as they are: the live config is whatever `config.ign` holds,
 * and network keyfiles still need the image's live-initrd-network feature (docs/live-iso-format.md §7.7).
 */
function keptMemberSet(req: CustomizeRequest, facts: IsoFacts): GeneratedMembers {
  const extra = MEMBER_OPTIONS.filter((k) => req[k] !== undefined);
  if (extra.length > 0) {
    throw new FlintError('CUSTOMIZE_CONFLICT', 'Kept embed-area members cannot be combined with options that generate them', extra);
  }
  const members = req.keepMembers ?? [];
  if (members.some((m) => networkName(m.path) !== null) && !facts.features.liveInitrdNetwork) {
    throw new FlintError('FEATURE_MISSING', 'This OS image does not support customizing network settings.');
  }
  return { members: [...members], liveConfig: members.find((m) => m.path === CONFIG_IGN)?.data ?? null, messages: [] };
}

/** Plans `iso ignition embed`: sets `config.ign` (verbatim bytes), keeps the other members. */
export async function planEmbedIgnition(facts: IsoFacts, config: Uint8Array, force = false): Promise<PatchPlan> {
  if (facts.ignition && !force) {
    throw new FlintError('IGNITION_EXISTS', 'This ISO image already has an embedded Ignition config; use -f to force.');
  }
  const members = [...facts.members.filter((m) => m.path !== CONFIG_IGN), { path: CONFIG_IGN, data: config }];
  return normalizePlan(facts.size, await embedAreaWrites(facts, members));
}

/** Plans `iso ignition remove`: drops `config.ign`; an area left empty becomes zeros again. */
export async function planRemoveIgnition(facts: IsoFacts): Promise<PatchPlan> {
  const members = facts.members.filter((m) => m.path !== CONFIG_IGN);
  return normalizePlan(facts.size, await embedAreaWrites(facts, members));
}

/**
 * Plans `iso kargs modify` (base = current kargs) or, with `base: 'default'`, a change relative
 * to the defaults; `iso kargs reset` is planKargs(facts, {}, 'default').
 */
export function planKargs(
  facts: IsoFacts,
  edits: KargEdits,
  base: 'current' | 'default' = 'current',
): { plan: PatchPlan; kargs: string; warnings: WarningValue[] } {
  const k = requireKargs(facts);
  const from = base === 'current' ? k.currentKargs : k.defaultKargs;
  const warnings = checkKargEdits(edits, from);
  const kargs = editKargs(from, edits);
  return { plan: normalizePlan(facts.size, kargWrites(k, kargs)), kargs, warnings };
}

/** Plans `iso reset`: zero embed area and default kargs; gives the pristine image back. */
export async function planReset(facts: IsoFacts): Promise<PatchPlan> {
  const writes = await embedAreaWrites(facts, []);
  if (facts.kargs) writes.push(...kargWrites(facts.kargs, facts.kargs.defaultKargs));
  return normalizePlan(facts.size, writes);
}

/** Plans `iso network embed`: replaces all network keyfiles by `keyfiles` (basenames). */
export async function planNetworkEmbed(facts: IsoFacts, keyfiles: NamedFile[], force = false): Promise<PatchPlan> {
  if (!facts.features.liveInitrdNetwork)
    throw new FlintError('FEATURE_MISSING', 'This OS image does not support customizing network settings.');
  const existing = facts.members.filter((m) => networkName(m.path) !== null);
  if (existing.length > 0 && !force) {
    throw new FlintError('NETWORK_EXISTS', 'This ISO image already has embedded network settings; use -f to force.');
  }
  const seen = new Set<string>();
  const added: CpioMember[] = [];
  for (const f of keyfiles) {
    const name = basename(f.name);
    if (seen.has(name)) throw new FlintError('NETWORK_DUPLICATE', `multiple input files named '${name}'`);
    seen.add(name);
    added.push({ path: networkMember(name), data: f.data });
  }
  const members = [...facts.members.filter((m) => networkName(m.path) === null), ...added];
  return normalizePlan(facts.size, await embedAreaWrites(facts, members));
}

/** Plans `iso network remove`: drops every network keyfile, keeps `config.ign`. */
export async function planNetworkRemove(facts: IsoFacts): Promise<PatchPlan> {
  const members = facts.members.filter((m) => networkName(m.path) === null);
  return normalizePlan(facts.size, await embedAreaWrites(facts, members));
}

/**
 * The embedded network keyfiles: name and bytes. A member whose name would leave the directory
 * (`a/b`, `..`) is refused, so extracting with -C can never write outside the target directory.
 */
export function networkMembers(facts: IsoFacts): NamedFile[] {
  return facts.members
    .filter((m) => networkName(m.path) !== null)
    .map((m) => {
      const name = networkName(m.path) ?? '';
      if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\') || name.includes('\0')) {
        throw new FlintError('NETWORK_UNSAFE_NAME', `refusing embedded network file with unsafe name '${m.path}'`);
      }
      return { name, data: m.data };
    });
}
