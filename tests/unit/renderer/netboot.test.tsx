// @vitest-environment happy-dom
/**
 * The "Network boot" mode of the wizard under happy-dom, against the in-memory core (FakeCore)
 * with pxe:* answers added here: the mode switch, options with the RAM beside each rootfs choice,
 * kargs refused by the core shown at the field, the generated files with Copy buttons, the folder
 * export with progress, and the boot mirror with its log.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PxeOptions, PxePreview } from '../../../electron/contract/api';
import { App } from '../../../renderer/src/components/App';
import { CodeFile } from '../../../renderer/src/components/CodeFile';
import { connectWizard, createWizardStore, WizardProvider } from '../../../renderer/src/store';
import { toPxeOptions } from '../../../renderer/src/store/netboot';
import { FakeCore, goodConfig, previewSettled, until } from './fake-core';

afterEach(() => cleanup());

/** The clipboard the page sees: copies are recorded, or refused when `refuse` is set. */
const clipboard = { copied: [] as string[], refuse: false };
Object.defineProperty(navigator, 'clipboard', {
  configurable: true,
  value: { writeText: async (t: string) => (clipboard.refuse ? Promise.reject(new Error('denied')) : void clipboard.copied.push(t)) },
});

/** What the fake core generates: enough of the real shape to drive the UI. */
function fakePreview(o: PxeOptions): PxePreview {
  const ram = o.rootfs === 'url' ? 2 : 4;
  const name = o.format === 'ipxe' ? 'boot.ipxe' : 'pxelinux.cfg/default';
  const text =
    o.format === 'ipxe'
      ? `#!ipxe\nset BASEURL ${o.baseUrl ?? ''}\nkernel k ${o.kargs}\nboot\n`
      : `DEFAULT pxeboot\nAPPEND ${o.kargs}\nIPAPPEND 2\n`;
  return {
    files: [{ name, text }],
    ramNeeded: ram * 1024 ** 3,
    ramNote: `needs at least ${ram} GiB of RAM`,
    cmdline: `initrd=main ignition.firstboot ignition.platform.id=metal ${o.kargs}`.trim(),
    notes: [],
    artifacts: { kernel: 'k', initramfs: 'i', rootfs: 'r' },
  };
}

function netCore(): FakeCore {
  const core = new FakeCore();
  core.handle('pxe:preview', (r) => {
    if (r.options.kargs.includes('#')) throw Object.assign(new Error('x'), {});
    return fakePreview(r.options);
  });
  core.handle('pxe:export', (r) => ({
    ...fakePreview(r.options),
    dir: r.path ?? '',
    release: '42.1',
    written: ['k', 'i', 'r', 'boot.ipxe'],
  }));
  core.handle('pxe:cancel', () => ({}));
  core.handle('pxe:serve-start', (r) => ({ url: `http://${r.bind}:${r.port}/`, bind: r.bind, port: r.port, dir: '/srv/fcos' }));
  core.handle('pxe:serve-stop', () => ({}));
  return core;
}

async function mount(core = netCore()) {
  const store = createWizardStore(core.api);
  connectWizard(store, core.api);
  render(
    <WizardProvider store={store}>
      <App />
    </WizardProvider>,
  );
  await act(() => until(() => store.getState().drivesLoaded && store.getState().releases.length > 0));
  return { core, store, s: store.getState };
}

