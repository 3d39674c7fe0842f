// The `flint pxe` verbs through the real CLI (node bin/flint.mjs): exit codes, the one-line
// errors, no-clobber outputs, and `pxe download` + `pxe config --dir` against a local mirror.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipReason } from '../../helpers/requirements';
import { runFlint } from '../../helpers/cli';
import { liveInitramfs } from '../../helpers/initramfs';
import { ROOT } from '../../helpers/paths';
import { TEST_KEY, populateMirror, startMirrorServer, type MirrorServer } from '../../helpers/mirror-server';

const LIVE_IGN = join(ROOT, 'tests/fixtures/coreos-installer/customize/live.ign');

/** Runs the real CLI from the checkout root. */
const flint = (args: string[]) => runFlint(args, { cwd: ROOT });

describe('flint pxe (CLI)', () => {
  let tmp = '';
  let initramfs = '';

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'flint-pxe-cli-'));
    initramfs = join(tmp, 'initramfs.img');
    writeFileSync(initramfs, liveInitramfs({ features: { 'installer-config': true, 'live-initrd-network': true } }));
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('customize writes a new file, never over an existing one, and reminds about the kernel line', async () => {
    const out = join(tmp, 'custom.img');
    const ok = await flint(['pxe', 'customize', initramfs, '-o', out, '--live-ignition', LIVE_IGN]);
    expect([ok.code, ok.stderr]).toEqual([
      0,
      'The PXE kernel command line must include ignition.firstboot ignition.platform.id=metal for the embedded Ignition config to run.\n',
    ]);
    const size = readFileSync(out).length;
    const again = await flint(['pxe', 'customize', initramfs, '-o', out, '--live-ignition', LIVE_IGN]);
    expect([again.code, again.stderr]).toEqual([1, `Error: persisting output file to ${out}: File exists (os error 17)\n`]);
    expect(readFileSync(out).length).toBe(size);
    const twice = await flint(['pxe', 'customize', out, '-o', join(tmp, 'twice.img'), '--live-ignition', LIVE_IGN]);
    expect([twice.code, twice.stderr]).toEqual([1, 'Error: input is already customized\n']);
    expect(existsSync(join(tmp, 'twice.img'))).toBe(false);
    const unwrap = await flint(['pxe', 'ignition', 'unwrap', out]);
    expect(JSON.parse(unwrap.stdout.toString()).ignition.version).toBe('3.3.0');
    const none = await flint(['pxe', 'ignition', 'unwrap', initramfs]);
    expect([none.code, none.stderr]).toEqual([1, 'Error: No embedded Ignition config.\n']);
  });

  it('config prints to stdout, the RAM note to stderr, and refuses bad kargs in one line', async () => {
    const r = await flint([
      'pxe',
      'config',
      '--format',
      'pxelinux',
      '--kernel',
      'k',
      '--initramfs',
      'i',
      '--rootfs',
      'r',
      '--rootfs-initrd',
      '--ignition-url',
      'http://10.1.1.1/c.ign',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toContain(
      '    APPEND initrd=i,r ignition.firstboot ignition.platform.id=metal ignition.config.url=http://10.1.1.1/c.ign\nIPAPPEND 2\n',
    );
    expect(r.stderr).toContain('This boot needs at least 4 GiB of RAM (the rootfs is loaded as an initrd).\n');
    const bad = await flint([
      'pxe',
      'config',
      '--format',
      'ipxe',
      '--kernel',
      'k',
      '--initramfs',
      'i',
      '--rootfs',
      'r',
      '--rootfs-initrd',
      '--karg',
      'ignition.config.url=x',
    ]);
    expect([bad.code, bad.stderr]).toEqual([
      1,
      "Error: invalid kernel argument 'ignition.config.url=x': Flint sets ignition.config.url itself: use --ignition-url\n",
    ]);
    const both = await flint([
      'pxe',
      'config',
      '--format',
      'ipxe',
      '--kernel',
      'k',
      '--initramfs',
      'i',
      '--rootfs',
      'r',
      '--rootfs-initrd',
      '--rootfs-url',
      'http://x/r',
    ]);
    expect([both.code, both.stderr]).toEqual([1, 'Error: --rootfs-url and --rootfs-initrd exclude each other\n']);
  });

  it('wrap streams the xz (CRC32) initrd to a pipe', async () => {
    const r = await flint(['pxe', 'ignition', 'wrap', '-i', LIVE_IGN]);
    expect(r.code).toBe(0);
    expect([...r.stdout.subarray(0, 8)]).toEqual([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x01]);
  });

  describe('with a local upstream mirror', () => {
    let up: MirrorServer;
    beforeAll(async () => {
      await populateMirror(join(tmp, 'up'), { kernel: randomBytes(30_000), initramfs: randomBytes(30_000), rootfs: randomBytes(30_000) });
      up = await startMirrorServer({ root: join(tmp, 'up') });
      writeFileSync(join(tmp, 'key.asc'), TEST_KEY.publicArmored);
    });
    afterAll(async () => {
      await up?.close();
    });

    it('pxe download verifies into --dir and refuses untrusted signatures', async () => {
      const site = join(tmp, 'site');
      const dl = await flint([
        'pxe',
        'download',
        '--dir',
        site,
        '--arch',
        'x86_64',
        '--base-url',
        up.url,
        '--keyring',
        join(tmp, 'key.asc'),
        '--cache-dir',
        join(tmp, 'cache'),
      ]);
      expect(dl.code, dl.stderr).toBe(0);
      const paths = dl.stdout.toString().trim().split('\n');
      expect(paths.map((p) => p.slice(site.length + 1))).toEqual([
        'fedora-coreos-44.20260707.3.1-live-kernel.x86_64',
        'fedora-coreos-44.20260707.3.1-live-initramfs.x86_64.img',
        'fedora-coreos-44.20260707.3.1-live-rootfs.x86_64.img',
      ]);
      expect(dl.stderr).toContain('Fedora CoreOS 44.20260707.3.1 (stable, x86_64) verified');
      const fresh = await flint(['pxe', 'refresh', '--dir', site, '--keyring', join(tmp, 'key.asc'), '--cache-dir', join(tmp, 'cache')]);
      expect([fresh.code, fresh.stdout.toString()]).toEqual([0, '44.20260707.3.1 is current\n']);
      const untrusted = await flint([
        'pxe',
        'download',
        '--dir',
        join(tmp, 'site2'),
        '--arch',
        'x86_64',
        '--base-url',
        up.url,
        '--cache-dir',
        join(tmp, 'cache2'),
      ]);
      expect(untrusted.code).toBe(1);
      const lines = untrusted.stderr.split('\n').filter(Boolean);
      expect(lines.filter((l) => l.startsWith('Error: '))).toEqual([lines[lines.length - 1]]);
      expect(lines[lines.length - 1]).toMatch(/signature|key/i);
      expect(existsSync(join(tmp, 'site2', 'fedora-coreos-44.20260707.3.1-live-kernel.x86_64'))).toBe(false);
    }, 120_000);

    it.skipIf(skipReason({ files: ['/usr/lib/PXELINUX/pxelinux.0', '/usr/lib/syslinux/modules/bios/ldlinux.c32'] }))(
      'pxe config --dir --tftp-layout lays out a TFTP root and records the config',
      async () => {
        const site = join(tmp, 'site');
        const cfg = await flint([
          'pxe',
          'config',
          '--dir',
          site,
          '--format',
          'pxelinux',
          '--tftp-layout',
          '--base-url',
          'http://10.9.9.9:8080/',
          '--ignition-initrd',
          'ignition.img',
        ]);
        expect(cfg.code, cfg.stderr).toBe(0);
        for (const f of ['pxelinux.0', 'ldlinux.c32', 'pxelinux.cfg/default']) expect(existsSync(join(site, f)), f).toBe(true);
        expect(readFileSync(join(site, 'pxelinux.cfg/default'), 'utf8')).toContain(
          'coreos.live.rootfs_url=http://10.9.9.9:8080/fedora-coreos-44.20260707.3.1-live-rootfs.x86_64.img ignition.firstboot',
        );
        const embedded = await flint([
          'pxe',
          'config',
          '--dir',
          site,
          '--format',
          'ipxe',
          '--base-url',
          'http://10.9.9.9:8080/',
          '--ignition-embedded',
        ]);
        expect([embedded.code, embedded.stderr.split('\n')[0]]).toEqual([
          1,
          expect.stringMatching(/^Error: a mirror config cannot use --ignition-embedded: /),
        ]);
        const manifest = JSON.parse(readFileSync(join(site, 'flint-pxe.json'), 'utf8'));
        expect(manifest.configs.map((c: { output: string }) => c.output)).toEqual(['pxelinux.cfg/default']);
      },
      120_000,
    );
  });
});
