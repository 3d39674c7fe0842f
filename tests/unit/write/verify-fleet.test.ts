// The read-back of several sticks at once (electron/core/write/engine/verify.ts): block k+1 is read
// from every device while block k is compared, so a failure must still name the first differing
// byte of each stick, a read error in a later block must not hide an earlier mismatch, and no
// device may be closed while a read into its buffer is in flight. Devices are files behind the
// engine's DeviceIo interface, as the strict-device test does.
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAll, type VerifyTarget } from '../../../electron/core/write/engine/verify';
import type { DeviceIo } from '../../../electron/core/write/engine/raw-device';
import type { PatchPlan } from '../../../electron/core/iso/plan';
import { applyPlanToChunk } from '../../../electron/core/iso/plan';

const MiB = 1024 * 1024;
const SIZE = 11 * MiB + 100; // three 4 MiB blocks, the last one partial and not a whole sector
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A file read through DeviceIo; reads at or past `failFrom` fail as a dying stick's would. */
class FileDisk implements DeviceIo {
  readonly mode = 'buffered' as const;
  readonly sectorSize = 512;
  private fd: number;
  inFlight = 0;
  closedWithReadsInFlight = false;
  constructor(
    readonly device: string,
    path: string,
    private readonly failFrom = Infinity,
  ) {
    this.fd = openSync(path, 'r');
  }
  buffer(size: number): Buffer {
    return Buffer.alloc(size);
  }
  async read(buf: Buffer, off: number, len: number, pos: number): Promise<void> {
    this.inFlight++;
    await new Promise((r) => setTimeout(r, 2));
    this.inFlight--;
    if (pos >= this.failFrom) throw Object.assign(new Error(`EIO reading ${this.device} at ${pos}`), { code: 'EIO' });
    readSync(this.fd, buf, off, len, pos);
  }
  async write(): Promise<void> {
    throw new Error('the read-back never writes');
  }
  async sync(): Promise<void> {}
  close(): void {
    if (this.inFlight > 0) this.closedWithReadsInFlight = true;
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

const planWith = (offset: number, text: string): PatchPlan => ({
  imageSize: SIZE,
  writes: [{ offset, bytes: new TextEncoder().encode(text) }],
});
const expectedBytes = (image: Buffer, plan: PatchPlan) => {
  const b = Buffer.from(image);
  applyPlanToChunk(plan, b, 0);
  return b;
};

describe('verifyAll over several devices', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function setup() {
    const dir = mkdtempSync(join(tmpdir(), 'flint-verify-'));
    dirs.push(dir);
    const image = Buffer.alloc(SIZE);
    for (let i = 0; i < SIZE; i++) image[i] = (i * 7 + (i >> 12)) & 0xff;
    const path = join(dir, 'image.iso');
    writeFileSync(path, image);
    const stick = (name: string, bytes: Buffer) => {
      const p = join(dir, `${name}.img`);
      // whole sectors on the device: the tail past the image is not compared
      writeFileSync(p, Buffer.concat([bytes, Buffer.alloc(512)]));
      return p;
    };
    return { image, path, stick };
  }

  it('each stick its own plan: every byte compared, the first difference named, no per-stick hash', async () => {
    const { image, path, stick } = setup();
    const planA = planWith(5 * MiB + 3, 'node-a');
    const planB = planWith(5 * MiB + 3, 'node-b');
    const good = expectedBytes(image, planA);
    const late = expectedBytes(image, planB);
    late[9 * MiB + 7] ^= 0x40; // third block
    const early = expectedBytes(image, planB);
    early[100] ^= 1; // first block; its second block's read fails too
    const disks = [
      new FileDisk('/dev/a', stick('a', good)),
      new FileDisk('/dev/b', stick('b', late)),
      new FileDisk('/dev/c', stick('c', early), 4 * MiB),
    ];
    const targets: VerifyTarget[] = disks.map((d, i) => ({ device: d.device, open: async () => d, plan: i === 0 ? planA : planB }));
    const events: unknown[] = [];
    const out = await verifyAll(path, planA, targets, new AbortController().signal, (e) => events.push(e));
    expect(out.failed.has('/dev/a')).toBe(false);
    expect(out.failed.get('/dev/b')).toMatchObject({ code: 'WRITE_VERIFY_MISMATCH', params: { offset: 9 * MiB + 7 } });
    // the read error of block two (issued while block one was compared) does not hide the mismatch in block one
    expect(out.failed.get('/dev/c')).toMatchObject({ code: 'WRITE_VERIFY_MISMATCH', params: { offset: 100 } });
    expect(out.sourceSha256).toBe(sha(image));
    expect(out.sha256.size).toBe(0);
    expect(disks.some((d) => d.closedWithReadsInFlight)).toBe(false);
    expect(events).toContainEqual(expect.objectContaining({ device: '/dev/a', phase: 'verify', bytes: SIZE }));
  });

  it('one plan for all: each matching stick gets the SHA-256 of its bytes, the source its own', async () => {
    const { image, path, stick } = setup();
    const plan = planWith(2 * MiB, 'shared config');
    const bytes = expectedBytes(image, plan);
    const disks = [new FileDisk('/dev/a', stick('a', bytes)), new FileDisk('/dev/b', stick('b', bytes))];
    const out = await verifyAll(
      path,
      plan,
      disks.map((d) => ({ device: d.device, open: async () => d })),
      new AbortController().signal,
      () => {},
    );
    expect(out.failed.size).toBe(0);
    expect(out.sha256.get('/dev/a')).toBe(sha(bytes));
    expect(out.sha256.get('/dev/b')).toBe(sha(bytes));
    expect(out.sourceSha256).toBe(sha(image));
  });

  it('a source hash is given only for a source read to its end', async () => {
    const { path, stick } = setup();
    const disk = new FileDisk('/dev/a', stick('a', Buffer.alloc(SIZE)), 0);
    const out = await verifyAll(
      path,
      { imageSize: SIZE, writes: [] },
      [{ device: disk.device, open: async () => disk }],
      new AbortController().signal,
      () => {},
    );
    expect(out.failed.get('/dev/a')).toBeDefined();
    expect(out.sourceSha256).toBeUndefined();
    expect(out.sha256.size).toBe(0);
    expect(disk.closedWithReadsInFlight).toBe(false);
  });
});
