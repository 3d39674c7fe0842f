// End to end: `flint burn --fleet` writes three loop devices in one run, one machine of a CSV
// manifest each (host name, static IP keyfile, SSH key, kargs on top of a common config). Each
// stick is read back with `flint stick show --json` as a user would, and one of them boots in
// QEMU: the tiny guest prints the /config.ign it got, the keyfile unpacked from the embed area and
// the kernel command line.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { skipReason } from '../../helpers/requirements';
import { useLoopDevices, useTempDir } from '../../helpers/lifecycle';
import { COREOS_FIXTURES } from '../../helpers/fixtures';
import { head } from '../../helpers/read-bytes';
import { buildLiveIso, type LiveIsoInfo } from './lib/live-iso';
import { bootImage } from './lib/qemu';
import { bootProblems } from './lib/report';
import { BOOT_REQUIREMENTS, BUILD_ISO_REQUIREMENTS, allOf } from './lib/requirements';
import { runFlint } from '../../helpers/cli';
import { liveConfigContents } from './lib/ignition-data';

const why = skipReason(allOf(BUILD_ISO_REQUIREMENTS, BOOT_REQUIREMENTS, { tools: ['losetup'], root: true }));
const LIVE_IGN = join(COREOS_FIXTURES, 'customize', 'live.ign');
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFleetTestKeyNotARealKeyButWellFormedBase64xx tech@site';
const STICK = 64 << 20;

/** A manifest as a spreadsheet exports it: a header, then one machine per line. */
const MANIFEST = [
  'name,hostname,ip,gateway,dns,ssh_keys,mac,kargs',
  `rack1-a,rack1-a.site.example,10.20.0.11/24,10.20.0.1,10.20.0.1;9.9.9.9,${KEY},52:54:00:20:00:11,`,
  'rack1-b,rack1-b.site.example,10.20.0.12/24,10.20.0.1,10.20.0.1,,52:54:00:20:00:12,flint.fleet.row=2',
  'rack1-c,rack1-c.site.example,10.20.0.13/24,10.20.0.1,,,52:54:00:20:00:13,',
].join('\n');

interface ShownStick {
  customization: { members: { path: string; data: string }[] };
  networkKeyfiles: { name: string; ipv4Addresses: string[] }[];
  kargs: { current: string } | null;
}

