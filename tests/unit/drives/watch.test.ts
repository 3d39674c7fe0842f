import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { diffDrives, watchDrives, type DriveChange } from '../../../electron/core/drives/watch';
import { parseLsblk } from '../../../electron/core/drives/lsblk';
import type { Drive } from '../../../electron/core/drives/types';

const FIX = join(__dirname, '..', '..', 'fixtures', 'lsblk');
const laptop = parseLsblk(readFileSync(join(FIX, 'laptop-nvme-luks-usb.json'), 'utf8'), { protectedPaths: [] });
const devices = (ds: Drive[]) => ds.map((d) => d.device);

describe('drive watcher', () => {
  it('diffs listings by stable id', () => {
    const without = laptop.filter((d) => d.device !== '/dev/sda');
    expect(devices(diffDrives(without, laptop).added)).toEqual(['/dev/sda']);
    expect(devices(diffDrives(laptop, without).removed)).toEqual(['/dev/sda']);
    const resized = laptop.map((d) => (d.device === '/dev/sda' ? { ...d, id: 'other' } : d));
    const d = diffDrives(laptop, resized);
    expect([devices(d.added), devices(d.removed)]).toEqual([['/dev/sda'], ['/dev/sda']]);
  });

  it('reports the first list, then only changes (a stick plugged in and pulled out), and stops on abort', async () => {
    // the poll interval runs on fake timers: each tick is one listing, and "no listing after the
    // abort" is checked over a thousand virtual seconds without waiting for them
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const without = laptop.filter((d) => d.device !== '/dev/sda');
      const snapshots = [without, without, laptop, laptop, without];
      let calls = 0;
      const changes: DriveChange[] = [];
      const ac = new AbortController();
      const done = watchDrives({
        list: async () => snapshots[Math.min(calls++, snapshots.length - 1)],
        onChange: (c) => {
          changes.push(c);
          if (changes.length === 3) ac.abort();
        },
        intervalMs: 10,
        udev: false,
        signal: ac.signal,
      });
      while (!ac.signal.aborted) await vi.advanceTimersByTimeAsync(10);
      await done;
      expect(changes.map((c) => [devices(c.added).length, devices(c.removed)])).toEqual([
        [without.length, []],
        [1, []],
        [0, ['/dev/sda']],
      ]);
      const after = calls;
      await vi.advanceTimersByTimeAsync(1_000_000);
      expect(calls).toBe(after);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports listing errors and keeps watching', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const ac = new AbortController();
    await watchDrives({
      list: async () => {
        calls++;
        if (calls === 1) throw new Error('lsblk failed');
        return laptop;
      },
      onChange: () => ac.abort(),
      onError: (e) => errors.push(e),
      intervalMs: 10,
      udev: false,
      signal: ac.signal,
    });
    expect(errors).toHaveLength(1);
    expect(calls).toBeGreaterThanOrEqual(2);
  });
});
