/**
 * A raw device for whole-sector I/O. Raw disks on macOS (/dev/rdiskN) and Windows
 * (\\.\PhysicalDriveN), and Linux block devices opened O_DIRECT, accept only reads and writes
 * whose offset and length are multiples of the logical sector size (EINVAL otherwise; the first
 * unaligned read of the old read-back was 36 bytes at 137216). Every read and write of the engine
 * goes through `DeviceIo`, which refuses an unaligned request before the system sees it, so a
 * bug shows on Linux exactly as it would on the other systems. etcher-sdk aligns its I/O the same
 * way (lib/source-destination/block-device.ts, alignment = the drive's block size).
 */
import { closeSync, fdatasync, open as openCb, read, write, constants as C } from 'node:fs';
import { promisify } from 'node:util';
import { alignedBlock } from './aligned';
import { ioError, isTransient, openError } from './io-errors';

const openP = promisify(openCb);
const readP = promisify(read);
const writeP = promisify(write);
const fdatasyncP = promisify(fdatasync);

/** macOS `O_EXLOCK` (sys/fcntl.h): an exclusive flock taken by open(2) itself. Node does not export it. */
export const DARWIN_O_EXLOCK = 0x20;
/** libuv's `UV_FS_O_EXLOCK` on Windows (include/uv/win.h): CreateFile with share mode 0. */
export const WIN32_UV_FS_O_EXLOCK = 0x10000000;

/** How a device is opened. */
export interface RawOpenOptions {
  write: boolean;
  /** Nobody else may open it meanwhile: Linux O_EXCL, macOS O_EXLOCK, Windows share mode 0. */
  exclusive: boolean;
  /** Bypass the page cache (Linux O_DIRECT with aligned buffers); the other systems' raw nodes are uncached. */
  direct: boolean;
  /** The logical sector size every offset and length must be a multiple of. */
  sectorSize: number;
  platform: NodeJS.Platform;
}

/** The open(2) flags of `o` on its platform. */
export function openFlags(o: Pick<RawOpenOptions, 'write' | 'exclusive' | 'platform'>, direct: boolean): number {
  let flags = o.write ? C.O_RDWR : C.O_RDONLY;
  if (o.exclusive && o.write) {
    if (o.platform === 'linux') flags |= C.O_EXCL;
    else if (o.platform === 'darwin') flags |= DARWIN_O_EXLOCK;
    else if (o.platform === 'win32') flags |= WIN32_UV_FS_O_EXLOCK;
  }
  if (direct && o.platform === 'linux' && C.O_DIRECT) flags |= C.O_DIRECT;
  return flags;
}

/** Retry schedule on transient errors: attempts after the first and the delay before attempt n. */
export interface RetryPolicy {
  retries: number;
  delayMs: (attempt: number) => number;
}

/**
 * etcher-sdk retries reads and writes 5 times, 100 ms × n apart (lib/errors.ts
 * retryOnTransientError); opening on Windows needs longer, as the disk can vanish for seconds
 * after `diskpart clean` and `rescan`.
 */