describe('network boot mode', () => {
  it('the mode switch leads to Config → Network boot → Output, and back to the USB steps', async () => {
    const { s } = await mount();
    fireEvent.click(screen.getByRole('radio', { name: 'Network boot' }));
    expect(screen.getByRole('radio', { name: 'Network boot' }).getAttribute('aria-checked')).toBe('true');
    const rail = screen.getByRole('navigation', { name: 'Steps' });
    expect(
      within(rail)
        .getAllByRole('button')
        .map((b) => b.textContent?.replace(/^\d/, '')),
    ).toEqual(['Step 1: Config — Not chosen', 'Step 2: Network boot — iPXE, rootfs by URL', 'Step 3: Output — Not exported']);
    fireEvent.click(screen.getByRole('button', { name: /Next: Network boot/ }));
    expect(s().step).toBe('netboot');
    expect(screen.getByRole('heading', { name: 'Network boot options' })).toBeTruthy();
    fireEvent.click(screen.getByRole('radio', { name: 'USB stick' }));
    expect(s().step).toBe('config');
    expect(within(rail).getAllByRole('button')).toHaveLength(5);
  });

  it('options: RAM beside each rootfs choice, the RAM each needs, kargs refused at the field, every control named', async () => {
    const core = netCore();
    const { s } = await mount(core);
    act(() => {
      s().setMode('network');
      s().goTo('netboot');
    });
    expect(screen.getByRole('radio', { name: 'By URL, needs 2.0 GiB of RAM' })).toBeTruthy();
    expect(screen.getByRole('radio', { name: 'As an initrd, needs 4.0 GiB of RAM' })).toBeTruthy();
    await previewSettled(core);
    expect(screen.getByText(/^The machine needs at least 2.0 GiB of RAM \(the initramfs fetches/)).toBeTruthy();
    fireEvent.click(screen.getByRole('radio', { name: /As an initrd/ }));
    await previewSettled(core);
    expect(screen.getByText(/^The machine needs at least 4.0 GiB of RAM \(the rootfs is loaded as an initrd\)/)).toBeTruthy();
    expect(core.requests('pxe:preview').at(-1)?.options).toMatchObject({
      rootfs: 'initrd',
      format: 'ipxe',
      ignition: 'none',
      stream: 'stable',
      arch: 'x86_64',
    });

    core.failures['pxe:preview'] = {
      code: 'KARG_BOOTLOADER_CHAR',
      message: "kernel argument 'a#b' contains '#', which the boot loaders interpret",
      params: { arg: 'a#b', char: '#' },
    };
    const kargs = screen.getByRole('textbox', { name: /Extra kernel arguments/ });
    fireEvent.change(kargs, { target: { value: 'a#b' } });
    await previewSettled(core);
    expect(kargs.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toMatch(/"a#b" contains '#', which the boot loader would change/);
    delete core.failures['pxe:preview'];
    fireEvent.change(kargs, { target: { value: 'console=ttyS0' } });
    await previewSettled(core);
    expect(kargs.getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByText(/initrd=main ignition.firstboot ignition.platform.id=metal console=ttyS0/)).toBeTruthy();

    // the Ignition URL field appears for "By URL"; named controls throughout
    fireEvent.click(screen.getByRole('radio', { name: 'Ignition By URL' }));
    fireEvent.change(screen.getByRole('textbox', { name: /Ignition config URL/ }), { target: { value: 'http://10.0.0.2/site.ign' } });
    expect(toPxeOptions(s())).toMatchObject({ ignition: 'url', ignitionUrl: 'http://10.0.0.2/site.ign' });
    for (const role of ['button', 'radio', 'textbox', 'combobox'] as const) {
      const all = screen.queryAllByRole(role);
      expect(screen.queryAllByRole(role, { name: /\S/ }).length, role).toBe(all.length);
    }
  });

  it('a loaded config is embedded unless the URL choice is made', async () => {
    const { s } = await mount();
    await act(async () => {
      await s().loadConfigFile(goodConfig());
    });
    expect(toPxeOptions(s()).ignition).toBe('embedded');
    act(() => s().setPxe({ pxeIgnition: 'initrd' }));
    expect(toPxeOptions(s()).ignition).toBe('initrd');
  });

  it('output: the generated file in a read-only view with Copy, export with progress, the mirror with its log', async () => {
    const core = netCore();
    const { s } = await mount(core);
    const copied = clipboard.copied;
    clipboard.refuse = false;
    act(() => {
      s().setMode('network');
      s().setPxe({ pxeBaseUrl: 'http://10.0.0.2:8080/' });
      s().goTo('output');
    });
    await previewSettled(core);
    const view = screen.getByLabelText('boot.ipxe (read-only)');
    expect(view.tagName).toBe('PRE');
    expect(view.textContent).toContain('#!ipxe');
    expect(view.textContent).toContain('set BASEURL http://10.0.0.2:8080/');
    expect(screen.getByText(/^The machine needs at least 2.0 GiB of RAM \(the initramfs fetches/)).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Copy boot.ipxe' }));
      await until(() => copied.length > 0);
    });
    expect(copied[0]).toBe(view.textContent);
    expect(screen.getByText('Copied')).toBeTruthy();

    // the mirror needs an export first
    expect((screen.getByRole('button', { name: 'Start mirror' }) as HTMLButtonElement).disabled).toBe(true);
    let release!: () => void;
    core.handle(
      'pxe:export',
      (r) =>
        new Promise((done) => {
          release = () => done({ ...fakePreview(r.options), dir: r.path ?? '', release: '42.1', written: ['k', 'i', 'r', 'boot.ipxe'] });
        }),
    );
    const folder = screen.getByRole('textbox', { name: /Folder/ });
    fireEvent.change(folder, { target: { value: '/srv/fcos' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Export boot files' }));
      await until(() => s().pxeExportBusy);
    });
    act(() => core.emit('pxe:progress', { jobId: 'pxe-export', phase: 'download', bytes: 50, total: 100, percent: 50 }));
    expect(screen.getByRole('progressbar', { name: 'Download' }).getAttribute('aria-valuenow')).toBe('50');
    expect(screen.getByRole('button', { name: 'Cancel export' })).toBeTruthy();
    await act(async () => {
      release();
      await until(() => !s().pxeExportBusy);
    });
    expect(core.requests('pxe:export').at(-1)).toMatchObject({
      path: '/srv/fcos',
      options: { format: 'ipxe', baseUrl: 'http://10.0.0.2:8080/' },
    });
    expect(screen.getByText('Exported Fedora CoreOS 42.1 to /srv/fcos')).toBeTruthy();

    fireEvent.change(screen.getByRole('textbox', { name: 'Address' }), { target: { value: '0.0.0.0' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Port' }), { target: { value: '8080' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Start mirror' }));
      await until(() => !!s().pxeServer);
    });
    expect(core.requests('pxe:serve-start').at(-1)).toEqual({ bind: '0.0.0.0', port: 8080 });
    expect(screen.getByText('http://0.0.0.0:8080/')).toBeTruthy();
    act(() => core.emit('pxe:log', { line: '2026-01-01T00:00:00Z 10.0.0.9 GET "/boot.ipxe" 200 321' }));
    expect(screen.getByRole('log', { name: 'Boot mirror requests' }).textContent).toContain('GET "/boot.ipxe" 200 321');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Stop mirror' }));
      await until(() => !s().pxeServer);
    });
    expect(core.requests('pxe:serve-stop')).toHaveLength(1);

    // a bad port never reaches the core
    fireEvent.change(screen.getByRole('textbox', { name: 'Port' }), { target: { value: '99999' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start mirror' }));
    expect(screen.getByRole('alert').textContent).toMatch(/0 to 65535/);
    expect(core.requests('pxe:serve-start')).toHaveLength(1);
  });

  it('a refused clipboard selects the text and says how to copy it', async () => {
    clipboard.refuse = true;
    render(<CodeFile name="boot.ipxe" text={'#!ipxe\nboot\n'} />);
    fireEvent.click(screen.getByRole('button', { name: 'Copy boot.ipxe' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Selected: press Ctrl+C to copy'));
    expect(document.getSelection()?.toString()).toBe('#!ipxe\nboot\n');
  });
});
