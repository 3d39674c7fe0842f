// @vitest-environment happy-dom
// The app words every catalogued error from its code and parameters (renderer/src/messages.ts), in
// its own terms; a refused drive says why at selection and cannot be ticked; an ended job leaves no
// phase "Waiting".
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../../renderer/src/components/App';
import { endingText, errorDetails, errorText } from '../../../renderer/src/messages';
import { connectWizard, createWizardStore, WizardProvider } from '../../../renderer/src/store';
import { drive, FakeCore, image, until } from './fake-core';

afterEach(() => cleanup());

describe('the app wording of errors (code + parameters)', () => {
  it('words catalogued codes from their parameters, never naming a CLI flag', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [
        'WRITE_TOO_SMALL',
        { device: '/dev/sdb', description: 'X', size: 67_108_864, needed: 209_715_200 },
        '/dev/sdb is too small: it holds 67.1 MB, the image needs 210 MB',
      ],
      ['WRITE_LOOP_NOT_ALLOWED', { device: '/dev/loop3' }, '/dev/loop3 is a loop device, not a stick'],
      [
        'KARG_MANAGED',
        { arg: 'ignition.config.url=x', key: 'ignition.config.url', option: 'ignitionUrl' },
        'Flint sets ignition.config.url itself: use the Ignition choice "By URL"',
      ],
      ['PXE_NO_ROOTFS_URL', {}, 'The root filesystem URL is unknown: type an http(s) base URL, or load the root filesystem as an initrd'],
      [
        'EJECT_FAILED',
        { device: '/dev/sdb', detail: 'busy' },
        '/dev/sdb could not be ejected (busy); eject it from the system before pulling it out',
      ],
      [
        'NETWORK_UNREACHABLE',
        { host: 'builds.coreos.fedoraproject.org', url: 'https://builds.coreos.fedoraproject.org/streams/stable.json' },
        'Cannot reach builds.coreos.fedoraproject.org: this computer has no network or cannot look up names; connect it, or use a site mirror',
      ],
      ['PROXY_UNREACHABLE', { proxy: 'http://p:3128', host: 'h' }, 'Cannot reach the proxy http://p:3128; check the proxy setting'],
      [
        'STREAM_NOT_FOUND',
        { stream: 'stabel', streams: ['stable', 'testing', 'next'], url: 'u', production: false, suggestion: 'stable' },
        'There is no stream "stabel"; the streams are stable, testing, next',
      ],
      ['IMAGE_CHANGED', { path: '/c/fcos.iso' }, '/c/fcos.iso changed on disk since it was verified; download it again'],
    ];
    for (const [code, params, text] of cases) {
      const t = errorText({ code, message: 'core words --allow-loop --rootfs-url', params });
      expect(t, code).toBe(text);
      expect(t).not.toMatch(/--/);
    }
  });

  it("falls back to the core's message for codes outside the catalogue or parameters it cannot read", () => {
    expect(errorText({ code: 'ISO_CUSTOMIZED', message: 'This ISO image is already customized' })).toBe(
      'This ISO image is already customized',
    );
    expect(errorText({ code: 'WRITE_TOO_SMALL', message: 'fallback', params: { device: 1 } as never })).toMatch(/too small|fallback/);
    expect(errorText({ code: 'WRITE_TOO_SMALL', message: 'no params' })).toBe('no params');
  });

  it("lists an invalid config's every error, and says how each stick ended", () => {
    const errors = [
      { code: 'SCHEMA_TYPE', path: '$.passwd.users[0].name', message: 'must be of type string' },
      { code: 'PATH_NOT_ABSOLUTE', path: '$.storage.files[0].path', message: 'must be absolute' },
    ];
    const e = { code: 'CONFIG_INVALID', message: 'x', params: { file: 'bad.ign', errors } };
    expect(errorText(e)).toBe('bad.ign has 2 errors; fix them before writing');
    expect(errorDetails(e)).toEqual(['$.passwd.users[0].name: must be of type string', '$.storage.files[0].path: must be absolute']);
    const base = { driveId: 'd', device: '/dev/sdb', model: 'M', serial: 'S', size: 1 };
    expect(endingText({ ...base, ok: false, ending: 'cancelled-before-write' })).toBe('The stick was not touched.');
    expect(
      endingText({
        ...base,
        ok: false,
        ending: 'failed',
        failedAt: 8388608,
        error: { code: 'WRITE_IO_ERROR', message: 'x', params: { device: '/dev/sdb', offset: 8388608, doing: 'writing' } },
      }),
    ).toBe(
      'Failed at byte 8,388,608: /dev/sdb reported an error while writing at byte 8,388,608; the stick may be failing, try another one',
    );
  });
});

/** The whole app over `core`, once its drive list has loaded. */
async function mount(core: FakeCore) {
  const store = createWizardStore(core.api);
  connectWizard(store, core.api);
  render(
    <WizardProvider store={store}>
      <App />
    </WizardProvider>,
  );
  await act(() => until(() => store.getState().drivesLoaded));
  return store;
}

describe('refusals at selection and honest phases', () => {
  it('a drive the core refuses says why, with sizes, and cannot be ticked', async () => {
    const core = new FakeCore();
    const refusal = {
      code: 'WRITE_TOO_SMALL',
      message: '/dev/sdx too small',
      params: { device: '/dev/sdx', description: 'Tiny', size: 500_000_000, needed: 800 * 1024 ** 2 },
    };
    core.drives = [drive('sdb'), drive('sdx', { description: 'Tiny', size: 500_000_000, refusal })];
    const store = await mount(core);
    act(() => {
      store.getState().adoptImage(image());
      store.getState().goTo('target');
    });
    await act(() => until(() => core.requests('drives:list').some((r) => r.imageId === 'img1')));
    const box = screen.getByRole('checkbox', { name: /^Write to \/dev\/sdx / }) as HTMLInputElement;
    expect(box.disabled).toBe(true);
    expect(screen.getByText('/dev/sdx is too small: it holds 500 MB, the image needs 839 MB')).toBeTruthy();
    act(() => store.getState().toggleDrive('sdx'));
    expect(store.getState().selectedIds).toEqual([]);
  });

  it('a job cancelled before writing leaves no phase waiting', async () => {
    const core = new FakeCore();
    const store = await mount(core);
    const s = store.getState;
    act(() => {
      s().setNoConfig(true);
      s().adoptImage(image());
      s().toggleDrive('sdb');
      s().goTo('flash');
      s().requestFlash();
    });
    await act(() => s().startFlash());
    const jobId = s().jobId!;
    act(() => core.emit('flash:progress', { jobId, phase: 'write', step: 'check', driveId: 'sdb', bytes: 0, total: 100 }));
    // the step within the phase is named while it runs
    expect(screen.getByLabelText('Progress').textContent).toContain('Checking it is still the drive you picked…');
    act(() => {
      core.emit('flash:finished', {
        jobId,
        ok: false,
        cancelled: true,
        results: [
          {
            driveId: 'sdb',
            device: '/dev/sdb',
            model: 'Stick sdb',
            serial: 'SN-sdb',
            size: 16e9,
            ok: false,
            ending: 'cancelled-before-write',
            error: { code: 'WRITE_CANCELLED', message: 'x', params: { device: '/dev/sdb', stage: 'before-write', wiped: false } },
          },
        ],
      });
    });
    const progress = screen.getByLabelText('Progress').textContent ?? '';
    expect(progress).toContain('Cancelled');
    expect(progress).toContain('Not reached');
    expect(progress).not.toContain('Waiting');
    expect(screen.getByLabelText('Results').textContent).toContain('Cancelled before writingThe stick was not touched.');
  });
});
