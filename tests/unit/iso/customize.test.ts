import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { inspectIso, type IsoFacts } from '../../../electron/core/iso/inspect';
import { bufferSource } from '../../../electron/core/iso/byte-source';
import { applyPlanToChunk } from '../../../electron/core/iso/plan';
import { planCustomize, type CustomizeRequest, type NamedFile } from '../../../electron/core/iso/customize';
import { buildCustomizeMembers, scriptUnit } from '../../../electron/core/iso/live-config';
import { customizeFixture, fixtureIso } from '../../helpers/fixtures';

const f = async (name: string): Promise<NamedFile> => ({
  name: `tests/fixtures/coreos-installer/customize/${name}`,
  data: await customizeFixture(name),
});
const facts = async (name = 'embed-areas-2023-07.x86_64'): Promise<IsoFacts> =>
  inspectIso(bufferSource(new Uint8Array(await readFile(await fixtureIso(name)))));

type Res = { compression: string; source: string };
/** Decodes a gzip data URL resource, checking the header bytes coreos-installer writes. */
function resource(r: Res): Buffer {
  expect(r.compression).toBe('gzip');
  expect(r.source.startsWith('data:;base64,')).toBe(true);
  const gz = Buffer.from(r.source.slice('data:;base64,'.length), 'base64');
  expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x02, 0xff]);
  return gunzipSync(gz);
}
const parseConfig = (b: Uint8Array | null) => JSON.parse(Buffer.from(b!).toString('utf8'));
const compact = (b: Buffer) => JSON.stringify(JSON.parse(b.toString('utf8')));

