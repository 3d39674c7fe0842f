// @vitest-environment happy-dom
// The site slice and the small pieces of the rough edges: remembered sticks come back only when the
// same stick (model, serial, size) is listed; a saved setting's eject choice reaches the Flash step;
// a meter's bar and text agree on a tiny share.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DriveInfo, Restored } from '../../../electron/contract/api';
import { Meter } from '../../../renderer/src/components/Meter';
import { createWizardStore } from '../../../renderer/src/store';
import { sameStick } from '../../../renderer/src/store/site';
import { FakeCore, goodConfig } from './fake-core';

afterEach(() => cleanup());

const drive = (id: string, serial: string, size = 8e9): DriveInfo => ({
  id,
  device: `/dev/${id}`,
  size,
  description: 'SanDisk Ultra',
  model: 'SanDisk Ultra',
  serial,
  bus: 'usb',
  removable: true,
  readOnly: false,
  system: false,
  internal: false,
  mountpoints: [],
  large: false,
});

describe('site slice', () => {
  it('keeps what the user picked while the remembered choices were on their way, and restores the rest', async () => {
    const core = new FakeCore();
    let answer: () => void = () => undefined;
    const remembered: Restored = {
      mode: 'network',
      fromRam: true,
      extraKargs: '',
      verify: false,
      targets: [],
      config: { id: 'mem1', kind: 'config', name: 'old.ign', size: 2, text: '{}', source: 'dialog' },
      recentConfigs: [],
      recentImages: [],
      missing: [],
    };
    core.handle('memory:restore', () => new Promise((resolve) => (answer = () => resolve(remembered))));
    const store = createWizardStore(core.api);
    const s = store.getState;
    const restoring = s().restoreMemory();
    // the user picks USB sticks (already the mode) and drops a config before the memory answers
    s().setMode('usb');
    await s().loadConfigFile(goodConfig('mine.ign'));
    answer();
    await restoring;
    expect(s().memoryRestored).toBe(true);
    expect([s().mode, s().config?.name]).toEqual(['usb', 'mine.ign']);
    expect(core.requests('file:forget')).toContainEqual({ id: 'mem1' });
    // what the user did not touch comes back
    expect([s().fromRam, s().verify]).toEqual([true, false]);

    // untouched, the remembered mode and config come back
    const quiet = new FakeCore();
    quiet.handle('memory:restore', () => remembered);
    const other = createWizardStore(quiet.api).getState;
    await other().restoreMemory();
    expect([other().mode, other().config?.name]).toEqual(['network', 'old.ign']);
  });

  it('selects a remembered stick only when the same one is plugged in', () => {
    const store = createWizardStore(new FakeCore().api);
    const s = store.getState;
    store.setState({ pendingTargets: [{ model: 'SanDisk Ultra', serial: 'AA11', size: 8e9 }] });
    s().applyDriveList({ drives: [drive('sdb', 'BB22'), drive('sdc', 'AA11', 16e9)], hiddenSystemCount: 0 });
    s().applyPendingTargets();
    expect(s().selectedIds).toEqual([]);
    s().applyDriveList({ drives: [drive('sdb', 'BB22'), drive('sdd', 'AA11')], hiddenSystemCount: 0 });
    s().applyPendingTargets();
    expect(s().selectedIds).toEqual(['sdd']);
    expect(s().pendingTargets).toEqual([]);
    // a drive without a serial number cannot prove it is the same stick
    expect(sameStick({ model: '', serial: '', size: 1 }, { model: '', serial: '', size: 1 })).toBe(false);
  });

  it('takes "eject when done" from the saved settings', async () => {
    const core = new FakeCore();
    const settings = {
      baseUrl: '',
      keys: [],
      cacheDir: '',
      proxyMode: 'environment' as const,
      proxyUrl: '',
      ejectWhenDone: false,
      allowLoop: false,
    };
    const view = { settings, fixed: [], defaults: { baseUrl: 'https://x', cacheDir: '/c', environmentProxy: null }, file: null };
    core.handle('settings:set', (r) => ({ ...view, settings: r.settings }));
    const store = createWizardStore(core.api);
    store.setState({ eject: true, settingsView: view });
    await act(async () => {
      await store.getState().saveSettings({ ...settings, ejectWhenDone: false });
    });
    expect(store.getState().eject).toBe(false);
    expect(core.requests('settings:set')[0]).toEqual({ settings: { ...settings, ejectWhenDone: false } });
  });
});

describe('rough edges', () => {
  it('a meter never shows a moving bar beside "0%"', () => {
    render(<Meter label="Write" bytes={1000} total={1e9} />);
    expect(screen.getByRole('progressbar').getAttribute('aria-valuetext')).toBe('<1%');
    expect(screen.getByText(/<1%/)).toBeTruthy();
  });
});
