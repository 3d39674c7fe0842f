import { describe, expect, it } from 'vitest';
import { diffKargs, isNoChange, toKargEdits } from '../../../electron/core/iso/karg-changes';
import { editKargs } from '../../../electron/core/iso/kargs';
import { identifyRelease, liveIsoKarg, streamOfVersion } from '../../../electron/core/iso/release';

const FCOS = 'mitigations=auto,nosmt coreos.liveiso=fedora-coreos-38.20230718.3.0 ignition.firstboot ignition.platform.id=metal';
const NEWER = 'mitigations=auto,nosmt coreos.liveiso=fedora-coreos-44.20260707.3.1 ignition.firstboot ignition.platform.id=metal';

describe('diffKargs: the karg changes of a customized image', () => {
  it('recovers the append/delete/replace lists `iso customize` was given (docs/live-iso-format.md §6.6)', () => {
    const edits = { append: ['foo', 'bar=1'], delete: ['mitigations=auto,nosmt'], replace: ['ignition.platform.id=metal=qemu'] };
    const current = editKargs(FCOS, edits);
    expect(current).toBe('coreos.liveiso=fedora-coreos-38.20230718.3.0 ignition.firstboot ignition.platform.id=qemu foo bar=1');
    expect(diffKargs(FCOS, current)).toEqual(edits);
  });

  it('reports no change for the defaults and for spacing differences only', () => {
    expect(isNoChange(diffKargs(FCOS, FCOS))).toBe(true);
    expect(isNoChange(diffKargs(FCOS, `  ${FCOS} `))).toBe(true);
  });

  it('keeps the new release its own coreos.liveiso= when re-applied', () => {
    const c = diffKargs(FCOS, editKargs(FCOS, { append: ['coreos.liveiso.fromram'] }));
    expect(c).toEqual({ append: ['coreos.liveiso.fromram'], delete: [], replace: [] });
    expect(editKargs(NEWER, toKargEdits(c))).toBe(`${NEWER} coreos.liveiso.fromram`);
  });

  it('falls back to delete-all + append when whole-word deletes would remove a kept duplicate', () => {
    const defaults = 'a b a';
    const current = 'a b';
    const c = diffKargs(defaults, current);
    expect(editKargs(defaults, toKargEdits(c))).toBe(current);
    expect(c.delete).toEqual(['a', 'b', 'a']);
  });

  it('reproduces the current kargs for many random edits (delete -> append -> replace)', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pool = ['x', 'y=1', 'console=ttyS0', 'ignition.firstboot', 'mitigations=auto,nosmt', 'a=b=c', 'ignition.platform.id=metal'];
    for (let i = 0; i < 500; i++) {
      const pick = (k: number) => Array.from({ length: rnd(k) }, () => pool[rnd(pool.length)]);
      const edits = {
        append: pick(4),
        delete: pick(3),
        replace: rnd(2) ? ['ignition.platform.id=metal=qemu'] : [],
      };
      const current = editKargs(FCOS, edits);
      const c = diffKargs(FCOS, current);
      expect(editKargs(FCOS, toKargEdits(c)), JSON.stringify(edits)).toBe(current);
    }
  });
});

describe('identifyRelease: release and stream from the volume id (fedora-coreos-tracker Design.md)', () => {
  it.each([
    ['fedora-coreos-44.20260707.3.1', '44.20260707.3.1', 'stable', false],
    ['fedora-coreos-44.20260714.2.0', '44.20260714.2.0', 'testing', false],
    ['fedora-coreos-45.20260720.1.0', '45.20260720.1.0', 'next', false],
    ['fedora-coreos-44.20260701.20.2', '44.20260701.20.2', 'testing-devel', false],
    ['fedora-coreos-45.20260701.91.0', '45.20260701.91.0', 'rawhide', false],
    ['fedora-coreos-38.20230718.dev.0', '38.20230718.dev.0', null, true],
  ])('%s', (volid, version, stream, dev) => {
    const r = identifyRelease(volid, `mitigations=auto,nosmt coreos.liveiso=${volid} ignition.firstboot`);
    expect(r).toMatchObject({ product: 'fedora-coreos', productName: 'Fedora CoreOS', version, stream, developerBuild: dev });
    expect(r.liveIsoKarg).toBe(volid);
  });

  it('RHCOS has a version but no stream; an unknown label falls back to the coreos.liveiso= karg', () => {
    expect(identifyRelease('rhcos-47.84.202112162337-0', null)).toMatchObject({
      product: 'rhcos',
      version: '47.84.202112162337-0',
      stream: null,
    });
    const relabelled = identifyRelease('MY_STICK', 'coreos.liveiso=fedora-coreos-41.20241027.3.0 ignition.firstboot');
    expect(relabelled).toMatchObject({ volumeId: 'MY_STICK', version: '41.20241027.3.0', stream: 'stable' });
    expect(identifyRelease('volume-ID-string', null)).toMatchObject({ product: null, version: null, stream: null });
    expect(liveIsoKarg('a b')).toBeNull();
    expect(streamOfVersion('44.20260707.7.0')).toBeNull();
  });
});
