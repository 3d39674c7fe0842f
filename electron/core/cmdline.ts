/**
 * The one rule set for kernel arguments a person adds, on every path that writes them: the live
 * ISO's karg areas (`iso customize`, `iso kargs modify`, `burn`/`write --karg`, the app's extra
 * kernel arguments) and the network boot command line (`pxe config --karg`, the app's network
 * boot). Pure.
 *
 * What the kernel does (Linux lib/cmdline.c `next_arg`): arguments are separated by white space
 * outside double quotes; a double quote anywhere toggles quoting; the key is the text before the
 * first `=`, and quotes around a value are dropped. Keys may repeat: `console=` adds one console
 * per occurrence, and for most others the last occurrence wins.
 *
 * What Flint adds on top, because the arguments reach the kernel through boot loader config files
 * (the karg areas live inside GRUB's grub.cfg and ISOLINUX's isolinux.cfg; network boot writes a
 * PXELINUX APPEND line or an iPXE `kernel` line):
 * - no control characters at all (a newline would end the config line and inject the next ones:
 *   a `}` and a new `menuentry` for GRUB), and printable ASCII only (the kernel's isspace() counts
 *   byte 0xA0 as white space, lib/ctype.c, which splits UTF-8 text);
 * - outside double quotes none of the characters that end a word in GRUB's script lexer
 *   (grub-core/script/yylex.l: `{ } | & $ ; < >`, quotes, backslash, `#` starting a comment);
 *   inside double quotes still no `$` and no backslash (GRUB expands and unescapes there; iPXE
 *   expands `${...}` everywhere), and no `&&` / `||` word (iPXE chains commands with them);
 * - balanced double quotes (an open quote swallows the rest of the command line).
 * coreos-installer applies none of these (src/io/bls.rs `KargsEditor::apply_to` appends the
 * trimmed text as is); these rules keep its behaviour for every argument a boot loader passes on
 * unchanged and refuse the rest before anything is written.
 */
import { ERROR_CODES, WARNING_CODES, type PxeOptionId, type WarningValue } from '../contract/error-codes';
import { FlintError, codedError, warning } from './errors';

/** x86 Linux COMMAND_LINE_SIZE: the kernel truncates a longer command line. */
const MAX_CMDLINE_BYTES = 2048;

/** Where the arguments go: the live ISO's karg areas or a network boot command line. */
export type KargContext = 'iso' | 'pxe';

/**
 * Arguments the network boot generator writes itself, with the option that sets them: an extra
 * one would fight the generated value (electron/core/pxe/config.ts).
 */
const PXE_MANAGED: Readonly<Record<string, PxeOptionId>> = {
  initrd: 'initrds',
  BOOTIF: 'bootif',
  'ignition.config.url': 'ignitionUrl',
  'coreos.live.rootfs_url': 'rootfsUrl',
  'ignition.firstboot': 'always',
  'ignition.platform.id': 'always',
};

/**
 * Keys that may meaningfully appear several times: one console each (Documentation/admin-guide/
 * serial-console.rst), and dracut's network and storage arguments (dracut.cmdline(7)).
 */
const REPEATABLE_KEYS: ReadonlySet<string> = new Set([
  'console',
  'ip',
  'nameserver',
  'rd.route',
  'vlan',
  'bond',
  'team',
  'bridge',
  'rd.luks.uuid',
  'rd.luks.name',
  'rd.lvm.lv',
  'rd.driver.pre',
  'rd.driver.blacklist',
  'systemd.setenv',
]);

/** Characters that end a word in GRUB's lexer (plus `#`, which starts a comment there). */
const OUTSIDE_QUOTES = new Set([..."{}|&$;<>'\\#"]);
/** Characters GRUB (and iPXE, for `$`) still interpret inside double quotes. */
const INSIDE_QUOTES = new Set([...'$\\']);

/** Splits a command line into arguments like the kernel: at spaces outside double quotes. */
export function splitCmdline(line: string): { args: string[]; unbalanced: boolean } {
  const args: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === ' ' && !quoted) {
      if (cur) args.push(cur);
      cur = '';
      continue;
    }
    if (ch === '"') quoted = !quoted;
    cur += ch;
  }
  if (cur) args.push(cur);
  return { args, unbalanced: quoted };
}

/** The key of an argument: the text before the first `=`, without quotes. */
function kargKey(arg: string): string {
  const i = arg.indexOf('=');
  return (i < 0 ? arg : arg.slice(0, i)).replaceAll('"', '');
}

/** C0 and C1 controls, DEL and the Unicode line/paragraph separators. */
function isControl(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f) || c === 0x2028 || c === 0x2029;
}

/** `U+000A` style name of a character. */
function charName(ch: string): string {
  return 'U+' + ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
}

const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };

/** A printable form of an argument for messages: control characters escaped (\n, \u0085), the rest as typed. */
function showArg(arg: string): string {
  return [...arg]
    .map((ch) => (isControl(ch) ? (SHORT_ESCAPES[ch] ?? `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`) : ch))
    .join('');
}

