// @vitest-environment happy-dom
// The Target step's stick actions over the fake core: a live stick shows its release and
// "Update to ..." when its stream has a newer one; the update and the restore ask the core with
// the drives' ids, confirm naming each drive, and word each stick's result. The real channels run
// end to end in tests/e2e/renderer/sticks.test.ts.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { StickInfo, StickRefreshResult } from '../../../electron/contract/api';
import { App } from '../../../renderer/src/components/App';
import { connectWizard, createWizardStore, WizardProvider } from '../../../renderer/src/store';
import { olderRelease } from '../../../renderer/src/store/image';
import { drive, FakeCore, image, until } from './fake-core';

afterEach(() => cleanup());

const OLD = '38.20230718.3.0';
const NEW = '44.20260707.3.1';
const SHA = 'c0ffee'.repeat(10) + 'abcd';

function liveStick(driveId: string, over: Partial<StickInfo> = {}): StickInfo {
  return {
    driveId,
    live: true,
    release: { version: OLD, stream: 'stable', volumeId: `fedora-coreos-${OLD}`, productName: 'Fedora CoreOS' },
    arch: 'x86_64',
    customized: true,
    configSha256: SHA,
    members: 2,
    latest: NEW,
    status: 'update',
    latestCached: false,
    ...over,
  };
}

async function mount(core: FakeCore) {
  const store = createWizardStore(core.api);
  connectWizard(store, core.api);
  render(
    <WizardProvider store={store}>
      <App />
    </WizardProvider>,
  );
  await act(() => until(() => store.getState().drivesLoaded && Object.keys(store.getState().stickInfo).length === 2));
  act(() => store.getState().goTo('target'));
  return { store, s: store.getState };
}

