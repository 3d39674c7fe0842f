import { afterEach, describe, expect, it } from 'vitest';
import { openSync, writeSync, closeSync, fsyncSync, readFileSync } from 'node:fs';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { skipReason } from '../../helpers/requirements';
import { openFileSource } from '../../../electron/core/iso/byte-source';
import { inspectIso, readEmbeddedIgnition } from '../../../electron/core/iso/inspect';
import { planCustomize } from '../../../electron/core/iso/customize';
import { applyPlanToChunk } from '../../../electron/core/iso/plan';
import { customizeFixture, fixtureIso } from '../../helpers/fixtures';

const why = skipReason({ tools: ['losetup'], root: true });
let loop: LoopDevice | null = null;
afterEach(() => {
  loop?.remove();
  loop = null;
});

describe.skipIf(why)('parsing a block device like a file (read-back off a stick)', () => {
  it('finds the device size and reads the embedded config off a loop device', async () => {
    const stick = 3 << 20;
    loop = createLoopDevice(stick);
    const iso = new Uint8Array(readFileSync(await fixtureIso('embed-areas-2023-07.x86_64')));
    const facts = await inspectIso({ size: iso.length, read: async (o, l) => iso.subarray(o, o + l) });
    const live = await customizeFixture('live.ign');
    const { plan, liveConfig } = await planCustomize(facts, { liveIgnition: [{ name: 'live.ign', data: live }] });
    applyPlanToChunk(plan, iso, 0);
    const fd = openSync(loop.device, 'r+');
    try {
      writeSync(fd, iso, 0, iso.length, 0);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const src = await openFileSource(loop.device);
    try {
      expect(src.size).toBe(stick);
      expect(Buffer.from((await readEmbeddedIgnition(src))!).equals(Buffer.from(liveConfig!))).toBe(true);
      const onStick = await inspectIso(src);
      expect(onStick.embedArea).toEqual(facts.embedArea);
      expect(onStick.customized).toBe(true);
      await expect(src.read(stick - 10, 20)).rejects.toThrow('runs past the end');
    } finally {
      await src.close();
    }
  });
});
