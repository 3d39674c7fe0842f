// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { configReady } from '../../../renderer/src/store/config';
import { flashBlockers, untypedNames } from '../../../renderer/src/store/flash';
import { connectWizard, createWizardStore } from '../../../renderer/src/store';
import { optionProblems, toCustomizeOptions } from '../../../renderer/src/store/options';
import { tr } from '../../../renderer/src/i18n';
import { withRate } from '../../../renderer/src/store/rate';
import { isSelectable } from '../../../renderer/src/store/targets';
import { badConfig, drive, FakeCore, goodConfig, image, until } from './fake-core';

function setup() {
  const core = new FakeCore();
  const store = createWizardStore(core.api);
  const off = connectWizard(store, core.api);
  return { core, store, s: store.getState, off };
}

describe('wizard store', () => {
  it('loads app info, releases and drives when connected', async () => {
    const { s, core } = setup();
    await until(() => s().drivesLoaded && s().releases.length === 3);
    expect(s().appInfo?.arch).toBe('x86_64');
    expect(s().releases.map((r) => r.stream)).toEqual(['stable', 'testing', 'next']);
    expect(s().drives.map((d) => d.id)).toEqual(['sdb', 'sdc']);
    expect(s().hiddenSystemCount).toBe(1);
    expect(core.requests('image:releases')[0]).toEqual({ streams: ['stable', 'testing', 'next'], arch: 'x86_64' });
  });

  it('config slice: a valid config is ready; a broken one carries its errors with JSON paths', async () => {
    const { s } = setup();
    expect(configReady(s())).toBe(false);
    await s().loadConfigFile(badConfig());
    expect(s().config?.report?.ok).toBe(false);
    expect(s().config?.report?.errors[0].path).toBe('$');
    expect(configReady(s())).toBe(false);
    await s().loadConfigFile(goodConfig());
    expect(s().config?.name).toBe('live.ign');
    expect(configReady(s())).toBe(true);
  });

  it('config slice: replacing a config forgets the old one in the core; "no config" is allowed', async () => {
    const { s, core } = setup();
    await s().loadConfigFile(goodConfig('a.ign'));
    const first = s().config!.id;
    await s().loadConfigFile(goodConfig('b.ign'));
    await until(() => core.requests('file:forget').length === 1);
    expect(core.requests('file:forget')[0]).toEqual({ id: first });
    await s().clearConfig();
    expect(s().config).toBeUndefined();
    s().setNoConfig(true);
    expect(configReady(s())).toBe(true);
  });

  it('config slice: a load failure keeps the core message for the person', async () => {
    const { s, core } = setup();
    core.failures['file:load-bytes'] = { code: 'FILE_TOO_LARGE', message: 'live.ign is larger than 4194304 bytes; configs are small' };
    await s().loadConfigFile(goodConfig());
    expect(s().config).toBeUndefined();
    expect(s().configError).toEqual({ code: 'FILE_TOO_LARGE', message: 'live.ign is larger than 4194304 bytes; configs are small' });
  });

  it('image slice: download shows progress only while busy, then validates the config against the embed area', async () => {
    const { s, core } = setup();
    await s().loadConfigFile(goodConfig());
    let release!: () => void;
    core.handle('image:download', () => new Promise((r) => (release = () => r(image()))));
    s().setStream('stable');
    const done = s().downloadImage();
    await until(() => s().imageBusy && release !== undefined);
    core.emit('image:progress', { jobId: 'd1', phase: 'download', bytes: 50, total: 100, speed: 10, eta: 5 });
    expect(s().downloadProgress?.bytes).toBe(50);
    release();
    await done;
    expect(s().imageBusy).toBe(false);
    expect(s().downloadProgress).toBeUndefined();
    expect(s().image?.release).toBe('42.20250101.3.0');
    await until(() => s().config?.report?.capacity === 256 * 1024);
    expect(core.requests('config:validate').at(-1)).toEqual({ id: s().config!.id, imageId: 'img1' });
    core.emit('image:progress', { jobId: 'd1', phase: 'download', bytes: 99, total: 100 });
    expect(s().downloadProgress).toBeUndefined();
  });

  it('config slice: an ISO dropped in the browser sends the person to the local ISO picker', async () => {
    const { s } = setup();
    await s().loadConfigFile(new File(['x'], 'fedora-coreos-live.x86_64.iso'));
    expect(s().config).toBeUndefined();
    expect(s().configError).toBeUndefined();
    expect([s().step, s().imageSource, s().imageError?.code]).toEqual(['image', 'local', 'DROP_ISO_NEEDS_PATH']);
  });

  it('image slice: an empty local path is refused before asking the core', async () => {
    const { s, core } = setup();
    await s().openLocalPath();
    expect(s().imageError?.code).toBe('PATH_EMPTY');
    expect(core.requests('image:open-path')).toHaveLength(0);
  });

  it('options slice: kargs are checked by the core; install needs both device and config', async () => {
    const { s } = setup();
    s().setExtraKargs('console=ttyS0 coreos.liveiso=x');
    await s().checkKargs();
    expect(s().kargsCheck?.ok).toBe(false);
    expect(optionProblems(s()).map((k) => tr(k))).toContain('The extra kernel arguments have problems');
    s().setExtraKargs('console=ttyS0');
    expect(s().kargsCheck).toBeUndefined();
    await s().checkKargs();
    expect(s().kargsCheck?.args).toEqual(['console=ttyS0']);
    s().setDestDevice('sda');
    expect(optionProblems(s()).map((k) => tr(k))).toEqual([
      'The destination device must be a /dev path',
      'An automatic install needs an Ignition config for the installed system',
    ]);
    s().setDestDevice('/dev/sda');
    await s().addOptionFile('dest-ignition', goodConfig('dest.ign'));
    await s().addOptionFile('network', new File(['[connection]\nid=eth0\n'], 'eth0.nmconnection'));
    s().setFromRam(true);
    expect(optionProblems(s())).toEqual([]);
    expect(toCustomizeOptions(s())).toEqual({
      fromRam: true,
      extraKargs: 'console=ttyS0',
      networkIds: [s().networkFiles[0].id],
      caIds: [],
      destDevice: '/dev/sda',
      destIgnitionId: s().destIgnition!.id,
    });
  });

  it('targets slice: hot-plug updates the list and drops vanished selections; system drives never selectable', async () => {
    const { s, core } = setup();
    await until(() => s().drivesLoaded);
    s().toggleDrive('sdb');
    s().toggleDrive('sdc');
    expect(s().selectedIds).toEqual(['sdb', 'sdc']);
    core.emit('drives:changed', { drives: [drive('sdc'), drive('sdd')], hiddenSystemCount: 1 });
    expect(s().drives.map((d) => d.id)).toEqual(['sdc', 'sdd']);
    expect(s().selectedIds).toEqual(['sdc']);
    await s().setShowHidden(true);
    const sys = s().drives.find((d) => d.system)!;
    expect(isSelectable(sys)).toBe(false);
    s().toggleDrive(sys.id);
    expect(s().selectedIds).not.toContain(sys.id);
    // an event without system drives keeps them listed while "show hidden" is on
    core.emit('drives:changed', { drives: [drive('sdc')], hiddenSystemCount: 1 });
    expect(s().drives.map((d) => d.id)).toEqual(['sdc', 'nvme0n1']);
  });

  it('flash slice: blockers, confirmation, the request sent, progress and results of this job only', async () => {
    const { s, core } = setup();
    await until(() => s().drivesLoaded);
    expect(flashBlockers(s()).map((k) => tr(k))).toEqual([
      'Choose a config, or continue without one',
      'Choose an image',
      'Pick at least one target drive',
    ]);
    s().requestFlash();
    expect(s().flashStatus).toBe('idle');
    await s().loadConfigFile(goodConfig());
    s().adoptImage(image());
    s().toggleDrive('sdb');
    s().toggleDrive('sdc');
    expect(flashBlockers(s())).toEqual([]);
    s().requestFlash();
    expect(s().flashStatus).toBe('confirming');
    await s().startFlash();
    expect(s().flashStatus).toBe('running');
    expect(core.lastFlash()).toEqual({
      imageId: 'img1',
      configId: s().config!.id,
      options: { fromRam: false, extraKargs: '', networkIds: [], caIds: [] },
      targetIds: ['sdb', 'sdc'],
      verify: true,
      eject: false,
      confirmLarge: false,
    });
    const jobId = s().jobId!;
    core.emit('flash:progress', { jobId: 'other', phase: 'write', driveId: 'sdb', bytes: 1 });
    expect(s().progress).toEqual({});
    core.emit('flash:progress', { jobId, phase: 'write', driveId: 'sdb', bytes: 10, total: 100, percent: 10 });
    core.emit('flash:progress', { jobId, phase: 'write', driveId: 'sdc', bytes: 20, total: 100, percent: 20 });
    expect(s().currentPhase).toBe('write');
    expect(Object.keys(s().progress)).toEqual(['write:sdb', 'write:sdc']);
    core.emit('flash:progress', { jobId, phase: 'verify-stick', driveId: 'sdb', bytes: 5, total: 10 });
    core.emit('flash:progress', { jobId, phase: 'write', driveId: 'sdc', bytes: 90, total: 100 });
    expect(s().currentPhase).toBe('verify-stick');
    const sha = 'cd'.repeat(32);
    const seen = { model: 'Stick', serial: 'SN1', size: 16e9 };
    core.emit('flash:target', {
      jobId,
      result: { driveId: 'sdb', device: '/dev/sdb', ...seen, ok: true, ending: 'verified', configSha256: sha, expectedSha256: sha },
    });
    core.emit('flash:finished', {
      jobId,
      ok: false,
      cancelled: false,
      results: [
        { driveId: 'sdb', device: '/dev/sdb', ...seen, ok: true, ending: 'verified', configSha256: sha, expectedSha256: sha },
        {
          driveId: 'sdc',
          device: '/dev/sdc',
          ...seen,
          ok: false,
          ending: 'failed',
          failedAt: 4194304,
          error: {
            code: 'WRITE_DEVICE_VANISHED',
            message: '/dev/sdc was removed while writing',
            params: { device: '/dev/sdc', offset: 4194304 },
          },
        },
      ],
    });
    expect(s().flashStatus).toBe('done');
    expect(s().results.map((r) => r.ok)).toEqual([true, false]);
    s().resetFlash();
    expect(s().flashStatus).toBe('idle');
    expect(s().selectedIds).toEqual(['sdb', 'sdc']);
  });

  it('flash slice: a large drive needs the extra confirmation; a refused start shows the core error', async () => {
    const { s, core } = setup();
    core.drives = [drive('sdx', { size: 256e9, large: true })];
    await s().refreshDrives();
    s().setNoConfig(true);
    s().adoptImage(image());
    s().toggleDrive('sdx');
    s().requestFlash();
    await s().startFlash();
    expect(core.requests('flash:start')).toHaveLength(0);
    s().setConfirmLarge(true);
    core.failures['flash:start'] = { code: 'TARGET_BUSY', message: '/dev/sdx is mounted at /media/x: unmount it first' };
    await s().startFlash();
    expect(core.lastFlash()?.confirmLarge).toBe(true);
    expect(core.lastFlash()?.configId).toBeUndefined();
    expect(s().flashStatus).toBe('idle');
    expect(s().flashError?.message).toBe('/dev/sdx is mounted at /media/x: unmount it first');
  });

  it('targets and flash slices: an internal disk is shown with the hidden disks, and written only with its name typed', async () => {
    const { s, core } = setup();
    const nvme = drive('nvme1n1', {
      bus: 'nvme',
      removable: false,
      internal: true,
      description: 'WD_BLACK SN770 1TB',
      confirmName: 'WD_BLACK SN770 1TB',
      refusal: { code: 'WRITE_INTERNAL_UNCONFIRMED', message: 'internal disk' },
    });
    core.systemDrives = [nvme, drive('sda', { system: true, internal: true, refusal: { code: 'WRITE_SYSTEM_DEVICE', message: 'system' } })];
    await until(() => s().drivesLoaded);
    expect(s().drives.map((d) => d.id)).toEqual(['sdb', 'sdc']);
    expect(s().hiddenSystemCount).toBe(2);
    await s().setShowHidden(true);
    expect(isSelectable(s().drives.find((d) => d.id === 'nvme1n1')!)).toBe(true);
    expect(isSelectable(s().drives.find((d) => d.id === 'sda')!)).toBe(false);
    s().setNoConfig(true);
    s().adoptImage(image());
    s().toggleDrive('nvme1n1');
    s().toggleDrive('sdb');
    s().requestFlash();
    expect(untypedNames(s()).map((d) => d.id)).toEqual(['nvme1n1']);
    await s().startFlash();
    expect(core.requests('flash:start')).toHaveLength(0);
    s().setTypedName('nvme1n1', 'WD_BLACK');
    await s().startFlash();
    expect(core.requests('flash:start')).toHaveLength(0);
    s().setTypedName('nvme1n1', ' WD_BLACK SN770 1TB ');
    await s().startFlash();
    expect(core.lastFlash()).toMatchObject({ targetIds: ['nvme1n1', 'sdb'], confirmedNames: { nvme1n1: 'WD_BLACK SN770 1TB' } });
    // a new confirmation asks again
    s().resetFlash();
    s().requestFlash();
    expect(untypedNames(s()).map((d) => d.id)).toEqual(['nvme1n1']);
  });

  it('ui slice: steps move in order; network boot has its own steps after the shared config step', () => {
    const { s } = setup();
    expect(s().step).toBe('config');
    s().back();
    expect(s().step).toBe('config');
    s().next();
    s().next();
    expect(s().step).toBe('options');
    s().goTo('flash');
    s().next();
    expect(s().step).toBe('flash');
    s().setMode('network');
    expect(s().mode).toBe('network');
    expect(s().step).toBe('config');
    s().next();
    s().next();
    s().next();
    expect(s().step).toBe('output');
    s().setMode('usb');
    expect(s().step).toBe('config');
  });
});

describe('progress rate', () => {
  it("estimates speed and ETA when the core sends none, and keeps the core's own numbers", () => {
    const a = withRate(undefined, { jobId: 'j', phase: 'write', bytes: 0, total: 1000 }, 1000);
    expect(a.speed).toBeUndefined();
    const b = withRate(a, { jobId: 'j', phase: 'write', bytes: 100, total: 1000 }, 2000);
    expect(b.speed).toBe(100);
    expect(b.eta).toBe(9);
    const c = withRate(b, { jobId: 'j', phase: 'write', bytes: 400, total: 1000 }, 3000);
    expect(c.speed).toBe(100 * 0.6 + 300 * 0.4);
    const d = withRate(c, { jobId: 'j', phase: 'write', bytes: 500, total: 1000, speed: 7, eta: 3 }, 4000);
    expect([d.speed, d.eta]).toEqual([7, 3]);
  });
});
