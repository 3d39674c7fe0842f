// @vitest-environment happy-dom
/**
 * Network boot with the Config step's field settings, in the wizard under happy-dom: the settings
 * go out with pxe:preview and pxe:export, the output step says what is applied and where, and the
 * options step keeps its "type a base URL" problem to itself until the field was touched or an
 * export was asked for. pxe:preview is answered by the real main-process handler (a Session over
 * the default core; previews are pure), everything else by the in-memory FakeCore.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FlintApi, InvokeChannel, InvokeRequest, Outcome, InvokeResponse, PxePreview } from '../../../electron/contract/api';
import { App } from '../../../renderer/src/components/App';
import { connectWizard, createWizardStore, WizardProvider } from '../../../renderer/src/store';
import { FakeCore, until } from './fake-core';

// Main-process modules, loaded by paths tsc does not follow (this file is type-checked with the
// renderer's DOM-only config).
const MAIN = '../../../electron/app/';
type MainSession = { dispose(): void };
const { dispatch } = (await import(/* @vite-ignore */ `${MAIN}handlers`)) as {
  dispatch: (s: MainSession, ch: string, req: unknown) => Promise<Outcome<unknown>>;
};
const { Session } = (await import(/* @vite-ignore */ `${MAIN}session`)) as { Session: new (o: unknown) => MainSession };
const { createDefaultCore } = (await import(/* @vite-ignore */ `${MAIN}core-default`)) as {
  createDefaultCore: (o: unknown) => Record<string, unknown>;
};

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB1flintfieldkeytestAAAAAAAAAAAAAAAAAAAAAAAA tech@field';
const BASE_URL_PROBLEM = /type an http\(s\) base URL/;

const sessions: MainSession[] = [];
afterEach(() => {
  cleanup();
  for (const s of sessions.splice(0)) s.dispose();
});

/** The wizard over a FakeCore whose pxe:preview is the real handler; pxe:export answers from a real preview. */
async function mount() {
  const core = new FakeCore();
  const main = new Session({
    mode: 'browser',
    core: { ...createDefaultCore({ cacheDir: '/nonexistent/flint-test-cache' }), listDrives: async () => [], watchDrives: undefined },
    app: { name: 'Flint', version: '1' },
  });
  sessions.push(main);
  const previews: InvokeRequest<'pxe:preview'>[] = [];
  let answered = 0;
  const api: FlintApi = {
    ...core.api,
    invoke: async <C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<Outcome<InvokeResponse<C>>> => {
      if (channel !== 'pxe:preview') return core.api.invoke(channel, request);
      previews.push(request as InvokeRequest<'pxe:preview'>);
      try {
        return (await dispatch(main, channel, request)) as Outcome<InvokeResponse<C>>;
      } finally {
        answered++;
      }
    },
  };
  /** Waits for the preview the last change asks for: the wizard's 200 ms debounce, then the real handler's answer. */
  const settle = async () => {
    const before = answered;
    await act(() => until(() => answered > before));
  };
  core.handle('pxe:export', async (r) => {
    const p = await dispatch(main, 'pxe:preview', { options: r.options, ...(r.fieldSettings ? { fieldSettings: r.fieldSettings } : {}) });
    if (!p.ok) throw new Error(p.error.message);
    return { ...(p.value as PxePreview), dir: r.path ?? '', release: '44.1', written: ['boot.ipxe'] };
  });
  const store = createWizardStore(api);
  connectWizard(store, api);
  render(
    <WizardProvider store={store}>
      <App />
    </WizardProvider>,
  );
  await act(() => until(() => store.getState().drivesLoaded && store.getState().releases.length > 0));
  return { core, previews, s: store.getState, settle };
}

const applied = () => screen.queryByRole('status', { name: 'Field settings applied' });