/** The first problem of one argument's characters and quotes, or null. */
function argError(arg: string): FlintError | null {
  const shown = showArg(arg);
  for (const ch of arg) {
    if (isControl(ch)) {
      return codedError(
        ERROR_CODES.KARG_CONTROL_CHAR,
        { arg: shown, char: charName(ch) },
        `kernel argument '${shown}' contains the control character ${charName(ch)}`,
      );
    }
  }
  for (const ch of arg) {
    if (ch.codePointAt(0)! > 0x7e) {
      return codedError(
        ERROR_CODES.KARG_NOT_ASCII,
        { arg: shown, char: charName(ch) },
        `kernel argument '${shown}' contains ${charName(ch)}; only printable ASCII reaches the kernel unchanged`,
      );
    }
  }
  let quoted = false;
  for (const ch of arg) {
    if (ch === '"') quoted = !quoted;
    else if ((quoted ? INSIDE_QUOTES : OUTSIDE_QUOTES).has(ch)) {
      return codedError(
        ERROR_CODES.KARG_BOOTLOADER_CHAR,
        { arg: shown, char: ch },
        `kernel argument '${shown}' contains '${ch}', which the boot loaders interpret${quoted ? ' even inside quotes' : ''}`,
      );
    }
  }
  if (quoted)
    return codedError(ERROR_CODES.KARG_UNBALANCED_QUOTE, { arg: shown }, `kernel argument '${shown}' has an unclosed double quote`);
  for (const [, inside] of arg.matchAll(/"([^"]*)"/g)) {
    const chain = inside.split(' ').find((w) => w === '&&' || w === '||');
    if (chain) {
      return codedError(
        ERROR_CODES.KARG_BOOTLOADER_CHAR,
        { arg: shown, char: chain },
        `kernel argument '${shown}' contains the word '${chain}', which iPXE reads as a command chain`,
      );
    }
  }
  return null;
}

/** Options of a karg check. */
export interface KargCheckOptions {
  context: KargContext;
  /** The command line the arguments are appended to (the image's default kargs), for warnings. */
  base?: string;
}

/** The outcome of a karg check: the arguments one by one, every error, and warnings. */
export interface KargCheck {
  args: string[];
  errors: FlintError[];
  warnings: WarningValue[];
}

/**
 * Checks arguments to append. Each entry may hold several space-separated arguments (as
 * coreos-installer's `--live-karg-append` takes them); an empty entry, an unclosed quote and every
 * character rule above are errors; on network boot a managed key is an error. Repeating a key the
 * base command line or an earlier argument already sets is a warning: the kernel takes the last
 * one (except repeatable keys such as console=, which are fine).
 */
export function checkKargs(entries: readonly string[], o: KargCheckOptions): KargCheck {
  const errors: FlintError[] = [];
  const warnings: WarningValue[] = [];
  const args: string[] = [];
  const seen = new Map<string, string>();
  const base = splitCmdline(o.base ?? '').args;
  const baseByKey = new Map(base.map((a) => [kargKey(a), a]));
  for (const entry of entries) {
    // an open quote stays in the last word, where argError names it
    const words = splitCmdline(entry.trim()).args;
    if (words.length === 0) {
      errors.push(codedError(ERROR_CODES.KARG_EMPTY, { arg: entry }, 'an empty kernel argument was given'));
      continue;
    }
    for (const arg of words) {
      const bad = argError(arg);
      if (bad) {
        errors.push(bad);
        continue;
      }
      const key = kargKey(arg);
      const managed = o.context === 'pxe' ? PXE_MANAGED[key] : undefined;
      if (managed) {
        errors.push(
          codedError(ERROR_CODES.KARG_MANAGED, { arg, key, option: managed }, `Flint sets ${key} on the network boot command line itself`),
        );
        continue;
      }
      args.push(arg);
      if (REPEATABLE_KEYS.has(key)) continue;
      const earlier = seen.get(key);
      const fromBase = baseByKey.get(key);
      if (earlier !== undefined) {
        warnings.push(
          warning(WARNING_CODES.KARG_REPEATED, { arg, previous: earlier }, `${arg} repeats ${earlier}; the kernel uses the last one`),
        );
      } else if (fromBase === arg) {
        warnings.push(
          warning(
            WARNING_CODES.KARG_ALREADY_DEFAULT,
            { arg },
            `${arg} is already on the image's command line; adding it again changes nothing`,
          ),
        );
      } else if (fromBase !== undefined) {
        warnings.push(
          warning(
            WARNING_CODES.KARG_OVERRIDES_DEFAULT,
            { arg, previous: fromBase },
            `${arg} overrides the image's ${fromBase}; the kernel uses the last one`,
          ),
        );
      }
      seen.set(key, arg);
    }
  }
  return { args, errors, warnings };
}

/** Throws the first error of a check (the others' messages as causes); returns its warnings. */
export function requireValidKargs(check: KargCheck): WarningValue[] {
  const [first, ...rest] = check.errors;
  if (!first) return check.warnings;
  if (rest.length === 0) throw first;
  throw new FlintError(first.code, first.message, [...first.causes, ...rest.map((e) => e.message)], first.params as Record<string, string>);
}

/**
 * The last line of defence for the karg areas: a command line about to be written into a boot
 * loader config must not hold a control character (whatever path built it).
 */
export function assertNoControlChars(line: string): void {
  for (const ch of line) {
    if (isControl(ch)) {
      throw codedError(
        ERROR_CODES.KARG_CONTROL_CHAR,
        { arg: showArg(line), char: charName(ch) },
        `the kernel command line contains the control character ${charName(ch)}`,
      );
    }
  }
}

/** Throws PXE_CMDLINE_TOO_LONG when a network boot command line exceeds what the kernel keeps. */
export function checkCmdlineLength(cmdline: string): void {
  const n = Buffer.byteLength(cmdline);
  if (n >= MAX_CMDLINE_BYTES) {
    throw codedError(
      ERROR_CODES.PXE_CMDLINE_TOO_LONG,
      { bytes: n, limit: MAX_CMDLINE_BYTES - 1 },
      `kernel command line too long: ${n} bytes`,
      [`the kernel keeps at most ${MAX_CMDLINE_BYTES - 1} bytes`],
    );
  }
}
