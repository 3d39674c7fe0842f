/**
 * The conformance table: every case runs through `flint burn`, `flint write` and the app's
 * dispatch (./front-ends.ts) on loop devices made for it, and all three must end the same way:
 * the same refusal code, or the same ending, error code and warnings for each stick. Failures a loop
 * device cannot make on its own come from the writer's test hooks (a helper crash, a flipped byte,
 * an eject that fails) or from a real failing device (a loop device on a full tmpfs).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoopDevice } from '../../helpers/loop';
import { fixtureIso } from '../../helpers/fixtures';
import { head } from '../../helpers/read-bytes';
import { skipReason } from '../../helpers/requirements';
import { WRITE_REQS, umountIfMounted } from '../write/setup';
import { runApp, runCli, type AppTrace, type FlashInput } from './front-ends';

const why = skipReason(WRITE_REQS);
const MiB = 1 << 20;
const EMBED_OFFSET = 139264; // the 2023-07 x86_64 fixture's Ignition embed area (flint iso inspect)

const GOOD = JSON.stringify({
  ignition: { version: '3.4.0' },
  passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['ssh-ed25519 AAAA flint@conformance'] }] },
});
const INVALID = '{"ignition":{"version":"3.4.0"},"passwd":{"users":[{"name":42}]},"storage":{"files":[{"path":"etc/motd"}]}}';
const BAD_BUTANE = 'variant: fcos\nversion: 1.4.0\nstorage:\n  files:\n    - path: etc/relative\n';
const WARNS = JSON.stringify({
  ignition: { version: '3.4.0' },
  storage: {
    disks: [{ device: '/dev/sda', wipeTable: true }],
    files: [{ path: '/etc/motd', contents: { source: 'data:,hi' } }],
  },
});

/** What a case gets to build its targets with; everything it makes is removed by exact name. */
interface Kit {
  iso: string;
  big: string;
  stick(size?: number, readOnly?: boolean): string;
  /** A stick whose mounted filesystem holds the image: the image's own disk, never a target. */
  holdingImage(): { iso: string; device: string };
  /** A stick on a 16 MiB tmpfs: writes past 16 MiB fail with an I/O error. */
  failing(): string;
}

interface Case {
  name: string;
  expect: string;
  targets(k: Kit): { iso?: string; targets: string[] } | string[];
  input?: Omit<FlashInput, 'iso' | 'targets'>;
  image?: 'fixture' | 'big';
  /** The targets must be byte-for-byte untouched afterwards (first MiB zero). */
  untouched?: boolean;
  /** What the app must have shown before the flash (the Target step). */
  app?(trace: AppTrace, targets: string[]): void;
}