describe('live config generation (docs/live-iso-format.md §7.2)', () => {
  it('wraps one --live-ignition as a 3.3.0 merge of a gzip data URL, compact, with a newline', async () => {
    const live = await f('live.ign');
    const r = await planCustomize(await facts(), { liveIgnition: [live] });
    const text = Buffer.from(r.liveConfig!).toString('utf8');
    expect(text).toMatch(
      /^\{"ignition":\{"config":\{"merge":\[\{"compression":"gzip","source":"data:;base64,H4sI[A-Za-z0-9+/=]+"\}\]\},"version":"3\.3\.0"\}\}\n$/,
    );
    const cfg = parseConfig(r.liveConfig);
    expect(resource(cfg.ignition.config.merge[0]).toString()).toBe(compact(Buffer.from(live.data)));
    // coreos-installer's output for this input is 674 bytes; ours differs only by gzip/serializer details
    expect(r.liveConfig!.length).toBeGreaterThan(600);
    expect(r.liveConfig!.length).toBeLessThan(700);
    expect(r.members.map((m) => m.path)).toEqual(['config.ign']);
    expect(r.kargs).toBeNull();
    expect(r.plan.writes.map((w) => w.offset)).toEqual([139264]);
    expect(r.messages).toEqual([]);
  });

  it('keeps --live-ignition order and puts CAs under ignition.security', async () => {
    const r = await planCustomize(await facts(), {
      liveIgnition: [await f('live.ign'), await f('live-2.ign')],
      ignitionCa: [await f('cert.pem')],
    });
    const cfg = parseConfig(r.liveConfig);
    expect(Object.keys(cfg.ignition)).toEqual(['config', 'security', 'version']);
    expect(cfg.ignition.config.merge.map((m: Res) => JSON.parse(resource(m).toString()).systemd.units[0].name)).toEqual([
      'live-ignition-applied.service',
      'live-2-ignition-applied.service',
    ]);
    expect(resource(cfg.ignition.security.tls.certificateAuthorities[0]).equals(await customizeFixture('cert.pem'))).toBe(true);
  });

  it('karg-only and keyfile-only customizations embed no config.ign', async () => {
    const k = await planCustomize(await facts(), { liveKargAppend: ['foo'] });
    expect(k.liveConfig).toBeNull();
    expect(k.members).toEqual([]);
    expect(k.kargs).toMatch(/ foo$/);
    expect(k.plan.writes.map((w) => w.offset)).toEqual([137037, 139264, 408522]);
    expect(k.plan.writes[1].bytes.every((b) => b === 0)).toBe(true);
    const n = await planCustomize(await facts(), { networkKeyfile: [await f('installer-test.nmconnection')] });
    expect(n.liveConfig).toBeNull();
    expect(n.members.map((m) => m.path)).toEqual(['etc/coreos-firstboot-network/installer-test.nmconnection']);
  });

  it('applies live karg edits to the default kargs (docs/live-iso-format.md §6.6 example)', async () => {
    const r = await planCustomize(await facts(), {
      liveKargAppend: ['foo', 'bar=1'],
      liveKargDelete: ['mitigations=auto,nosmt'],
      liveKargReplace: ['ignition.platform.id=metal=qemu'],
    });
    expect(r.kargs).toBe('coreos.liveiso=fedora-coreos-38.20230718.dev.0 ignition.firstboot ignition.platform.id=qemu foo bar=1');
  });

  it('turns pre/post-install scripts into 0700 files plus enabled units', async () => {
    const r = await planCustomize(await facts(), { preInstall: [await f('pre-install-1')], postInstall: [await f('post-install-1')] });
    const cfg = parseConfig(r.liveConfig);
    expect(cfg.storage.files.map((x: { path: string; mode: number; overwrite: null }) => [x.path, x.mode, x.overwrite])).toEqual([
      ['/usr/local/bin/pre-install-pre-install-1', 448, null],
      ['/usr/local/bin/post-install-post-install-1', 448, null],
    ]);
    expect(resource(cfg.storage.files[0].contents).equals(await customizeFixture('pre-install-1'))).toBe(true);
    expect(cfg.systemd.units.map((u: { name: string; enabled: boolean; mask: null }) => [u.name, u.enabled, u.mask])).toEqual([
      ['pre-install-pre-install-1.service', true, null],
      ['post-install-post-install-1.service', true, null],
    ]);
    expect(cfg.systemd.units[0].contents).toBe(scriptUnit('pre', 'pre-install-1'));
    expect(scriptUnit('post', 'x')).toBe(
      '# Generated by coreos-installer {iso|pxe} customize\n\n[Unit]\nDescription=Post-Install Script (x)\n' +
        'Documentation=https://coreos.github.io/coreos-installer/customizing-install/\nAfter=coreos-installer.service\n' +
        'Before=coreos-installer.target\n\n[Service]\nType=oneshot\nExecStart=/usr/local/bin/post-install-x\nRemainAfterExit=true\n' +
        'StandardOutput=kmsg+console\nStandardError=kmsg+console\n\n[Install]\nRequiredBy=coreos-installer.target',
    );
    await expect(
      planCustomize(await facts(), { preInstall: [await f('pre-install-1'), { name: 'other/pre-install-1', data: new Uint8Array(1) }] }),
    ).rejects.toThrow('config already specifies path /usr/local/bin/pre-install-pre-install-1');
  });

  it('stores installer configs verbatim in order, then customize.yaml from the dest options', async () => {
    const r = await planCustomize(await facts(), {
      installerConfig: [await f('install-1.conf'), await f('install-2.conf')],
      destIgnition: [await f('dest.ign')],
      destDevice: '/dev/vda',
      destConsole: ['ttyS0,115200'],
      destKargAppend: ['dest-karg'],
      destKargDelete: ['ignition.platform.id=metal'],
      networkKeyfile: [await f('installer-test.nmconnection')],
    });
    expect(r.messages).toEqual(['Boot media will automatically install to /dev/vda without confirmation.']);
    const files = parseConfig(r.liveConfig).storage.files as { path: string; mode: number; contents: Res }[];
    expect(files.map((x) => [x.path, x.mode])).toEqual([
      ['/etc/coreos/installer.d/0000-install-1.conf', 384],
      ['/etc/coreos/installer.d/0001-install-2.conf', 384],
      ['/etc/coreos/dest.ign', 384],
      ['/etc/coreos/installer.d/0002-customize.yaml', 384],
    ]);
    expect(resource(files[0].contents).equals(await customizeFixture('install-1.conf'))).toBe(true);
    expect(resource(files[2].contents).toString()).toBe(compact(await customizeFixture('dest.ign')) + '\n');
    const yaml = parseYaml(resource(files[3].contents).toString());
    expect(yaml).toEqual({
      'ignition-file': '/etc/coreos/dest.ign',
      console: ['ttyS0,115200n8'],
      'append-karg': ['dest-karg'],
      'delete-karg': ['ignition.platform.id=metal'],
      'copy-network': true,
      'dest-device': '/dev/vda',
    });
    expect(Object.keys(yaml)).toEqual(['ignition-file', 'console', 'append-karg', 'delete-karg', 'copy-network', 'dest-device']);
    expect(r.members.map((m) => m.path)).toEqual(['config.ign', 'etc/coreos-firstboot-network/installer-test.nmconnection']);
  });

  it('writes customize.yaml only for dest options; a user installer config alone still runs the installer', async () => {
    const r = await planCustomize(await facts(), {
      installerConfig: [await f('install-1.conf')],
      networkKeyfile: [await f('installer-test.nmconnection')],
    });
    expect(parseConfig(r.liveConfig).storage.files.map((x: { path: string }) => x.path)).toEqual([
      '/etc/coreos/installer.d/0000-install-1.conf',
    ]);
    expect(r.messages).toEqual(['Boot media will automatically run installer.']);
    const dev = { name: 'dev.yaml', data: new TextEncoder().encode('dest-device: /dev/sdb\n') };
    expect((await planCustomize(await facts(), { installerConfig: [dev] })).messages).toEqual([
      'Boot media will automatically install to /dev/sdb without confirmation.',
    ]);
  });

  it('wraps several dest configs (and CAs) in a 3.3.0 merge config', async () => {
    const r = await planCustomize(await facts(), {
      destIgnition: [await f('dest.ign'), await f('dest-2.ign')],
      ignitionCa: [await f('cert.pem')],
    });
    const files = parseConfig(r.liveConfig).storage.files as { path: string; contents: Res }[];
    const dest = JSON.parse(resource(files.find((x) => x.path === '/etc/coreos/dest.ign')!.contents).toString());
    expect(Object.keys(dest.ignition)).toEqual(['config', 'security', 'version']);
    expect(dest.ignition.version).toBe('3.3.0');
    expect(dest.ignition.config.merge.map((m: Res) => resource(m).toString())).toEqual([
      compact(await customizeFixture('dest.ign')),
      compact(await customizeFixture('dest-2.ign')),
    ]);
    expect(r.messages).toEqual(['Boot media will automatically run installer.']);
  });

  it('uses every option at once and the result decodes from the image', async () => {
    const before = await facts();
    const req: CustomizeRequest = {
      liveIgnition: [await f('live.ign'), await f('live-2.ign')],
      liveKargAppend: ['foo'],
      liveKargDelete: ['mitigations=auto,nosmt'],
      liveKargReplace: ['ignition.platform.id=metal=qemu'],
      ignitionCa: [await f('cert.pem')],
      networkKeyfile: [await f('installer-test.nmconnection'), await f('nmstate-js-eth1.nmconnection')],
      preInstall: [await f('pre-install-1'), await f('pre-install-2')],
      postInstall: [await f('post-install-1'), await f('post-install-2')],
      installerConfig: [await f('install-1.conf'), await f('install-2.conf')],
      destIgnition: [await f('dest.ign')],
      destDevice: '/dev/vda',
      destKargAppend: ['dest-karg'],
      destKargDelete: ['ignition.platform.id=metal'],
      destConsole: ['ttyS0,115200n8'],
    };
    const r = await planCustomize(before, req);
    const buf = new Uint8Array(await readFile(await fixtureIso('embed-areas-2023-07.x86_64')));
    applyPlanToChunk(r.plan, buf, 0);
    const after = await inspectIso(bufferSource(buf));
    expect(after.customized).toBe(true);
    expect(Buffer.from(after.ignition!).equals(Buffer.from(r.liveConfig!))).toBe(true);
    expect(after.kargs!.currentKargs).toBe(
      'coreos.liveiso=fedora-coreos-38.20230718.dev.0 ignition.firstboot ignition.platform.id=qemu foo',
    );
    expect(after.members.map((m) => m.path)).toEqual([
      'config.ign',
      'etc/coreos-firstboot-network/installer-test.nmconnection',
      'etc/coreos-firstboot-network/nmstate-js-eth1.nmconnection',
    ]);
    const cfg = parseConfig(after.ignition);
    expect(cfg.systemd.units).toHaveLength(4);
    expect(cfg.storage.files).toHaveLength(8);
    // customizing again needs -f, and -f discards the old members
    await expect(planCustomize(after, { liveKargAppend: ['x'] })).rejects.toThrow('This ISO image is already customized; use -f to force.');
    const again = await planCustomize(after, { liveKargAppend: ['x'], force: true });
    expect(again.members).toEqual([]);
  });
});

