// @vitest-environment happy-dom
/**
 * The wizard's fleet slice over the contract: a manifest checked by the core's own parser (the fake
 * core answers file:load-bytes of kind 'fleet' with electron/app/fleet.ts), rows given to the
 * ticked sticks in tick order from the starting row, unticking moving later picks up, too many
 * sticks refused, the flash request carrying the manifest and the rows, and the next starting row
 * after a batch. The real core and Chromium: tests/e2e/renderer/fleet.test.ts.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { SaveIsoCard } from '../../../renderer/src/components/SaveIsoCard';
import { checkFleetText } from '../../../electron/app/fleet';
import type { LoadedFile, TargetResult } from '../../../electron/contract/api';
import { tr } from '../../../renderer/src/i18n';
import { errorDetails } from '../../../renderer/src/messages';
import { connectWizard, createWizardStore, WizardProvider } from '../../../renderer/src/store';
import { flashBlockers } from '../../../renderer/src/store/flash';
import { memoryChoices } from '../../../renderer/src/store/site';
import { fleetAssignment, fleetOverflow, fleetRowsLeft } from '../../../renderer/src/store/fleet';
import { drive, FakeCore, goodConfig, image, until } from './fake-core';

const CSV = 'name,hostname,ip,gateway\nm1,m1.site,10.0.0.1/24,10.0.0.254\nm2,m2.site,,\nm3,,10.0.0.3/24,10.0.0.254\n';

function setup(prepare?: (core: FakeCore) => void) {
  const core = new FakeCore();
  prepare?.(core);
  core.drives = [drive('sdb'), drive('sdc'), drive('sdd')];
  let seq = 0;
  core.handle('file:load-bytes', (r) => {
    const file: LoadedFile = { id: `fl${++seq}`, kind: r.kind, name: r.name, size: r.text.length, text: r.text, source: 'upload' };
    if (r.kind !== 'fleet') return { ...file, report: { ok: true, version: '3.4.0', errors: [], warnings: [] } };
    return { ...file, fleet: checkFleetText(r.name, r.text) };
  });
  const store = createWizardStore(core.api);
  const off = connectWizard(store, core.api);
  return { core, s: store.getState, off, store };
}

afterEach(() => cleanup());

const csv = (text = CSV, name = 'fleet.csv') => new File([text], name, { type: 'text/csv' });
const picked = (s: ReturnType<typeof setup>['s']) => fleetAssignment(s()).map((p) => [p.driveId, p.row.name]);

describe('fleet slice', () => {
  it('summarizes a manifest by the core parser; a broken one keeps every problem with its line', async () => {
    const { s, core } = setup();
    await s().loadFleetFile(csv());
    expect(s().fleet?.fleet?.rows.map((r) => [r.row, r.name, r.hostname, r.address])).toEqual([
      [1, 'm1', 'm1.site', '10.0.0.1/24'],
      [2, 'm2', 'm2.site', undefined],
      [3, 'm3', undefined, '10.0.0.3/24'],
    ]);
    expect(s().fleet?.fleet?.columns).toEqual(['name', 'hostname', 'ip', 'gateway']);
    await s().loadFleetFile(csv('name,hostname\nok,ok\nbad,-x-\n', 'bad.csv'));
    expect(s().fleetError?.code).toBe('FLEET_INVALID');
    expect(errorDetails(s().fleetError!)).toEqual([
      'line 3: "-x-" is not a valid host name (letters, digits and inner hyphens; dots between labels)',
    ]);
    // the manifest that loaded stays until replaced or removed
    expect(s().fleet?.name).toBe('fleet.csv');
    const id = s().fleet!.id;
    await s().clearFleet();
    expect(s().fleet).toBeUndefined();
    expect(core.requests('file:forget')).toContainEqual({ id });
  });

  it('gives rows to the sticks in the order they were ticked; unticking moves later picks up', async () => {
    const { s } = setup();
    await until(() => s().drivesLoaded);
    await s().loadFleetFile(csv());
    s().toggleDrive('sdc');
    s().toggleDrive('sdb');
    expect(picked(s)).toEqual([
      ['sdc', 'm1'],
      ['sdb', 'm2'],
    ]);
    s().toggleDrive('sdd');
    s().toggleDrive('sdc');
    expect(picked(s)).toEqual([
      ['sdb', 'm1'],
      ['sdd', 'm2'],
    ]);
    s().setFleetStart(2);
    expect(picked(s)).toEqual([
      ['sdb', 'm2'],
      ['sdd', 'm3'],
    ]);
    expect(fleetOverflow(s())).toBe(0);
    // a starting row outside the manifest is ignored
    s().setFleetStart(4);
    expect(s().fleetStart).toBe(2);
  });

  it('refuses more sticks than rows left, and the manifest sets host names and addresses per machine', async () => {
    const { s } = setup();
    await until(() => s().drivesLoaded);
    await s().loadConfigFile(goodConfig());
    s().adoptImage(image());
    await s().loadFleetFile(csv());
    s().setFleetStart(3);
    s().toggleDrive('sdb');
    s().toggleDrive('sdc');
    expect(fleetRowsLeft(s())).toBe(1);
    expect(fleetOverflow(s())).toBe(1);
    expect(flashBlockers(s()).map((k) => tr(k))).toEqual(['More sticks are ticked than fleet rows are left']);
    s().requestFlash();
    expect(s().flashStatus).toBe('idle');
    s().toggleDrive('sdc');
    expect(flashBlockers(s())).toEqual([]);
    s().setFieldSetting('hostname', 'one-for-all');
    expect(flashBlockers(s()).map((k) => tr(k))).toContain(
      'With a fleet manifest, host name and static IP come from its rows: clear them in the field settings',
    );
  });

  it('sends the manifest and the rows; after the batch the next starting row is the first not written', async () => {
    const { s, core } = setup();
    await until(() => s().drivesLoaded);
    await s().loadConfigFile(goodConfig());
    s().adoptImage(image());
    await s().loadFleetFile(csv());
    s().toggleDrive('sdc');
    s().toggleDrive('sdb');
    s().requestFlash();
    await s().startFlash();
    expect(core.lastFlash()?.targetIds).toEqual(['sdc', 'sdb']);
    expect(core.lastFlash()?.fleet).toEqual({ fileId: s().fleet!.id, rows: [1, 2] });
    expect(s().fleetBatch.sdb?.name).toBe('m2');
    const result = (driveId: string, row: number, name: string): TargetResult => ({
      driveId,
      device: `/dev/${driveId}`,
      model: 'Stick',
      serial: 'SN',
      size: 16e9,
      ok: true,
      ending: 'verified',
      fleetRow: { row, name },
    });
    core.emit('flash:finished', {
      jobId: s().jobId!,
      ok: true,
      cancelled: false,
      results: [result('sdc', 1, 'm1'), result('sdb', 2, 'm2')],
    });
    expect(s().flashStatus).toBe('done');
    expect(s().fleetWritten).toEqual([1, 2]);
    expect(s().fleetStart).toBe(3);
    s().resetFlash();
    expect(picked(s)).toEqual([['sdc', 'm3']]);
    expect(fleetOverflow(s())).toBe(1);
  });

  it('comes back from the memory with its next batch, and is remembered with it', async () => {
    const file: LoadedFile = {
      id: 'm1',
      kind: 'fleet',
      name: 'fleet.csv',
      size: CSV.length,
      text: CSV,
      source: 'dialog',
      fleet: checkFleetText('fleet.csv', CSV),
    };
    const { s } = setup((core) =>
      core.handle('memory:restore', () => ({
        mode: 'usb',
        fromRam: false,
        extraKargs: '',
        verify: true,
        targets: [],
        fleet: { file, start: 3, written: [1, 2] },
        recentConfigs: [],
        recentImages: [],
        missing: [],
      })),
    );
    await until(() => s().memoryRestored);
    expect([s().fleet?.name, s().fleetStart, s().fleetWritten]).toEqual(['fleet.csv', 3, [1, 2]]);
    expect(memoryChoices(s()).fleet).toEqual({ file: 'm1', start: 3, written: [1, 2] });
  });

  it('saves the ISO for one machine of the manifest (the starting row unless another is chosen), or for none', async () => {
    const { s, core, store } = setup((c) => c.handle('iso:save', (r) => ({ path: r.path!, size: 3 << 20 })));
    await s().loadFleetFile(csv());
    act(() => s().adoptImage(image()));
    s().setFleetStart(2);
    render(
      <WizardProvider store={store}>
        <SaveIsoCard />
      </WizardProvider>,
    );
    const machine = screen.getByRole('combobox', { name: 'For machine' }) as HTMLSelectElement;
    expect([...machine.options].map((o) => o.textContent)).toEqual([
      'None (the common settings only)',
      'Row 1: m1',
      'Row 2: m2',
      'Row 3: m3',
    ]);
    expect(machine.value).toBe('2');
    fireEvent.change(screen.getByRole('textbox', { name: /Save as/ }), { target: { value: '/srv/bmc/m2.iso' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: /Save customized ISO/ }));
      await until(() => s().saved !== undefined);
    });
    expect(core.requests('iso:save')[0]).toMatchObject({ path: '/srv/bmc/m2.iso', fleetRow: { fileId: s().fleet!.id, row: 2 } });
    expect(screen.getByRole('status').textContent).toMatch(/^Saved 3(\.0)? MiB for m2/);
    fireEvent.change(machine, { target: { value: '0' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: /Save customized ISO/ }));
      await until(() => core.requests('iso:save').length === 2 && s().saved !== undefined);
    });
    expect(core.requests('iso:save')[1]!.fleetRow).toBeUndefined();
    expect(screen.getByRole('status').textContent).toMatch(/^Saved 3(\.0)? MiB\//);
  });
});
