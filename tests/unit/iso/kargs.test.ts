import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { editKargs, kargWrites } from '../../../electron/core/iso/kargs';
import { inspectIso } from '../../../electron/core/iso/inspect';
import { planKargs } from '../../../electron/core/iso/customize';
import { bufferSource } from '../../../electron/core/iso/byte-source';
import { applyPlanToChunk } from '../../../electron/core/iso/plan';
import { fixtureIso } from '../../helpers/fixtures';

async function load(name: string) {
  const buf = new Uint8Array(await readFile(await fixtureIso(name)));
  return { buf, facts: await inspectIso(bufferSource(buf)) };
}

describe('KargsEditor semantics (docs/live-iso-format.md §6.6)', () => {
  const base = 'mitigations=auto,nosmt coreos.liveiso=fedora-coreos-38.20230718.dev.0 ignition.firstboot ignition.platform.id=metal';

  it('gives the verified example: delete, then append, then replace, whatever the order given', () => {
    expect(
      editKargs(base, { append: ['foo', 'bar=1'], delete: ['mitigations=auto,nosmt'], replace: ['ignition.platform.id=metal=qemu'] }),
    ).toBe('coreos.liveiso=fedora-coreos-38.20230718.dev.0 ignition.firstboot ignition.platform.id=qemu foo bar=1');
  });

  it('deletes non-overlapping occurrences left to right and ignores absent arguments', () => {
    expect(editKargs('a a', { delete: ['a'] })).toBe('a');
    expect(editKargs('a b a c', { delete: ['a'] })).toBe('b c');
    expect(editKargs(base, { delete: ['does-not-exist'], replace: ['nope=a=b'] })).toBe(base);
    expect(editKargs('x', { append: [' y ', 'y'] })).toBe('x y y');
  });

  it('rejects a replace that is not KEY=OLD=NEW', () => {
    expect(() => editKargs(base, { replace: ['foo=bar'] })).toThrow('Wrong input, format should be: KEY=OLD=NEW');
    expect(() => editKargs(base, { replace: ['a=b=c=d'] })).toThrow('Wrong input, format should be: KEY=OLD=NEW');
  });
});

describe('karg slots', () => {
  it('writes kargs + end + pad to the slot size, byte for byte (x86_64 # and \\n)', async () => {
    const { facts } = await load('embed-areas-2023-07.x86_64');
    const writes = kargWrites(facts.kargs!, 'a b');
    expect(writes.map((w) => w.offset)).toEqual([137037, 408522]);
    for (const w of writes) expect(Buffer.from(w.bytes).toString('latin1')).toBe('a b\n' + '#'.repeat(1139 - 4));
  });

  it('uses NUL pad and end on s390x (896-byte slot in cdboot.img)', async () => {
    const { facts } = await load('embed-areas-2023-07.s390x');
    const [w] = kargWrites(facts.kargs!, 'x=1');
    expect(w.offset).toBe(138368);
    expect(Buffer.from(w.bytes).equals(Buffer.concat([Buffer.from('x=1'), Buffer.alloc(893)]))).toBe(true);
  });

  it('accepts size-1 bytes and refuses size bytes, naming both sizes', async () => {
    const { facts } = await load('embed-areas-2023-07.x86_64');
    expect(() => kargWrites(facts.kargs!, 'k'.repeat(1138))).not.toThrow();
    expect(() => kargWrites(facts.kargs!, 'k'.repeat(1216))).toThrow('kargs too large for area: 1217 vs 1139');
  });

  for (const name of [
    'embed-areas-2021-01',
    'embed-areas-2021-09',
    'embed-areas-2022-09',
    'embed-areas-2023-07.x86_64',
    'embed-areas-2023-07.s390x',
  ]) {
    it(`${name}: modify, show, reset back to the pristine bytes`, async () => {
      const { buf, facts } = await load(name);
      const pristine = Buffer.from(buf);
      const { plan, kargs } = planKargs(facts, { append: ['foo'], delete: ['ignition.firstboot'] });
      applyPlanToChunk(plan, buf, 0);
      const after = await inspectIso(bufferSource(buf));
      expect(after.kargs!.currentKargs).toBe(kargs);
      expect(kargs).toBe(facts.kargs!.defaultKargs.replace(' ignition.firstboot', '') + ' foo');
      expect(after.kargs!.defaultKargs).toBe(facts.kargs!.defaultKargs);
      expect(after.customized).toBe(true);
      applyPlanToChunk(planKargs(after, {}, 'default').plan, buf, 0);
      expect(Buffer.from(buf).equals(pristine)).toBe(true);
    });
  }

  it('refuses kargs on ISOs without karg areas', async () => {
    for (const name of ['embed-areas-2020-09', 'embed-areas-2023-03.s390x']) {
      const { facts } = await load(name);
      expect(() => planKargs(facts, { append: ['x'] })).toThrow('No karg embed areas found; old or corrupted CoreOS ISO image.');
    }
  });

  it('reports slots that disagree', async () => {
    const { buf, facts } = await load('embed-areas-2023-07.x86_64');
    const [first] = kargWrites(facts.kargs!, 'only-in-first');
    buf.set(first.bytes, first.offset);
    await expect(inspectIso(bufferSource(buf))).rejects.toThrow(
      "kargs don't match at all offsets! (expected 'only-in-first', but offset 408522 has: 'mitigations=auto,nosmt",
    );
  });
});
