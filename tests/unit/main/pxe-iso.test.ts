/**
 * Network boot from a local live ISO through the app dispatch (the same handlers Electron IPC and
 * the `flint ui` bridge call): the ISO is opened like any image, the preview names the files
 * `iso extract pxe` gives, and the export copies them out of the ISO (nothing is downloaded: the
 * core has no mirror at all) next to the boot config and the wrapped Ignition initrd.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultCore } from '../../../electron/app/core-default';
import { dispatch } from '../../../electron/app/handlers';
import { Session } from '../../../electron/app/session';
import { bufferSource } from '../../../electron/core/iso/byte-source';
import { lookupPath, readIso9660 } from '../../../electron/core/iso/iso9660';
import { unwrapIgnition } from '../../../electron/core/pxe/initramfs';
import type { ImageState } from '../../../electron/contract/types';
import type { PxeExportResult, PxeOptions, PxePreview } from '../../../electron/contract/pxe';
import { fixtureIso } from '../../helpers/fixtures';

const CONFIG = JSON.stringify({ ignition: { version: '3.4.0' }, passwd: { users: [{ name: 'core' }] } });
const STEM = 'fcos-38-offline'; // "fcos 38,offline.iso": spaces and commas cannot appear in a PXE config

const base: PxeOptions = {
  source: 'iso',
  stream: 'stable',
  arch: 'x86_64',
  format: 'pxelinux',
  rootfs: 'initrd',
  ignition: 'initrd',
  kargs: 'console=ttyS0',
};

describe('network boot from a local live ISO (app dispatch)', () => {
  let tmp = '';
  let iso = '';
  let s: Session;
  let image: ImageState;
  const events: [string, unknown][] = [];
  const call = <T>(ch: string, req: unknown) =>
    dispatch(s, ch, req) as Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string; causes?: string[] } }>;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flint-pxe-iso-'));
    iso = join(tmp, 'fcos 38,offline.iso');
    copyFileSync(await fixtureIso('embed-areas-2023-07.x86_64'), iso);
    // no base URL: any download attempt would fail instead of reaching the network
    const core = createDefaultCore({ baseUrl: 'http://127.0.0.1:9/', cacheDir: join(tmp, 'cache') });
    s = new Session({
      mode: 'browser',
      core: { ...core, listDrives: async () => [], watchDrives: undefined },
      app: { name: 'Flint', version: '1' },
    });
    s.addSink((ch, p) => events.push([ch, p]));
    const opened = await call<ImageState>('image:open-path', { path: iso });
    if (!opened.ok) throw new Error(opened.error.message);
    image = opened.value;
  });
  afterAll(() => {
    s?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('previews with the names iso extract pxe gives and the release the ISO names', async () => {
    const r = await call<PxePreview>('pxe:preview', { options: { ...base, imageId: image.id } });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.artifacts).toEqual({ kernel: `${STEM}-vmlinuz`, initramfs: `${STEM}-initrd.img`, rootfs: `${STEM}-rootfs.img` });
    const text = r.value.files[0].text;
    expect(text).toContain('for Fedora CoreOS 38.20230718.dev.0.'); // a developer build: no stream
    expect(text).toContain(`KERNEL ${STEM}-vmlinuz`);
    expect(text).toContain(`APPEND initrd=${STEM}-initrd.img,${STEM}-rootfs.img,ignition.img`);
  });

  it('needs an ISO, a known one, and well-formed options', async () => {
    expect(await call('pxe:preview', { options: base })).toMatchObject({ ok: false, error: { code: 'PXE_NO_ISO' } });
    expect(await call('pxe:preview', { options: { ...base, imageId: 'image-404' } })).toMatchObject({
      ok: false,
      error: { code: 'IMAGE_UNKNOWN' },
    });
    for (const bad of [{ source: 'usb' }, { imageId: '../x' }, { imageId: 7 }]) {
      expect(await call('pxe:preview', { options: { ...base, ...bad } })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
  });

  it('exports the files copied out of the ISO, byte for byte, beside the config and ignition.img', async () => {
    const cfg = await call<{ id: string }>('file:load-bytes', { kind: 'config', name: 'site.ign', text: CONFIG });
    if (!cfg.ok) throw new Error(cfg.error.message);
    const out = join(tmp, 'boot');
    events.length = 0;
    const r = await call<PxeExportResult>('pxe:export', { options: { ...base, imageId: image.id }, configId: cfg.value.id, path: out });
    if (!r.ok) throw new Error(`${r.error.code} ${r.error.message}`);
    expect(r.value.release).toBe('38.20230718.dev.0');
    expect(r.value.written).toEqual([
      `${STEM}-initrd.img`,
      `${STEM}-rootfs.img`,
      `${STEM}-vmlinuz`,
      'ignition.img',
      'pxelinux.cfg/default',
    ]);
    const bytes = new Uint8Array(readFileSync(iso));
    const src = bufferSource(bytes);
    const vol = await readIso9660(src);
    for (const [name, file] of [
      ['vmlinuz', 'VMLINUZ'],
      ['initrd.img', 'INITRD.IMG'],
      ['rootfs.img', 'ROOTFS.IMG'],
    ]) {
      const rec = await lookupPath(src, vol, `IMAGES/PXEBOOT/${file}`);
      expect(readFileSync(join(out, `${STEM}-${name}`)).equals(Buffer.from(bytes.subarray(rec.offset, rec.offset + rec.length)))).toBe(
        true,
      );
    }
    expect(JSON.parse(Buffer.from(await unwrapIgnition(readFileSync(join(out, 'ignition.img')))).toString())).toEqual(JSON.parse(CONFIG));
    expect(readFileSync(join(out, 'pxelinux.cfg/default'), 'utf8')).toBe(r.value.files[0].text);
    const progress = events.filter(([ch]) => ch === 'pxe:progress').map(([, p]) => p as { phase: string; bytes: number; total: number });
    expect(progress.at(-1)).toMatchObject({ phase: 'write', bytes: 35, total: 35 });
    // exporting again into the same folder replaces the copies
    const again = await call<PxeExportResult>('pxe:export', { options: { ...base, imageId: image.id }, configId: cfg.value.id, path: out });
    expect(again.ok).toBe(true);
  });
});
