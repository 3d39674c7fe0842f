/**
 * A Butane config for the installed system (`--dest-ignition`, the app's "installer config")
 * may use boot_device, grub and storage.trees; the same file as a live config is refused with a
 * clear message. Checked through `flint iso customize` (read back from the ISO) and through the app's
 * file handling (the real core behind a Session).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultCore } from '../../../electron/app/core-default';
import { dispatch } from '../../../electron/app/handlers';
import { Session } from '../../../electron/app/session';
import { fixtureIso } from '../../helpers/fixtures';
import { runFlint } from '../../helpers/cli';
import { liveConfigContents } from '../../e2e/boot/lib/ignition-data';

const INSTALLED_BU = `variant: fcos
version: 1.5.0
boot_device:
  luks:
    tpm2: true
grub:
  users:
    - name: root
      password_hash: grub.pbkdf2.sha512.10000.AB
storage:
  trees:
    - local: tree
      path: /etc/site
`;

let dir = '';
let iso = '';
let bu = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flint-installed-bu-'));
  iso = await fixtureIso('embed-areas-2023-07.x86_64');
  mkdirSync(join(dir, 'tree'));
  writeFileSync(join(dir, 'tree/motd'), 'site\n');
  bu = join(dir, 'installed.bu');
  writeFileSync(bu, INSTALLED_BU);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Butane for the installed system', () => {
  it('--dest-ignition translates boot_device, grub and storage.trees', async () => {
    const out = join(dir, 'out.iso');
    const r = await runFlint(['iso', 'customize', iso, '-o', out, '--dest-device', '/dev/vda', '--dest-ignition', bu]);
    expect(r.code, r.stderr.toString()).toBe(0);
    const shown = await runFlint(['iso', 'ignition', 'show', out]);
    const dest = JSON.parse(liveConfigContents(shown.stdout.toString('utf8')).files.get('/etc/coreos/dest.ign')!.data.toString('utf8'));
    expect(dest.storage.luks).toEqual([
      { clevis: { tpm2: true }, device: '/dev/disk/by-partlabel/root', label: 'luks-root', name: 'root', wipeVolume: true },
    ]);
    expect(dest.storage.filesystems.map((f: { device: string }) => f.device)).toEqual(['/dev/disk/by-label/boot', '/dev/mapper/root']);
    expect(dest.storage.files.map((f: { path: string }) => f.path)).toEqual(['/boot/grub2/user.cfg', '/etc/site/motd']);
  });

  it('the same file as a live config is refused with a clear line', async () => {
    const r = await runFlint(['iso', 'customize', iso, '-o', join(dir, 'live.iso'), '--live-ignition', bu]);
    expect(r.code).toBe(1);
    // the config gate lists each error, then refuses the file
    expect(r.stderr.toString()).toMatch(/\$\.boot_device: line 3: boot_device .* applies to installed systems/);
    expect(r.stderr.toString().trim().split('\n').pop()).toMatch(/^Error: .*installed\.bu is not a valid config/);
  });

  it('the app accepts it as the installer config and refuses it as the live config', async () => {
    const s = new Session({ mode: 'browser', core: createDefaultCore({}), app: { name: 'Flint', version: '0' } });
    try {
      const text = INSTALLED_BU.replace(/storage:[\s\S]*$/, '');
      const dest = await dispatch(s, 'file:load-bytes', { kind: 'dest-ignition', name: 'installed.bu', text });
      expect(dest).toMatchObject({ ok: true, value: { report: { ok: true } } });
      const live = await dispatch(s, 'file:load-bytes', { kind: 'config', name: 'installed.bu', text });
      expect(live).toMatchObject({
        ok: true,
        value: { report: { ok: false, errors: [{ code: 'BUTANE_UNSUPPORTED' }, { code: 'BUTANE_UNSUPPORTED' }] } },
      });
    } finally {
      s.dispose();
    }
  });
});
