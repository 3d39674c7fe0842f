/**
 * The app's fleet support behind the contract, on real loop devices: a manifest loaded as a file
 * of kind 'fleet' is checked by the core's parser (problems with their lines as FLEET_INVALID),
 * flash:start with the manifest and a row per target writes each stick with its row, results and
 * the flash record name the rows, and a stick the app writes for a row equals, byte for byte, the
 * stick `flint burn --fleet --rows` writes for the same row, as does the ISO saved for that row.
 * The renderer's side (row assignment in tick order, the starting row):
 * tests/unit/renderer/fleet.test.tsx and tests/e2e/renderer/fleet.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultCore } from '../../../electron/app/core-default';
import { dispatch } from '../../../electron/app/handlers';
import { loadFileFromPath } from '../../../electron/app/files';
import { Session } from '../../../electron/app/session';
import { SiteState } from '../../../electron/app/site';
import type { DriveList, FlashFinished, HistoryEntry, ImageState, LoadedFile, Restored } from '../../../electron/contract/api';
import { liveConfigContents } from '../../e2e/boot/lib/ignition-data';
import { buildLiveIso, type LiveIsoInfo } from '../../e2e/boot/lib/live-iso';
import { allOf, BUILD_ISO_REQUIREMENTS } from '../../e2e/boot/lib/requirements';
import { onlyDevices } from '../../helpers/app-core';
import { runFlint } from '../../helpers/cli';
import { COREOS_FIXTURES } from '../../helpers/fixtures';
import { useTempDir } from '../../helpers/lifecycle';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { skipReason } from '../../helpers/requirements';
import { waitFor } from '../../helpers/wait';

const why = skipReason(allOf(BUILD_ISO_REQUIREMENTS, { tools: ['losetup'], root: true }));
const STICK = 32 << 20;
const LIVE_IGN = join(COREOS_FIXTURES, 'customize', 'live.ign');
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFleetAppTestKeyNotARealKeyButWellFormedBase64x tech@site';
const MANIFEST = [
  'name,hostname,ip,gateway,dns,ssh_keys,kargs',
  `row-a,row-a.site.example,10.30.0.11/24,10.30.0.1,10.30.0.1,${KEY},`,
  'row-b,row-b.site.example,10.30.0.12/24,10.30.0.1,,,flint.fleet.row=2',
  'row-c,row-c.site.example,,,,,',
].join('\n');

type Answer<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string; params?: Record<string, unknown> } };

describe.skipIf(why)('app fleet flash on loop devices', () => {
  const tmp = useTempDir('flint-app-fleet-');
  let info: LiveIsoInfo;
  let session: Session | undefined;
  const loops: LoopDevice[] = [];
  const events: [string, unknown][] = [];

  beforeAll(() => {
    info = buildLiveIso(tmp.join('fedora-coreos-41.20241027.3.0-live-iso.x86_64.iso'));
    loops.push(createLoopDevice(STICK), createLoopDevice(STICK), createLoopDevice(STICK));
    const mine = new Set(loops.map((l) => l.device));
    const core = createDefaultCore({ cacheDir: tmp.join('cache'), allowLoop: true });
    session = new Session({
      mode: 'browser',
      allowLoop: true,
      // only this test's loop devices: other tests' drives stay out of the list
      core: onlyDevices(core, mine),
      app: { name: 'Flint', version: '1' },
    });
    session.addSink((ch, p) => events.push([ch, p]));
  }, 120_000);

  afterAll(() => {
    session?.dispose();
    for (const l of loops) l.remove();
  });

  async function answer<T>(ch: string, req: unknown): Promise<Answer<T>> {
    return (await dispatch(session!, ch, req)) as Answer<T>;
  }
  async function call<T>(ch: string, req: unknown): Promise<T> {
    const r = await answer<T>(ch, req);
    if (!r.ok) throw new Error(`${ch}: ${r.error.code} ${r.error.message}`);
    return r.value;
  }

  it('refuses a manifest with problems, each with its line', async () => {
    const r = await answer<LoadedFile>('file:load-bytes', {
      kind: 'fleet',
      name: 'bad.csv',
      text: 'name,hostname,colour\nn1,ok,red\nn2,-x-,blue\n',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('FLEET_INVALID');
    const problems = r.error.params!.problems as { line: number; row?: number; field?: string }[];
    expect(problems.map((p) => [p.line, p.row, p.field])).toEqual([
      [1, undefined, undefined],
      [3, 2, 'hostname'],
    ]);
  });

  it('writes each stick with its row; the record names the rows; the CLI writes the same stick for a row', async () => {
    const fleet = await call<LoadedFile>('file:load-bytes', { kind: 'fleet', name: 'fleet.csv', text: MANIFEST });
    expect(fleet.kind).toBe('fleet');
    expect(fleet.fleet?.columns).toEqual(['name', 'hostname', 'ip', 'gateway', 'dns', 'sshKeys', 'kargs']);
    expect(fleet.fleet?.rows.map((r) => [r.row, r.line, r.name, r.hostname, r.address])).toEqual([
      [1, 2, 'row-a', 'row-a.site.example', '10.30.0.11/24'],
      [2, 3, 'row-b', 'row-b.site.example', '10.30.0.12/24'],
      [3, 4, 'row-c', 'row-c.site.example', undefined],
    ]);
    const config = await call<LoadedFile>('file:load-bytes', { kind: 'config', name: 'live.ign', text: readFileSync(LIVE_IGN, 'utf8') });
    const image = await call<ImageState>('image:open-path', { path: info.iso });
    const list = await call<DriveList>('drives:list', {});
    const id = (l: LoopDevice) => list.drives.find((d) => d.device === l.device)!.id;
    const [a, b, c] = loops as [LoopDevice, LoopDevice, LoopDevice];
    const options = { fromRam: false, extraKargs: '', networkIds: [], caIds: [] };
    const base = { imageId: image.id, configId: config.id, options, verify: true, eject: false, confirmLarge: false };

    // a host name for every stick beside a manifest is refused, as `flint burn --fleet --hostname` is
    const conflict = await answer('flash:start', {
      ...base,
      options: { ...options, fieldSettings: { sshKeys: '', hostname: 'same', address: '', gateway: '', dns: '', timezone: '' } },
      targetIds: [id(a)],
      fleet: { fileId: fleet.id, rows: [2] },
    });
    expect(conflict.ok ? '' : conflict.error.code).toBe('FLEET_FLAG_CONFLICT');
    const twice = await answer('flash:start', { ...base, targetIds: [id(a), id(b)], fleet: { fileId: fleet.id, rows: [2, 2] } });
    expect(twice.ok ? '' : twice.error.code).toBe('FLEET_ROW_UNKNOWN');

    // the sticks in the order they were picked: b first gets row 1, a gets row 2
    const { jobId } = await call<{ jobId: string }>('flash:start', {
      ...base,
      targetIds: [id(b), id(a)],
      fleet: { fileId: fleet.id, rows: [1, 2] },
    });
    await waitFor(() => events.some(([ch, p]) => ch === 'flash:finished' && (p as FlashFinished).jobId === jobId), 'the flash', 120_000);
    const done = events.find(([ch]) => ch === 'flash:finished')![1] as FlashFinished;
    expect(done.ok).toBe(true);
    expect(done.results.map((r) => [r.device, r.fleetRow, r.ending]).sort()).toEqual(
      [
        [a.device, { row: 2, name: 'row-b', hostname: 'row-b.site.example' }, 'verified'],
        [b.device, { row: 1, name: 'row-a', hostname: 'row-a.site.example' }, 'verified'],
      ].sort(),
    );
    const [record] = await call<HistoryEntry[]>('history:list', {});
    expect(record!.sticks.map((s) => [s.device, s.fleetRow?.name]).sort()).toEqual(
      [
        [a.device, 'row-b'],
        [b.device, 'row-a'],
      ].sort(),
    );

    const csv = await call<{ text: string }>('history:export', { format: 'csv' });
    // RFC 4180 fields: the kargs cell is quoted and holds commas
    const cells = (l: string) => [...l.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => m[1]!);
    const [header, ...lines] = csv.text.trim().split('\r\n').map(cells);
    const col = (name: string) => header!.indexOf(name);
    expect(lines.map((l) => [l[col('device')], l[col('fleet_row')], l[col('fleet_machine')]]).sort()).toEqual(
      [
        [a.device, '2', 'row-b'],
        [b.device, '1', 'row-a'],
      ].sort(),
    );

    // each stick reads back its row's host name, address and karg
    for (const [l, host, address] of [
      [b, 'row-a.site.example', '10.30.0.11/24'],
      [a, 'row-b.site.example', '10.30.0.12/24'],
    ] as const) {
      const shown = await runFlint(['stick', 'show', '--json', l.device]);
      expect(shown.code).toBe(0);
      const s = JSON.parse(shown.stdout.toString('utf8')) as {
        customization: { members: { path: string; data: string }[] };
        networkKeyfiles: { ipv4Addresses: string[] }[];
        kargs: { current: string } | null;
      };
      const ign = Buffer.from(s.customization.members.find((m) => m.path === 'config.ign')!.data, 'base64').toString('utf8');
      // the common config merged first, then the row's settings (as `flint burn --fleet` writes them)
      const merges = liveConfigContents(ign).merges;
      expect(merges).toHaveLength(2);
      expect(liveConfigContents(merges[1]!.toString('utf8')).files.get('/etc/hostname')!.data.toString()).toBe(host);
      expect(s.networkKeyfiles.map((k) => k.ipv4Addresses)).toEqual([[address]]);
      expect(s.kargs!.current.split(' ').includes('flint.fleet.row=2')).toBe(l === a);
    }

    // `flint burn --fleet --rows 2` onto the third stick writes what the app wrote for row 2
    const manifest = tmp.join('fleet.csv');
    writeFileSync(manifest, MANIFEST);
    const burn = await runFlint([
      'burn',
      '--iso',
      info.iso,
      '--ignition',
      LIVE_IGN,
      '--fleet',
      manifest,
      '--rows',
      '2',
      '--target',
      c.device,
      '--allow-loop',
      '--yes',
    ]);
    expect(burn.stderr.toString()).not.toMatch(/^Error/m);
    expect(burn.code).toBe(0);
    const size = readFileSync(info.iso).length;
    const head = (l: LoopDevice) => readFileSync(l.device).subarray(0, size);
    expect(head(c).equals(head(a))).toBe(true);
    // and the comparison tells rows apart: the stick of row 1 differs
    expect(head(b).equals(head(a))).toBe(false);

    // "Save customized ISO" for machine 2 saves the bytes its stick got; for no machine, the common ISO
    const forRow = tmp.join('row-b.iso');
    const save = { imageId: image.id, configId: config.id, options };
    const saved = await call<{ path: string; size: number }>('iso:save', { ...save, path: forRow, fleetRow: { fileId: fleet.id, row: 2 } });
    expect(saved).toEqual({ path: forRow, size });
    expect(readFileSync(forRow).equals(head(a))).toBe(true);
    const common = tmp.join('common.iso');
    await call('iso:save', { ...save, path: common });
    expect(readFileSync(common).equals(head(a))).toBe(false);
    expect(readFileSync(common).equals(readFileSync(forRow))).toBe(false);
    const unknown = await answer('iso:save', { ...save, path: tmp.join('x.iso'), fleetRow: { fileId: fleet.id, row: 4 } });
    expect(unknown.ok ? '' : unknown.error.code).toBe('FLEET_ROW_UNKNOWN');
  }, 240_000);

  it("the desktop app proposes the machine's name for its ISO and saves there", async () => {
    const proposed: string[] = [];
    const desktop = new Session({
      mode: 'electron',
      allowLoop: true,
      core: createDefaultCore({ cacheDir: tmp.join('cache'), allowLoop: true }),
      app: { name: 'Flint', version: '1' },
      dialogs: {
        openFile: async () => info.iso,
        saveFile: async (_title, name) => (proposed.push(name), tmp.join(`desktop-${name}`)),
      },
    });
    try {
      const ask = async <T>(ch: string, req: unknown) => {
        const r = (await dispatch(desktop, ch, req)) as Answer<T>;
        if (!r.ok) throw new Error(`${ch}: ${r.error.code} ${r.error.message}`);
        return r.value;
      };
      const fleet = await ask<LoadedFile>('file:load-bytes', { kind: 'fleet', name: 'fleet.csv', text: MANIFEST });
      const image = await ask<ImageState>('image:open-dialog', {});
      const options = { fromRam: false, extraKargs: '', networkIds: [], caIds: [] };
      const saved = await ask<{ path: string }>('iso:save', { imageId: image.id, options, fleetRow: { fileId: fleet.id, row: 3 } });
      await ask('iso:save', { imageId: image.id, options });
      expect(proposed).toEqual([
        'fedora-coreos-41.20241027.3.0-live-iso.x86_64-row-c.iso',
        'fedora-coreos-41.20241027.3.0-live-iso.x86_64-custom.iso',
      ]);
      expect(saved.path).toBe(tmp.join('desktop-fedora-coreos-41.20241027.3.0-live-iso.x86_64-row-c.iso'));
      expect(readFileSync(saved.path).length).toBe(readFileSync(info.iso).length);
    } finally {
      desktop.dispose();
    }
  });

  it('remembers the manifest and its next batch across a restart, unless the file changed', async () => {
    const manifest = tmp.join('remembered.csv');
    writeFileSync(manifest, MANIFEST);
    const stateDir = tmp.join('state');
    const core = createDefaultCore({ cacheDir: tmp.join('cache') });
    const start = () => new Session({ mode: 'browser', core, app: { name: 'Flint', version: '1' }, site: new SiteState({ stateDir }) });
    const one = start();
    const file = await loadFileFromPath(one, manifest, 'fleet', 'dialog');
    const choices = { mode: 'usb', fromRam: false, extraKargs: '', verify: true, targetIds: [] };
    const fieldSettings = { sshKeys: '', hostname: '', address: '', gateway: '', dns: '', timezone: '' };
    const saved = await dispatch(one, 'memory:save', {
      choices: { ...choices, fieldSettings, fleet: { file: file.id, start: 3, written: [1, 2] } },
    });
    expect(saved.ok).toBe(true);
    one.dispose();

    const two = start();
    const back = (await dispatch(two, 'memory:restore', {})) as Answer<Restored>;
    expect(
      back.ok && [
        back.value.fleet?.file.name,
        back.value.fleet?.file.fleet?.rows.length,
        back.value.fleet?.start,
        back.value.fleet?.written,
      ],
    ).toEqual(['remembered.csv', 3, 3, [1, 2]]);
    two.dispose();

    // the same file with other rows: it comes back, its progress does not
    writeFileSync(manifest, MANIFEST.replace('row-c', 'row-z'));
    const three = start();
    const changed = (await dispatch(three, 'memory:restore', {})) as Answer<Restored>;
    expect(
      changed.ok && [changed.value.fleet?.file.fleet?.rows[2]?.name, changed.value.fleet?.start, changed.value.fleet?.written],
    ).toEqual(['row-z', 1, []]);
    three.dispose();
  });
});
