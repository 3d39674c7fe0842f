import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unxzAt, xzCrc32 } from '../../../electron/core/codecs/compression';
import { decodeBudget } from '../../../electron/core/codecs/limits';
import { XzSmallError, unxzSmall } from '../../../electron/core/codecs/xz-small';
import { COREOS_FIXTURES } from '../../helpers/fixtures';

const budget = () => decodeBudget(64 << 20, 'a test stream');
const xz = (input: Uint8Array, args: string[]) => new Uint8Array(execFileSync('xz', ['-c', ...args], { input, maxBuffer: 64 << 20 }));

/** Inputs that exercise literals, matches, repeats, long distances and incompressible runs. */
function samples(): Uint8Array[] {
  const text = Buffer.from(Array.from({ length: 4000 }, (_, i) => `line ${i % 97} of a config ${i % 13}\n`).join(''));
  const mixed = Buffer.concat([randomBytes(3000), text, randomBytes(70_000), text.subarray(0, 5000), Buffer.alloc(200_000, 7)]);
  const hex = Buffer.from(randomBytes(40_000).toString('hex'));
  return [new Uint8Array(0), Buffer.from('x'), text, mixed, hex, randomBytes(100_000)];
}

describe('the small xz decoder (xz-small.ts) against xz(1)', () => {
  it('decodes what xz writes, every preset and check Flint reads, byte for byte', () => {
    for (const input of samples()) {
      for (const args of [
        ['-0', '-C', 'crc32'],
        ['-6', '-C', 'crc32'],
        ['-9e', '-C', 'none'],
        ['-1', '-C', 'crc32', '--block-size=30000'],
        ['--lzma2=preset=3,lc=0,lp=2,pb=0', '-C', 'crc32'],
      ]) {
        const packed = xz(input, args);
        const out = unxzSmall(packed, budget());
        expect(out && Buffer.from(out).equals(Buffer.from(input)), `${args.join(' ')} of ${input.length} bytes`).toBe(true);
      }
    }
  });

  it("decodes Flint's own output and the coreos-installer fixtures like liblzma", async () => {
    const input = Buffer.from(randomBytes(20_000).toString('hex'));
    expect(Buffer.from(unxzSmall(await xzCrc32(input), budget())!).equals(input)).toBe(true);
    // these fixtures carry CRC64 (xz's default): the small decoder leaves them to liblzma
    for (const name of ['compressed.img.xz', 'padded-names.img.xz', 'redundant.img.xz']) {
      const raw = new Uint8Array(readFileSync(join(COREOS_FIXTURES, 'initrd', name)));
      expect(unxzSmall(raw, budget())).toBeNull();
      expect(Buffer.from((await unxzAt(raw, 0)).data).equals(Buffer.from(execFileSync('xz', ['-dc'], { input: raw })))).toBe(true);
    }
  });

  it('leaves CRC64, SHA-256 and filter chains to liblzma, and refuses corrupt data', async () => {
    const input = Buffer.from('hello hello hello hello\n'.repeat(100));
    expect(unxzSmall(xz(input, ['-C', 'crc64']), budget())).toBeNull();
    expect(unxzSmall(xz(input, ['-C', 'sha256']), budget())).toBeNull();
    expect(unxzSmall(xz(input, ['--x86', '--lzma2', '-C', 'crc32']), budget())).toBeNull();
    const packed = xz(input, ['-6', '-C', 'crc32']);
    // block header, compressed data, index, footer
    for (const at of [12 + 3, 30, packed.length - 20, packed.length - 8]) {
      const bad = packed.slice();
      bad[at]! ^= 0x55;
      expect(() => unxzSmall(bad, budget())).toThrow(XzSmallError);
      // compression.ts hands such a stream to liblzma, whose verdict (an error) stands
      await expect(unxzAt(bad, 0)).rejects.toMatchObject({ code: 'XZ_CORRUPT' });
    }
    expect(() => unxzSmall(packed, decodeBudget(100, 'a small budget'))).toThrow(/./);
  });
});