export const IO_RETRY: RetryPolicy = { retries: 5, delayMs: (n) => 100 * n };
export const OPEN_RETRY: Record<'win32' | 'other', RetryPolicy> = {
  win32: { retries: 15, delayMs: () => 500 },
  other: { retries: 5, delayMs: (n) => 100 * n },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn`, again after a pause while it fails with an error transient on `platform`. */
export async function withRetries<T>(platform: NodeJS.Platform, policy: RetryPolicy, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt > policy.retries || !isTransient(err, platform)) throw err;
      await sleep(policy.delayMs(attempt));
    }
  }
}

/** Whole-sector I/O on one device. Offsets and lengths must be multiples of `sectorSize`. */
export interface DeviceIo {
  readonly device: string;
  readonly sectorSize: number;
  /** 'direct': past the page cache (O_DIRECT); 'buffered': the system's own path (a raw node elsewhere). */
  readonly mode: 'direct' | 'buffered';
  /** A buffer of `size` bytes this device can read into and write from (aligned in direct mode). */
  buffer(size: number): Buffer;
  read(buf: Buffer, off: number, len: number, pos: number): Promise<void>;
  write(buf: Buffer, off: number, len: number, pos: number): Promise<void>;
  sync(): Promise<void>;
  close(): void;
}

/** Throws when a request is not whole sectors (a bug of the caller, refused before the system sees it). */
export function assertAligned(device: string, sectorSize: number, pos: number, len: number): void {
  if (pos % sectorSize !== 0 || len % sectorSize !== 0) {
    throw Object.assign(new Error(`unaligned I/O on ${device}: ${len} bytes at ${pos} (sector size ${sectorSize})`), { code: 'EINVAL' });
  }
}

/** A DeviceIo over a file descriptor. */
export class FdDevice implements DeviceIo {
  private closed = false;
  private constructor(
    readonly device: string,
    private readonly fd: number,
    readonly sectorSize: number,
    readonly mode: 'direct' | 'buffered',
    private readonly platform: NodeJS.Platform,
  ) {}

  /**
   * Opens `raw` (retrying transient errors). In direct mode a probe must find an aligned buffer
   * offset, else the device is reopened buffered (Linux then needs its cache dropped by the caller).
   */
  static async open(device: string, raw: string, o: RawOpenOptions): Promise<FdDevice> {
    const policy = o.platform === 'win32' ? OPEN_RETRY.win32 : OPEN_RETRY.other;
    const tryOpen = (direct: boolean) => withRetries(o.platform, policy, () => openP(raw, openFlags(o, direct)));
    if (o.direct && o.platform === 'linux' && C.O_DIRECT) {
      let fd = -1;
      try {
        fd = await tryOpen(true);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw openError(err, device, o.platform);
      }
      if (fd >= 0) {
        if (alignedBlock(fd, Math.max(o.sectorSize, 4096), o.sectorSize))
          return new FdDevice(device, fd, o.sectorSize, 'direct', o.platform);
        closeSync(fd);
      }
    }
    try {
      return new FdDevice(device, await tryOpen(false), o.sectorSize, 'buffered', o.platform);
    } catch (err) {
      throw openError(err, device, o.platform);
    }
  }

  buffer(size: number): Buffer {
    if (this.mode === 'direct') {
      const b = alignedBlock(this.fd, size, this.sectorSize);
      if (b) return b;
    }
    return Buffer.allocUnsafeSlow(size);
  }

  async read(buf: Buffer, off: number, len: number, pos: number): Promise<void> {
    assertAligned(this.device, this.sectorSize, pos, len);
    let done = 0;
    while (done < len) {
      let n: number;
      try {
        ({ bytesRead: n } = await withRetries(this.platform, IO_RETRY, () => readP(this.fd, buf, off + done, len - done, pos + done)));
      } catch (err) {
        throw ioError(err, this.device, pos + done, 'reading', this.platform);
      }
      if (n <= 0) throw ioError(Object.assign(new Error('device ended early'), { code: 'ENXIO' }), this.device, pos + done, 'reading');
      done += n;
    }
  }

  async write(buf: Buffer, off: number, len: number, pos: number): Promise<void> {
    assertAligned(this.device, this.sectorSize, pos, len);
    let done = 0;
    while (done < len) {
      let n: number;
      try {
        ({ bytesWritten: n } = await withRetries(this.platform, IO_RETRY, () => writeP(this.fd, buf, off + done, len - done, pos + done)));
      } catch (err) {
        throw ioError(err, this.device, pos + done, 'writing', this.platform);
      }
      if (n <= 0) throw ioError(Object.assign(new Error('short write'), { code: 'ENOSPC' }), this.device, pos + done, 'writing');
      done += n;
    }
  }

  /** fdatasync (FlushFileBuffers on Windows, which also flushes the stick's own cache). */
  async sync(): Promise<void> {
    try {
      await fdatasyncP(this.fd);
    } catch (err) {
      throw ioError(err, this.device, 0, 'writing', this.platform);
    }
  }

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

/** Rounds `n` up to a multiple of `align`. */
export function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}