describe('network boot with field settings', () => {
  it('sends the field settings with preview and export and shows them applied in the output step', async () => {
    const { core, previews, s, settle } = await mount();
    act(() => {
      s().setFieldSetting('sshKeys', KEY);
      s().setFieldSetting('hostname', ' pump-7 ');
      s().setFieldSetting('address', '10.1.2.3/24');
      s().setFieldSetting('gateway', '10.1.2.1');
      s().setMode('network');
      s().setPxe({ pxeBaseUrl: 'http://10.0.0.2:8080/' });
      s().goTo('output');
    });
    await settle();
    // no Ignition file, but the settings keep the Embedded choice (they are a config of their own)
    expect(previews.at(-1)).toMatchObject({
      options: { ignition: 'embedded' },
      fieldSettings: { sshKeys: KEY, hostname: 'pump-7', address: '10.1.2.3/24', gateway: '10.1.2.1', dns: '', timezone: '' },
    });
    expect(previews.at(-1)).not.toHaveProperty('configId');
    const box = applied();
    expect(box).toBeTruthy();
    expect(box?.textContent).toContain('host name pump-7');
    expect(box?.textContent).toContain('1 SSH key for user core');
    expect(box?.textContent).toMatch(/embedded in fedora-coreos-.*custom\.img, the static IP as a network keyfile/);
    expect(screen.getByText(/and the customized initramfs/)).toBeTruthy();

    // as a separate initrd the keyfile travels in network.img, which the boot script loads
    act(() => s().setPxe({ pxeIgnition: 'initrd' }));
    await settle();
    expect(applied()?.textContent).toContain('network.img');
    expect(screen.getByLabelText('boot.ipxe (read-only)').textContent).toContain('initrd --name extra1 ${BASEURL}/network.img');

    fireEvent.change(screen.getByRole('textbox', { name: /Folder/ }), { target: { value: '/srv/fcos' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Export boot files' }));
      await until(() => !!s().pxeExported);
    });
    expect(core.requests('pxe:export').at(-1)).toMatchObject({
      path: '/srv/fcos',
      options: { ignition: 'initrd' },
      fieldSettings: { hostname: 'pump-7' },
    });
    expect(applied()?.textContent).toContain('host name pump-7');
  });

  it('an empty form sends no field settings and shows nothing applied; bad settings are reported', async () => {
    const { previews, s, settle } = await mount();
    act(() => {
      s().setMode('network');
      s().setPxe({ pxeBaseUrl: 'http://10.0.0.2:8080/' });
      s().goTo('output');
    });
    await settle();
    expect(previews.at(-1)).not.toHaveProperty('fieldSettings');
    expect(previews.at(-1)?.options.ignition).toBe('none');
    expect(applied()).toBeNull();

    act(() => s().setFieldSetting('hostname', 'bad_host'));
    await settle();
    expect(s().pxePreviewError?.code).toBe('FIELD_SETTINGS_INVALID');
    expect(screen.getByRole('alert').textContent).toMatch(/field settings have problems/);
  });

  it('the missing base URL is not reported on the first visit, only once the field was touched', async () => {
    const { s, settle } = await mount();
    act(() => {
      s().setMode('network');
      s().goTo('netboot');
    });
    await settle();
    // the check still runs (the export stays blocked), it is just not shouted at first sight
    expect(s().pxePreviewError?.code).toBe('PXE_NO_ROOTFS_URL');
    expect(screen.queryByText(BASE_URL_PROBLEM)).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();

    const field = screen.getByRole('textbox', { name: /Base URL/ });
    fireEvent.focus(field);
    fireEvent.blur(field);
    expect(screen.getByRole('alert').textContent).toMatch(BASE_URL_PROBLEM);

    fireEvent.change(field, { target: { value: 'http://10.0.0.2:8080/' } });
    await settle();
    expect(screen.queryByText(BASE_URL_PROBLEM)).toBeNull();
    expect(s().pxePreviewError).toBeUndefined();
  });

  it('an export attempt also counts as touching the base URL', async () => {
    const { core, s, settle } = await mount();
    core.failures['pxe:export'] = {
      code: 'PXE_NO_ROOTFS_URL',
      message: 'the rootfs URL is unknown',
      causes: ['type an http(s) base URL, or load the root filesystem as an initrd'],
    };
    act(() => {
      s().setMode('network');
      s().goTo('netboot');
    });
    await settle();
    expect(screen.queryByText(BASE_URL_PROBLEM)).toBeNull();
    act(() => s().setPxeExportPath('/srv/fcos'));
    await act(() => s().exportPxe());
    expect(s().pxeBaseUrlTouched).toBe(true);
    expect(screen.getByRole('alert').textContent).toMatch(BASE_URL_PROBLEM);
  });
});
