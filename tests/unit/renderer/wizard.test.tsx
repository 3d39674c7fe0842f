// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../../renderer/src/components/App';
import { ErrorBoundary } from '../../../renderer/src/components/ErrorBoundary';
import { connectWizard, createWizardStore, WizardProvider } from '../../../renderer/src/store';
import { badConfig, drive, FakeCore, goodConfig, image, until } from './fake-core';

afterEach(() => {
  cleanup();
  delete document.documentElement.dataset.theme;
  localStorage.clear();
});

async function mount(core = new FakeCore()) {
  const store = createWizardStore(core.api);
  connectWizard(store, core.api);
  const view = render(
    <WizardProvider store={store}>
      <App />
    </WizardProvider>,
  );
  await act(() => until(() => store.getState().drivesLoaded && store.getState().releases.length > 0));
  return { core, store, view, s: store.getState };
}

function dropOn(el: Element, file: File) {
  fireEvent.drop(el, { dataTransfer: { files: [file], types: ['Files'] } });
}

/** Every control in the document has a non-empty accessible name (same count with and without a name). */
function expectAllNamed() {
  const roles = ['button', 'checkbox', 'radio', 'textbox', 'combobox', 'progressbar'] as const;
  let total = 0;
  for (const role of roles) {
    const all = screen.queryAllByRole(role);
    const named = screen.queryAllByRole(role, { name: /\S/ });
    expect(named.length, `${role}s without a name: ${all.filter((e) => !named.includes(e)).map((e) => e.outerHTML.slice(0, 100))}`).toBe(
      all.length,
    );
    total += all.length;
  }
  expect(total).toBeGreaterThan(3);
}

