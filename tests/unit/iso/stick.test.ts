import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { bufferSource } from '../../../electron/core/iso/byte-source';
import { planCustomize, planEmbedIgnition, type CustomizeRequest, type NamedFile } from '../../../electron/core/iso/customize';
import { inspectIso } from '../../../electron/core/iso/inspect';
import { editKargs } from '../../../electron/core/iso/kargs';
import { applyPlanToChunk } from '../../../electron/core/iso/plan';
import { reapplyRequest, readStickContents, summarizeKeyfile, type StickContents } from '../../../electron/core/iso/stick';
import { summarizeLiveConfig } from '../../../electron/core/iso/live-config-read';
import { customizeFixture, fixtureIso, ISO_FIXTURES } from '../../helpers/fixtures';

const f = async (name: string): Promise<NamedFile> => ({ name, data: await customizeFixture(name) });
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const pristine = async (name: string) => new Uint8Array(await readFile(await fixtureIso(name)));

/** Customizes a copy of a fixture in memory and returns the image bytes. */
async function customized(name: string, req: CustomizeRequest): Promise<Uint8Array> {
  const img = await pristine(name);
  const { plan } = await planCustomize(await inspectIso(bufferSource(img)), req);
  applyPlanToChunk(plan, img, 0);
  return img;
}

const read = (img: Uint8Array, path = 'stick.iso') =>
  readStickContents(bufferSource(img), { path, kind: 'file', size: img.length }).then(
    (c) => JSON.parse(JSON.stringify(c)) as StickContents,
  );

/** Requests each fixture can take (its features and karg areas), from the coreos-installer fixtures. */
async function requestFor(name: string): Promise<CustomizeRequest> {
  const facts = await inspectIso(bufferSource(await pristine(name)));
  const req: CustomizeRequest = { liveIgnition: [await f('live.ign'), await f('live-2.ign')], ignitionCa: [await f('cert.pem')] };
  req.preInstall = [await f('pre-install-1')];
  if (facts.features.liveInitrdNetwork) req.networkKeyfile = [await f('installer-test.nmconnection')];
  if (facts.features.installerConfig) {
    req.installerConfig = [await f('install-1.conf')];
    req.destDevice = '/dev/sda';
    req.destIgnition = [await f('dest.ign')];
  }
  if (facts.kargs) {
    req.liveKargAppend = ['coreos.liveiso.fromram', 'console=ttyS0,115200n8'];
    req.liveKargDelete = ['mitigations=auto,nosmt'];
    req.liveKargReplace = ['ignition.platform.id=metal=qemu'];
  }
  return req;
}

const LIVE = ISO_FIXTURES.filter((n) => n !== 'synthetic');

describe('readStickContents on every fixture', () => {
  it.each(LIVE)('%s: pristine image reads as not customized, with its release', async (name) => {
    const c = await read(await pristine(name));
    expect(c.customized).toBe(false);
    expect(c.customization.members).toEqual([]);
    expect(c.liveConfig).toBeNull();
    expect(c.embedArea.empty).toBe(true);
    expect(c.release.version).toBe(c.release.volumeId.replace(/^(fedora-coreos|rhcos)-/, ''));
    expect(c.release.created).toMatch(/^20\d\d-\d\d-\d\dT/);
    if (c.kargs) expect(c.kargs.changes).toEqual({ append: [], delete: [], replace: [] });
  });

  it('refuses an ISO that is no CoreOS live image, naming it', async () => {
    const img = await pristine('synthetic');
    await expect(readStickContents(bufferSource(img), { path: '/dev/sdz', kind: 'device', size: img.length })).rejects.toMatchObject({
      code: 'STICK_NOT_LIVE',
      message: '/dev/sdz holds no CoreOS live image',
    });
    const zeros = new Uint8Array(1 << 20);
    await expect(readStickContents(bufferSource(zeros), { path: 'x.iso', kind: 'file', size: zeros.length })).rejects.toMatchObject({
      code: 'STICK_NOT_LIVE',
      message: 'x.iso is not a CoreOS live ISO image',
    });
  });
});