describe('stick actions on the Target step', () => {
  it('shows a live stick’s release and updates it keeping its config, then reads it again', async () => {
    const core = new FakeCore();
    let refreshed = false;
    core.handle('sticks:inspect', (r) =>
      r.driveIds.map((id) =>
        id === 'sdb'
          ? liveStick(id, refreshed ? { release: { ...liveStick(id).release!, version: NEW }, status: 'current' } : {})
          : { driveId: id, live: false },
      ),
    );
    core.handle('sticks:refresh', () => {
      const result: StickRefreshResult = {
        driveId: 'sdb',
        device: '/dev/sdb',
        model: 'Stick sdb',
        serial: 'SN-sdb',
        size: 16e9,
        ok: true,
        ending: 'refreshed',
        from: OLD,
        to: NEW,
        stream: 'stable',
        configSha256: SHA,
        configSha256After: SHA,
        configKept: true,
        flashEnding: 'verified',
      };
      setTimeout(() => {
        refreshed = true;
        core.emit('refresh:progress', { jobId: 'r1', phase: 'write', step: 'write', bytes: 5, total: 10, percent: 50, driveId: 'sdb' });
        core.emit('refresh:target', { jobId: 'r1', result });
        core.emit('refresh:finished', { jobId: 'r1', ok: true, cancelled: false, results: [result] });
      }, 10);
      return { jobId: 'r1' };
    });
    const { s } = await mount(core);
    const row = screen.getByText('/dev/sdb', { exact: false }).closest('tr')!;
    expect(row.textContent).toContain(`CoreOS ${OLD} · stable`);
    expect(row.textContent).toContain(`${NEW} available`);
    expect(screen.getByText('/dev/sdc', { exact: false }).closest('tr')!.textContent).not.toContain('CoreOS');

    fireEvent.click(within(row).getByRole('button', { name: `Update to ${NEW} (keeps its config)` }));
    const dialog = screen.getByRole('alertdialog', { name: 'Update this stick?' });
    expect(dialog.textContent).toContain(`/dev/sdb — Stick sdb, `);
    expect(dialog.textContent).toContain(`${OLD} → ${NEW}, config ${SHA.slice(0, 12)}… kept`);
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Update' }));
      await until(() => s().stickJob?.status === 'done');
    });
    expect(core.requests('sticks:refresh')).toEqual([{ driveIds: ['sdb'], verify: true, eject: false, confirmLarge: false }]);
    const done = screen.getByRole('alertdialog', { name: 'Update finished' });
    expect(within(done).getByRole('list', { name: 'Results' }).textContent).toBe(`/dev/sdb: ${OLD} → ${NEW}, config sha256 kept`);
    // the stick is read again after it was written
    await act(() => until(() => s().stickInfo.sdb?.status === 'current'));
    fireEvent.click(within(done).getByRole('button', { name: 'Close' }));
    expect(screen.getByText('/dev/sdb', { exact: false }).closest('tr')!.textContent).toContain('Up to date');
  });

  it('updates several selected sticks at once and restores a drive with a label', async () => {
    const core = new FakeCore();
    core.drives.push(drive('sdd', { size: 64 * 1024 ** 3, large: true }));
    core.handle('sticks:inspect', (r) => r.driveIds.map((id) => (id === 'sdd' ? { driveId: id, live: false } : liveStick(id))));
    core.handle('sticks:refresh', () => ({ jobId: 'r2' }));
    core.handle('sticks:restore', (r) =>
      r.driveIds.map((driveId) => ({
        driveId,
        device: `/dev/${driveId}`,
        ok: true,
        ending: 'verified' as const,
        filesystem: 'exfat' as const,
        label: r.label,
        partition: `/dev/${driveId}1`,
      })),
    );
    const store = createWizardStore(core.api);
    connectWizard(store, core.api);
    render(
      <WizardProvider store={store}>
        <App />
      </WizardProvider>,
    );
    const s = store.getState;
    await act(() => until(() => Object.keys(s().stickInfo).length === 3));
    act(() => s().goTo('target'));
    for (const id of ['sdb', 'sdc', 'sdd']) act(() => s().toggleDrive(id));
    const actions = screen.getByRole('group', { name: 'Stick actions' });
    fireEvent.click(within(actions).getByRole('button', { name: 'Update 2 sticks (keeps config)' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Update these 2 sticks?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();

    fireEvent.click(within(actions).getByRole('button', { name: 'Restore 3 sticks' }));
    const restore = screen.getByRole('alertdialog', { name: 'Restore these 3 drives to a normal drive?' });
    expect(restore.textContent).toContain('/dev/sdd — Stick sdd, ');
    expect(restore.textContent).toMatch(/\(large drive\): exFAT/);
    fireEvent.change(within(restore).getByRole('textbox', { name: 'Label' }), { target: { value: 'FIELDKIT' } });
    const go = within(restore).getByRole('button', { name: 'Erase and restore' }) as HTMLButtonElement;
    // a large drive needs its own tick, as in the flash confirmation
    expect(go.disabled).toBe(true);
    fireEvent.click(within(restore).getByRole('checkbox'));
    await act(async () => {
      fireEvent.click(go);
      await until(() => s().stickJob?.status === 'done');
    });
    expect(core.requests('sticks:restore')).toEqual([{ driveIds: ['sdb', 'sdc', 'sdd'], label: 'FIELDKIT', confirmLarge: true }]);
    expect(screen.getByRole('list', { name: 'Results' }).textContent).toContain('/dev/sdd: exFAT "FIELDKIT" on /dev/sdd1; ready to use');
  });

  it('the Image step says when a cached image’s stream has a newer release', async () => {
    const core = new FakeCore();
    core.handle('sticks:inspect', (r) => r.driveIds.map((id) => ({ driveId: id, live: false })));
    core.handle('image:cached', () => [
      image({ id: 'c1', origin: 'cache', name: 'fedora-coreos-41.20241201.3.0-live.x86_64.iso', release: '41.20241201.3.0' }),
      image({ id: 'c2', origin: 'cache', name: 'fedora-coreos-42.20250101.3.0-live.x86_64.iso' }),
    ]);
    const { s } = await mount(core);
    await act(() => until(() => s().cachedImages.length === 2));
    act(() => s().goTo('image'));
    fireEvent.click(screen.getByRole('radio', { name: 'Local ISO file' }));
    const items = within(screen.getByRole('list', { name: 'Already downloaded' })).getAllByRole('listitem');
    expect(items[0].textContent).toContain('stable has a newer release: 42.20250100.1.0');
    expect(items[1].textContent).not.toContain('newer release');
  });

  it('compares FCOS releases by major, date and build; developer builds are never older', () => {
    expect(olderRelease('38.20230718.3.0', '44.20260707.3.1')).toBe(true);
    expect(olderRelease('44.20260707.3.1', '44.20260707.3.1')).toBe(false);
    expect(olderRelease('44.20260707.3.2', '44.20260707.3.1')).toBe(false);
    expect(olderRelease('44.20260707.dev.0', '44.20260801.3.0')).toBe(false);
  });
});
