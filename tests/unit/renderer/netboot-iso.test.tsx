// @vitest-environment happy-dom
/**
 * Network boot from a local live ISO in the wizard (happy-dom, the in-memory FakeCore): the "Boot
 * files" choice, the ISO picker (the same image the USB mode uses), the options the core gets, and
 * the export card's wording and progress for a copy out of the ISO.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PxeOptions, PxePreview } from '../../../electron/contract/api';
import { App } from '../../../renderer/src/components/App';
import { connectWizard, createWizardStore, WizardProvider } from '../../../renderer/src/store';
import { FakeCore, image, until } from './fake-core';

afterEach(() => cleanup());

function preview(o: PxeOptions): PxePreview {
  return {
    files: [{ name: 'boot.ipxe', text: `#!ipxe\n# ${o.source ?? 'stream'} ${o.imageId ?? ''}\n` }],
    ramNeeded: 4 * 1024 ** 3,
    ramNote: 'needs at least 4 GiB of RAM',
    cmdline: 'initrd=main ignition.firstboot ignition.platform.id=metal',
    notes: [],
    artifacts: { kernel: 'fcos-vmlinuz', initramfs: 'fcos-initrd.img', rootfs: 'fcos-rootfs.img' },
  };
}

const LOCAL = image({
  id: 'img7',
  name: 'fcos.iso',
  path: '/srv/isos/fcos.iso',
  origin: 'local',
  signature: 'none',
  release: '41.20241027.3.0',
  stream: undefined,
});

async function mount() {
  const core = new FakeCore();
  core.handle('pxe:preview', (r) => {
    if (r.options.source === 'iso' && !r.options.imageId) {
      throw Object.assign(new Error('no iso'), { code: 'PXE_NO_ISO' });
    }
    return preview(r.options);
  });
  core.handle('image:open-path', () => LOCAL);
  core.handle('pxe:export', (r) => ({ ...preview(r.options), dir: r.path ?? '', release: '41.20241027.3.0', written: ['fcos-vmlinuz'] }));
  const store = createWizardStore(core.api);
  connectWizard(store, core.api);
  render(
    <WizardProvider store={store}>
      <App />
    </WizardProvider>,
  );
  await act(() => until(() => store.getState().drivesLoaded && store.getState().releases.length > 0));
  act(() => {
    store.getState().setMode('network');
    store.getState().goTo('netboot');
  });
  return { core, s: store.getState };
}

const settle = (ms = 260) => act(() => new Promise((d) => setTimeout(d, ms)));

describe('network boot from a local ISO', () => {
  it('picks the ISO in the Boot files choice and sends source iso with its id', async () => {
    const { core, s } = await mount();
    expect(screen.getByRole('radio', { name: 'Download a release' })).toHaveProperty('checked', true);
    fireEvent.click(screen.getByRole('radio', { name: 'From a live ISO' }));
    await settle();
    expect(screen.getByText('Choose the live ISO to take the boot files from.')).toBeTruthy();
    expect(core.requests('pxe:preview').at(-1)?.options).toMatchObject({ source: 'iso' });
    expect(core.requests('pxe:preview').at(-1)?.options.imageId).toBeUndefined();
    // browser mode: the typed path opens the ISO like the USB mode's Image step does
    fireEvent.change(screen.getByRole('textbox', { name: 'Path of a live ISO' }), { target: { value: '/srv/isos/fcos.iso' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Open' }));
      await until(() => s().image?.id === 'img7');
    });
    await settle();
    expect(core.requests('image:open-path').at(-1)).toEqual({ path: '/srv/isos/fcos.iso' });
    expect(screen.getByText(/Uses fcos\.iso \(Fedora CoreOS 41\.20241027\.3\.0\)/)).toBeTruthy();
    expect(core.requests('pxe:preview').at(-1)?.options).toMatchObject({ source: 'iso', imageId: 'img7' });
    expect(core.requests('pxe:preview').at(-1)?.options.release).toBeUndefined();
    // back to the download: no source, no image id
    fireEvent.click(screen.getByRole('radio', { name: 'Download a release' }));
    await settle();
    const o = core.requests('pxe:preview').at(-1)!.options;
    expect(o.source).toBeUndefined();
    expect(o.imageId).toBeUndefined();
  });

  it('the export card says the files are copied out of the ISO and shows the copy progress', async () => {
    const { core, s } = await mount();
    act(() => {
      s().adoptImage(LOCAL);
      s().setPxe({ pxeSource: 'iso' });
      s().goTo('output');
    });
    await settle();
    expect(screen.getByText(/Copies the kernel, initramfs and rootfs out of fcos\.iso/)).toBeTruthy();
    let release!: () => void;
    core.handle(
      'pxe:export',
      (r) =>
        new Promise((done) => {
          release = () => done({ ...preview(r.options), dir: r.path ?? '', release: '41.20241027.3.0', written: ['fcos-vmlinuz'] });
        }),
    );
    fireEvent.change(screen.getByRole('textbox', { name: /Folder/ }), { target: { value: '/srv/boot' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Export boot files' }));
      await until(() => s().pxeExportBusy);
    });
    act(() => core.emit('pxe:progress', { jobId: 'pxe-export', phase: 'write', bytes: 30, total: 120, percent: 25 }));
    expect(screen.getByText('Copying out of the ISO…')).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Copy' }).getAttribute('aria-valuenow')).toBe('25');
    await act(async () => {
      release();
      await until(() => !s().pxeExportBusy);
    });
    expect(core.requests('pxe:export').at(-1)).toMatchObject({ path: '/srv/boot', options: { source: 'iso', imageId: 'img7' } });
    expect(screen.getByText('Exported Fedora CoreOS 41.20241027.3.0 to /srv/boot')).toBeTruthy();
  });
});
