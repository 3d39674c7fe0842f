// Real network boots in QEMU of Flint-generated boot configs and Flint-customized initrds, with the
// tiny FCOS-like guest of tests/e2e/boot (a real kernel; a busybox initramfs that prints
// /proc/cmdline, initramfs unpack errors and /config.ign). User-mode networking with restrict=on:
// QEMU's own DHCP/TFTP server, nothing leaves the emulator. The "rootfs" is a small dummy initrd
// (a cpio holding a fake root.squashfs): the guest only proves it was loaded and unpacked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { writeCpio } from '../../../electron/core/codecs/cpio';
import { layoutTftpRoot } from '../../../electron/core/pxe/tftp';
import { skipReason } from '../../helpers/requirements';
import { buildLiveIso } from '../boot/lib/live-iso';
import { bootImage } from '../boot/lib/qemu';
import { bootProblems } from '../boot/lib/report';
import { BOOT_REQUIREMENTS, BUILD_ISO_REQUIREMENTS, allOf } from '../boot/lib/requirements';
import { runFlintOk } from '../../helpers/cli';
import { ROOT } from '../../helpers/paths';
import { LDLINUX_C32, PXELINUX_0, netbootArgs, netbootRequirements } from './lib/netboot';

const LIVE_IGN = join(ROOT, 'tests/fixtures/coreos-installer/customize/live.ign');
const why = skipReason(allOf(BUILD_ISO_REQUIREMENTS, BOOT_REQUIREMENTS, netbootRequirements(), { tools: ['zstd'] }));

/** Runs the real CLI from the checkout root; resolves with stdout, rejects with stderr. */
const flint = (args: string[]) => runFlintOk(args, { cwd: ROOT });

