import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectIsoFile } from '../../../electron/core/iso/inspect';
import { planCustomize } from '../../../electron/core/iso/customize';
import { planTransform } from '../../../electron/core/iso/plan';
import { writePlanOutput } from '../../../electron/core/iso/output';
import { customizeFixture, fixtureIso } from '../../helpers/fixtures';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

describe('one patch plan, three output modes', () => {
  it('in place, copy and stream (with chunks that split every write) give the same bytes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'flint-modes-'));
    const pristine = await fixtureIso('embed-areas-2023-07.s390x');
    const facts = await inspectIsoFile(pristine);
    const { plan } = await planCustomize(facts, {
      liveIgnition: [{ name: 'live.ign', data: await customizeFixture('live.ign') }],
      networkKeyfile: [{ name: 'k.nmconnection', data: await customizeFixture('installer-test.nmconnection') }],
      liveKargAppend: ['console=ttysclp0'],
    });
    expect(plan.writes.length).toBe(2); // karg slot and embed area, both inside cdboot.img

    const inPlace = join(dir, 'inplace.iso');
    copyFileSync(pristine, inPlace);
    await writePlanOutput(inPlace, plan, undefined);

    const copy = join(dir, 'copy.iso');
    await writePlanOutput(pristine, plan, copy);

    const expected = readFileSync(inPlace);
    expect(readFileSync(copy).equals(expected)).toBe(true);
    for (const chunk of [4093, 65536]) {
      const streamed = join(dir, `stream-${chunk}.iso`);
      await pipeline(createReadStream(pristine, { highWaterMark: chunk }), planTransform(plan), createWriteStream(streamed));
      expect(readFileSync(streamed).equals(expected)).toBe(true);
    }
    const sink = join(dir, 'stdout.iso');
    const out = createWriteStream(sink);
    await writePlanOutput(pristine, plan, '-', { stdout: out });
    await new Promise((r) => out.end(r));
    expect(readFileSync(sink).equals(expected)).toBe(true);
    expect(readFileSync(pristine).equals(expected)).toBe(false);
    await expect(
      writePlanOutput(pristine, plan, '-', { stdout: Object.assign(new Writable({ write: (_c, _e, cb) => cb() }), { isTTY: true }) }),
    ).rejects.toThrow('Refusing to write binary data to terminal');
  });
});
