import { resolve } from 'node:path';
import { identityOf, findTarget, type DriveIdentity } from '../drives/target-safety';
import type { Drive } from '../drives/types';
import { listAllDrives, systemContext } from '../drives/list';
import type { PatchPlan } from '../iso/plan';
import type { TargetResult, WriteEvent } from './events';
import type { HelperWriterOptions } from './helper-writer';
import { defaultWriter, type WriterLauncher } from './writers';

/** What to write where. */
export interface WriteImageOptions extends HelperWriterOptions {
  /** Path of the pristine source ISO. */
  image: string;
  /** The customization to lay over it on the fly (an empty plan writes the image as is). */
  plan: PatchPlan;
  /**
   * Targets as listed (a Drive), as the identity the user saw, or as a device path (its identity is
   * then taken from a fresh listing; an unknown path throws WRITE_TARGET_NOT_FOUND).
   */
  targets: (Drive | DriveIdentity | string)[];
  allowLoop?: boolean;
  /** Read back and compare (default true). */
  verify?: boolean;
  eject?: boolean;
  /** SHA-256 of the Ignition config the stick must carry, null for none (checked by reading it back). */
  expectIgnitionSha256?: string | null;
  signal?: AbortSignal;
  onEvent?: (e: WriteEvent) => void;
  /** Who writes (default: in-process when privileged, else the elevated helper). */
  writer?: WriterLauncher;
}

/**
 * Writes `plan` laid over `image` to every target (in lock-step), verifies and reads the config
 * back, through the given writer. Resolves to one result per target, in the order given. Throws
 * FlintError when nothing could be written at all (not authorized, bad job, a path that is no disk).
 */
export async function writeImage(o: WriteImageOptions): Promise<TargetResult[]> {
  const writer = o.writer ?? defaultWriter(o);
  const run = await writer.run(
    {
      image: resolve(o.image),
      plan: o.plan,
      targets: await resolveTargets(o.targets, o.image),
      allowLoop: !!o.allowLoop,
      verify: o.verify !== false,
      eject: !!o.eject,
      ...(o.expectIgnitionSha256 !== undefined ? { expectIgnitionSha256: o.expectIgnitionSha256 } : {}),
    },
    { signal: o.signal, onEvent: o.onEvent },
  );
  return run.results;
}

/** Identities for the job: Drives and identities as given, device paths looked up in a fresh listing. */
async function resolveTargets(targets: (Drive | DriveIdentity | string)[], image: string): Promise<DriveIdentity[]> {
  let listed: Drive[] | null = null;
  const out: DriveIdentity[] = [];
  for (const t of targets) {
    if (typeof t !== 'string') {
      out.push('id' in t ? identityOf(t) : { device: t.device, size: t.size, serial: t.serial, model: t.model });
      continue;
    }
    listed ??= await listAllDrives(systemContext([image]));
    out.push(identityOf(findTarget(t, listed)));
  }
  return out;
}
