// @vitest-environment happy-dom
// The Config step's field settings form: every field is named, each field is checked on blur by the
// main-process check (the real checkFieldSettings behind the fake core's channel), problems show next
// to their field, and the filled-in form goes out with saving and flashing.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FieldSettingsCheck, FieldSettingsInput } from '../../../electron/contract/api';
import { ConfigStep } from '../../../renderer/src/components/ConfigStep';
import { createWizardStore, WizardProvider } from '../../../renderer/src/store';
import { fieldProblems, optionProblems, toCustomizeOptions } from '../../../renderer/src/store/options';
import { flashBlockers } from '../../../renderer/src/store/flash';
import { applyLanguage, tr } from '../../../renderer/src/i18n';
import { FakeCore, image, until } from './fake-core';

// The main-process check, loaded by a path tsc does not follow (this file is type-checked with the
// renderer's DOM-only config, and the check uses Node's net module).
const MAIN_CHECK = '../../../electron/app/field-settings';
const { checkFieldSettings } = (await import(/* @vite-ignore */ MAIN_CHECK)) as {
  checkFieldSettings: (s: FieldSettingsInput, features?: Record<string, boolean>) => FieldSettingsCheck;
};

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB1flintfieldkeytestAAAAAAAAAAAAAAAAAAAAAAAA tech@field';

afterEach(() => cleanup());

function mount() {
  const core = new FakeCore();
  core.handle('options:check-field-settings', (r) =>
    checkFieldSettings(r.settings, r.imageId ? { liveInitrdNetwork: r.imageId !== 'old' } : undefined),
  );
  const store = createWizardStore(core.api);
  render(
    <WizardProvider store={store}>
      <ConfigStep />
    </WizardProvider>,
  );
  return { core, s: store.getState };
}

const box = (name: RegExp) => screen.getByRole('textbox', { name }) as HTMLInputElement;
const zone = () => screen.getByRole('combobox', { name: /Time zone/ }) as HTMLInputElement;

async function type(el: HTMLElement, value: string, s: () => { fieldCheck?: unknown }) {
  await act(async () => {
    fireEvent.change(el, { target: { value } });
    fireEvent.blur(el);
    await until(() => s().fieldCheck !== undefined);
  });
}

describe('field settings form', () => {
  it('names every field in a group of its own', () => {
    mount();
    expect(screen.getByRole('group', { name: /Field settings/ })).toBeTruthy();
    for (const name of [/SSH public key/, /Host name/, /Static IP address/, /Gateway/, /DNS servers/]) expect(box(name)).toBeTruthy();
    expect(zone().getAttribute('list')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("shows the core's problem next to the field, marks it invalid and blocks writing until fixed", async () => {
    const { core, s } = mount();
    await type(box(/Host name/), 'bad_host', s);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toMatch(/"bad_host" is not a valid host name/);
    expect(box(/Host name/).getAttribute('aria-invalid')).toBe('true');
    expect(box(/Host name/).getAttribute('aria-describedby')).toBe(alert.id);
    // the problem belongs to the Config step (where the form is), and it blocks writing
    expect(fieldProblems(s()).map((k) => tr(k))).toContain('The field settings in the Config step have problems');
    expect(optionProblems(s())).toEqual([]);
    expect(flashBlockers(s()).map((k) => tr(k))).toContain('The field settings in the Config step have problems');
    expect(core.requests('options:check-field-settings')[0]).toEqual({
      settings: { sshKeys: '', hostname: 'bad_host', address: '', gateway: '', dns: '', timezone: '' },
    });

    await type(box(/Host name/), 'pump-7', s);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(box(/Host name/).getAttribute('aria-invalid')).toBeNull();
    expect(fieldProblems(s())).toEqual([]);
  });

  it('a gateway on its own is a static IP problem; an old image refuses a static IP', async () => {
    const { s } = mount();
    await type(box(/Gateway/), '10.0.0.1', s);
    expect(screen.getByRole('alert').textContent).toMatch(/needs the static address/);
    expect(box(/Static IP address/).getAttribute('aria-invalid')).toBe('true');
    act(() => s().adoptImage(image({ id: 'old' })));
    await type(box(/Static IP address/), '10.0.0.5/24', s);
    expect(screen.getByRole('alert').textContent).toMatch(/live-initrd-network/);
  });

  it('a good form says what will be applied and goes out with saving and flashing', async () => {
    const { core, s } = mount();
    act(() => s().adoptImage(image()));
    await type(box(/SSH public key/), `${KEY}\n`, s);
    await type(box(/Host name/), ' pump-7 ', s);
    await type(box(/Static IP address/), '192.168.1.20/24', s);
    await type(box(/Gateway/), '192.168.1.1', s);
    await type(box(/DNS servers/), '192.168.1.1, 9.9.9.9', s);
    await type(zone(), 'Europe/Berlin', s);
    expect(screen.getByRole('status').textContent).toBe(
      'Will be applied1 SSH key for user core; host name pump-7; static IP 192.168.1.20/24 via 192.168.1.1, DNS 192.168.1.1, 9.9.9.9; time zone Europe/Berlin',
    );
    expect(core.requests('options:check-field-settings').at(-1)?.imageId).toBe('img1');
    const expected = {
      sshKeys: `${KEY}\n`,
      hostname: 'pump-7',
      address: '192.168.1.20/24',
      gateway: '192.168.1.1',
      dns: '192.168.1.1, 9.9.9.9',
      timezone: 'Europe/Berlin',
    };
    expect(toCustomizeOptions(s()).fieldSettings).toEqual(expected);
    act(() => s().setNoConfig(true));
    await act(async () => {
      await s().saveIso('/srv/bmc/fcos.iso');
      await until(() => core.requests('iso:save').length > 0);
    });
    expect(core.requests('iso:save')[0].options.fieldSettings).toEqual(expected);
  });

  it('without a config file, the notice says only the field settings are applied', async () => {
    const { s } = mount();
    act(() => s().setNoConfig(true));
    expect(screen.getByRole('status').textContent).toMatch(/Nobody can log in over SSH/);
    await type(box(/SSH public key/), KEY, s);
    expect(screen.getAllByRole('status').map((e) => e.textContent)).toEqual([
      'No config file: only the field settings below are applied.',
      'Will be applied1 SSH key for user core',
    ]);
  });

  it("words the core's problems and what will be applied in the app's language", async () => {
    await applyLanguage('de');
    try {
      const { s } = mount();
      await type(box(/Hostname/), 'bad_host', s);
      expect(screen.getByRole('alert').textContent).toBe(
        '„bad_host“ ist kein gültiger Hostname (Buchstaben, Ziffern und innere Bindestriche; Punkte zwischen den Teilen)',
      );
      await type(box(/Hostname/), 'pump-7', s);
      await type(box(/Gateway/), '10.0.0.1', s);
      expect(screen.getByRole('alert').textContent).toMatch(/^Ein Gateway oder DNS-Server braucht die statische Adresse/);
      await type(box(/Statische IP-Adresse/), '10.0.0.5/24', s);
      expect(screen.getByRole('status').textContent).toBe('Wird angewendetHostname pump-7; statische IP 10.0.0.5/24 über 10.0.0.1');
    } finally {
      await applyLanguage('en');
    }
  });

  it('an empty form sends nothing', () => {
    const { s } = mount();
    expect(toCustomizeOptions(s())).toEqual({ fromRam: false, extraKargs: '', networkIds: [], caIds: [] });
  });
});