const CASES: Case[] = [
  { name: 'the image as it is', targets: (k) => [k.stick()], expect: 'verified' },
  {
    name: 'a config and kernel arguments',
    targets: (k) => [k.stick()],
    input: { config: { name: 'live.ign', text: GOOD }, kargs: ['nomodeset'] },
    expect: 'verified',
  },
  {
    name: 'an invalid config (a number as name, a relative path)',
    targets: (k) => [k.stick()],
    input: { config: { name: 'bad.ign', text: INVALID } },
    expect: 'refused:CONFIG_INVALID',
    untouched: true,
  },
  {
    name: 'an invalid Butane config',
    targets: (k) => [k.stick()],
    input: { config: { name: 'bad.bu', text: BAD_BUTANE } },
    expect: 'refused:CONFIG_INVALID',
    untouched: true,
  },
  {
    name: 'a config with live-boot warnings: written, warnings shown',
    targets: (k) => [k.stick()],
    input: { config: { name: 'warns.ign', text: WARNS } },
    expect: 'verified config[LIVE_FILE_NO_OVERWRITE LIVE_UNSTABLE_DEVICE LIVE_WIPE_TABLE]',
  },
  {
    name: 'several console= arguments',
    targets: (k) => [k.stick()],
    input: { kargs: ['console=tty0', 'console=ttyS0,115200n8'] },
    expect: 'verified',
  },
  { name: 'a quoted value with a space', targets: (k) => [k.stick()], input: { kargs: ['foo="a b"'] }, expect: 'verified' },
  {
    name: 'a default karg added again: a warning',
    targets: (k) => [k.stick()],
    input: { kargs: ['ignition.firstboot'] },
    expect: 'verified kargs[KARG_ALREADY_DEFAULT]',
  },
  {
    name: 'a newline in a karg',
    targets: (k) => [k.stick()],
    input: { kargs: ['quiet\n}\nmenuentry evil {'] },
    expect: 'refused:KARG_CONTROL_CHAR',
    untouched: true,
  },
  {
    name: 'a GRUB metacharacter in a karg',
    targets: (k) => [k.stick()],
    input: { kargs: ['a;reboot'] },
    expect: 'refused:KARG_BOOTLOADER_CHAR',
    untouched: true,
  },
  {
    name: 'an unclosed quote in a karg',
    targets: (k) => [k.stick()],
    input: { kargs: ['foo="a'] },
    expect: 'refused:KARG_UNBALANCED_QUOTE',
    untouched: true,
  },
  {
    name: 'a stick too small, shown with sizes before anything is confirmed',
    targets: (k) => [k.stick(512 * 1024)],
    expect: 'refused:WRITE_TOO_SMALL',
    untouched: true,
    app: (trace, [t]) =>
      expect(trace.drives?.drives.find((d) => d.device === t)?.refusal).toMatchObject({
        code: 'WRITE_TOO_SMALL',
        params: { device: t, size: 512 * 1024, needed: MiB },
      }),
  },
  {
    name: 'two sticks, one too small: neither is written',
    targets: (k) => [k.stick(), k.stick(512 * 1024)],
    expect: 'refused:WRITE_TOO_SMALL',
    untouched: true,
  },
  {
    name: 'the same stick twice',
    targets: (k) => {
      const t = k.stick();
      return [t, t];
    },
    expect: 'refused:WRITE_TARGET_TWICE',
    untouched: true,
  },
  {
    name: 'the disk holding the image (a system disk)',
    targets: (k) => {
      const h = k.holdingImage();
      return { iso: h.iso, targets: [h.device] };
    },
    expect: 'refused:WRITE_SYSTEM_DEVICE',
    app: (trace) => expect(trace.drives?.drives.some((d) => d.refusal?.code === 'WRITE_SYSTEM_DEVICE' && d.system)).toBe(true),
  },
  {
    name: 'a read-only stick',
    targets: (k) => [k.stick(8 * MiB, true)],
    expect: 'refused:WRITE_READ_ONLY',
    app: (trace, [t]) => expect(trace.drives?.drives.find((d) => d.device === t)?.refusal?.code).toBe('WRITE_READ_ONLY'),
  },
  {
    name: 'cancelled before writing: untouched',
    targets: (k) => [k.stick()],
    input: { env: { FLINT_TEST_PAUSE_BEFORE_WRITE_MS: '30000' }, cancel: 'before-write' },
    expect: 'cancelled-before-write/WRITE_CANCELLED',
    untouched: true,
  },
  {
    name: 'cancelled while writing: first MiB wiped',
    image: 'big',
    targets: (k) => [k.stick(32 * MiB)],
    input: { env: { FLINT_TEST_BLOCK_DELAY_MS: '300' }, cancel: 'during-write' },
    expect: 'cancelled-wiped/WRITE_CANCELLED',
    untouched: true,
  },
  {
    name: 'the writer helper crashes mid-write',
    image: 'big',
    targets: (k) => [k.stick(32 * MiB)],
    input: { env: { FLINT_WRITER: 'helper', FLINT_TEST_CRASH_AT: String(4 * MiB), FLINT_TEST_BLOCK_DELAY_MS: '100' } },
    expect: 'failed/WRITE_HELPER_FAILED',
  },
  {
    name: 'an I/O error mid-write (a full tmpfs under the stick)',
    image: 'big',
    targets: (k) => [k.failing()],
    expect: 'failed/WRITE_IO_ERROR',
  },
  {
    name: 'a byte changed on the stick: verification fails',
    targets: (k) => [k.stick()],
    input: { env: { FLINT_TEST_CORRUPT_AT: '300001' } },
    expect: 'failed/WRITE_VERIFY_MISMATCH',
  },
  {
    name: 'the config read back is not the one written (verify off)',
    targets: (k) => [k.stick()],
    input: { config: { name: 'live.ign', text: GOOD }, verify: false, env: { FLINT_TEST_CORRUPT_AT: String(EMBED_OFFSET + 64) } },
    expect: 'failed/WRITE_IGNITION_MISMATCH',
  },
  { name: 'not verified on request', targets: (k) => [k.stick()], input: { verify: false }, expect: 'written' },
  {
    name: 'an eject that fails: a warning on a good stick',
    targets: (k) => [k.stick()],
    input: { eject: true, env: { FLINT_TEST_EJECT_FAIL: 'device busy' } },
    expect: 'verified [EJECT_FAILED]',
  },
  {
    name: 'eject asked of a loop device: not ejected, said so',
    targets: (k) => [k.stick()],
    input: { eject: true },
    expect: 'verified [EJECT_SKIPPED]',
  },
];

