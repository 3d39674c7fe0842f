/**
 * Network boot with the Config step's field settings: each Ignition mode carries them the way the
 * USB flow does. Real exports from local mirrors on 127.0.0.1 (one initramfs with the
 * live-initrd-network feature, one without) into temp folders, read back with the core's readers:
 * the customized initramfs (config.ign merging the user's config and the settings, the keyfile),
 * the wrapped ignition.img and network.img, and URL mode's live config served by the boot mirror.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInitrd } from '../../../electron/core/codecs/initrd';
import { unwrapIgnition, unwrapNetworkKeyfiles } from '../../../electron/core/pxe/initramfs';
import { createDefaultCore } from '../../../electron/app/core-default';
import { dispatch } from '../../../electron/app/handlers';
import { Session } from '../../../electron/app/session';
import type { FieldSettingsInput } from '../../../electron/contract/types';
import type { PxeExportResult, PxeOptions, PxePreview, PxeServerState } from '../../../electron/contract/pxe';
import { liveInitramfs } from '../../helpers/initramfs';
import { FIXTURE_RELEASE, fixturePxeOptions } from '../../helpers/release';
import { TEST_KEY, populateMirror, startMirrorServer, type MirrorServer } from '../../helpers/mirror-server';

const RELEASE = FIXTURE_RELEASE;
const INITRAMFS = `fedora-coreos-${RELEASE}-live-initramfs.x86_64.img`;
const CUSTOM = `fedora-coreos-${RELEASE}-live-initramfs.x86_64.custom.img`;
const CONFIG = JSON.stringify({ ignition: { version: '3.4.0' }, passwd: { users: [{ name: 'core', groups: ['wheel'] }] } });
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB1flintfieldkeytestAAAAAAAAAAAAAAAAAAAAAAAA tech@field';
const EMPTY: FieldSettingsInput = { sshKeys: '', hostname: '', address: '', gateway: '', dns: '', timezone: '' };
const FULL: FieldSettingsInput = {
  sshKeys: KEY,
  hostname: 'pump-7',
  address: '10.1.2.3/24',
  gateway: '10.1.2.1',
  dns: '10.1.2.2',
  timezone: 'Europe/Berlin',
};
const base = fixturePxeOptions({ ignition: 'embedded' });

/** The sources a live config merges, each decoded from its gzip data URL and parsed. */
function mergedSources(liveConfig: Uint8Array): unknown[] {
  const cfg = JSON.parse(Buffer.from(liveConfig).toString('utf8')) as {
    ignition: { config: { merge: { source: string; compression: string }[] } };
  };
  return cfg.ignition.config.merge.map((r) => {
    expect(r.compression).toBe('gzip');
    expect(r.source.startsWith('data:;base64,')).toBe(true);
    return JSON.parse(gunzipSync(Buffer.from(r.source.slice('data:;base64,'.length), 'base64')).toString('utf8'));
  });
}

/** Checks a decoded settings fragment: the SSH key, the host name file and the time zone link. */
function expectFragment(fragment: unknown, withKey = true): void {
  const f = fragment as {
    passwd?: { users: { name: string; sshAuthorizedKeys: string[] }[] };
    storage: { files: { path: string; contents: { source: string } }[]; links: { path: string; target: string }[] };
  };
  if (withKey) expect(f.passwd?.users[0]).toEqual({ name: 'core', sshAuthorizedKeys: [KEY] });
  const host = f.storage.files.find((x) => x.path === '/etc/hostname');
  expect(host).toBeDefined();
  expect(f.storage.links).toContainEqual(
    expect.objectContaining({ path: '/etc/localtime', target: '../usr/share/zoneinfo/Europe/Berlin' }),
  );
}

