/**
 * The network boot handlers (pxe:*) behind the contract: request guards, option validation (kargs
 * checked like ISO kargs, URLs, a config for an embedded Ignition), the Electron folder dialog
 * (ipcMain stood in by a recorder), and a real export from a local mirror on 127.0.0.1 into a temp
 * folder (signed artifacts, customized initramfs, wrapped Ignition initrd, configs) that the boot
 * mirror then serves over HTTP.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrapIgnition } from '../../../electron/core/pxe/initramfs';
import { createDefaultCore } from '../../../electron/app/core-default';
import { dispatch } from '../../../electron/app/handlers';
import { Session, type Dialogs } from '../../../electron/app/session';
import { registerIpc } from '../../../electron/main/ipc';
import type { PxeExportResult, PxeOptions, PxePreview, PxeServerState } from '../../../electron/contract/pxe';
import type { EventChannel } from '../../../electron/contract/api';
import { liveInitramfs } from '../../helpers/initramfs';
import { FIXTURE_RELEASE, fixturePxeOptions } from '../../helpers/release';
import { TEST_KEY, populateMirror, startMirrorServer, type MirrorServer } from '../../helpers/mirror-server';

const RELEASE = FIXTURE_RELEASE;
const CONFIG = JSON.stringify({ ignition: { version: '3.4.0' }, passwd: { users: [{ name: 'core' }] } });

const base = fixturePxeOptions();

describe('network boot handlers', () => {
  let tmp = '';
  let mirror: MirrorServer;
  let browser: Session;
  const events: [string, unknown][] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flint-pxe-handlers-'));
    await populateMirror(join(tmp, 'up'), {
      kernel: Buffer.from('kernel-bytes'),
      initramfs: liveInitramfs(),
      rootfs: Buffer.alloc(70_000, 7),
    });
    mirror = await startMirrorServer({ root: join(tmp, 'up') });
    const core = createDefaultCore({ baseUrl: mirror.url, cacheDir: join(tmp, 'cache'), keyrings: [TEST_KEY.publicArmored] });
    browser = new Session({
      mode: 'browser',
      core: { ...core, listDrives: async () => [], watchDrives: undefined },
      app: { name: 'Flint', version: '1' },
    });
    browser.addSink((ch, p) => events.push([ch, p]));
  });

  afterAll(async () => {
    browser?.dispose();
    await mirror?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const call = <T>(ch: string, req: unknown) =>
    dispatch(browser, ch, req) as Promise<
      { ok: true; value: T } | { ok: false; error: { code: string; message: string; causes?: string[] } }
    >;
  async function loadConfig(text = CONFIG): Promise<string> {
    const r = await call<{ id: string }>('file:load-bytes', { kind: 'config', name: 'site.ign', text });
    if (!r.ok) throw new Error(r.error.message);
    return r.value.id;
  }

  it('previews an iPXE script and a PXELINUX config with the RAM each rootfs choice needs', async () => {
    const ipxe = await call<PxePreview>('pxe:preview', {
      options: { ...base, ignition: 'url', ignitionUrl: 'http://10.0.0.2:8080/site.ign', kargs: 'console=ttyS0,115200n8' },
    });
    expect(ipxe.ok).toBe(true);
    if (!ipxe.ok) return;
    expect(ipxe.value.files[0].name).toBe('boot.ipxe');
    expect(ipxe.value.files[0].text).toContain('#!ipxe');
    expect(ipxe.value.files[0].text).toContain(`set VERSION ${RELEASE}`);
    expect(ipxe.value.ramNeeded).toBe(2 * 1024 ** 3);
    expect(ipxe.value.ramNote).toMatch(/2 GiB/);
    expect(ipxe.value.cmdline).toContain(`coreos.live.rootfs_url=http://10.0.0.2:8080/fedora-coreos-${RELEASE}-live-rootfs.x86_64.img`);
    expect(ipxe.value.cmdline).toContain('ignition.config.url=http://10.0.0.2:8080/site.ign');
    expect(ipxe.value.cmdline).toContain('console=ttyS0,115200n8');

    const pxelinux = await call<PxePreview>('pxe:preview', { options: { ...base, format: 'pxelinux', rootfs: 'initrd' } });
    expect(pxelinux.ok && pxelinux.value.files[0].name).toBe('pxelinux.cfg/default');
    expect(pxelinux.ok && pxelinux.value.ramNeeded).toBe(4 * 1024 ** 3);
    expect(pxelinux.ok && pxelinux.value.files[0].text).toContain('IPAPPEND 2');
  });

  it('checks kernel arguments, URLs and the config the way the CLI does', async () => {
    const bad: [Partial<PxeOptions>, string][] = [
      [{ kargs: 'ignition.config.url=http://x/' }, 'KARG_MANAGED'],
      [{ kargs: 'foo#bar' }, 'KARG_BOOTLOADER_CHAR'],
      [{ kargs: 'a="b c' }, 'KARG_UNBALANCED_QUOTE'],
      [{ kargs: 'quiet\n}' }, 'KARG_CONTROL_CHAR'],
      [{ ignition: 'url' }, 'PXE_NO_IGNITION_URL'],
      [{ ignition: 'url', ignitionUrl: 'ftp://x/y.ign' }, 'PXE_BAD_URL'],
      [{ baseUrl: undefined, format: 'pxelinux' }, 'PXE_NO_ROOTFS_URL'],
      [{ kargs: 'x='.padEnd(1990, 'y') }, 'PXE_CMDLINE_TOO_LONG'],
    ];
    for (const [o, code] of bad) {
      const r = await call('pxe:preview', { options: { ...base, ...o } });
      expect(r, JSON.stringify(o)).toMatchObject({ ok: false, error: { code } });
    }
    // errors carry what the app words them from (renderer/src/messages.ts), never a CLI option
    const noRootfs = await call('pxe:preview', { options: { ...base, baseUrl: undefined } });
    expect(noRootfs).toMatchObject({ ok: false, error: { code: 'PXE_NO_ROOTFS_URL', params: {} } });
    expect(JSON.stringify(noRootfs)).not.toMatch(/--/);
    const managed = await call('pxe:preview', { options: { ...base, kargs: 'coreos.live.rootfs_url=http://x/' } });
    expect(managed).toMatchObject({
      ok: false,
      error: { code: 'KARG_MANAGED', params: { key: 'coreos.live.rootfs_url', option: 'rootfsUrl' } },
    });
    // quotes are kernel syntax: a quoted value with a space is one argument
    const quoted = await call<PxePreview>('pxe:preview', { options: { ...base, kargs: 'a="b c" console=ttyS0' } });
    expect(quoted.ok && quoted.value.cmdline.endsWith(' a="b c" console=ttyS0')).toBe(true);
    // an embedded config needs a config (and a valid one) at export time
    expect(await call('pxe:export', { options: { ...base, ignition: 'embedded' }, path: join(tmp, 'x') })).toMatchObject({
      ok: false,
      error: { code: 'PXE_NO_CONFIG' },
    });
    const broken = await loadConfig('{"ignition":');
    expect(await call('pxe:export', { options: { ...base, ignition: 'embedded' }, configId: broken, path: join(tmp, 'x') })).toMatchObject({
      ok: false,
      error: { code: 'CONFIG_INVALID' },
    });
    expect(existsSync(join(tmp, 'x'))).toBe(false);
  });

  it('refuses malformed requests with the contract guards', async () => {
    const cases: [string, unknown][] = [
      ['pxe:preview', { options: { ...base, format: 'grub' } }],
      ['pxe:preview', { options: { ...base, rootfs: 'nfs' } }],
      ['pxe:preview', { options: { ...base, stream: '../etc' } }],
      ['pxe:preview', { options: { ...base, baseUrl: 'http://a b/' } }],
      ['pxe:preview', { options: { ...base, extra: 1 } }],
      ['pxe:export', { options: base, path: 'a\0b' }],
      ['pxe:serve-start', { bind: '0.0.0.0; rm -rf /', port: 8080 }],
      ['pxe:serve-start', { bind: '127.0.0.1', port: 70000 }],
      ['pxe:serve-start', { bind: '127.0.0.1', port: 1.5 }],
      ['pxe:serve-stop', { now: true }],
    ];
    for (const [ch, req] of cases)
      expect(await call(ch, req), `${ch} ${JSON.stringify(req)}`).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('checks the folder typed in browser mode and needs an export before serving', async () => {
    expect(await call('pxe:export', { options: base })).toMatchObject({ ok: false, error: { code: 'EXPORT_PATH_MISSING' } });
    expect(await call('pxe:export', { options: base, path: 'relative/dir' })).toMatchObject({
      ok: false,
      error: { code: 'PATH_NOT_ABSOLUTE' },
    });
    writeFileSync(join(tmp, 'a-file'), 'x');
    expect(await call('pxe:export', { options: base, path: join(tmp, 'a-file') })).toMatchObject({
      ok: false,
      error: { code: 'EXPORT_NOT_DIR' },
    });
    expect(await call('pxe:export', { options: base, path: join(tmp, 'no/such/dir') })).toMatchObject({
      ok: false,
      error: { code: 'EXPORT_DIR_MISSING' },
    });
    expect(await call('pxe:serve-start', { bind: '127.0.0.1', port: 0 })).toMatchObject({ ok: false, error: { code: 'PXE_NO_FOLDER' } });
  });

  it('exports a verified boot folder with a customized initramfs, then serves it over HTTP', async () => {
    const id = await loadConfig();
    const out = join(tmp, 'boot');
    events.length = 0;
    const r = await call<PxeExportResult>('pxe:export', {
      options: { ...base, ignition: 'embedded', kargs: 'console=ttyS0' },
      configId: id,
      path: out,
    });
    if (!r.ok) throw new Error(`${r.error.code} ${r.error.message} ${r.error.causes}`);
    const v = r.value;
    expect(v.release).toBe(RELEASE);
    const initramfs = `fedora-coreos-${RELEASE}-live-initramfs.x86_64.img`;
    expect(v.written).toEqual([
      `fedora-coreos-${RELEASE}-live-kernel.x86_64`,
      initramfs,
      `fedora-coreos-${RELEASE}-live-rootfs.x86_64.img`,
      `fedora-coreos-${RELEASE}-live-initramfs.x86_64.custom.img`,
      'boot.ipxe',
    ]);
    expect(readFileSync(join(out, v.written[0]), 'utf8')).toBe('kernel-bytes');
    expect(readFileSync(join(out, initramfs))).toEqual(liveInitramfs());
    const custom = readFileSync(join(out, v.written[3]));
    expect(custom.subarray(0, liveInitramfs().length)).toEqual(liveInitramfs());
    expect(JSON.parse(Buffer.from(await unwrapIgnition(custom)).toString())).toMatchObject({
      ignition: { config: { merge: expect.any(Array) } },
    });
    const script = readFileSync(join(out, 'boot.ipxe'), 'utf8');
    expect(script).toBe(v.files[0].text);
    expect(script).toContain('initrd --name main ${BASEURL}/fedora-coreos-${VERSION}-live-initramfs.x86_64.custom.img');
    expect(v.cmdline).toContain('console=ttyS0');
    expect(events.some(([ch, p]) => ch === 'pxe:progress' && (p as { jobId: string }).jobId === 'pxe-export')).toBe(true);

    // the boot mirror serves that folder and reports each request
    const started = await call<PxeServerState>('pxe:serve-start', { bind: '127.0.0.1', port: 0 });
    if (!started.ok) throw new Error(started.error.message);
    expect(started.value.dir).toBe(out);
    expect(await call('pxe:serve-start', { bind: '127.0.0.1', port: 0 })).toMatchObject({
      ok: false,
      error: { code: 'PXE_SERVER_RUNNING' },
    });
    const logged = nextEvent(browser, 'pxe:log');
    const res = await fetch(new URL('boot.ipxe', started.value.url));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(script);
    expect(await logged).toMatchObject({ line: expect.stringMatching(/GET "\/boot\.ipxe" 200 \d+$/) });
    expect(await call('pxe:serve-stop', {})).toEqual({ ok: true, value: {} });
    await expect(fetch(new URL('boot.ipxe', started.value.url))).rejects.toThrow();
  });

  it('disposing the session stops its boot mirror', async () => {
    const s = new Session({ mode: 'browser', core: createDefaultCore(), app: { name: 'Flint', version: '1' } });
    s.pxe.dir = tmp; // as a finished export leaves it
    const started = await dispatch(s, 'pxe:serve-start', { bind: '127.0.0.1', port: 0 });
    if (!started.ok) throw new Error(started.error.message);
    const { url } = started.value as PxeServerState;
    expect(s.pxe.server?.url).toBe(url);
    s.dispose();
    expect(s.pxe.server).toBeNull();
    await expect(fetch(new URL('nothing', url))).rejects.toThrow();
  });

  it('wraps the config as an initrd for a PXELINUX layout with the rootfs as an initrd', async () => {
    const id = await loadConfig();
    const out = join(tmp, 'boot2');
    const r = await call<PxeExportResult>('pxe:export', {
      options: { ...base, format: 'pxelinux', rootfs: 'initrd', ignition: 'initrd' },
      configId: id,
      path: out,
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.written.slice(3)).toEqual(['ignition.img', 'pxelinux.cfg/default']);
    expect(JSON.parse(Buffer.from(await unwrapIgnition(readFileSync(join(out, 'ignition.img')))).toString())).toEqual(JSON.parse(CONFIG));
    const cfg = readFileSync(join(out, 'pxelinux.cfg/default'), 'utf8');
    expect(cfg).toContain(
      `initrd=fedora-coreos-${RELEASE}-live-initramfs.x86_64.img,fedora-coreos-${RELEASE}-live-rootfs.x86_64.img,ignition.img`,
    );
    expect(r.value.ramNeeded).toBe(4 * 1024 ** 3);
  });

  it('cancels an export mid-download and says so', async () => {
    // a fresh cache, so the rootfs really comes over the (throttled) wire
    const core = createDefaultCore({ baseUrl: mirror.url, cacheDir: join(tmp, 'cache-cancel'), keyrings: [TEST_KEY.publicArmored] });
    const s = new Session({ mode: 'browser', core, app: { name: 'Flint', version: '1' } });
    const progressed = nextEvent(s, 'pxe:progress');
    mirror.addFault('rootfs.x86_64.img', { kind: 'throttle', bytesPerSecond: 5_000 });
    try {
      const p = dispatch(s, 'pxe:export', { options: base, path: join(tmp, 'boot3') });
      await progressed;
      expect(await dispatch(s, 'pxe:export', { options: base, path: join(tmp, 'boot4') })).toMatchObject({
        ok: false,
        error: { code: 'PXE_BUSY' },
      });
      expect(await dispatch(s, 'pxe:cancel', {})).toEqual({ ok: true, value: {} });
      expect(await p).toMatchObject({ ok: false, error: { code: 'PXE_CANCELLED' } });
      expect(existsSync(join(tmp, 'boot3', 'boot.ipxe'))).toBe(false);
    } finally {
      mirror.clearFaults();
      s.dispose();
    }
  });
});

/** The next event of `channel` the session sends. */
function nextEvent(s: Session, channel: EventChannel): Promise<unknown> {
  return new Promise((resolve) => {
    const remove = s.addSink((ch, payload) => {
      if (ch !== channel) return;
      remove();
      resolve(payload);
    });
  });
}

