import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inspectIso, readEmbeddedIgnition } from '../../../electron/core/iso/inspect';
import { bufferSource } from '../../../electron/core/iso/byte-source';
import { applyPlanToChunk, type PatchPlan } from '../../../electron/core/iso/plan';
import {
  networkMembers,
  planEmbedIgnition,
  planNetworkEmbed,
  planNetworkRemove,
  planRemoveIgnition,
  planReset,
} from '../../../electron/core/iso/customize';
import { customizeFixture, fixtureIso, ISO_FIXTURES } from '../../helpers/fixtures';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const COREOS = ISO_FIXTURES.filter((n) => n !== 'synthetic');

async function load(name: string) {
  const buf = new Uint8Array(await readFile(await fixtureIso(name)));
  return { buf, pristine: sha(buf) };
}
const apply = (buf: Uint8Array, plan: PatchPlan) => applyPlanToChunk(plan, buf, 0);
const facts = (buf: Uint8Array) => inspectIso(bufferSource(buf));

describe('ignition embed / show / remove on every CoreOS fixture', () => {
  for (const name of COREOS) {
    it(`${name}: embed, read back, refuse a second embed without -f, remove to the pristine SHA-256`, async () => {
      const { buf, pristine } = await load(name);
      const config = await customizeFixture('live.ign');
      const before = await facts(buf);
      const plan = await planEmbedIgnition(before, config);
      expect(plan.writes).toHaveLength(1);
      expect(plan.writes[0]).toMatchObject({ offset: before.embedArea.offset });
      expect(plan.writes[0].bytes.length).toBe(before.embedArea.length);
      apply(buf, plan);
      const after = await facts(buf);
      expect(Buffer.from(after.ignition!).equals(config)).toBe(true);
      expect(Buffer.from((await readEmbeddedIgnition(bufferSource(buf)))!).equals(config)).toBe(true);
      expect(after.customized).toBe(true);
      await expect(planEmbedIgnition(after, config)).rejects.toThrow(
        'This ISO image already has an embedded Ignition config; use -f to force.',
      );
      apply(buf, await planEmbedIgnition(after, new TextEncoder().encode('{}'), true));
      expect(Buffer.from((await facts(buf)).ignition!).toString()).toBe('{}');
      apply(buf, await planRemoveIgnition(await facts(buf)));
      expect((await facts(buf)).ignition).toBeNull();
      expect(sha(buf)).toBe(pristine);
    });
  }

  it('embeds bytes verbatim without validating them (like coreos-installer)', async () => {
    const { buf } = await load('embed-areas-2023-07.x86_64');
    apply(buf, await planEmbedIgnition(await facts(buf), new TextEncoder().encode('not json at all')));
    expect(Buffer.from((await facts(buf)).ignition!).toString()).toBe('not json at all');
  });
});

describe('network embed / extract / remove', () => {
  it('keeps config.ign when network files change, and removing everything restores the pristine image', async () => {
    const { buf, pristine } = await load('embed-areas-2023-07.x86_64');
    const keyfile = await customizeFixture('installer-test.nmconnection');
    apply(buf, await planEmbedIgnition(await facts(buf), await customizeFixture('live.ign')));
    apply(buf, await planNetworkEmbed(await facts(buf), [{ name: '/some/dir/installer-test.nmconnection', data: keyfile }]));
    let f = await facts(buf);
    expect(f.members.map((m) => m.path)).toEqual(['config.ign', 'etc/coreos-firstboot-network/installer-test.nmconnection']);
    expect(networkMembers(f).map((m) => [m.name, Buffer.from(m.data).equals(keyfile)])).toEqual([['installer-test.nmconnection', true]]);
    await expect(planNetworkEmbed(f, [{ name: 'x.nmconnection', data: keyfile }])).rejects.toThrow(
      'This ISO image already has embedded network settings; use -f to force.',
    );
    apply(buf, await planNetworkEmbed(f, [{ name: 'eth1.nmconnection', data: keyfile }], true));
    f = await facts(buf);
    expect(f.members.map((m) => m.path)).toEqual(['config.ign', 'etc/coreos-firstboot-network/eth1.nmconnection']);
    apply(buf, await planNetworkRemove(f));
    f = await facts(buf);
    expect(f.members.map((m) => m.path)).toEqual(['config.ign']);
    apply(buf, await planRemoveIgnition(f));
    expect(sha(buf)).toBe(pristine);
  });

  it('refuses duplicate names and images without the live-initrd-network feature', async () => {
    const { buf } = await load('embed-areas-2023-07.x86_64');
    const data = new TextEncoder().encode('[connection]\n');
    await expect(
      planNetworkEmbed(await facts(buf), [
        { name: 'a/x.nmconnection', data },
        { name: 'b/x.nmconnection', data },
      ]),
    ).rejects.toThrow("multiple input files named 'x.nmconnection'");
    const old = await load('embed-areas-2021-09');
    await expect(planNetworkEmbed(await facts(old.buf), [{ name: 'x.nmconnection', data }])).rejects.toThrow(
      'This OS image does not support customizing network settings.',
    );
  });
});

describe('iso reset', () => {
  it('undoes config, network files and kargs in one plan', async () => {
    const { buf, pristine } = await load('embed-areas-2022-09');
    apply(buf, await planEmbedIgnition(await facts(buf), await customizeFixture('live.ign')));
    apply(buf, await planNetworkEmbed(await facts(buf), [{ name: 'x.nmconnection', data: new Uint8Array([1, 2, 3]) }]));
    const { planKargs } = await import('../../../electron/core/iso/customize');
    apply(buf, planKargs(await facts(buf), { append: ['console=ttyS0'] }).plan);
    expect(sha(buf)).not.toBe(pristine);
    apply(buf, await planReset(await facts(buf)));
    expect(sha(buf)).toBe(pristine);
  });
});

describe('archive paths that try to leave their directory', () => {
  it('decodes the traversal fixtures as they are, and network extraction refuses such names', async () => {
    const { join } = await import('node:path');
    const { decodeEmbedArea } = await import('../../../electron/core/iso/payload');
    const { COREOS_FIXTURES } = await import('../../helpers/fixtures');
    const rel = await decodeEmbedArea(new Uint8Array(await readFile(join(COREOS_FIXTURES, 'initrd', 'traversal-relative.img'))));
    expect(rel.map((m) => m.path)).toContain('../f');
    const abs = await decodeEmbedArea(new Uint8Array(await readFile(join(COREOS_FIXTURES, 'initrd', 'traversal-absolute.img'))));
    expect(abs.map((m) => m.path)).toContain('etc/adjtime'); // leading '/' dropped: paths are archive-relative
    const { buf } = await load('embed-areas-2023-07.x86_64');
    const f = await facts(buf);
    const evil = { ...f, members: [{ path: 'etc/coreos-firstboot-network/../../../tmp/evil', data: new Uint8Array(1) }] };
    expect(() => networkMembers(evil)).toThrow(
      "refusing embedded network file with unsafe name 'etc/coreos-firstboot-network/../../../tmp/evil'",
    );
  });
});
