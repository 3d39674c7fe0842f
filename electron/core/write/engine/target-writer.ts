import { BLOCK_SIZE } from './aligned';
import { alignUp, type DeviceIo } from './raw-device';

/** Bytes wiped at the start of a partly written stick. */
export const WIPE_BYTES = 1024 * 1024;
/**
 * Bytes at the start of the image that are written last. Until then the stick's start holds zeros,
 * so no system finds a partition table on a half-written stick and mounts it mid-write (Windows
 * does; etcher-sdk holds its first buffer back for that reason, lib/block-write-stream.ts, and
 * Raspberry Pi Imager writes its first MiB after a flush). A multiple of every sector size.
 */
export const HOLD_BYTES = 1024 * 1024;
/** Blocks in flight per target (one being filled while the other is written). */
export const IN_FLIGHT = 2;
/** In buffered mode, data is flushed to the device every this many bytes (progress stays honest). */
export const SYNC_EVERY = 32 * 1024 * 1024;

/**
 * One raw device being written: two staging blocks (aligned for O_DIRECT where the system needs
 * it), the write position, the held first MiB, and the bookkeeping to report honest progress and
 * wipe the start on cancel. Every write is whole sectors: the image's last partial sector is
 * padded with zeros (the bytes past the image are not part of it and are never compared).
 */
export class TargetWriter {
  /** The staging blocks, each BLOCK_SIZE bytes. */
  readonly blocks: Buffer[];
  /** Image bytes handed to the device so far. */
  pos = 0;
  /** Image bytes known to be on the device (synced, or written with O_DIRECT), the held start excluded until written. */
  durable = 0;
  private unsynced = 0;
  private readonly held: Buffer;
  /** Image bytes held back (0 until the first block), and whether they are on the device yet. */
  private heldImageBytes = 0;
  private heldDone = false;
  private readonly zero: Buffer;

  private constructor(readonly io: DeviceIo) {
    this.blocks = Array.from({ length: IN_FLIGHT }, () => io.buffer(BLOCK_SIZE));
    this.held = io.buffer(HOLD_BYTES);
    this.zero = io.buffer(HOLD_BYTES).fill(0);
  }

  /** A writer over an opened device. */
  static over(io: DeviceIo): TargetWriter {
    return new TargetWriter(io);
  }

  get device(): string {
    return this.io.device;
  }

  /** 'direct' bypasses the page cache; 'buffered' syncs every SYNC_EVERY bytes. */
  get mode(): 'direct' | 'buffered' {
    return this.io.mode;
  }

  /**
   * Writes blocks[slot][0, length) at the next position (taken now, so two writes may be in
   * flight), padded to whole sectors. The first HOLD_BYTES are kept back and zeros written in
   * their place; `finish` writes them last.
   */
  async writeBlock(slot: number, length: number): Promise<void> {
    const block = this.blocks[slot];
    const pos = this.pos;
    this.pos += length;
    const padded = alignUp(length, this.io.sectorSize);
    if (padded > length) block.fill(0, length, padded);
    let kept = 0;
    if (pos < HOLD_BYTES) {
      // BLOCK_SIZE >= HOLD_BYTES: only the first block, at 0, reaches into the held range
      kept = Math.min(HOLD_BYTES, padded);
      block.copy(this.held, 0, 0, kept);
      this.heldImageBytes = Math.min(length, HOLD_BYTES);
      await this.io.write(this.zero, 0, kept, 0);
    }
    if (padded > kept) await this.io.write(block, kept, padded - kept, pos + kept);
    const onDevice = length - Math.min(length, kept);
    if (this.io.mode === 'direct') this.durable += onDevice;
    else {
      this.unsynced += length;
      if (this.unsynced >= SYNC_EVERY) await this.sync();
    }
  }

  /** Flushes written data to the device (fdatasync; FlushFileBuffers on Windows). */
  async sync(): Promise<void> {
    await this.io.sync();
    this.unsynced = 0;
    this.durable = this.pos - (this.heldDone ? 0 : this.heldImageBytes);
  }

  /** After the last block: flush, then write the held start and flush again. */
  async finish(): Promise<void> {
    await this.sync();
    if (this.heldImageBytes > 0 && !this.heldDone) {
      await this.io.write(this.held, 0, alignUp(this.heldImageBytes, this.io.sectorSize), 0);
      this.heldDone = true;
      await this.sync();
    }
  }

  /** Overwrites the first MiB with zeros and syncs (best effort); true when it worked. */
  async wipeStart(): Promise<boolean> {
    try {
      await this.io.write(this.zero, 0, WIPE_BYTES, 0);
      await this.io.sync();
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the device (idempotent). */
  close(): void {
    this.io.close();
  }
}