describe('network boot in the Electron shell', () => {
  it('asks for the folder with the native dialog and never takes a path from the renderer', async () => {
    const handlers = new Map<string, (e: unknown, r: unknown) => Promise<unknown>>();
    let asked = 0;
    const dialogs: Dialogs = { openFile: async () => null, saveFile: async () => null, openFolder: async () => (asked++, null) };
    const core = createDefaultCore();
    const session = new Session({ mode: 'electron', core, dialogs, app: { name: 'Flint', version: '1' } });
    const frame = { url: 'app://flint/index.html' };
    const event = { sender: {}, senderFrame: frame };
    registerIpc({ handle: (ch: string, fn: (e: unknown, r: unknown) => Promise<unknown>) => void handlers.set(ch, fn) } as never, {
      session: () => session,
      trusted: (e) => e === event,
    });
    for (const ch of ['pxe:preview', 'pxe:export', 'pxe:cancel', 'pxe:serve-start', 'pxe:serve-stop'])
      expect(handlers.has(ch), ch).toBe(true);
    // cancelled dialog: null, nothing downloaded; the typed path is ignored
    expect(await handlers.get('pxe:export')!(event, { options: base, path: '/tmp/evil' })).toEqual({ ok: true, value: null });
    expect(asked).toBe(1);
    expect(await handlers.get('pxe:export')!({ sender: {}, senderFrame: { url: 'https://evil/' } }, { options: base })).toMatchObject({
      ok: false,
      error: { code: 'SENDER_REFUSED' },
    });
    const p = (await handlers.get('pxe:preview')!(event, { options: { ...base, format: 'pxelinux' } })) as {
      ok: boolean;
      value: PxePreview;
    };
    expect(p.value.files[0].text).toContain(`KERNEL fedora-coreos-${RELEASE}-live-kernel.x86_64`);
    session.dispose();
  });
});
