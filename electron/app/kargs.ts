/**
 * Feature "kargs": checks extra kernel arguments the user typed before they are appended to the
 * image's defaults. Electron-free, pure.
 */
import type { Issue, KargsCheck } from '../contract/types';

/** Kernel arguments Flint itself manages: setting them by hand would fight the options. */
const MANAGED = new Set(['coreos.liveiso.fromram', 'ignition.config.url', 'ignition.firstboot', 'ignition.platform.id']);

/** The kernel command line is limited (2048 bytes on x86); the extra part must leave room. */
export const MAX_EXTRA_KARGS_BYTES = 1024;

/** Splits a command line into arguments, honouring double quotes like the kernel does. */
export function splitKargs(line: string): { args: string[]; unbalanced: boolean } {
  const args: string[] = [];
  let cur = '';
  let quoted = false;
  let has = false;
  for (const ch of line) {
    if (ch === '"') {
      quoted = !quoted;
      has = true;
      cur += ch;
    } else if (/\s/.test(ch) && !quoted) {
      if (has) args.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has) args.push(cur);
  return { args, unbalanced: quoted };
}

/** Name of an argument (text before the first '='). */
function keyOf(arg: string): string {
  const i = arg.indexOf('=');
  return (i < 0 ? arg : arg.slice(0, i)).replace(/"/g, '');
}

/** Checks extra kargs against the image's default kargs. */
export function checkKargs(extra: string, defaults = ''): KargsCheck {
  const problems: Issue[] = [];
  const { args, unbalanced } = splitKargs(extra);
  if (unbalanced) problems.push({ code: 'KARGS_UNBALANCED_QUOTE', message: 'A double quote is not closed' });
  if (new TextEncoder().encode(extra).length > MAX_EXTRA_KARGS_BYTES) {
    problems.push({ code: 'KARGS_TOO_LONG', message: `Extra kernel arguments must stay under ${MAX_EXTRA_KARGS_BYTES} bytes` });
  }
  const defaultKeys = new Set(splitKargs(defaults).args.map(keyOf));
  const seen = new Set<string>();
  for (const a of args) {
    const k = keyOf(a);
    if (/[^\x21-\x7e]/.test(a.replace(/"[^"]*"/g, ''))) {
      problems.push({ code: 'KARGS_BAD_CHAR', path: a, message: `${a}: only printable ASCII outside quotes` });
    }
    if (MANAGED.has(k)) {
      problems.push({ code: 'KARGS_MANAGED', path: a, message: `${k} is set by Flint's options; use them instead` });
    }
    if (defaultKeys.has(k)) {
      problems.push({ code: 'KARGS_OVERRIDES_DEFAULT', path: a, message: `${k} is already a default kernel argument of this image` });
    }
    if (seen.has(k) && k !== 'console') {
      problems.push({ code: 'KARGS_DUPLICATE', path: a, message: `${k} is given twice` });
    }
    seen.add(k);
  }
  return { ok: problems.length === 0, args, problems };
}
