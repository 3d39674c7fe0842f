import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { XZ_FAST_PRESET_MAX_BYTES, xzCrc32 } from '../../../electron/core/codecs/compression';

/**
 * The LZMA2 filter's dictionary byte in the first Block header (xz file format 1.1.0, §3.1.5 and
 * §5.3.1: filter ID 0x21, one property byte; dictionary 2^(n/2+12) for even n).
 */
function dictionaryBytes(xz: Uint8Array): number {
  const header = xz.subarray(12, 12 + (xz[12] + 1) * 4);
  const at = header.findIndex((b, i) => b === 0x21 && header[i + 1] === 0x01);
  const n = header[at + 2];
  return (2 | (n & 1)) << (n / 2 + 11);
}

describe('xz for embed areas: preset 0 for small inputs, preset 6 above', () => {
  it('keeps the CRC32 check, decodes with xz(1), and picks the dictionary by input size', async () => {
    // hex digits compress (so liblzma keeps LZMA2 rather than storing the bytes)
    const small = Buffer.from(randomBytes(XZ_FAST_PRESET_MAX_BYTES / 2).toString('hex'));
    const large = Buffer.concat([small, Buffer.from('x')]);
    for (const [input, dict] of [
      [small, 256 * 1024],
      [large, 8 * 1024 * 1024],
    ] as const) {
      const xz = await xzCrc32(input);
      expect([xz[6], xz[7]]).toEqual([0x00, 0x01]); // stream flags: CRC32
      expect(dictionaryBytes(xz)).toBe(dict);
      expect(Buffer.from(execFileSync('xz', ['-dc'], { input: xz, maxBuffer: 1 << 20 })).equals(input)).toBe(true);
    }
    // the largest small input, incompressible, grows by xz's framing only: far below the 262144-byte area
    expect((await xzCrc32(randomBytes(XZ_FAST_PRESET_MAX_BYTES))).length).toBeLessThan(XZ_FAST_PRESET_MAX_BYTES + 1024);
  });
});