describe('wizard components', () => {
  it('shows the step rail, the mode switch with network boot, and names every control', async () => {
    await mount();
    const rail = screen.getByRole('navigation', { name: 'Steps' });
    const steps = within(rail).getAllByRole('button');
    expect(steps.map((b) => b.textContent)).toEqual([
      // the number, then the name screen readers get (number and state spelled out for them)
      '1Step 1: Config — Not chosen',
      '2Step 2: Image — Not chosen',
      '3Step 3: Options — Defaults',
      '4Step 4: Target — None picked',
      '5Step 5: Flash — Not ready',
    ]);
    expect(steps[0].getAttribute('aria-current')).toBe('step');
    const modes = within(screen.getByRole('radiogroup', { name: 'What to make' })).getAllByRole('radio');
    expect(modes.map((m) => [m.textContent, m.getAttribute('aria-checked'), (m as HTMLButtonElement).disabled])).toEqual([
      ['USB stick', 'true', false],
      ['Network boot', 'false', false],
    ]);
    expectAllNamed();
  });

  it('config step: a dropped config shows validity, warnings with JSON paths, size and the read-only text', async () => {
    const { s } = await mount();
    const zone = screen.getByRole('button', { name: /Drop an Ignition or Butane config here/ });
    const text = JSON.stringify({ ignition: { version: '3.4.0' }, storage: { disks: [{ device: '/dev/sda' }] } });
    await act(async () => {
      dropOn(zone, new File([text], 'disks.ign'));
      await until(() => !!s().config);
    });
    expect(screen.getByText(/Valid · Ignition 3.4.0/)).toBeTruthy();
    expect(screen.getByText('1 live-boot warning')).toBeTruthy();
    expect(screen.getByText('$.storage.disks').tagName).toBe('CODE');
    expect(screen.getByText(/compressed; choose an image/)).toBeTruthy();
    expect(screen.getByLabelText('Config (read-only)').textContent).toBe(text);
    expectAllNamed();
  });

  it('config step: a bad config shows its error with the path, and the rail marks the step', async () => {
    const { s } = await mount();
    await act(async () => {
      dropOn(screen.getByRole('button', { name: /Drop an Ignition/ }), badConfig());
      await until(() => !!s().config);
    });
    const alert = screen.getAllByRole('alert')[0];
    expect(alert.textContent).toMatch(/1 error: this config cannot be used/);
    expect(alert.textContent).toMatch(/not valid JSON/);
    expect(screen.getByRole('button', { name: /Step 1: Config — broken.ign \(needs attention\)/ })).toBeTruthy();
  });

  it('config step: "continue without a config" warns', async () => {
    await mount();
    fireEvent.click(screen.getByRole('checkbox', { name: /Continue without a config/ }));
    expect(screen.getByRole('status').textContent).toMatch(/boots an unconfigured live system/);
  });

  it('image step: streams with release and date, download progress, then the image facts', async () => {
    const { s, core } = await mount();
    let release!: () => void;
    core.handle('image:download', () => new Promise((r) => (release = () => r(image({ stream: 'testing', release: '42.20250101.2.0' })))));
    fireEvent.click(screen.getByRole('button', { name: /Next: Image/ }));
    expect(document.activeElement?.textContent).toBe('Choose an image');
    const testing = screen.getByRole('radio', { name: 'testing 42.20250101.2.0' });
    expect(testing.closest('label')!.textContent).toMatch(/Jan 2, 2025/);
    fireEvent.click(testing);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Download and verify' }));
      await until(() => s().imageBusy && !!release);
      core.emit('image:progress', {
        jobId: 'j',
        phase: 'download',
        bytes: 400 * 1024 ** 2,
        total: 800 * 1024 ** 2,
        speed: 20 * 1024 ** 2,
        eta: 20,
      });
    });
    const bar = screen.getByRole('progressbar', { name: 'Download' });
    expect(bar.getAttribute('aria-valuenow')).toBe('50');
    expect(bar.parentElement!.textContent).toMatch(/20\.0 MiB\/s · 20 s left/);
    await act(async () => {
      release();
      await until(() => !!s().image);
    });
    const card = screen.getByLabelText('Selected image');
    expect(card.textContent).toMatch(/Signature verified/);
    expect(card.textContent).toMatch(/256 KiB for the config/);
  });

  it('options step: run from RAM shows the memory needed from the image; bad kargs are flagged', async () => {
    const { s } = await mount();
    act(() => s().adoptImage(image()));
    act(() => s().goTo('options'));
    fireEvent.click(screen.getByRole('checkbox', { name: /Run from RAM/ }));
    expect(screen.getByRole('status').textContent).toMatch(/at least 2\.8 GiB of RAM/);
    const input = screen.getByRole('textbox', { name: /Extra kernel arguments/ });
    fireEvent.change(input, { target: { value: 'coreos.liveiso=foo' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Check' }));
      await until(() => !!s().kargsCheck);
    });
    expect(screen.getByRole('alert').textContent).toMatch(/coreos.liveiso=foo is set by the image/);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expectAllNamed();
  });

  it('target step: system drives hidden and never selectable, large-drive warning, several sticks', async () => {
    const core = new FakeCore();
    core.drives = [drive('sdb'), drive('sdx', { size: 256e9, large: true, description: 'WD Elements' })];
    const { s } = await mount(core);
    act(() => s().goTo('target'));
    expect(screen.getByRole('status').textContent).toMatch(/2 drives available, 0 selected · 1 internal or system disk hidden/);
    expect(screen.queryByText(/Samsung SSD/)).toBeNull();
    await act(async () => {
      fireEvent.click(screen.getByRole('checkbox', { name: 'Show internal and system disks' }));
      await until(() => s().drives.length === 3);
    });
    const sys = screen.getByRole('checkbox', { name: /Write to \/dev\/nvme0n1/ }) as HTMLInputElement;
    expect(sys.disabled).toBe(true);
    fireEvent.click(screen.getByRole('checkbox', { name: /Write to \/dev\/sdb/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: /Write to \/dev\/sdx/ }));
    expect(s().selectedIds).toEqual(['sdb', 'sdx']);
    expect(document.body.textContent).toMatch(/\/dev\/sdx \(256\.0 GB\) is larger than a USB stick usually is/);
    act(() => core.emit('drives:changed', { drives: [drive('sdb')], hiddenSystemCount: 1 }));
    expect(s().selectedIds).toEqual(['sdb']);
  });

  it('confirmation: an internal disk needs its name typed before "Erase and write" is enabled', async () => {
    const core = new FakeCore();
    core.drives = [
      drive('sdy', {
        bus: 'sata',
        removable: false,
        internal: true,
        description: 'WDC WD20EZRZ',
        confirmName: 'WDC WD20EZRZ',
        refusal: { code: 'WRITE_INTERNAL_UNCONFIRMED', message: 'internal disk' },
      }),
    ];
    const { s } = await mount(core);
    await act(async () => {
      s().setNoConfig(true);
      s().adoptImage(image());
      s().toggleDrive('sdy');
      s().goTo('flash');
    });
    fireEvent.click(screen.getByRole('button', { name: 'Flash' }));
    const dialog = screen.getByRole('alertdialog');
    const go = screen.getByRole('button', { name: 'Erase and write' }) as HTMLButtonElement;
    expect(go.disabled).toBe(true);
    const input = screen.getByRole('textbox', { name: /internal disk, not a USB stick.*Type its name WDC WD20EZRZ/ });
    fireEvent.change(input, { target: { value: 'WDC' } });
    expect(go.disabled).toBe(true);
    fireEvent.change(input, { target: { value: 'WDC WD20EZRZ' } });
    expect(go.disabled).toBe(false);
    expect(dialog.textContent).toMatch(/\/dev\/sdy/);
    await act(async () => {
      fireEvent.click(go);
      await until(() => core.requests('flash:start').length === 1);
    });
    expect(core.lastFlash()?.confirmedNames).toEqual({ sdy: 'WDC WD20EZRZ' });
  });

  it('flash step: confirmation names the drives, Escape cancels, progress and per-stick results with SHA-256', async () => {
    const { s, core } = await mount();
    await act(async () => {
      await s().loadConfigFile(goodConfig());
      s().adoptImage(image());
      s().toggleDrive('sdb');
      s().toggleDrive('sdc');
      s().goTo('flash');
    });
    screen.getByRole('button', { name: 'Flash 2 sticks' }).focus();
    fireEvent.click(screen.getByRole('button', { name: 'Flash 2 sticks' }));
    let dialog = screen.getByRole('alertdialog');
    expect(dialog.textContent).toMatch(/Erase these 2 drives\?/);
    expect(dialog.textContent).toMatch(/\/dev\/sdb — Stick sdb, 16\.0 GB/);
    expect(dialog.textContent).toMatch(/\/dev\/sdc — Kingston DataTraveler/);
    expect(document.activeElement?.textContent).toBe('Cancel');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement?.textContent).toBe('Flash 2 sticks');
    fireEvent.click(screen.getByRole('button', { name: 'Flash 2 sticks' }));
    dialog = screen.getByRole('alertdialog');
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Erase and write' }));
      await until(() => s().flashStatus === 'running');
    });
    const jobId = s().jobId!;
    act(() => {
      core.emit('flash:progress', { jobId, phase: 'write', driveId: 'sdb', bytes: 300, total: 1000, speed: 1e6, eta: 3 });
      core.emit('flash:progress', { jobId, phase: 'write', driveId: 'sdc', bytes: 600, total: 1000, speed: 1e6, eta: 1 });
    });
    expect(screen.getByRole('progressbar', { name: 'Write /dev/sdb' }).getAttribute('aria-valuenow')).toBe('30');
    expect(screen.getByRole('progressbar', { name: 'Write /dev/sdc' }).getAttribute('aria-valuenow')).toBe('60');
    // a stick pulled out mid-write leaves the drive list, but the job still shows it
    act(() => core.emit('drives:changed', { drives: [drive('sdb')], hiddenSystemCount: 1 }));
    expect(s().selectedIds).toEqual(['sdb']);
    expect(screen.getByRole('progressbar', { name: 'Write /dev/sdc' })).toBeTruthy();
    expect(screen.getByText('Writing 2 sticks…')).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
      await until(() => core.requests('flash:cancel').length === 1);
    });
    expect(core.requests('flash:cancel')[0]).toEqual({ jobId });
    const sha = 'ef'.repeat(32);
    act(() =>
      core.emit('flash:finished', {
        jobId,
        ok: false,
        cancelled: false,
        results: [
          {
            driveId: 'sdb',
            device: '/dev/sdb',
            model: 'Stick sdb',
            serial: 'SN-sdb',
            size: 16e9,
            ok: true,
            ending: 'verified',
            configSha256: sha,
            expectedSha256: sha,
            ejected: true,
          },
          {
            driveId: 'sdc',
            device: '/dev/sdc',
            model: 'Kingston DataTraveler',
            serial: 'SN-sdc',
            size: 16e9,
            ok: false,
            ending: 'failed',
            failedAt: 629145600,
            wiped: true,
            error: {
              code: 'WRITE_DEVICE_VANISHED',
              message: '/dev/sdc disappeared while writing at byte 629145600; was it unplugged?',
              causes: ['No such device'],
              params: { device: '/dev/sdc', offset: 629145600, doing: 'writing' },
            },
          },
        ],
      }),
    );
    expect(screen.getByText('Finished with errors')).toBeTruthy();
    // the stick that made it shows a full meter; the failed one where it stopped
    expect(screen.getByRole('progressbar', { name: 'Write /dev/sdb' }).getAttribute('aria-valuenow')).toBe('100');
    expect(screen.getByRole('progressbar', { name: 'Write /dev/sdc' }).getAttribute('aria-valuenow')).toBe('60');
    const results = screen.getByLabelText('Results');
    expect(results.textContent).toMatch(new RegExp(`Config read back: sha256 ${sha} \\(matches\\)`));
    expect(results.textContent).toMatch(/Ejected — safe to remove/);
    expect(within(results).getByRole('alert').textContent).toBe(
      'Failed at byte 629,145,600: /dev/sdc is gone at byte 629,145,600; was it unplugged? (its first MiB was wiped)',
    );
    expect(results.querySelector('[data-device="/dev/sdc"] .badge')?.textContent).toBe('Failed');
    expectAllNamed();
  });

  it('save customized ISO: the browser asks for a path and shows where it went', async () => {
    const { s, core } = await mount();
    act(() => {
      s().setNoConfig(true);
      s().adoptImage(image());
      s().goTo('flash');
    });
    fireEvent.change(screen.getByRole('textbox', { name: /Save as/ }), { target: { value: '/srv/bmc/fcos.iso' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save customized ISO…' }));
      await until(() => !!s().saved);
    });
    expect(core.requests('iso:save')[0]).toEqual({
      imageId: 'img1',
      options: { fromRam: false, extraKargs: '', networkIds: [], caIds: [] },
      path: '/srv/bmc/fcos.iso',
    });
    expect(screen.getByText('/srv/bmc/fcos.iso')).toBeTruthy();
  });

  it('theme toggle cycles system → light → dark and is remembered', async () => {
    await mount();
    const btn = screen.getByRole('button', { name: /Theme: system/ });
    fireEvent.click(btn);
    expect(document.documentElement.dataset.theme).toBe('light');
    fireEvent.click(screen.getByRole('button', { name: /Theme: light/ }));
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem('flint-theme')).toBe('dark');
    fireEvent.click(screen.getByRole('button', { name: /Theme: dark/ }));
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it('error boundary: a crashing view shows a message instead of a blank window', () => {
    function Boom(): never {
      throw new Error('bad data from somewhere');
    }
    const orig = console.error;
    console.error = () => {};
    try {
      render(
        <ErrorBoundary>
          <Boom />
        </ErrorBoundary>,
      );
    } finally {
      console.error = orig;
    }
    expect(screen.getByRole('alert').textContent).toMatch(/Something went wrong.*bad data from somewhere/);
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('core errors that belong to no step appear as dismissable notices', async () => {
    const { core } = await mount();
    act(() => core.emit('app:open-failed', { code: 'OPEN_UNKNOWN_KIND', message: 'notes.txt is neither a config nor an ISO' }));
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toMatch(/notes.txt is neither a config nor an ISO/);
    fireEvent.click(within(alert).getByRole('button', { name: 'Dismiss this message' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('works by keyboard alone: Tab reaches the drop zone, Enter opens the file input; steps follow focus', async () => {
    await mount();
    const zone = screen.getByRole('button', { name: /Drop an Ignition/ });
    zone.focus();
    expect(document.activeElement).toBe(zone);
    const input = document.querySelector('input[type=file]') as HTMLInputElement;
    let opened = 0;
    input.addEventListener('click', () => opened++);
    fireEvent.click(zone); // what Enter/Space do on a <button>
    expect(opened).toBe(1);
    const next = screen.getByRole('button', { name: /Next: Image/ });
    next.focus();
    fireEvent.click(next);
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Choose an image' }));
  });

  it('Electron mode: browse buttons use the native dialogs instead of file inputs', async () => {
    const core = new FakeCore('electron');
    core.handle('file:open-dialog', (r) => ({
      id: 'd1',
      kind: r.kind,
      name: 'picked.ign',
      size: 30,
      text: '{"ignition":{"version":"3.4.0"}}',
      source: 'dialog',
      report: { ok: true, version: '3.4.0', errors: [], warnings: [] },
    }));
    const { s } = await mount(core);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: /Drop an Ignition/ }));
      await until(() => !!s().config);
    });
    expect(core.requests('file:open-dialog')).toEqual([{ kind: 'config' }]);
    expect(screen.getByRole('button', { name: 'Step 1: Config — picked.ign (done)' })).toBeTruthy();
  });

  it('image step: ISOs downloaded before are offered with their verified state and used in one click', async () => {
    const core = new FakeCore();
    core.handle('image:cached', () => [
      image({ id: 'c1', origin: 'cache', name: 'fedora-coreos-41-live.x86_64.iso', path: '/cache/41.iso' }),
    ]);
    const { s } = await mount(core);
    act(() => s().goTo('image'));
    fireEvent.click(screen.getByRole('radio', { name: 'Local ISO file' }));
    const list = screen.getByRole('list', { name: 'Already downloaded' });
    expect(list.textContent).toMatch(/fedora-coreos-41-live\.x86_64\.iso800 MiBVerified/);
    fireEvent.click(within(list).getByRole('button', { name: 'Use fedora-coreos-41-live.x86_64.iso' }));
    expect(s().image?.id).toBe('c1');
    expect(screen.getByLabelText('Selected image').textContent).toMatch(/From the cache/);
  });
});
