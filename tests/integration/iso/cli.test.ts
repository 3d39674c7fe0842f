import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipReason } from '../../helpers/requirements';
import { COREOS_FIXTURES, fixtureIso, fixtureIsoCopy } from '../../helpers/fixtures';
import { FLINT_BIN, runFlintSync } from '../../helpers/cli';

const C = join(COREOS_FIXTURES, 'customize');
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

let dir: string;
let x86: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flint-iso-cli-'));
  x86 = await fixtureIso('embed-areas-2023-07.x86_64');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `flint ARGS` in the test dir, returning exit code, stdout (bytes) and stderr (text). */
const flint = (args: string[], opts: { input?: Buffer } = {}) => runFlintSync(args, { cwd: dir, ...opts });
/** A private copy of a fixture in the test dir. */
async function copy(name: string, as = `${name}-${Math.random().toString(36).slice(2)}.iso`) {
  return fixtureIsoCopy(name, join(dir, as));
}
/** Expects a one-line error on stderr, exit 1, no stack trace. */
function expectError(r: ReturnType<typeof flint>, text: string | RegExp) {
  expect(r.code).toBe(1);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0].startsWith('Error: ')).toBe(true);
  expect(lines[0]).not.toMatch(/\n\s+at /);
  if (typeof text === 'string') expect(lines[0]).toContain(text);
  else expect(lines[0]).toMatch(text);
}

const CUSTOMIZE = [
  '--live-ignition',
  join(C, 'live.ign'),
  '--network-keyfile',
  join(C, 'installer-test.nmconnection'),
  '--pre-install',
  join(C, 'pre-install-1'),
  '--live-karg-append',
  'foo',
];

describe('flint iso: output modes', () => {
  it('in place, -o FILE and -o - give identical bytes', async () => {
    const inPlace = await copy('embed-areas-2023-07.x86_64');
    expect(flint(['iso', 'customize', ...CUSTOMIZE, inPlace]).code).toBe(0);
    const src = await copy('embed-areas-2023-07.x86_64');
    const before = sha(src);
    const out = join(dir, 'out.iso');
    expect(flint(['iso', 'customize', ...CUSTOMIZE, '-o', out, src]).code).toBe(0);
    const piped = flint(['iso', 'customize', ...CUSTOMIZE, '-o', '-', src]);
    expect(piped.code).toBe(0);
    expect(sha(src)).toBe(before); // -o never touches the input
    const a = readFileSync(inPlace);
    expect(readFileSync(out).equals(a)).toBe(true);
    expect(piped.stdout.equals(a)).toBe(true);
    expect(sha(inPlace)).not.toBe(before);
  });

  it('-o refuses an existing file and leaves it alone', async () => {
    const src = await copy('embed-areas-2023-07.x86_64');
    const existing = join(dir, 'existing.iso');
    writeFileSync(existing, 'keep me');
    const r = flint(['iso', 'reset', '-o', existing, src]);
    expectError(r, `persisting output file to ${existing}`);
    expect(r.stderr).toContain('File exists');
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
  });

  it('-o - pipes into another program (dd) and is refused on a terminal', async () => {
    const src = await copy('embed-areas-2023-07.x86_64');
    const out = join(dir, 'dd.iso');
    execFileSync('sh', [
      '-c',
      `"$1" "$2" iso kargs modify -a viapipe -o - "$3" | dd of="$4" bs=64k status=none`,
      'sh',
      process.execPath,
      FLINT_BIN,
      src,
      out,
    ]);
    expect(flint(['iso', 'kargs', 'show', out]).stdout.toString()).toMatch(/ viapipe\n$/);
    const why = skipReason({ tools: ['script'] });
    if (why) return;
    const cmd = `"${process.execPath}" "${FLINT_BIN}" iso reset -o - "${src}"`;
    const tty = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: dir });
    expect(tty.status).toBe(1);
    expect(tty.stdout.toString()).toContain('Error: Refusing to write binary data to terminal');
  });
});

