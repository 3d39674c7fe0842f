/**
 * The kernel-argument changes of a customized image, as the three lists `iso customize` takes
 * (`--live-karg-append/-delete/-replace`). coreos-installer stores only the resulting command line
 * in the karg areas (docs/live-iso-format.md §6.5), so the lists are recovered by comparing the
 * current kargs with the image's defaults; applying them to the defaults with the same editor
 * (`editKargs`, docs/live-iso-format.md §6.6) gives the current kargs back exactly, which is
 * checked here. Applied to a newer release's defaults they make the same changes there (its own
 * `coreos.liveiso=` is kept).
 */
import { editKargs, type KargEdits } from './kargs';

/** Karg changes relative to the defaults (each list in the order it is applied). Plain JSON. */
export interface KargChanges {
  append: string[];
  delete: string[];
  replace: string[];
}

/** coreos-installer's replace syntax: `KEY=OLD=NEW`, none of the three holding `=` (docs/live-iso-format.md §6.6). */
const REPLACEABLE = /^([^=]+)=([^=]+)$/;

const words = (s: string) => s.split(' ').filter((w) => w !== '');

/** The edits as `editKargs` takes them. */
export function toKargEdits(c: KargChanges): KargEdits {
  return { append: [...c.append], delete: [...c.delete], replace: [...c.replace] };
}

/** True when there is nothing to change. */
export function isNoChange(c: KargChanges): boolean {
  return c.append.length === 0 && c.delete.length === 0 && c.replace.length === 0;
}

/**
 * Walks the defaults and the current kargs side by side: a default kept in place is kept, one
 * whose value changed in place (`k=a` → `k=b`) is replaced, anything else is deleted; what is left
 * of the current kargs was appended (appends always go to the end).
 */
function aligned(defaults: string[], current: string[]): KargChanges {
  const out: KargChanges = { append: [], delete: [], replace: [] };
  let j = 0;
  for (const d of defaults) {
    const c = current[j];
    if (c === d) {
      j++;
      continue;
    }
    const dm = REPLACEABLE.exec(d);
    const cm = c === undefined ? null : REPLACEABLE.exec(c);
    if (dm && cm && dm[1] === cm[1]) {
      out.replace.push(`${dm[1]}=${dm[2]}=${cm[2]}`);
      j++;
      continue;
    }
    out.delete.push(d);
  }
  out.append.push(...current.slice(j));
  return out;
}

/**
 * The changes that turn `defaults` into `current` (both as read from the karg areas). The first
 * form tried keeps every default that stayed in place; when the editor's whole-word rules defeat
 * it (a repeated karg, say), every default is deleted and the current kargs appended (word by
 * word, else as one string when the spacing is odd), which always reproduces them: each delete
 * removes at least one occurrence of its word.
 */
export function diffKargs(defaults: string, current: string): KargChanges {
  const want = current.trim();
  if (defaults.trim() === want) return { append: [], delete: [], replace: [] };
  const d = words(defaults);
  const c = words(current);
  const forms: KargChanges[] = [aligned(d, c), { append: c, delete: d, replace: [] }, { append: [want], delete: d, replace: [] }];
  return forms.find((f) => editKargs(defaults, toKargEdits(f)) === want) ?? forms[forms.length - 1];
}
