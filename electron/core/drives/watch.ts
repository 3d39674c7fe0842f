import { spawn, type ChildProcess } from 'node:child_process';
import type { Drive } from './types';

/** `udevadm monitor` arguments: block-device uevents from the kernel and from udev. */
export const UDEV_MONITOR_ARGS = ['monitor', '--kernel', '--udev', '--subsystem-match=block'];

/** What changed between two listings. */
export interface DriveChange {
  added: Drive[];
  removed: Drive[];
  /** The full current list. */
  drives: Drive[];
}

/** Options of watchDrives. */
export interface WatchOptions {
  /** Produces the current list (e.g. () => listDrives({ allowLoop })). */
  list: () => Promise<Drive[]>;
  onChange: (c: DriveChange) => void;
  onError?: (err: unknown) => void;
  /** Poll period (default 2 s). */
  intervalMs?: number;
  /** Stops the watcher. */
  signal: AbortSignal;
  /** Linux: also re-list as soon as `udevadm monitor` reports a block event (default true on Linux). */
  udev?: boolean;
  /**
   * Called once `udevadm monitor` listens: it prints its "monitor will print the received events"
   * header after subscribing (systemd src/udev/udevadm-monitor.c), so later events reach the watcher.
   */
  onUdevListening?: () => void;
}

/** Compares two listings by drive id (a changed size or serial is a new id: removed + added). */
export function diffDrives(before: Drive[], after: Drive[]): { added: Drive[]; removed: Drive[] } {
  const was = new Set(before.map((d) => d.id));
  const is = new Set(after.map((d) => d.id));
  return { added: after.filter((d) => !was.has(d.id)), removed: before.filter((d) => !is.has(d.id)) };
}

/**
 * Reports drives coming and going: lists at once (the first report has every drive as added),
 * then polls and diffs; on Linux `udevadm monitor` events trigger an immediate re-list. Resolves
 * when `signal` aborts.
 */
export function watchDrives(o: WatchOptions): Promise<void> {
  let current: Drive[] = [];
  let busy = false;
  let again = false;
  const poll = async (first = false) => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      do {
        again = false;
        const next = await o.list();
        if (o.signal.aborted) return;
        const { added, removed } = diffDrives(current, next);
        current = next;
        if (first || added.length || removed.length) o.onChange({ added, removed, drives: next });
        first = false;
      } while (again && !o.signal.aborted);
    } catch (err) {
      o.onError?.(err);
    } finally {
      busy = false;
    }
  };
  return new Promise((resolve) => {
    if (o.signal.aborted) return resolve();
    let udev: ChildProcess | undefined;
    if (o.udev ?? process.platform === 'linux') {
      try {
        // Kernel uevents arrive even where udevd does not run (containers); udev ones after rules ran.
        udev = spawn('udevadm', UDEV_MONITOR_ARGS, { stdio: ['ignore', 'pipe', 'ignore'] });
        udev.on('error', () => undefined);
        udev.stdout?.setEncoding('utf8');
        let listening = false;
        udev.stdout?.on('data', (text: string) => {
          if (!listening && text.includes('monitor will print')) {
            listening = true;
            o.onUdevListening?.();
          }
          if (/^(KERNEL|UDEV)\[/m.test(text)) void poll();
        });
      } catch {
        udev = undefined;
      }
    }
    const timer = setInterval(() => void poll(), o.intervalMs ?? 2000);
    // udevadm must not outlive us: killed on abort and when this process exits.
    const killUdev = () => udev?.kill();
    process.once('exit', killUdev);
    void poll(true);
    o.signal.addEventListener(
      'abort',
      () => {
        clearInterval(timer);
        killUdev();
        process.off('exit', killUdev);
        resolve();
      },
      { once: true },
    );
  });
}