describe.skipIf(why)('conformance: flint burn, flint write and the app end every case the same way', () => {
  let dir = '';
  let iso = '';
  let big = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flint-conformance-'));
    iso = join(dir, 'live.iso');
    copyFileSync(await fixtureIso('embed-areas-2023-07.x86_64'), iso);
    big = join(dir, 'big.iso');
    copyFileSync(iso, big);
    truncateSync(big, 24 * MiB);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A kit whose every loop device, mount and file is undone, by exact name, in `cleanups`. */
  function kit(name: string, cleanups: (() => void)[]): Kit {
    const own = mkdtempSync(join(dir, `${name}-`));
    cleanups.push(() => rmSync(own, { recursive: true, force: true }));
    const stick = (size = 8 * MiB, readOnly = false) => {
      const l = createLoopDevice(size, undefined, { readOnly });
      cleanups.push(() => l.remove());
      return l.device;
    };
    return {
      iso,
      big,
      stick,
      holdingImage() {
        const device = stick(16 * MiB);
        execFileSync('mkfs.ext4', ['-q', device]);
        const mnt = join(own, 'mnt');
        mkdirSync(mnt);
        execFileSync('mount', [device, mnt]);
        cleanups.push(() => umountIfMounted(mnt));
        const held = join(mnt, 'live.iso');
        writeFileSync(held, readFileSync(iso));
        return { iso: held, device };
      },
      failing() {
        const fs = join(own, 'tmpfs');
        mkdirSync(fs);
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'flint-conformance-eio', fs]);
        cleanups.push(
          () => rmdirSync(fs),
          () => umountIfMounted(fs),
        );
        const l = createLoopDevice(64 * MiB, fs);
        cleanups.push(() => l.remove());
        return l.device;
      },
    };
  }

  /** Runs one front end on targets of its own; returns the outcome (and the app's trace). */
  async function run(c: Case, front: 'burn' | 'write' | 'app', trace: AppTrace): Promise<string> {
    const cleanups: (() => void)[] = [];
    try {
      const k = kit(`${front}-${CASES.indexOf(c)}`, cleanups);
      const made = c.targets(k);
      const { targets, iso: source } = Array.isArray(made) ? { targets: made, iso: undefined } : made;
      const input: FlashInput = { iso: source ?? (c.image === 'big' ? big : iso), targets, ...c.input };
      if (input.config && front !== 'app') {
        input.configPath = join(dir, `${front}-${CASES.indexOf(c)}-${input.config.name}`);
        writeFileSync(input.configPath, input.config.text);
      }
      const outcome = front === 'app' ? await runApp(input, trace) : await runCli(front, input);
      if (c.untouched)
        for (const t of new Set(targets))
          expect(
            head(t, MiB).every((b) => b === 0),
            `${front}: ${t} untouched`,
          ).toBe(true);
      if (front === 'app') c.app?.(trace, targets);
      return outcome;
    } finally {
      for (const fn of cleanups.reverse()) {
        try {
          fn();
        } catch (err) {
          console.warn('cleanup failed:', err);
        }
      }
    }
  }

  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const trace: AppTrace = {};
      // the app runs alone: its test hooks live in this process's environment
      const app = await run(c, 'app', trace);
      const [burn, write] = await Promise.all([run(c, 'burn', {}), run(c, 'write', {})]);
      expect({ burn, write, app }).toEqual({ burn: c.expect, write: c.expect, app: c.expect });
    },
    180_000,
  );
});