describe('customize refuses what the image or the input cannot support', () => {
  it('gates options on features.json (docs/live-iso-format.md §7.7)', async () => {
    const old = await facts('embed-areas-2021-09');
    await expect(planCustomize(old, { networkKeyfile: [await f('installer-test.nmconnection')] })).rejects.toThrow(
      'This OS image does not support customizing network settings.',
    );
    for (const req of [
      { destDevice: '/dev/sda' },
      { installerConfig: [await f('install-1.conf')] },
      { destIgnition: [await f('dest.ign')] },
      { destKargAppend: ['x'] },
    ]) {
      await expect(planCustomize(old, req)).rejects.toThrow('This OS image does not support customizing installer configuration.');
    }
    await expect(planCustomize(await facts('embed-areas-2022-02'), { destConsole: ['ttyS0'] })).rejects.toThrow(
      'This OS image does not support customizing the destination console.',
    );
    expect((await planCustomize(await facts('embed-areas-2022-09'), { destConsole: ['tty0'] })).liveConfig).not.toBeNull();
    await expect(planCustomize(await facts('embed-areas-2023-03.s390x'), { liveKargAppend: ['x'] })).rejects.toThrow(
      'This OS image does not support customizing live kernel arguments.',
    );
  });

  it('checks live and dest Ignition configs: JSON, then version 3.x', async () => {
    const ok = await facts();
    const bad = (s: string): NamedFile => ({ name: 'cfg.ign', data: new TextEncoder().encode(s) });
    await expect(planCustomize(ok, { liveIgnition: [bad('{nope')] })).rejects.toMatchObject({
      message: 'parsing Ignition config cfg.ign',
      causes: [expect.stringMatching(/^serialization error: /)],
    });
    await expect(planCustomize(ok, { destIgnition: [bad('{"ignition":{"version":"2.2.0"}}')] })).rejects.toMatchObject({
      message: 'parsing Ignition config cfg.ign',
      causes: ['unsupported config version: 2.2.0'],
    });
    await expect(planCustomize(ok, { liveIgnition: [bad('[]')] })).rejects.toThrow('parsing Ignition config cfg.ign');
    await expect(
      planCustomize(ok, { installerConfig: [{ name: 'bad.yaml', data: new TextEncoder().encode('a: [unclosed') }] }),
    ).rejects.toThrow('parsing installer config bad.yaml');
    await expect(planCustomize(ok, { destConsole: ['tty S0,,'] })).rejects.toThrow("invalid console argument 'tty S0,,'");
  });

  it('refuses duplicate keyfile names', async () => {
    const k = await f('installer-test.nmconnection');
    expect(() =>
      buildCustomizeMembers(
        { networkKeyfile: [k, { ...k, name: 'elsewhere/installer-test.nmconnection' }] },
        { installerConfig: true, installerConfigDirectives: {}, liveInitrdNetwork: true },
      ),
    ).toThrow('config already specifies keyfile installer-test.nmconnection');
  });
});
