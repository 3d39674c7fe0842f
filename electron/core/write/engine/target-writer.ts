import { openSync, closeSync, write, fdatasync, constants as C } from 'node:fs';
import { promisify } from 'node:util';
import { alignedBlock, alignDown, BLOCK_SIZE } from './aligned';
import { ioError, openError } from './io-errors';

const writeP = promisify(write);
const fdatasyncP = promisify(fdatasync);

/** Bytes wiped at the start of a partly written stick. */
export const WIPE_BYTES = 1024 * 1024;
/** Blocks in flight per target in direct mode (one being filled while the others are written). */
export const IN_FLIGHT = 2;
/** In buffered mode, data is flushed to the device every this many bytes (progress stays honest). */
export const SYNC_EVERY = 32 * 1024 * 1024;

/** How a target is opened: exclusive (Linux O_EXCL) and, when the kernel allows, O_DIRECT. */
export interface OpenOptions {
  exclusive: boolean;
  direct: boolean;
  logicalBlockSize: number;
}

/**
 * One raw device being written: two staging blocks (aligned for O_DIRECT when possible; one is
 * filled while the other is being written), the write position, and the bookkeeping to report
 * honest progress and wipe the start on cancel.
 */
export class TargetWriter {
  /** The staging blocks (IN_FLIGHT in direct mode, so filling overlaps writing; one in sync mode). */
  readonly blocks: Buffer[];
  /** 'direct' bypasses the page cache; 'sync' is buffered with fdatasync every SYNC_EVERY bytes. */
  readonly mode: 'direct' | 'sync';
  /** Bytes handed to the device so far. */
  pos = 0;
  /** Bytes known to be on the device (synced, or written with O_DIRECT). */
  durable = 0;
  private fd: number;
  private unsynced = 0;
  private closed = false;

  private constructor(
    readonly device: string,
    fd: number,
    blocks: Buffer[],
    mode: 'direct' | 'sync',
    private readonly lbs: number,
  ) {
    this.fd = fd;
    this.blocks = blocks;
    this.mode = mode;
  }

  /** Opens `raw` for writing; falls back to buffered+sync when O_DIRECT is refused. */
  static open(device: string, raw: string, o: OpenOptions): TargetWriter {
    const base = C.O_RDWR | (o.exclusive ? C.O_EXCL : 0);
    if (o.direct && C.O_DIRECT) {
      let fd = -1;
      try {
        fd = openSync(raw, base | C.O_DIRECT);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw openError(err, device);
      }
      if (fd >= 0) {
        const blocks: Buffer[] = [];
        for (let i = 0; i < IN_FLIGHT; i++) {
          const b = alignedBlock(fd);
          if (!b) break;
          blocks.push(b);
        }
        if (blocks.length === IN_FLIGHT) return new TargetWriter(device, fd, blocks, 'direct', o.logicalBlockSize);
        closeSync(fd);
      }
    }
    let fd: number;
    try {
      fd = openSync(raw, base);
    } catch (err) {
      throw openError(err, device);
    }
    return new TargetWriter(device, fd, [Buffer.allocUnsafeSlow(BLOCK_SIZE)], 'sync', o.logicalBlockSize);
  }

  /**
   * Writes blocks[slot][0, length) at the next position (taken now, so two writes may be in
   * flight); a tail that O_DIRECT cannot take goes buffered. In sync mode, flushes every SYNC_EVERY.
   */
  async writeBlock(slot: number, length: number, raw: string): Promise<void> {
    const block = this.blocks[slot];
    const pos = this.pos;
    this.pos += length;
    const directLen = this.mode === 'direct' ? alignDown(length, this.lbs) : length;
    await this.writeAt(this.fd, block, 0, directLen, pos);
    if (directLen < length) {
      // An image whose size is not a multiple of the sector size: write the last bytes buffered.
      const fd = openSync(raw, C.O_RDWR);
      try {
        await this.writeAt(fd, block, directLen, length - directLen, pos + directLen);
        await fdatasyncP(fd);
      } finally {
        closeSync(fd);
      }
    }
    if (this.mode === 'direct') this.durable += length;
    else {
      this.unsynced += length;
      if (this.unsynced >= SYNC_EVERY) await this.sync();
    }
  }

  private async writeAt(fd: number, buf: Buffer, off: number, len: number, pos: number): Promise<void> {
    let done = 0;
    while (done < len) {
      let n: number;
      try {
        ({ bytesWritten: n } = await writeP(fd, buf, off + done, len - done, pos + done));
      } catch (err) {
        throw ioError(err, this.device, pos + done, 'writing');
      }
      if (n <= 0) throw ioError(Object.assign(new Error('short write'), { code: 'ENOSPC' }), this.device, pos + done, 'writing');
      done += n;
    }
  }

  /** Flushes written data to the device (fdatasync). */
  async sync(): Promise<void> {
    try {
      await fdatasyncP(this.fd);
    } catch (err) {
      throw ioError(err, this.device, this.durable, 'writing');
    }
    this.unsynced = 0;
    this.durable = this.pos;
  }

  /** Overwrites the first MiB with zeros and syncs (best effort); true when it worked. */
  async wipeStart(): Promise<boolean> {
    if (this.closed) return false;
    try {
      const zero = this.blocks[0].fill(0, 0, WIPE_BYTES);
      await this.writeAt(this.fd, zero, 0, WIPE_BYTES, 0);
      await fdatasyncP(this.fd);
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the device (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      /* already gone (unplugged) */
    }
  }
}
