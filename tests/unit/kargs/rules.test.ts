/**
 * The one karg rule set (electron/core/cmdline.ts) and one table of cases run through its three
 * users: the app (`options:check-kargs` through `dispatch` over the real core), the ISO path every
 * CLI karg flag takes (`planCustomize`, as `iso customize`, `burn --karg` and `write --karg` call
 * it) and network boot (`generatePxeConfig`). The image's default kargs are those of the 2023-07
 * fixture plus a console=ttyS0 default, as current FCOS images have.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createDefaultCore } from '../../../electron/app/core-default';
import { dispatch } from '../../../electron/app/handlers';
import { Session } from '../../../electron/app/session';
import type { ImageState, KargsCheck, Outcome } from '../../../electron/contract/types';
import { checkKargs, splitCmdline } from '../../../electron/core/cmdline';
import { FlintError } from '../../../electron/core/errors';
import { planCustomize } from '../../../electron/core/iso/customize';
import { inspectIsoFile, type IsoFacts } from '../../../electron/core/iso/inspect';
import { generatePxeConfig } from '../../../electron/core/pxe/config';
import { fixtureIso } from '../../helpers/fixtures';

/** An outcome: the first error's code, or 'ok' with the warning codes. */
type Outcome2 = string;

/** [typed line, outcome on the ISO (app and CLI), outcome on network boot, why] */
const TABLE: [string, Outcome2, Outcome2, string][] = [
  ['console=tty0 console=ttyS0,115200n8', 'ok', 'ok', 'several console= are legal, beside a console= default'],
  ['foo="a b" nomodeset', 'ok', 'ok', 'a quoted value with a space is one argument for the kernel'],
  ['x="a;b<c>"', 'ok', 'ok', 'GRUB metacharacters are literal inside double quotes'],
  ['quiet\n}\nmenuentry evil {', 'KARG_CONTROL_CHAR', 'KARG_CONTROL_CHAR', 'a newline would inject lines into grub.cfg'],
  ['a\tb', 'KARG_CONTROL_CHAR', 'KARG_CONTROL_CHAR', 'tabs are control characters too'],
  ['x=\u0085', 'KARG_CONTROL_CHAR', 'KARG_CONTROL_CHAR', 'a C1 control (NEL)'],
  ['foo="a b', 'KARG_UNBALANCED_QUOTE', 'KARG_UNBALANCED_QUOTE', 'an open quote swallows the rest of the line'],
  ['a;reboot', 'KARG_BOOTLOADER_CHAR', 'KARG_BOOTLOADER_CHAR', 'GRUB runs `reboot` as a second command'],
  ['root=$root', 'KARG_BOOTLOADER_CHAR', 'KARG_BOOTLOADER_CHAR', 'GRUB and iPXE expand $variables'],
  ['x="${net0/mac}"', 'KARG_BOOTLOADER_CHAR', 'KARG_BOOTLOADER_CHAR', 'expanded even inside quotes'],
  ['x="a && b"', 'KARG_BOOTLOADER_CHAR', 'KARG_BOOTLOADER_CHAR', 'iPXE chains commands on a && word'],
  ['x=a\\b', 'KARG_BOOTLOADER_CHAR', 'KARG_BOOTLOADER_CHAR', 'GRUB drops the backslash'],
  ["x='a'", 'KARG_BOOTLOADER_CHAR', 'KARG_BOOTLOADER_CHAR', 'GRUB removes single quotes'],
  ['#x', 'KARG_BOOTLOADER_CHAR', 'KARG_BOOTLOADER_CHAR', 'a comment for GRUB, padding in the karg area'],
  ['caf\u00e9', 'KARG_NOT_ASCII', 'KARG_NOT_ASCII', 'the kernel splits UTF-8 at byte 0xA0'],
  ['ignition.firstboot', 'ok KARG_ALREADY_DEFAULT', 'KARG_MANAGED', 'a default of the image; Flint writes it on PXE'],
  ['ignition.platform.id=qemu', 'ok KARG_OVERRIDES_DEFAULT', 'KARG_MANAGED', 'overrides the default (the last one wins)'],
  ['ignition.config.url=http://10.0.0.2/c.ign', 'ok', 'KARG_MANAGED', 'on PXE it is the "By URL" choice'],
  ['coreos.liveiso.fromram', 'ok', 'ok', 'the same as the Run from RAM option'],
  ['mitigations=off', 'ok KARG_OVERRIDES_DEFAULT', 'ok', 'overrides mitigations=auto,nosmt'],
  ['quiet quiet', 'ok KARG_REPEATED', 'ok KARG_REPEATED', 'repeated, the last one wins'],
];

