// The flash record: a report becomes one record (identity, hashes, result, speed); the CSV export
// quotes per RFC 4180 and defuses spreadsheet formulas; a torn last line loses only itself.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendHistory, historyCsv, historyRecord, readHistory, HISTORY_FILE } from '../../../electron/core/history/record';
import type { FlashReport } from '../../../electron/core/flash/types';

const report: FlashReport = {
  ok: true,
  cancelled: false,
  image: {
    path: '/cache/fedora-coreos-44.iso',
    size: 100,
    sha256: 'a'.repeat(64),
    signature: 'verified',
    cached: true,
    release: '44.1',
    stream: 'stable',
  },
  writer: 'in-process',
  targets: [
    {
      target: { device: '/dev/sdb', size: 8e9, serial: 'SN,"1"', model: '=cmd|calc', description: 'Stick' },
      ok: true,
      ending: 'verified',
      bytesWritten: 50_000_000,
      verified: true,
      configSha256: 'c'.repeat(64),
      expectedConfigSha256: 'c'.repeat(64),
      kargs: 'coreos.liveiso=x quiet',
      warnings: [],
      timings: { writeMs: 1000, verifyMs: 500 },
    },
  ],
  messages: [],
  configWarnings: [],
  kargWarnings: [],
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:10.000Z',
};

describe('flash record', () => {
  it('keeps who, what and how it ended, with the average speed', () => {
    const r = historyRecord(report, 'burn');
    expect(r).toMatchObject({
      time: '2026-01-01T00:00:10.000Z',
      by: 'burn',
      image: { name: 'fedora-coreos-44.iso', sha256: 'a'.repeat(64), release: '44.1', stream: 'stable' },
      configSha256: 'c'.repeat(64),
      kargs: 'coreos.liveiso=x quiet',
      durationMs: 10_000,
      averageSpeed: 5_000_000,
    });
    expect(r.sticks[0]).toMatchObject({
      device: '/dev/sdb',
      serial: 'SN,"1"',
      model: '=cmd|calc',
      ending: 'verified',
      writeMs: 1000,
      configSha256: 'c'.repeat(64),
    });
  });

  it('exports CSV with quoting and no formulas', () => {
    const [head, row] = historyCsv([historyRecord(report, 'app')]).split('\r\n');
    expect(head.split(',')).toContain('serial');
    expect(row).toContain(`"SN,""1"""`);
    expect(row).toContain(`'=cmd|calc`);
    expect(row).not.toMatch(/,=cmd/);
  });

  it('appends JSON lines and skips a torn one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'flint-hist-'));
    try {
      expect(await readHistory(dir)).toEqual([]);
      await appendHistory(dir, historyRecord(report, 'app'));
      await writeFile(path.join(dir, HISTORY_FILE), (await readFile(path.join(dir, HISTORY_FILE), 'utf8')) + '{"time":"2026-');
      await appendHistory(dir, historyRecord(report, 'write'));
      const read = await readHistory(dir);
      expect(read.map((r) => r.by)).toEqual(['app', 'write']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
