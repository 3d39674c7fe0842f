import { afterEach, describe, expect, it } from 'vitest';
import { skipReason } from '../../helpers/requirements';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { watchDrives, type DriveChange } from '../../../electron/core/drives/watch';
import { listDrives } from '../../../electron/core/drives/list';

const why = skipReason({ tools: ['losetup', 'lsblk', 'udevadm'], root: true });

describe.skipIf(why)('drive watcher on this machine', () => {
  const loops: LoopDevice[] = [];
  afterEach(() => {
    for (const l of loops.splice(0)) l.remove();
  });

  it('reports a loop device attached and detached within moments (udevadm monitor, not the 60 s poll)', async () => {
    const ac = new AbortController();
    const changes: DriveChange[] = [];
    let wake: (() => void) | null = null;
    const next = () => new Promise<void>((r) => (wake = r));
    let listening: () => void = () => {};
    const udevListening = new Promise<void>((r) => (listening = r));
    const done = watchDrives({
      list: () => listDrives({ allowLoop: true }),
      onChange: (c) => {
        changes.push(c);
        wake?.();
      },
      intervalMs: 60_000,
      signal: ac.signal,
      onUdevListening: () => listening(),
    });
    try {
      await next(); // the first listing
      await udevListening;
      const t0 = Date.now();
      const l = createLoopDevice(8 * 1024 * 1024);
      loops.push(l);
      while (!changes.some((c) => c.added.some((d) => d.device === l.device)))
        await Promise.race([next(), new Promise((r) => setTimeout(r, 5000))]);
      expect(Date.now() - t0).toBeLessThan(5000);
      l.remove();
      while (!changes.some((c) => c.removed.some((d) => d.device === l.device)))
        await Promise.race([next(), new Promise((r) => setTimeout(r, 5000))]);
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      ac.abort();
      await done;
    }
  });
});
