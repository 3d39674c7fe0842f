// An offline site with one live ISO boots a machine over the network: the app's network boot export
// (through the app dispatch, with a core that has no mirror to download from) copies the kernel,
// initramfs and rootfs out of the tiny FCOS-like ISO, embeds the config in a customized initramfs
// and writes an iPXE script; QEMU boots that folder over its isolated user-mode network.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createDefaultCore } from '../../../electron/app/core-default';
import { dispatch } from '../../../electron/app/handlers';
import { Session } from '../../../electron/app/session';
import { writeCpio } from '../../../electron/core/codecs/cpio';
import { unwrapIgnition } from '../../../electron/core/pxe/initramfs';
import type { ImageState } from '../../../electron/contract/types';
import type { PxeExportResult } from '../../../electron/contract/pxe';
import { skipReason } from '../../helpers/requirements';
import { buildLiveIso } from '../boot/lib/live-iso';
import { bootImage } from '../boot/lib/qemu';
import { bootProblems } from '../boot/lib/report';
import { BOOT_REQUIREMENTS, BUILD_ISO_REQUIREMENTS, allOf } from '../boot/lib/requirements';
import { netbootArgs, netbootRequirements } from './lib/netboot';

const why = skipReason(allOf(BUILD_ISO_REQUIREMENTS, BOOT_REQUIREMENTS, netbootRequirements()));
const CONFIG = '{"ignition":{"version":"3.4.0"},"passwd":{"users":[{"name":"core"}]}}';

describe.skipIf(why)('network boot from a local ISO (app export, iPXE in QEMU)', () => {
  let dir = '';
  let iso = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flint-netboot-iso-'));
    const rootfs = join(dir, 'rootfs.img');
    writeFileSync(rootfs, gzipSync(writeCpio([{ path: 'root.squashfs', data: Buffer.from('dummy rootfs, not a squashfs\n') }])));
    iso = buildLiveIso(join(dir, 'fedora-coreos-41.20241027.3.0-live-iso.x86_64.iso'), { rootfs }).iso;
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exports the ISO files with the config embedded and the machine boots them', async () => {
    const core = createDefaultCore({ baseUrl: 'http://127.0.0.1:9/', cacheDir: join(dir, 'cache') });
    const s = new Session({ mode: 'browser', core, app: { name: 'Flint', version: '1' } });
    try {
      const image = (await dispatch(s, 'image:open-path', { path: iso })) as { ok: true; value: ImageState };
      expect(image.ok).toBe(true);
      const cfg = (await dispatch(s, 'file:load-bytes', { kind: 'config', name: 'site.ign', text: CONFIG })) as {
        ok: true;
        value: { id: string };
      };
      const tftp = join(dir, 'tftp');
      const r = (await dispatch(s, 'pxe:export', {
        options: {
          source: 'iso',
          imageId: image.value.id,
          stream: 'stable',
          arch: 'x86_64',
          format: 'ipxe',
          rootfs: 'initrd',
          ignition: 'embedded',
          kargs: 'console=ttyS0',
        },
        configId: cfg.value.id,
        path: tftp,
      })) as { ok: true; value: PxeExportResult } | { ok: false; error: { message: string } };
      if (!r.ok) throw new Error(r.error.message);
      const stem = 'fedora-coreos-41.20241027.3.0-live-iso.x86_64';
      expect(r.value.release).toBe('41.20241027.3.0');
      expect(r.value.written).toEqual([
        `${stem}-initrd.img`,
        `${stem}-rootfs.img`,
        `${stem}-vmlinuz`,
        `${stem}-initrd.custom.img`,
        'boot.ipxe',
      ]);
      expect(readFileSync(join(tftp, 'boot.ipxe'), 'utf8')).toContain('set STREAM stable');
      const expected = Buffer.from(await unwrapIgnition(readFileSync(join(tftp, `${stem}-initrd.custom.img`)))).toString('utf8');

      const boot = await bootImage({ media: 'none', extraArgs: netbootArgs(tftp, 'boot.ipxe'), timeoutMs: 240_000 });
      expect(
        bootProblems(boot, {
          ignition: expected,
          kargs: ['initrd=main', 'initrd=rootfs', 'ignition.firstboot', 'ignition.platform.id=metal', 'console=ttyS0'],
        }),
      ).toEqual([]);
      expect(boot.report.extraFiles).toEqual(expect.arrayContaining(['/config.ign', '/root.squashfs']));
    } finally {
      s.dispose();
    }
  }, 300_000);
});
