/**
 * The field-settings handlers of the main process, through `dispatch` over the real core: the
 * check channel names every problem by field with the core's messages (and the image's network
 * feature), malformed requests are refused by the guards, and saving or flashing applies the
 * settings (one more merged config after the user's, the static IP as a keyfile) or refuses them.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultCore } from '../../../electron/app/core-default';
import { dispatch } from '../../../electron/app/handlers';
import { Session } from '../../../electron/app/session';
import { networkMembers } from '../../../electron/core/iso/customize';
import { inspectIsoFile } from '../../../electron/core/iso/inspect';
import type { CustomizeOptions, FieldSettingsInput, ImageState, LoadedFile, Outcome } from '../../../electron/contract/types';
import { fixtureIso } from '../../helpers/fixtures';
import { liveConfigContents } from '../../e2e/boot/lib/ignition-data';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB1flintfieldkeytestAAAAAAAAAAAAAAAAAAAAAAAA tech@field';
const EMPTY: FieldSettingsInput = { sshKeys: '', hostname: '', address: '', gateway: '', dns: '', timezone: '' };
const BASE: CustomizeOptions = { fromRam: false, extraKargs: '', networkIds: [], caIds: [] };

let dir = '';
let session: Session;
let newImage: ImageState;
let oldImage: ImageState;

const call = async <T>(channel: string, req: unknown): Promise<Outcome<T>> => (await dispatch(session, channel, req)) as Outcome<T>;
async function value<T>(channel: string, req: unknown): Promise<T> {
  const r = await call<T>(channel, req);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flint-field-settings-'));
  session = new Session({
    mode: 'browser',
    core: { ...createDefaultCore(), listDrives: async () => [] },
    app: { name: 'Flint', version: '0' },
  });
  newImage = await value<ImageState>('image:open-path', { path: await fixtureIso('embed-areas-2023-07.x86_64') });
  oldImage = await value<ImageState>('image:open-path', { path: await fixtureIso('embed-areas-2021-09') });
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('options:check-field-settings', () => {
  it('accepts a filled-in form and says what will be applied', async () => {
    const r = await value<{ ok: boolean; problems: unknown[]; summary: string[] }>('options:check-field-settings', {
      settings: {
        sshKeys: `${KEY}\n\n# old laptop\n`,
        hostname: 'pump-7',
        address: '10.1.2.3/24',
        gateway: '10.1.2.1',
        dns: '10.1.2.2, 9.9.9.9',
        timezone: 'Europe/Berlin',
      },
      imageId: newImage.id,
    });
    expect(r).toEqual({
      ok: true,
      problems: [],
      summary: [
        '1 SSH key for user core',
        'host name pump-7',
        'static IP 10.1.2.3/24 via 10.1.2.1, DNS 10.1.2.2, 9.9.9.9',
        'time zone Europe/Berlin',
      ],
      // the same, as values each front end words
      applied: {
        sshKeys: 1,
        hostname: 'pump-7',
        staticIp: { address: '10.1.2.3/24', gateway: '10.1.2.1', dns: ['10.1.2.2', '9.9.9.9'] },
        timezone: 'Europe/Berlin',
      },
    });
    expect(await value('options:check-field-settings', { settings: EMPTY })).toEqual({ ok: true, problems: [], summary: [], applied: {} });
  });

  it("names each bad field with the core's message", async () => {
    const r = await value<{ ok: boolean; problems: { field: string; message: string }[] }>('options:check-field-settings', {
      settings: {
        sshKeys: '-----BEGIN OPENSSH PRIVATE KEY-----',
        hostname: 'bad_host',
        address: '10.1.2.3',
        gateway: '10.1.2.1',
        dns: '',
        timezone: 'Europe/Berln',
      },
    });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.field)).toEqual(['sshKeys', 'hostname', 'staticIp', 'timezone']);
    expect(r.problems[0].message).toMatch(/is not an SSH public key/);
    expect(r.problems[1].message).toMatch(/"bad_host" is not a valid host name/);
    expect(r.problems[2].message).toMatch(/address "10.1.2.3" is not an address with a prefix length/);
    expect(r.problems[3].message).toMatch(/unknown time zone "Europe\/Berln"/);
  });

  it('a gateway or DNS without an address, or an address without a gateway, is a static IP problem', async () => {
    const noAddr = await value<{ problems: { field: string; message: string }[] }>('options:check-field-settings', {
      settings: { ...EMPTY, dns: '1.1.1.1' },
    });
    expect(noAddr.problems).toEqual([
      {
        field: 'staticIp',
        code: 'STATIC_IP_INVALID',
        params: { reason: 'needs-address', value: '1.1.1.1' },
        message: expect.stringMatching(/needs the static address/),
      },
    ]);
    const noGw = await value<{ problems: { field: string; message: string }[] }>('options:check-field-settings', {
      settings: { ...EMPTY, address: '10.0.0.2/8' },
    });
    expect(noGw.problems).toEqual([
      {
        field: 'staticIp',
        code: 'STATIC_IP_INVALID',
        params: { reason: 'needs-gateway', value: '10.0.0.2/8' },
        message: 'a static address needs a gateway',
      },
    ]);
  });

  it("a static IP needs the image's live-initrd-network feature; the rest does not", async () => {
    const settings = { ...EMPTY, hostname: 'h', address: '10.0.0.2/8', gateway: '10.0.0.1' };
    const old = await value<{ problems: { field: string; message: string }[] }>('options:check-field-settings', {
      settings,
      imageId: oldImage.id,
    });
    expect(old.problems).toEqual([
      { field: 'staticIp', code: 'FEATURE_MISSING', message: expect.stringMatching(/lacks the live-initrd-network feature/) },
    ]);
    expect(await value('options:check-field-settings', { settings, imageId: newImage.id })).toMatchObject({ ok: true });
  });

  it('refuses malformed requests before any handler runs', async () => {
    const bad = [
      {},
      { settings: { ...EMPTY, hostname: 5 } },
      { settings: { sshKeys: '' } },
      { settings: { ...EMPTY, extra: 'x' } },
      { settings: { ...EMPTY, hostname: 'x'.repeat(254) } },
      { settings: EMPTY, imageId: '../../etc' },
    ];
    for (const req of bad)
      expect(await call('options:check-field-settings', req)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(
      await call('iso:save', { imageId: newImage.id, options: { ...BASE, fieldSettings: { hostname: 'x' } }, path: join(dir, 'x.iso') }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });
});

describe('saving and flashing apply the field settings', () => {
  it("iso:save merges the settings after the user's (Butane) config and embeds the static IP keyfile", async () => {
    const bu = 'variant: fcos\nversion: 1.4.0\nstorage:\n  files:\n    - path: /etc/motd\n      contents:\n        inline: hello\n';
    const cfg = await value<LoadedFile>('file:load-bytes', { kind: 'config', name: 'site.bu', text: bu });
    const out = join(dir, 'saved.iso');
    const fieldSettings = {
      sshKeys: KEY,
      hostname: 'saved-host',
      address: '192.168.7.9/24',
      gateway: '192.168.7.1',
      dns: '192.168.7.1',
      timezone: 'UTC',
    };
    await value('iso:save', { imageId: newImage.id, configId: cfg.id, options: { ...BASE, fieldSettings }, path: out });
    const facts = await inspectIsoFile(out);
    const merges = liveConfigContents(Buffer.from(facts.ignition!).toString('utf8')).merges.map((b) => JSON.parse(b.toString('utf8')));
    expect(merges).toHaveLength(2);
    expect(merges[0].storage.files[0].path).toBe('/etc/motd');
    expect(merges[1].passwd).toEqual({ users: [{ name: 'core', sshAuthorizedKeys: [KEY] }] });
    expect(merges[1].storage.files.map((f: { path: string }) => f.path)).toEqual(['/etc/hostname']);
    expect(merges[1].storage.links).toEqual([{ path: '/etc/localtime', target: '../usr/share/zoneinfo/UTC', overwrite: true }]);
    const keyfiles = networkMembers(facts);
    expect(keyfiles.map((k) => k.name)).toEqual(['static.nmconnection']);
    expect(Buffer.from(keyfiles[0].data).toString()).toContain('address1=192.168.7.9/24,192.168.7.1\n');
  });

  it('an empty form changes nothing; a bad one saves nothing and says why', async () => {
    const plain = join(dir, 'plain.iso');
    await value('iso:save', { imageId: newImage.id, options: { ...BASE, fieldSettings: EMPTY }, path: plain });
    expect((await inspectIsoFile(plain)).ignition).toBeNull();
    const out = join(dir, 'bad.iso');
    const r = await call('iso:save', {
      imageId: newImage.id,
      options: { ...BASE, fieldSettings: { ...EMPTY, hostname: '-x-', timezone: 'Mars/Base' } },
      path: out,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'FIELD_SETTINGS_INVALID', message: 'The field settings have problems' } });
    expect(!r.ok && r.error.causes).toEqual([
      expect.stringMatching(/"-x-" is not a valid host name/),
      expect.stringMatching(/unknown time zone "Mars\/Base"/),
    ]);
    expect(existsSync(out)).toBe(false);
    const old = await call('iso:save', {
      imageId: oldImage.id,
      options: { ...BASE, fieldSettings: { ...EMPTY, address: '10.0.0.2/8', gateway: '10.0.0.1' } },
      path: join(dir, 'old.iso'),
    });
    expect(old).toMatchObject({
      ok: false,
      error: { code: 'FIELD_SETTINGS_INVALID', causes: [expect.stringMatching(/live-initrd-network/)] },
    });
  });

  it('flash:start refuses bad settings before any job starts', async () => {
    const r = await call('flash:start', {
      imageId: newImage.id,
      options: { ...BASE, fieldSettings: { ...EMPTY, sshKeys: 'not a key' } },
      targetIds: ['drive-1'],
      verify: true,
      eject: false,
      confirmLarge: false,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'FIELD_SETTINGS_INVALID' } });
    expect(session.flash).toBeNull();
  });
});
