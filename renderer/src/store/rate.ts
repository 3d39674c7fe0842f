import type { FlashProgress } from '../../../electron/contract/api';

/** A progress report plus when the renderer received it (for speed estimates). */
export interface TimedProgress extends FlashProgress {
  /** performance.now() when it arrived. */
  at: number;
}

/**
 * Fills in speed and ETA when the core did not send them, from the previous report of the same
 * phase/drive (bytes per second, smoothed); reports from the core win when present.
 */
export function withRate(prev: TimedProgress | undefined, p: FlashProgress, now: number): TimedProgress {
  const out: TimedProgress = { ...p, at: now };
  if (out.speed === undefined && prev && prev.phase === p.phase && p.bytes >= prev.bytes) {
    const dt = (now - prev.at) / 1000;
    if (dt > 0.05) {
      const inst = (p.bytes - prev.bytes) / dt;
      out.speed = prev.speed ? prev.speed * 0.6 + inst * 0.4 : inst;
    } else if (prev.speed) out.speed = prev.speed;
  }
  if (out.eta === undefined && out.speed && out.speed > 0 && out.total !== undefined) {
    out.eta = Math.max(0, (out.total - out.bytes) / out.speed);
  }
  return out;
}
