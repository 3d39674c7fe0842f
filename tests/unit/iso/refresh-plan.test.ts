// How a refresh decides, without devices: version order within a stream, what a stick is against
// the stream's newest release, which stream and architecture a stick's update comes from.
import { describe, expect, it } from 'vitest';
import { refreshStatus, streamOf, type ReadStick } from '../../../electron/core/flash/refresh';
import type { Drive } from '../../../electron/core/drives/types';
import { compareVersions, identifyRelease } from '../../../electron/core/iso/release';
import type { StickContents } from '../../../electron/core/iso/stick';

describe('compareVersions (fedora-coreos-tracker Design.md, X.Y.Z.A)', () => {
  it('orders by major version, build date, then the serial of the day', () => {
    expect(compareVersions('38.20230718.3.0', '44.20260707.3.1')).toBe(-1);
    expect(compareVersions('44.20260707.3.1', '44.20260707.3.1')).toBe(0);
    expect(compareVersions('44.20260707.3.2', '44.20260707.3.1')).toBe(1);
    expect(compareVersions('44.20260801.3.0', '44.20260707.3.9')).toBe(1);
    // a numeric, not a textual order
    expect(compareVersions('100.20300101.3.0', '99.20991231.3.0')).toBe(1);
    expect(compareVersions('44.20260707.3.10', '44.20260707.3.9')).toBe(1);
  });

  it('has no order for developer builds or other products', () => {
    expect(compareVersions('45.20260710.dev.0', '44.20260707.3.1')).toBeNull();
    expect(compareVersions('47.84.202112162337-0', '44.20260707.3.1')).toBeNull();
  });
});

describe('refreshStatus', () => {
  it('update when older or unordered, current when equal, newer when ahead', () => {
    expect(refreshStatus('38.20230718.3.0', '44.20260707.3.1')).toBe('update');
    expect(refreshStatus('44.20260707.3.1', '44.20260707.3.1')).toBe('current');
    expect(refreshStatus('44.20260801.3.0', '44.20260707.3.1')).toBe('newer');
    expect(refreshStatus('45.20260710.dev.0', '44.20260707.3.1')).toBe('update');
    expect(refreshStatus(null, '44.20260707.3.1')).toBe('update');
  });
});

describe('streamOf', () => {
  const stick = (volumeId: string, arch: StickContents['arch'] = 'x86_64'): ReadStick => ({
    drive: { device: '/dev/sdb' } as Drive,
    contents: { release: identifyRelease(volumeId, null), arch } as StickContents,
  });

  it("takes the stick's own stream and architecture, or the one asked for", () => {
    expect(streamOf(stick('fedora-coreos-38.20230718.3.0'))).toEqual({ stream: 'stable', arch: 'x86_64' });
    expect(streamOf(stick('fedora-coreos-44.20260701.2.0', 'aarch64'))).toEqual({ stream: 'testing', arch: 'aarch64' });
    expect(streamOf(stick('fedora-coreos-44.20260701.2.0'), 'stable')).toEqual({ stream: 'stable', arch: 'x86_64' });
  });

  it('refuses a release of no stream (developer builds, RHCOS, relabelled copies) unless one is named, and an unknown architecture', () => {
    for (const v of ['fedora-coreos-45.20260710.dev.0', 'rhcos-47.84.202112162337-0', 'MY_ISO']) {
      expect(() => streamOf(stick(v))).toThrow(
        expect.objectContaining({ code: 'REFRESH_NO_STREAM', params: { device: '/dev/sdb', volumeId: v } }),
      );
    }
    expect(streamOf(stick('MY_ISO'), 'next')).toEqual({ stream: 'next', arch: 'x86_64' });
    expect(() => streamOf(stick('fedora-coreos-38.20230718.3.0', 'unknown'))).toThrow(expect.objectContaining({ code: 'REFRESH_NO_ARCH' }));
  });
});