const DEFAULTS_EXTRA = 'console=ttyS0';

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return err instanceof FlintError ? err.code : `not a FlintError: ${String(err)}`;
  }
}

describe('splitting like the kernel (lib/cmdline.c next_arg)', () => {
  it('splits at spaces outside double quotes, keeps the quotes, reports an open one', () => {
    expect(splitCmdline('a=1  b="x y" c')).toEqual({ args: ['a=1', 'b="x y"', 'c'], unbalanced: false });
    expect(splitCmdline(' "quoted key"=v ')).toEqual({ args: ['"quoted key"=v'], unbalanced: false });
    expect(splitCmdline('a="x y')).toEqual({ args: ['a="x y'], unbalanced: true });
    expect(splitCmdline('')).toEqual({ args: [], unbalanced: false });
  });
});

describe('one table of karg cases through the app, the CLI path and network boot', () => {
  let facts: IsoFacts;
  let session: Session;
  let image: ImageState;

  beforeAll(async () => {
    const iso = await fixtureIso('embed-areas-2023-07.x86_64');
    facts = await inspectIsoFile(iso);
    facts.kargs = { ...facts.kargs!, defaultKargs: `${facts.kargs!.defaultKargs} ${DEFAULTS_EXTRA}` };
    session = new Session({
      mode: 'browser',
      core: { ...createDefaultCore(), listDrives: async () => [] },
      app: { name: 'Flint', version: '0' },
    });
    const opened = (await dispatch(session, 'image:open-path', { path: iso })) as Outcome<ImageState>;
    if (!opened.ok) throw new Error(opened.error.message);
    image = opened.value;
    image.facts.defaultKargs = facts.kargs.defaultKargs;
  });

  it.each(TABLE)('%j: iso %s, pxe %s (%s)', async (line, iso, pxe) => {
    // the app: the Options step's check, worded from the same codes
    const app = (await dispatch(session, 'options:check-kargs', { kargs: line, imageId: image.id })) as Outcome<KargsCheck>;
    if (!app.ok) throw new Error(app.error.message);
    const appOutcome = app.value.ok ? ['ok', ...(app.value.warnings ?? []).map((w) => w.code)].join(' ') : app.value.problems[0]!.code;
    expect(appOutcome).toBe(iso);
    // the CLI: every karg flag becomes a live karg append of the customization plan
    const cliOutcome = await planCustomize(facts, { liveKargAppend: [line] }).then(
      (planned) => {
        expect(planned.kargs).toBe(`${facts.kargs!.defaultKargs} ${splitCmdline(line).args.join(' ')}`);
        return ['ok', ...planned.warnings.map((w) => w.code)].join(' ');
      },
      (err: unknown) => (err instanceof FlintError ? err.code : String(err)),
    );
    expect(cliOutcome).toBe(iso);
    // network boot
    const gen = () =>
      generatePxeConfig({
        format: 'ipxe',
        artifacts: { kernel: 'k', initramfs: 'i', rootfs: 'r' },
        rootfs: { mode: 'initrd' },
        ignition: { mode: 'none' },
        kargs: [line],
      });
    const pxeCode = codeOf(gen);
    const pxeOutcome = pxeCode === 'ok' ? ['ok', ...checkKargs([line], { context: 'pxe' }).warnings.map((w) => w.code)].join(' ') : pxeCode;
    expect(pxeOutcome).toBe(pxe);
  });

  it('names the argument and the character, for each front end to word', () => {
    const r = checkKargs(['ok=1', 'quiet\n}'], { context: 'iso' });
    expect(r.errors.map((e) => e.toJSON())).toEqual([
      {
        code: 'KARG_CONTROL_CHAR',
        message: "kernel argument 'quiet\\n}' contains the control character U+000A",
        causes: [],
        params: { arg: 'quiet\\n}', char: 'U+000A' },
      },
    ]);
    expect(checkKargs([''], { context: 'iso' }).errors[0]!.code).toBe('KARG_EMPTY');
  });

  it('refuses a control character in every edit the ISO karg area takes (append, replace, delete)', async () => {
    for (const edits of [{ liveKargReplace: ['mitigations=auto,nosmt=off\n}'] }, { liveKargDelete: ['x\ny'] }]) {
      await expect(planCustomize(facts, edits)).rejects.toMatchObject({ code: 'KARG_CONTROL_CHAR' });
    }
  });
});