describe.skipIf(why)('flint burn --fleet: one machine per stick, in one run', () => {
  const tmp = useTempDir('flint-fleet-burn-');
  let dir = '';
  let info: LiveIsoInfo;
  const loop = useLoopDevices();

  beforeAll(() => {
    dir = tmp.path;
    info = buildLiveIso(join(dir, 'fedora-coreos-41.20241027.3.0-live-iso.x86_64.iso'));
    writeFileSync(join(dir, 'fleet.csv'), MANIFEST);
  }, 120_000);
  const stick = () => loop(STICK);

  it('each stick carries its row: host name, keyfile and kargs read back; one boots with them', async () => {
    const sticks = [stick(), stick(), stick()];
    const targets = sticks.flatMap((l) => ['--target', l.device]);
    const r = await runFlint([
      'burn',
      '--iso',
      info.iso,
      '--ignition',
      LIVE_IGN,
      '--fleet',
      join(dir, 'fleet.csv'),
      ...targets,
      '--json',
      '--yes',
      '--allow-loop',
    ]);
    expect(r.stderr).not.toMatch(/^Error/m);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout.toString('utf8')) as {
      targets: {
        target: { device: string };
        ending: string;
        fleetRow: { row: number; name: string };
        configSha256: string;
        expectedConfigSha256: string;
      }[];
    };
    expect(report.targets.map((t) => [t.target.device, t.fleetRow.row, t.fleetRow.name, t.ending])).toEqual([
      [sticks[0]!.device, 1, 'rack1-a', 'verified'],
      [sticks[1]!.device, 2, 'rack1-b', 'verified'],
      [sticks[2]!.device, 3, 'rack1-c', 'verified'],
    ]);
    for (const t of report.targets) expect(t.configSha256).toBe(t.expectedConfigSha256);
    expect(new Set(report.targets.map((t) => t.configSha256)).size).toBe(3);

    const configs: string[] = [];
    for (const [i, l] of sticks.entries()) {
      const shown = await runFlint(['stick', 'show', '--json', l.device]);
      expect(shown.code).toBe(0);
      const c = JSON.parse(shown.stdout.toString('utf8')) as ShownStick;
      const config = Buffer.from(c.customization.members.find((m) => m.path === 'config.ign')!.data, 'base64').toString('utf8');
      configs.push(config);
      // the live config merges the common config first, then the row's settings
      const live = liveConfigContents(config);
      expect(live.merges).toHaveLength(2);
      expect(JSON.parse(live.merges[0]!.toString('utf8'))).toEqual(JSON.parse(readFileSync(LIVE_IGN, 'utf8')));
      const fragment = liveConfigContents(live.merges[1]!.toString('utf8'));
      expect(fragment.files.get('/etc/hostname')!.data.toString()).toBe(`rack1-${'abc'[i]}.site.example`);
      const users = (JSON.parse(live.merges[1]!.toString('utf8')) as { passwd?: { users: { sshAuthorizedKeys: string[] }[] } }).passwd;
      expect(users?.users[0]?.sshAuthorizedKeys).toEqual(i === 0 ? [KEY] : undefined);
      expect(c.networkKeyfiles).toEqual([
        expect.objectContaining({ name: 'static.nmconnection', ipv4Addresses: [`10.20.0.1${i + 1}/24`] }),
      ]);
      const keyfile = Buffer.from(c.customization.members.find((m) => m.path.endsWith('static.nmconnection'))!.data, 'base64').toString();
      expect(keyfile).toContain(`address1=10.20.0.1${i + 1}/24,10.20.0.1`);
      expect(c.kargs!.current.split(' ').includes('flint.fleet.row=2')).toBe(i === 1);
    }

    // the second stick boots with its own config, keyfile and karg
    const boot = await bootImage({ image: sticks[1]!.device, firmware: 'bios' });
    expect(bootProblems(boot, { ignition: configs[1]!, kargs: ['flint.fleet.row=2'] })).toEqual([]);
    expect(boot.report.extraFiles).toEqual(expect.arrayContaining(['/config.ign', '/etc/coreos-firstboot-network/static.nmconnection']));
  }, 240_000);

  it('refuses a manifest with problems, line by line, and a batch that does not match the targets, before touching a stick', async () => {
    const l = stick();
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'name,hostname,mac\nn1,ok,52:54:00:00:00:01\nn2,-x-,52:54:00:00:00:01\n');
    const r = await runFlint(['burn', '--iso', info.iso, '--fleet', bad, '--target', l.device, '--yes', '--allow-loop']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${bad}: line 3 (row 2, hostname): "-x-" is not a valid host name`);
    expect(r.stderr).toContain(`${bad}: line 3 (row 2, mac): the MAC address 52:54:00:00:00:01 is also on line 2 (n1)`);
    expect(r.stderr).toContain(`Error: ${bad} has 2 problems`);

    const count = await runFlint([
      'burn',
      '--iso',
      info.iso,
      '--fleet',
      join(dir, 'fleet.csv'),
      '--target',
      l.device,
      '--yes',
      '--allow-loop',
    ]);
    expect(count.stderr).toContain(
      '3 machines selected but 1 --target given: give one --target per machine, or choose this batch with --rows',
    );
    const hostname = await runFlint([
      'burn',
      '--iso',
      info.iso,
      '--fleet',
      join(dir, 'fleet.csv'),
      '--hostname',
      'x',
      '--target',
      l.device,
      '--yes',
      '--allow-loop',
    ]);
    expect(hostname.stderr).toContain('--hostname is per machine: set it in the --fleet manifest');
    const unknown = await runFlint([
      'burn',
      '--iso',
      info.iso,
      '--fleet',
      join(dir, 'fleet.csv'),
      '--rows',
      'rack9',
      '--target',
      l.device,
      '--yes',
      '--allow-loop',
    ]);
    expect(unknown.stderr).toContain('--rows names "rack9", which is no machine of the manifest');
    expect(head(l.device, 1 << 20).every((b) => b === 0)).toBe(true);

    // a batch of one: --rows picks the machine by name
    const one = await runFlint([
      'burn',
      '--iso',
      info.iso,
      '--fleet',
      join(dir, 'fleet.csv'),
      '--rows',
      'rack1-c',
      '--target',
      l.device,
      '--yes',
      '--allow-loop',
    ]);
    expect(one.code).toBe(0);
    expect(one.stdout.toString()).toContain(`${l.device} -> rack1-c (row 3, rack1-c.site.example): written and verified`);
  }, 120_000);
});