describe('round trip: a stick customization re-applied to an image (docs/live-iso-format.md §5, §6.6)', () => {
  it.each(LIVE)('%s: every member, the live config and the karg changes are read back; re-applied gives the same bytes', async (name) => {
    const req = await requestFor(name);
    const img = await customized(name, req);
    const c = await read(img);
    const facts = await inspectIso(bufferSource(img));
    expect(c.customized).toBe(true);
    // every member of the embed area, byte for byte
    expect(c.customization.members.map((m) => [m.path, m.sha256])).toEqual(facts.members.map((m) => [m.path, sha(m.data)]));
    for (const m of c.customization.members)
      expect(Buffer.from(m.data, 'base64').equals(Buffer.from(facts.members.find((x) => x.path === m.path)!.data))).toBe(true);
    // the live config: two merged configs, the CA, the pre-install script, installer files
    const lc = c.liveConfig!;
    expect(lc.sha256).toBe(sha(facts.ignition!));
    expect(lc.merged.map((m) => m.version)).toEqual(['3.3.0', '3.3.0']);
    expect(lc.certificateAuthorities[0].subject).toContain('CN=coreos-installer test certificate');
    expect(lc.files.map((x) => x.role)).toContain('pre-install');
    if (req.destDevice) {
      expect(lc.installer?.destDevice).toBe('/dev/sda');
      expect(lc.files.map((x) => x.path)).toContain('/etc/coreos/dest.ign');
    }
    if (req.networkKeyfile) expect(c.networkKeyfiles.map((k) => k.name)).toEqual(['installer-test.nmconnection']);
    if (c.kargs) {
      // deleting a karg the defaults lack is a no-op (RHCOS 4.7 has no mitigations=), so it is not a change
      const deleted = req.liveKargDelete!.filter((d) => c.kargs!.default.split(' ').includes(d));
      expect(c.kargs.changes).toEqual({ append: req.liveKargAppend, delete: deleted, replace: req.liveKargReplace });
    } else expect(c.customization.kargChanges).toBeNull();
    // re-applied to the pristine image (through the JSON form), it writes the very same image
    const again = await customized(name, reapplyRequest(c.customization));
    expect(sha(again)).toBe(sha(img));
  });

  it('gives an older release customization to a newer one: members byte-identical, same karg changes on its defaults', async () => {
    const c = await read(await customized('embed-areas-2022-09', await requestFor('embed-areas-2022-09')));
    const newer = await customized('embed-areas-2023-07.x86_64', reapplyRequest(c.customization));
    const n = await read(newer);
    expect(n.customization.members.map(({ path, sha256, size }) => ({ path, sha256, size }))).toEqual(
      c.customization.members.map(({ path, sha256, size }) => ({ path, sha256, size })),
    );
    expect(n.kargs!.changes).toEqual(c.kargs!.changes);
    expect(n.kargs!.current).toBe(editKargs(n.kargs!.default, c.kargs!.changes));
    expect(n.kargs!.current).toContain('coreos.liveiso=fedora-coreos-38.20230718.dev.0');
    expect(n.release.version).toBe('38.20230718.dev.0');
  });

  it('refuses to combine kept members with generating options, and network members on an image without the feature', async () => {
    const c = await read(await customized('embed-areas-2022-09', await requestFor('embed-areas-2022-09')));
    const facts = await inspectIso(bufferSource(await pristine('embed-areas-2023-07.x86_64')));
    const req = { ...reapplyRequest(c.customization), liveIgnition: [await f('live.ign')] };
    await expect(planCustomize(facts, req)).rejects.toMatchObject({ code: 'CUSTOMIZE_CONFLICT', causes: ['liveIgnition'] });
    const old = await inspectIso(bufferSource(await pristine('embed-areas-2021-09')));
    await expect(planCustomize(old, { keepMembers: reapplyRequest(c.customization).keepMembers })).rejects.toThrow(
      'This OS image does not support customizing network settings.',
    );
    const bad = structuredClone(c.customization);
    bad.members[0].data = Buffer.from('tampered').toString('base64');
    expect(() => reapplyRequest(bad)).toThrow(/do not match its size and SHA-256/);
  });

  it('keeps a verbatim config embedded with `iso ignition embed` (not JSON at all) byte for byte', async () => {
    const img = await pristine('embed-areas-2023-07.x86_64');
    const text = new TextEncoder().encode('not { json');
    applyPlanToChunk(await planEmbedIgnition(await inspectIso(bufferSource(img)), text), img, 0);
    const c = await read(img);
    expect(c.liveConfig?.problem).toMatch(/^not JSON/);
    expect(c.kargs!.changes).toEqual({ append: [], delete: [], replace: [] });
    const again = await customized('embed-areas-2023-07.x86_64', reapplyRequest(c.customization));
    expect(sha(again)).toBe(sha(img));
  });
});

describe('summaries', () => {
  it('a live config with remote resources and a replace', () => {
    const cfg = {
      ignition: {
        version: '3.4.0',
        config: { replace: { source: 'https://example.com/a.ign' } },
        security: { tls: { certificateAuthorities: [{ source: 'http://example.com/ca.pem' }] } },
      },
      storage: { files: [{ path: '/etc/hostname', mode: 420, contents: { source: 'data:,node1' } }] },
      systemd: { units: [{ name: 'a.service', enabled: true }, { name: 'b.service' }] },
    };
    const s = summarizeLiveConfig(new TextEncoder().encode(JSON.stringify(cfg)));
    expect(s.version).toBe('3.4.0');
    expect(s.merged).toEqual([{ how: 'replace', kind: 'remote', url: 'https://example.com/a.ign' }]);
    expect(s.certificateAuthorities).toEqual([{ kind: 'remote', url: 'http://example.com/ca.pem' }]);
    expect(s.files).toEqual([
      { path: '/etc/hostname', mode: 420, role: 'file', kind: 'inline', size: 5, sha256: sha(Buffer.from('node1')) },
    ]);
    expect(s.units).toEqual([
      { name: 'a.service', enabled: true },
      { name: 'b.service', enabled: null },
    ]);
    expect(s.installer).toBeNull();
  });

  it('a static keyfile', () => {
    const text =
      '[connection]\nid=site\ntype=ethernet\ninterface-name=eno1\n\n[ipv4]\nmethod=manual\naddress1=10.0.0.5/24,10.0.0.1\ndns=10.0.0.1;\n';
    expect(summarizeKeyfile('site.nmconnection', new TextEncoder().encode(text))).toMatchObject({
      id: 'site',
      type: 'ethernet',
      interfaceName: 'eno1',
      ipv4Method: 'manual',
      ipv4Addresses: ['10.0.0.5/24'],
    });
  });
});