describe.skipIf(why)('network boot in QEMU (PXELINUX and iPXE, isolated user-mode network)', () => {
  const V = '41.20241027.3.0';
  const K = `fedora-coreos-${V}-live-kernel.x86_64`;
  const I = `fedora-coreos-${V}-live-initramfs.x86_64.img`;
  const R = `fedora-coreos-${V}-live-rootfs.x86_64.img`;
  const IZ = `fedora-coreos-${V}-live-initramfs-zstd.x86_64.img`;
  let dir = '';
  let tftp = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flint-netboot-'));
    tftp = join(dir, 'tftp');
    mkdirSync(tftp);
    const pxe = join(dir, 'pxe');
    const info = buildLiveIso(join(dir, 'mini.iso'), { pxeDir: pxe });
    copyFileSync(info.kernel!, join(tftp, K));
    copyFileSync(info.initrd!, join(tftp, I));
    // the same initramfs compressed with zstd, as real Fedora CoreOS initramfs images are
    writeFileSync(join(tftp, IZ), execFileSync('zstd', ['-19', '-c', '-q'], { input: gunzipSync(readFileSync(info.initrd!)) }));
    const dummyRootfs = writeCpio([{ path: 'root.squashfs', data: Buffer.from('flint netboot test: dummy rootfs, not a squashfs\n') }]);
    writeFileSync(join(tftp, R), gzipSync(dummyRootfs));
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('PXELINUX boots a pxe-customized zstd initramfs plus the rootfs initrd; BOOTIF from IPAPPEND 2', async () => {
    const custom = 'custom-initramfs.img';
    await flint(['pxe', 'customize', join(tftp, IZ), '-o', join(tftp, custom), '--live-ignition', LIVE_IGN]);
    const expected = await flint(['pxe', 'ignition', 'unwrap', join(tftp, custom)]);
    expect(JSON.parse(expected.toString()).ignition.version).toBe('3.3.0');
    // the customized initramfs is the original bytes followed by the generated archive
    const orig = readFileSync(join(tftp, IZ));
    expect(readFileSync(join(tftp, custom)).subarray(0, orig.length).equals(orig)).toBe(true);

    const copied = await layoutTftpRoot(tftp, { 'pxelinux.0': PXELINUX_0, 'ldlinux.c32': LDLINUX_C32 });
    expect(copied.map((p) => p.slice(tftp.length + 1)).sort()).toEqual(['ldlinux.c32', 'pxelinux.0']);
    await flint([
      'pxe',
      'config',
      '--format',
      'pxelinux',
      '--kernel',
      K,
      '--initramfs',
      custom,
      '--rootfs',
      R,
      '--rootfs-initrd',
      '--ignition-embedded',
      '--karg',
      'console=ttyS0',
      '-o',
      join(tftp, 'pxelinux.cfg/default'),
    ]);
    const cfg = readFileSync(join(tftp, 'pxelinux.cfg/default'), 'utf8');
    expect(cfg).toContain('IPAPPEND 2');

    const r = await bootImage({ media: 'none', extraArgs: netbootArgs(tftp, 'pxelinux.0'), timeoutMs: 240_000 });
    expect(
      bootProblems(r, {
        ignition: expected,
        kargs: [
          'ignition.firstboot',
          'ignition.platform.id=metal',
          'console=ttyS0',
          `initrd=${custom},${R}`,
          'BOOTIF=01-52-54-00-12-34-56',
        ],
      }),
    ).toEqual([]);
    expect(r.report.cmdline?.split(' ').pop()).toBe('BOOTIF=01-52-54-00-12-34-56');
    expect(r.report.extraFiles).toEqual(expect.arrayContaining(['/config.ign', '/root.squashfs']));
    expect(r.report.initramfsErrors).toEqual([]);
  }, 300_000);

  it('iPXE runs a generated script: initramfs, rootfs initrd, wrapped Ignition and keyfile initrds by name', async () => {
    const config = '{"ignition":{"version":"3.4.0"},"passwd":{"users":[{"name":"core"}]}}\n';
    writeFileSync(join(dir, 'netboot.ign'), config);
    await flint(['pxe', 'ignition', 'wrap', '-i', join(dir, 'netboot.ign'), '-o', join(tftp, 'ignition.img')]);
    expect((await flint(['pxe', 'ignition', 'unwrap', join(tftp, 'ignition.img')])).toString()).toBe(config);
    writeFileSync(join(dir, 'eth0.nmconnection'), '[connection]\nid=eth0\ntype=ethernet\n');
    await flint(['pxe', 'network', 'wrap', '-k', join(dir, 'eth0.nmconnection'), '-o', join(tftp, 'net.img')]);
    await flint([
      'pxe',
      'config',
      '--format',
      'ipxe',
      '--kernel',
      K,
      '--initramfs',
      I,
      '--rootfs',
      R,
      '--stream',
      'stable',
      '--release',
      V,
      '--rootfs-initrd',
      '--ignition-initrd',
      'ignition.img',
      '--initrd',
      'net.img',
      '--karg',
      'console=ttyS0',
      '-o',
      join(tftp, 'boot.ipxe'),
    ]);
    const script = readFileSync(join(tftp, 'boot.ipxe'), 'utf8');
    expect(script).toContain(`set VERSION ${V}`);
    expect(script).toContain('initrd --name main ${BASEURL}/fedora-coreos-${VERSION}-live-initramfs.x86_64.img');

    const r = await bootImage({ media: 'none', extraArgs: netbootArgs(tftp, 'boot.ipxe'), timeoutMs: 240_000 });
    expect(
      bootProblems(r, {
        ignition: config,
        kargs: [
          'initrd=main',
          'initrd=rootfs',
          'initrd=ignition',
          'initrd=extra1',
          'ignition.firstboot',
          'ignition.platform.id=metal',
          'console=ttyS0',
        ],
        rejectKargs: ['BOOTIF=01-52-54-00-12-34-56'],
      }),
    ).toEqual([]);
    expect(r.report.extraFiles).toEqual(
      expect.arrayContaining(['/config.ign', '/root.squashfs', '/etc/coreos-firstboot-network/eth0.nmconnection']),
    );
  }, 300_000);

  it('iPXE under UEFI (OVMF): the kernel EFI stub loads the named initrds; rootfs by URL (2 GiB layout)', async () => {
    const custom = 'custom-uefi.img';
    await flint(['pxe', 'customize', join(tftp, I), '-o', join(tftp, custom), '--live-ignition', LIVE_IGN]);
    const expected = await flint(['pxe', 'ignition', 'unwrap', join(tftp, custom)]);
    // the guest cannot fetch the rootfs (no HTTP server inside QEMU's user network): only the command line is checked
    await flint([
      'pxe',
      'config',
      '--format',
      'ipxe',
      '--kernel',
      K,
      '--initramfs',
      custom,
      '--rootfs',
      R,
      '--rootfs-url',
      `http://10.0.2.2/${R}`,
      '--ignition-embedded',
      '--karg',
      'console=ttyS0',
      '-o',
      join(tftp, 'uefi.ipxe'),
    ]);
    expect(readFileSync(join(tftp, 'uefi.ipxe'), 'utf8')).toContain('needs at least 2 GiB of RAM');
    const r = await bootImage({ media: 'none', firmware: 'uefi', extraArgs: netbootArgs(tftp, 'uefi.ipxe'), timeoutMs: 240_000 });
    expect(
      bootProblems(r, {
        ignition: expected,
        kargs: [
          'initrd=main',
          `coreos.live.rootfs_url=http://10.0.2.2/${R}`,
          'ignition.firstboot',
          'ignition.platform.id=metal',
          'console=ttyS0',
        ],
        rejectKargs: ['initrd=rootfs'],
      }),
    ).toEqual([]);
    expect(r.report.extraFiles).toContain('/config.ign');
    expect(r.report.extraFiles).not.toContain('/root.squashfs');
  }, 300_000);
});
