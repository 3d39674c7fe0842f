import { afterEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  writeSync,
  closeSync,
  ftruncateSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlanToCopy, normalizePlan } from '../../../electron/core/iso/plan';
import { fastCopy } from '../../../electron/core/iso/fast-copy';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

describe('fastCopy / applyPlanToCopy', () => {
  it('copies a sparse image exactly, keeps it sparse, and lays the plan over the copy only', async () => {
    dir = mkdtempSync(join(tmpdir(), 'flint-fastcopy-'));
    const src = join(dir, 'sparse.iso');
    const size = 64 << 20;
    const head = randomBytes(1 << 20);
    const tail = randomBytes(4096);
    const fd = openSync(src, 'w');
    writeSync(fd, head, 0, head.length, 0);
    writeSync(fd, tail, 0, tail.length, size - tail.length);
    ftruncateSync(fd, size);
    closeSync(fd);
    const before = sha(readFileSync(src));
    const patch = Buffer.from('patched!');
    const out = join(dir, 'out.iso');
    await applyPlanToCopy(src, out, normalizePlan(size, [{ offset: 32 << 20, bytes: patch }]));
    const expected = readFileSync(src);
    patch.copy(expected, 32 << 20);
    expect(sha(readFileSync(out))).toBe(sha(expected));
    expect(sha(readFileSync(src))).toBe(before);
    const st = statSync(out);
    if (process.platform === 'linux') expect(st.blocks * 512).toBeLessThan(size / 2); // holes kept
  });

  it('copies a dense file byte for byte', async () => {
    dir = mkdtempSync(join(tmpdir(), 'flint-fastcopy-'));
    const src = join(dir, 'dense.bin');
    writeFileSync(src, randomBytes(3 << 20));
    await fastCopy(src, join(dir, 'copy.bin'));
    expect(readFileSync(join(dir, 'copy.bin')).equals(readFileSync(src))).toBe(true);
  });

  it('copies while the plan is being made, and publishes nothing (no temp file either) when the plan fails', async () => {
    dir = mkdtempSync(join(tmpdir(), 'flint-fastcopy-'));
    const src = join(dir, 'dense.bin');
    writeFileSync(src, randomBytes(4 << 20));
    const out = join(dir, 'out.iso');
    // both plans settle on a later turn of the event loop, once the copy is under way
    const failing = new Promise<never>((_, reject) => setImmediate(() => reject(new Error('config rejected'))));
    await expect(applyPlanToCopy(src, out, failing)).rejects.toThrow('config rejected');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual(['dense.bin']);

    const late = new Promise<ReturnType<typeof normalizePlan>>((resolve) =>
      setImmediate(() => resolve(normalizePlan(4 << 20, [{ offset: 100, bytes: Buffer.from('late') }]))),
    );
    await applyPlanToCopy(src, out, late);
    const expected = readFileSync(src);
    Buffer.from('late').copy(expected, 100);
    expect(readFileSync(out).equals(expected)).toBe(true);
  });
});
