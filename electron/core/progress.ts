/** A progress report of a long operation (download, verify, write, read-back). */
export interface Progress {
  /** What is happening now, e.g. `download`, `verify-image`, `write`, `verify-stick`. */
  phase: string;
  /** Bytes done in this phase. */
  bytes: number;
  /** Bytes this phase will take in all, when known. */
  total?: number;
  /** Bytes per second, smoothed. */
  speed?: number;
  /** Seconds left, when total and speed are known. */
  eta?: number;
  /** Which item this is about (a file name, a device path), when there are several. */
  item?: string;
}

/** Callback that receives progress reports. */
export type ProgressListener = (p: Progress) => void;

/** Measures speed and ETA for a phase from periodic byte counts (exponential smoothing). */
export class SpeedMeter {
  private lastBytes = 0;
  private lastTime: number;
  private speed = 0;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.lastTime = now();
  }

  /** Feeds the current byte count; returns the smoothed speed (bytes/s). */
  update(bytes: number): number {
    const t = this.now();
    const dt = (t - this.lastTime) / 1000;
    if (dt >= 0.2) {
      const inst = (bytes - this.lastBytes) / dt;
      this.speed = this.speed === 0 ? inst : this.speed * 0.7 + inst * 0.3;
      this.lastBytes = bytes;
      this.lastTime = t;
    }
    return this.speed;
  }

  /** Builds a Progress report with speed and ETA. */
  report(phase: string, bytes: number, total?: number, item?: string): Progress {
    const speed = this.update(bytes);
    const p: Progress = { phase, bytes };
    if (total !== undefined) p.total = total;
    if (speed > 0) p.speed = Math.round(speed);
    if (total !== undefined && speed > 0) p.eta = Math.max(0, (total - bytes) / speed);
    if (item !== undefined) p.item = item;
    return p;
  }
}
