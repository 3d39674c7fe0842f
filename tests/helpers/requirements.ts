import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Tests that need outside tools (QEMU, losetup, chromium, ignition-validate ...) or root call
 * `missingRequirements` and skip with a message naming what is missing. With FLINT_REQUIRE_ALL=1
 * (set by .ci/run) a missing requirement is a failure instead, so CI cannot pass by skipping.
 */
export interface Requirements {
  /** Commands that must be on PATH. */
  tools?: string[];
  /** Files that must exist (e.g. OVMF firmware). */
  files?: string[];
  /** Whether the test needs to run as root (loop devices, mounts). */
  root?: boolean;
}

/** True when CI asked for every test to run. */
export const requireAll = process.env.FLINT_REQUIRE_ALL === '1';

function onPath(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v "$1"`, 'sh', tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Lists what is missing for `req` on this machine (empty when everything is there). */
export function missingRequirements(req: Requirements): string[] {
  const missing: string[] = [];
  for (const t of req.tools ?? []) if (!onPath(t)) missing.push(`tool ${t}`);
  for (const f of req.files ?? []) if (!existsSync(f)) missing.push(`file ${f}`);
  if (req.root && process.getuid?.() !== 0) missing.push('root');
  return missing;
}

/**
 * Returns a skip reason (or '' when all is there). Throws when FLINT_REQUIRE_ALL=1 and something
 * is missing. Use as: `const why = skipReason({...}); describe.skipIf(why)(...)` and print `why`.
 */
export function skipReason(req: Requirements): string {
  const missing = missingRequirements(req);
  if (missing.length === 0) return '';
  const why = `skipped: missing ${missing.join(', ')}`;
  if (requireAll) throw new Error(`FLINT_REQUIRE_ALL=1 but ${why}`);
  console.warn(why);
  return why;
}
