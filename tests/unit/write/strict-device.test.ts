// The writer engine on another system's rules: a stand-in raw disk over a file that, like macOS's
// /dev/rdiskN and Windows' \\.\PhysicalDriveN, refuses any read or write whose offset or length is
// not a whole number of sectors (EINVAL), for 512- and 4096-byte sectors. The whole job (write,
// flush, verify, config read-back) must pass on it, the first MiB must be zeros until the very
// last write puts it there, and the old read-back (36 bytes at 137216) must be refused.
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { customizeFixture, fixtureIso } from '../../helpers/fixtures';
import { inspectIsoFile } from '../../../electron/core/iso/inspect';
import { planCustomize } from '../../../electron/core/iso/customize';
import { runJob } from '../../../electron/core/write/engine/run';
import type { DeviceIo } from '../../../electron/core/write/engine/raw-device';
import type { PlatformOps } from '../../../electron/core/write/os/platform';
import type { Drive } from '../../../electron/core/drives/types';
import type { WriteEvent } from '../../../electron/core/write/events';

const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** One I/O the stand-in saw. */
interface Op {
  op: 'read' | 'write';
  pos: number;
  len: number;
  zeros: boolean;
}

/** A raw disk over a file that accepts only whole sectors, and records every request. */
class StrictDisk implements DeviceIo {
  readonly mode = 'buffered' as const;
  private fd: number;
  constructor(
    readonly device: string,
    path: string,
    readonly sectorSize: number,
    readonly ops: Op[],
  ) {
    this.fd = openSync(path, 'r+');
  }
  private check(pos: number, len: number): void {
    if (pos % this.sectorSize || len % this.sectorSize) {
      throw Object.assign(new Error(`EINVAL: ${len} bytes at ${pos} on a ${this.sectorSize}-byte sector disk`), { code: 'EINVAL' });
    }
  }
  buffer(size: number): Buffer {
    return Buffer.alloc(size);
  }
  async read(buf: Buffer, off: number, len: number, pos: number): Promise<void> {
    this.check(pos, len);
    this.ops.push({ op: 'read', pos, len, zeros: false });
    readSync(this.fd, buf, off, len, pos);
  }
  async write(buf: Buffer, off: number, len: number, pos: number): Promise<void> {
    this.check(pos, len);
    this.ops.push({ op: 'write', pos, len, zeros: buf.subarray(off, off + len).every((b) => b === 0) });
    writeSync(this.fd, buf, off, len, pos);
  }
  async sync(): Promise<void> {
    fsyncSync(this.fd);
  }
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

describe('the writer engine on a disk that takes only whole sectors (rdisk / PhysicalDrive rules)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  for (const sectorSize of [512, 4096]) {
    it(`${sectorSize}-byte sectors: write, verify and config read-back pass; the first MiB is written last`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'flint-strict-'));
      dirs.push(dir);
      const disk = join(dir, 'disk.img');
      const fd = openSync(disk, 'w');
      ftruncateSync(fd, 4 * MiB);
      closeSync(fd);
      // 681984 bytes: not a whole number of 4096-byte sectors
      const iso = await fixtureIso('embed-areas-2021-09');
      const plan = await planCustomize(await inspectIsoFile(iso), {
        liveIgnition: [{ name: 'live.ign', data: new Uint8Array(await customizeFixture('live.ign')) }],
      });
      const drive: Drive = {
        id: 'strict',
        device: '\\\\.\\PhysicalDrive7',
        raw: '\\\\.\\PhysicalDrive7',
        size: 4 * MiB,
        vendor: 'Flint',
        model: 'Strict Disk',
        description: 'Flint Strict Disk',
        serial: 'S1',
        bus: 'usb',
        removable: true,
        readOnly: false,
        system: false,
        systemReasons: [],
        loop: false,
        mountpoints: [],
        partitions: [],
        logicalBlockSize: sectorSize,
        physicalBlockSize: sectorSize,
        partitionTable: null,
      };
      const ops: Op[] = [];
      const platform: PlatformOps = {
        platform: 'win32',
        listDrives: async () => [drive],
        prepare: async () => [],
        kernelIdentity: async () => undefined,
        openDevice: async () => new StrictDisk(drive.device, disk, sectorSize, ops),
        afterWrite: async () => [],
        dropCache: async () => undefined,
        eject: async () => ({ ejected: false }),
      };
      const events: WriteEvent[] = [];
      const out = await runJob(
        {
          image: iso,
          plan: plan.plan,
          targets: [{ device: drive.device, size: drive.size, serial: 'S1', model: 'Strict Disk' }],
          allowLoop: false,
          verify: true,
          eject: false,
          expectIgnitionSha256: sha(plan.liveConfig!),
        },
        platform,
        new AbortController().signal,
        (e) => events.push(e),
      );
      expect(out.results).toEqual([
        expect.objectContaining({ device: drive.device, ok: true, ending: 'verified', ignitionSha256: sha(plan.liveConfig!) }),
      ]);
      // what the disk holds is the customized image, and the sector after its end was padded with zeros
      const size = plan.plan.imageSize;
      const held = readFileSync(disk);
      const expected = Buffer.from(readFileSync(iso));
      for (const w of plan.plan.writes) expected.set(w.bytes, w.offset);
      expect(held.subarray(0, size).equals(expected)).toBe(true);
      // the first write put zeros where the first MiB goes; the last write put the first MiB there
      const writes = ops.filter((o) => o.op === 'write');
      expect(writes[0]).toMatchObject({ pos: 0, zeros: true });
      expect(writes.at(-1)).toMatchObject({ pos: 0, zeros: false });
      expect(writes.at(-1)!.len).toBe(Math.ceil(Math.min(MiB, size) / sectorSize) * sectorSize);
      // the config was read back from the disk in whole sectors
      expect(ops.filter((o) => o.op === 'read').length).toBeGreaterThan(1);
      expect(events).toContainEqual(
        expect.objectContaining({ type: 'log', message: `writing in buffered mode, ${sectorSize}-byte sectors` }),
      );
    });
  }

  it('refuses what the old read-back asked for: 36 bytes at 137216', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-strict-'));
    dirs.push(dir);
    const disk = join(dir, 'disk.img');
    const fd = openSync(disk, 'w');
    ftruncateSync(fd, MiB);
    closeSync(fd);
    const d = new StrictDisk('d', disk, 4096, []);
    await expect(d.read(Buffer.alloc(36), 0, 36, 137216)).rejects.toMatchObject({ code: 'EINVAL' });
    await expect(d.read(Buffer.alloc(4096), 0, 4096, 135168)).resolves.toBeUndefined();
    d.close();
  });
});