describe('network boot with field settings', () => {
  let tmp = '';
  const mirrors: MirrorServer[] = [];
  let modern: Session; // initramfs with live-initrd-network
  let old: Session; // initramfs without features.json

  async function session(name: string, initramfs: Buffer): Promise<Session> {
    await populateMirror(join(tmp, name), { kernel: Buffer.from('kernel-bytes'), initramfs, rootfs: Buffer.alloc(50_000, 7) });
    const mirror = await startMirrorServer({ root: join(tmp, name) });
    mirrors.push(mirror);
    const core = createDefaultCore({ baseUrl: mirror.url, cacheDir: join(tmp, `cache-${name}`), keyrings: [TEST_KEY.publicArmored] });
    return new Session({
      mode: 'browser',
      core: { ...core, listDrives: async () => [], watchDrives: undefined },
      app: { name: 'Flint', version: '1' },
    });
  }

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flint-pxe-fields-'));
    modern = await session('modern', liveInitramfs({ features: { 'live-initrd-network': true, 'installer-config': true } }));
    old = await session('old', liveInitramfs());
  });

  afterAll(async () => {
    modern?.dispose();
    old?.dispose();
    for (const m of mirrors) await m.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  type R<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string; causes?: string[] } };
  const call = <T>(s: Session, ch: string, req: unknown) => dispatch(s, ch, req) as Promise<R<T>>;
  const must = <T>(r: R<T>): T => {
    if (!r.ok) throw new Error(`${r.error.code} ${r.error.message} ${r.error.causes ?? ''}`);
    return r.value;
  };
  async function loadConfig(s: Session, text = CONFIG): Promise<string> {
    return must(await call<{ id: string }>(s, 'file:load-bytes', { kind: 'config', name: 'site.ign', text })).id;
  }

  it('embedded: the customized initramfs merges the settings after the config and carries the keyfile', async () => {
    const id = await loadConfig(modern);
    const out = join(tmp, 'embedded');
    const v = must(await call<PxeExportResult>(modern, 'pxe:export', { options: base, configId: id, fieldSettings: FULL, path: out }));
    expect(v.written.slice(3)).toEqual([CUSTOM, 'boot.ipxe']);
    expect(v.fieldSettings).toEqual([
      '1 SSH key for user core',
      'host name pump-7',
      'static IP 10.1.2.3/24 via 10.1.2.1, DNS 10.1.2.2',
      'time zone Europe/Berlin',
    ]);
    expect(v.notes.join('\n')).toMatch(/embedded in .*custom\.img, the static IP as a network keyfile/);
    const custom = readFileSync(join(out, CUSTOM));
    const [user, fragment] = mergedSources(await unwrapIgnition(custom));
    expect(user).toEqual(JSON.parse(CONFIG));
    expectFragment(fragment);
    const members = await readInitrd(custom);
    const keyfile = members.find((m) => m.path === 'etc/coreos-firstboot-network/static.nmconnection');
    expect(Buffer.from(keyfile?.data ?? []).toString()).toContain('address1=10.1.2.3/24,10.1.2.1');
    // the keyfile is inside the initramfs: no extra initrd in the script
    expect(readFileSync(join(out, 'boot.ipxe'), 'utf8')).not.toContain('network.img');
  });

  it('embedded: settings alone (no config) still customize the initramfs', async () => {
    const out = join(tmp, 'embedded-alone');
    const v = must(
      await call<PxeExportResult>(modern, 'pxe:export', {
        options: base,
        fieldSettings: { ...EMPTY, hostname: 'solo', timezone: 'Europe/Berlin', sshKeys: KEY },
        path: out,
      }),
    );
    expect(v.written).toContain(CUSTOM);
    const sources = mergedSources(await unwrapIgnition(readFileSync(join(out, CUSTOM))));
    expect(sources).toHaveLength(1);
    expectFragment(sources[0]);
  });

  it('embedded: an initramfs without live-initrd-network refuses a static IP with a clear message', async () => {
    const id = await loadConfig(old);
    const r = await call(old, 'pxe:export', { options: base, configId: id, fieldSettings: FULL, path: join(tmp, 'old') });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'FEATURE_MISSING', message: expect.stringMatching(/static IP.*live-initrd-network/) },
    });
    expect(!r.ok && r.error.causes?.[0]).toMatch(/clear the static address/);
    // without the static IP the same image takes the other settings
    const ok = must(
      await call<PxeExportResult>(old, 'pxe:export', {
        options: base,
        configId: id,
        fieldSettings: { ...FULL, address: '', gateway: '', dns: '' },
        path: join(tmp, 'old2'),
      }),
    );
    expect(mergedSources(await unwrapIgnition(readFileSync(join(tmp, 'old2', CUSTOM))))).toHaveLength(2);
    expect(ok.fieldSettings).toHaveLength(3);
  });

  it('initrd: ignition.img holds the merged live config, network.img the keyfile, both in the boot config', async () => {
    const id = await loadConfig(modern);
    const out = join(tmp, 'initrd');
    const options: PxeOptions = { ...base, format: 'pxelinux', rootfs: 'initrd', ignition: 'initrd' };
    const v = must(await call<PxeExportResult>(modern, 'pxe:export', { options, configId: id, fieldSettings: FULL, path: out }));
    expect(v.written.slice(3)).toEqual(['ignition.img', 'network.img', 'pxelinux.cfg/default']);
    const [user, fragment] = mergedSources(await unwrapIgnition(readFileSync(join(out, 'ignition.img'))));
    expect(user).toEqual(JSON.parse(CONFIG));
    expectFragment(fragment);
    const keyfiles = await unwrapNetworkKeyfiles(readFileSync(join(out, 'network.img')));
    expect(keyfiles.map((k) => k.name)).toEqual(['static.nmconnection']);
    expect(Buffer.from(keyfiles[0].data).toString()).toContain('dns=10.1.2.2;');
    const cfg = readFileSync(join(out, 'pxelinux.cfg/default'), 'utf8');
    expect(cfg).toContain(`initrd=${INITRAMFS},fedora-coreos-${RELEASE}-live-rootfs.x86_64.img,ignition.img,network.img`);
    expect(v.notes.join('\n')).toMatch(/merged into ignition\.img/);
  });

  it('initrd: without settings the config is wrapped byte for byte and no network.img is added', async () => {
    const id = await loadConfig(modern);
    const out = join(tmp, 'initrd-plain');
    const v = must(
      await call<PxeExportResult>(modern, 'pxe:export', {
        options: { ...base, ignition: 'initrd' },
        configId: id,
        fieldSettings: EMPTY,
        path: out,
      }),
    );
    expect(v.written.slice(3)).toEqual(['ignition.img', 'boot.ipxe']);
    expect(v.fieldSettings).toBeUndefined();
    expect(Buffer.from(await unwrapIgnition(readFileSync(join(out, 'ignition.img')))).toString()).toBe(CONFIG);
  });

  it('initrd: a static IP alone (no config) loads only network.img', async () => {
    const out = join(tmp, 'initrd-ip');
    const v = must(
      await call<PxeExportResult>(modern, 'pxe:export', {
        options: { ...base, ignition: 'initrd' },
        fieldSettings: { ...EMPTY, address: '10.9.0.5/16', gateway: '10.9.0.1' },
        path: out,
      }),
    );
    expect(v.written.slice(3)).toEqual(['network.img', 'boot.ipxe']);
    const script = readFileSync(join(out, 'boot.ipxe'), 'utf8');
    expect(script).toContain('initrd --name extra1 ${BASEURL}/network.img');
    expect(script).not.toContain('ignition.img');
  });

  it('URL: the merged live config is exported where the Ignition URL points and the mirror serves it', async () => {
    const id = await loadConfig(modern);
    const out = join(tmp, 'url');
    const options: PxeOptions = { ...base, ignition: 'url', ignitionUrl: 'http://10.0.0.2:8080/site/node.ign' };
    const v = must(await call<PxeExportResult>(modern, 'pxe:export', { options, configId: id, fieldSettings: FULL, path: out }));
    expect(v.written.slice(3)).toEqual(['site/node.ign', 'network.img', 'boot.ipxe']);
    const [user, fragment] = mergedSources(readFileSync(join(out, 'site/node.ign')));
    expect(user).toEqual(JSON.parse(CONFIG));
    expectFragment(fragment);
    expect((await unwrapNetworkKeyfiles(readFileSync(join(out, 'network.img'))))[0].name).toBe('static.nmconnection');
    expect(v.cmdline).toContain('ignition.config.url=http://10.0.0.2:8080/site/node.ign');
    expect(readFileSync(join(out, 'boot.ipxe'), 'utf8')).toContain('initrd --name extra1 ${BASEURL}/network.img');
    expect(v.notes.join('\n')).toMatch(/cannot travel by URL/);

    const srv = must(await call<PxeServerState>(modern, 'pxe:serve-start', { bind: '127.0.0.1', port: 0 }));
    try {
      const res = await fetch(new URL('site/node.ign', srv.url));
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(readFileSync(join(out, 'site/node.ign')));
    } finally {
      must(await call(modern, 'pxe:serve-stop', {}));
    }
  });

  it('URL: an Ignition URL elsewhere gets config.ign in the folder and a note to point the URL at it', async () => {
    const r = must(
      await call<PxePreview>(modern, 'pxe:preview', {
        options: { ...base, ignition: 'url', ignitionUrl: 'https://cfg.example/x.ign' },
        fieldSettings: { ...EMPTY, hostname: 'n1' },
      }),
    );
    expect(r.notes.join('\n')).toContain('merged into config.ign in the exported folder');
    expect(r.notes.join('\n')).toContain('Point the Ignition URL at http://10.0.0.2:8080/config.ign');
    expect(r.files[0].text).not.toContain('network.img');
  });

  it('previews say what is applied for each mode; bad settings and a boot without Ignition are refused', async () => {
    for (const ignition of ['embedded', 'initrd'] as const) {
      const p = must(await call<PxePreview>(modern, 'pxe:preview', { options: { ...base, ignition }, fieldSettings: FULL }));
      expect(p.fieldSettings).toContain('host name pump-7');
      expect(p.files[0].text.includes('network.img')).toBe(ignition === 'initrd');
    }
    const bad = await call(modern, 'pxe:preview', { options: base, fieldSettings: { ...FULL, hostname: 'bad_host', address: '10.1.2.3' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'FIELD_SETTINGS_INVALID' } });
    expect(!bad.ok && bad.error.causes).toHaveLength(2);
    const none = await call(modern, 'pxe:preview', { options: { ...base, ignition: 'none' }, fieldSettings: FULL });
    expect(none).toMatchObject({ ok: false, error: { code: 'PXE_SETTINGS_NEED_IGNITION' } });
    // an empty form is no settings at all, in any mode
    expect(
      must(await call<PxePreview>(modern, 'pxe:preview', { options: { ...base, ignition: 'none' }, fieldSettings: EMPTY })).fieldSettings,
    ).toBeUndefined();
    // the guards refuse a malformed form
    for (const fieldSettings of [{ ...EMPTY, hostname: 5 }, { sshKeys: '' }, 'x']) {
      expect(await call(modern, 'pxe:export', { options: base, fieldSettings, path: join(tmp, 'never') })).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    }
  });
});
