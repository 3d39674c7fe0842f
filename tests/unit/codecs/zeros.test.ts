import { describe, expect, it } from 'vitest';
import { firstNonZero } from '../../../electron/core/codecs/initrd';
import { isAllZero } from '../../../electron/core/iso/payload';

describe('firstNonZero: page-wise skipping of an embed area padding', () => {
  it('finds the first non-zero byte on, before and after page boundaries, from any start', () => {
    const size = 262144;
    for (const at of [0, 1, 4095, 4096, 4097, 8191, 100000, size - 1]) {
      const b = new Uint8Array(size);
      b[at] = 7;
      expect(firstNonZero(b, 0)).toBe(at);
      expect(firstNonZero(b, Math.max(0, at - 3))).toBe(at);
      expect(firstNonZero(b, at + 1)).toBe(size);
      expect(isAllZero(b)).toBe(false);
    }
    expect(firstNonZero(new Uint8Array(size), 0)).toBe(size);
    expect(firstNonZero(new Uint8Array(10), 3)).toBe(10);
    expect(isAllZero(new Uint8Array(size))).toBe(true);
  });
});