describe('flint iso: verbs', () => {
  it('inspect --json prints the facts', async () => {
    const r = flint(['iso', 'inspect', '--json', x86]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout.toString());
    expect(j).toMatchObject({
      volumeId: 'fedora-coreos-38.20230718.dev.0',
      arch: 'x86_64',
      embedArea: { offset: 139264, length: 262144 },
      kargs: {
        size: 1139,
        slots: [
          { offset: 137037, pad: '#', end: '\n' },
          { offset: 408522, pad: '#', end: '\n' },
        ],
      },
      customized: false,
      features: { installerConfig: true, liveInitrdNetwork: true },
    });
    expect(j.defaultKargs).toBe(j.currentKargs);
  });

  it('ignition embed (stdin and -i), show, remove; kargs modify/show/reset; network embed/extract/remove', async () => {
    const iso = await copy('embed-areas-2023-07.x86_64');
    const pristine = sha(iso);
    const live = readFileSync(join(C, 'live.ign'));
    expect(flint(['iso', 'ignition', 'embed', iso], { input: live }).code).toBe(0);
    expect(flint(['iso', 'ignition', 'show', iso]).stdout.equals(live)).toBe(true);
    expectError(
      flint(['iso', 'ignition', 'embed', '-i', join(C, 'live-2.ign'), iso]),
      'This ISO image already has an embedded Ignition config; use -f to force.',
    );
    expect(flint(['iso', 'ignition', 'embed', '-f', '-i', join(C, 'live-2.ign'), iso]).code).toBe(0);
    expect(flint(['iso', 'ignition', 'show', iso]).stdout.equals(readFileSync(join(C, 'live-2.ign')))).toBe(true);
    expect(flint(['iso', 'ignition', 'remove', iso]).code).toBe(0);
    expectError(flint(['iso', 'ignition', 'show', iso]), 'No embedded Ignition config.');

    expect(
      flint([
        'iso',
        'kargs',
        'modify',
        '-a',
        'foo',
        '-a',
        'bar=1',
        '-d',
        'mitigations=auto,nosmt',
        '-r',
        'ignition.platform.id=metal=qemu',
        iso,
      ]).code,
    ).toBe(0);
    expect(flint(['iso', 'kargs', 'show', iso]).stdout.toString()).toBe(
      'coreos.liveiso=fedora-coreos-38.20230718.dev.0 ignition.firstboot ignition.platform.id=qemu foo bar=1\n',
    );
    expect(flint(['iso', 'kargs', 'show', '--default', iso]).stdout.toString()).toBe(
      'mitigations=auto,nosmt coreos.liveiso=fedora-coreos-38.20230718.dev.0 ignition.firstboot ignition.platform.id=metal\n',
    );
    expectError(flint(['iso', 'kargs', 'modify', '-r', 'nonsense', iso]), 'Wrong input, format should be: KEY=OLD=NEW');
    expectError(flint(['iso', 'kargs', 'modify', '-a', 'x'.repeat(1200), iso]), /kargs too large for area: \d+ vs 1139/);
    expect(flint(['iso', 'kargs', 'reset', iso]).code).toBe(0);

    expect(
      flint(['iso', 'network', 'embed', '-k', join(C, 'installer-test.nmconnection'), '-k', join(C, 'nmstate-js-eth1.nmconnection'), iso])
        .code,
    ).toBe(0);
    const printed = flint(['iso', 'network', 'extract', iso]).stdout.toString();
    expect(printed).toContain('########## installer-test.nmconnection ##########\n[connection]\nid=installer-test');
    const out = join(dir, 'nets');
    expect(flint(['iso', 'network', 'extract', '-C', out, iso]).code).toBe(0);
    expect(readFileSync(join(out, 'nmstate-js-eth1.nmconnection')).equals(readFileSync(join(C, 'nmstate-js-eth1.nmconnection')))).toBe(
      true,
    );
    expect(flint(['iso', 'network', 'remove', iso]).code).toBe(0);
    expectError(flint(['iso', 'network', 'extract', iso]), 'No embedded network settings.');
    expect(sha(iso)).toBe(pristine);
  }, 180_000); // about twenty flint processes one after another

  it('customize twice needs -f; iso reset restores the pristine bytes; messages go to stderr', async () => {
    const iso = await copy('embed-areas-2022-09');
    const pristine = sha(iso);
    const r = flint(['iso', 'customize', '--dest-device', '/dev/vda', '--dest-ignition', join(C, 'dest.ign'), iso]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('Boot media will automatically install to /dev/vda without confirmation.\n');
    expectError(flint(['iso', 'customize', '--live-karg-append', 'x', iso]), 'This ISO image is already customized; use -f to force.');
    expect(flint(['iso', 'customize', '-f', '--live-karg-append', 'x', iso]).code).toBe(0);
    expectError(flint(['iso', 'ignition', 'show', iso]), 'No embedded Ignition config.');
    expect(flint(['iso', 'reset', iso]).code).toBe(0);
    expect(sha(iso)).toBe(pristine);
  });
});

describe('flint iso: bad input gets a specific error and is left untouched', () => {
  const cases: [string, () => Promise<{ iso: string; args: string[] }>, string | RegExp][] = [
    [
      'a text file',
      async () => ({ iso: write('text.iso', 'just some text\n'.repeat(5000)), args: ['iso', 'customize', '--live-karg-append', 'x'] }),
      'not an ISO 9660 image: no ISO 9660 volume descriptor at byte 32768 ("CD001" expected, found " text")',
    ],
    [
      'an empty file',
      async () => ({ iso: write('empty.iso', ''), args: ['iso', 'ignition', 'embed', '-i', join(C, 'live.ign')] }),
      'not an ISO 9660 image: the file is 0 bytes, too short to hold the volume descriptors at byte 32768',
    ],
    [
      'a truncated ISO',
      async () => ({
        iso: write('trunc.iso', readFileSync(x86).subarray(0, 300_000)),
        args: ['iso', 'customize', '--live-ignition', join(C, 'live.ign')],
      }),
      'ISO image is incomplete',
    ],
    [
      'an ISO that is not CoreOS',
      async () => ({ iso: await copy('synthetic'), args: ['iso', 'customize', '--live-ignition', join(C, 'live.ign')] }),
      'Unrecognized CoreOS ISO image.: finding initrd embed area',
    ],
    [
      'kargs of an ISO without karg areas',
      async () => ({ iso: await copy('embed-areas-2020-09'), args: ['iso', 'kargs', 'modify', '-a', 'x'] }),
      'No karg embed areas found; old or corrupted CoreOS ISO image.',
    ],
    [
      'live kargs of an ISO without karg areas',
      async () => ({ iso: await copy('embed-areas-2023-03.s390x'), args: ['iso', 'customize', '--live-karg-append', 'x'] }),
      'This OS image does not support customizing live kernel arguments.',
    ],
    [
      'a config over capacity',
      async () => ({
        iso: await copy('embed-areas-2023-07.x86_64'),
        args: ['iso', 'ignition', 'embed', '-i', write('big.ign', randomBytes(300_000))],
      }),
      /Compressed initramfs is too large: \d{6} > 262144/,
    ],
    [
      'a non-JSON config',
      async () => ({
        iso: await copy('embed-areas-2023-07.x86_64'),
        args: ['iso', 'customize', '--live-ignition', write('bad.ign', 'not json')],
      }),
      'parsing Ignition config bad.ign: serialization error',
    ],
    [
      'an Ignition 2.x config',
      async () => ({
        iso: await copy('embed-areas-2023-07.x86_64'),
        args: ['iso', 'customize', '--dest-ignition', write('old.ign', '{"ignition":{"version":"2.2.0"}}')],
      }),
      'parsing Ignition config old.ign: unsupported config version: 2.2.0',
    ],
    [
      'a missing feature',
      async () => ({
        iso: await copy('embed-areas-2021-09'),
        args: ['iso', 'customize', '--network-keyfile', join(C, 'installer-test.nmconnection')],
      }),
      'This OS image does not support customizing network settings.',
    ],
    [
      'nmstate input',
      async () => ({
        iso: await copy('embed-areas-2023-07.x86_64'),
        args: ['iso', 'customize', '--network-nmstate', join(C, 'installer-test-nmstate-yaml.yaml')],
      }),
      '--network-nmstate is not supported by Flint',
    ],
  ];
  function write(name: string, data: string | Uint8Array) {
    const p = join(dir, name);
    writeFileSync(p, data);
    return name; // relative to the CLI's cwd, so messages name it as given
  }
  for (const [what, setup, message] of cases) {
    it(what, async () => {
      const { iso, args } = await setup();
      const path = existsSync(iso) ? iso : join(dir, iso);
      const before = sha(path);
      expectError(flint([...args, iso]), message);
      expect(sha(path)).toBe(before);
    });
  }
});

describe('what Flint writes is accepted by tools that are not Flint', () => {
  const why = skipReason({ tools: ['xz', 'cpio', 'ignition-validate'] });
  it.skipIf(why)('xz reports CRC32, cpio lists the members with their modes, ignition-validate accepts the live config', async () => {
    const iso = await copy('embed-areas-2023-07.x86_64');
    const all = [
      ...CUSTOMIZE,
      '--ignition-ca',
      join(C, 'cert.pem'),
      '--post-install',
      join(C, 'post-install-1'),
      '--installer-config',
      join(C, 'install-1.conf'),
      '--dest-ignition',
      join(C, 'dest.ign'),
      '--dest-device',
      '/dev/vda',
      '--dest-console',
      'ttyS0,115200n8',
      '--dest-karg-append',
      'dest-karg',
    ];
    expect(flint(['iso', 'customize', ...all, iso]).code).toBe(0);
    const area = join(dir, 'area.xz');
    writeFileSync(area, readFileSync(iso).subarray(139264, 139264 + 262144));
    const list = execFileSync('xz', ['-lvv', area], { encoding: 'utf8' });
    expect(list).toMatch(/Check:\s+CRC32/);
    expect(list).not.toContain('CRC64');
    const listing = execFileSync('sh', ['-c', 'xz -dc "$1" | cpio -itv 2>/dev/null', 'sh', area], { encoding: 'utf8' });
    const rows = listing
      .trim()
      .split('\n')
      .map((l) => [l.split(/\s+/)[0], l.split(/\s+/).pop()]);
    expect(rows).toEqual([
      ['-rw-------', 'config.ign'],
      ['drwxr-xr-x', 'etc'],
      ['drwxr-xr-x', 'etc/coreos-firstboot-network'],
      ['-rw-------', 'etc/coreos-firstboot-network/installer-test.nmconnection'],
    ]);
    const config = join(dir, 'live-config.ign');
    writeFileSync(config, flint(['iso', 'ignition', 'show', iso]).stdout);
    const v = spawnSync('ignition-validate', [config], { encoding: 'utf8' });
    expect(v.stderr + v.stdout).toBe('');
    expect(v.status).toBe(0);
  });
});
