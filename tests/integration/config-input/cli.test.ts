// Butane and field settings through every command that customizes (iso customize, pxe customize,
// write, burn): the result is read back with the CLI itself (iso ignition show, iso network
// extract, pxe ignition unwrap), the generated live config passes ignition-validate, and bad
// values fail with one line naming what is wrong.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COREOS_FIXTURES, fixtureIso } from '../../helpers/fixtures';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { skipReason } from '../../helpers/requirements';
import { runFlint } from '../../helpers/cli';
import { liveInitramfs } from '../../helpers/initramfs';
import { liveConfigContents } from '../../e2e/boot/lib/ignition-data';

const CUSTOMIZE = join(COREOS_FIXTURES, 'customize');
const NETWORK_ISO = 'embed-areas-2023-07.x86_64';
/** An image from before the live-initrd-network feature (no features.json). */
const OLD_ISO = 'embed-areas-2021-09';
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB1flintfieldkeytestAAAAAAAAAAAAAAAAAAAAAAAA tech@field';
const whyValidate = skipReason({ tools: ['ignition-validate'] });
const whyLoop = skipReason({ tools: ['losetup'], root: true });

type Cfg = {
  passwd?: { users?: { name: string; sshAuthorizedKeys?: string[] }[] };
  storage?: { files?: { path: string; contents?: { source: string; compression?: string } }[]; links?: { path: string; target: string }[] };
  systemd?: { units?: { name: string }[] };
};

let dir = '';
let iso = '';
let oldIso = '';
let keyFile = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flint-config-input-'));
  iso = await fixtureIso(NETWORK_ISO);
  oldIso = await fixtureIso(OLD_ISO);
  keyFile = join(dir, 'id_ed25519.pub');
  writeFileSync(keyFile, KEY + '\n');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const out = (ext = 'iso') => join(dir, `out-${++n}.${ext}`);

async function ok(args: string[]): Promise<Buffer> {
  const r = await runFlint(args);
  expect(
    r.stderr.split('\n').filter((l) => l.startsWith('Error')),
    args.join(' '),
  ).toEqual([]);
  expect(r.code).toBe(0);
  return r.stdout;
}

/** The one error line of a failing run. */
async function fails(args: string[]): Promise<string> {
  const r = await runFlint(args);
  expect(r.code).toBe(1);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

/** The live config embedded in an ISO, read back with `flint iso ignition show`. */
async function liveConfigOf(image: string): Promise<string> {
  return (await ok(['iso', 'ignition', 'show', image])).toString('utf8');
}

const parsedMerges = (text: string): Cfg[] => liveConfigContents(text).merges.map((b) => JSON.parse(b.toString('utf8')) as Cfg);

function expectSettings(cfg: Cfg, host: string, tz: string): void {
  expect(cfg.passwd?.users).toEqual([{ name: 'core', sshAuthorizedKeys: [KEY] }]);
  const hostname = cfg.storage?.files?.find((f) => f.path === '/etc/hostname');
  expect(hostname).toBeDefined();
  expect(
    liveConfigContents(JSON.stringify({ ignition: { version: '3.0.0' }, storage: { files: [hostname] } }))
      .files.get('/etc/hostname')
      ?.data.toString(),
  ).toBe(host);
  expect(cfg.storage?.links).toEqual([{ path: '/etc/localtime', target: `../usr/share/zoneinfo/${tz}`, overwrite: true }]);
}

describe('iso customize with Butane and field settings', () => {
  it('--live-ignition x.bu embeds the translated config (same as the .ign butane makes)', async () => {
    const o = out();
    await ok(['iso', 'customize', iso, '-o', o, '--live-ignition', join(CUSTOMIZE, 'live.bu')]);
    const merges = parsedMerges(await liveConfigOf(o));
    expect(merges).toEqual([JSON.parse(readFileSync(join(CUSTOMIZE, 'live.ign'), 'utf8'))]);
  });

  it('--dest-ignition x.bu embeds the translated destination config', async () => {
    const o = out();
    await ok(['iso', 'customize', iso, '-o', o, '--dest-device', '/dev/vda', '--dest-ignition', join(CUSTOMIZE, 'dest.bu')]);
    const dest = liveConfigContents(await liveConfigOf(o)).files.get('/etc/coreos/dest.ign');
    expect(JSON.parse(dest!.data.toString('utf8'))).toEqual(JSON.parse(readFileSync(join(CUSTOMIZE, 'dest.ign'), 'utf8')));
  });

  it("field settings become one more merged config after the user's, and the static IP a keyfile", async () => {
    const o = out();
    await ok([
      'iso',
      'customize',
      iso,
      '-o',
      o,
      '--live-ignition',
      join(CUSTOMIZE, 'live.bu'),
      '--ssh-key',
      keyFile,
      '--hostname',
      'pump-station-7',
      '--timezone',
      'Europe/Berlin',
      '--static-ip',
      '192.168.50.20/24,192.168.50.1,192.168.50.2,9.9.9.9',
    ]);
    const text = await liveConfigOf(o);
    const merges = parsedMerges(text);
    expect(merges).toHaveLength(2);
    expect(merges[0].systemd?.units?.map((u) => u.name)).toContain('live-ignition-applied.service');
    expectSettings(merges[1], 'pump-station-7', 'Europe/Berlin');
    const keyfiles = (await ok(['iso', 'network', 'extract', o])).toString('utf8');
    expect(keyfiles).toContain('########## static.nmconnection ##########');
    expect(keyfiles).toContain('address1=192.168.50.20/24,192.168.50.1\n');
    expect(keyfiles).toContain('dns=192.168.50.2;9.9.9.9;\n');
    expect(keyfiles).toContain('method=manual\n');
  });

  it.skipIf(whyValidate)('ignition-validate accepts the generated live config and each merged one', async () => {
    const o = out();
    await ok([
      'iso',
      'customize',
      iso,
      '-o',
      o,
      '--live-ignition',
      join(CUSTOMIZE, 'live.bu'),
      '--ssh-key',
      keyFile,
      '--hostname',
      'h1',
      '--timezone',
      'UTC',
    ]);
    const text = await liveConfigOf(o);
    const docs = [text, ...liveConfigContents(text).merges.map((b) => b.toString('utf8'))];
    docs.forEach((doc, i) => {
      const f = join(dir, `validate-${n}-${i}.ign`);
      writeFileSync(f, doc);
      execFileSync('ignition-validate', [f], { stdio: 'pipe' });
    });
    expect(docs).toHaveLength(3);
  });

  it('a field setting alone (no other config) is enough to customize', async () => {
    const o = out();
    await ok(['iso', 'customize', iso, '-o', o, '--hostname', 'solo']);
    const merges = parsedMerges(await liveConfigOf(o));
    expect(merges).toHaveLength(1);
    expect(merges[0].storage?.files?.map((f) => f.path)).toEqual(['/etc/hostname']);
  });
});

describe('bad values fail with one clear line', () => {
  it('a Butane error names the file and the YAML line, one line per error, then the verdict', async () => {
    const bad = join(dir, 'broken.bu');
    writeFileSync(bad, 'variant: fcos\nversion: 1.4.0\nstorage:\n  files:\n    - path: etc/relative\n');
    for (const args of [
      ['iso', 'customize', oldIso, '-o', out(), '--live-ignition', bad],
      ['iso', 'customize', iso, '-o', out(), '--dest-device', '/dev/vda', '--dest-ignition', bad],
    ]) {
      const r = await runFlint(args);
      expect(r.code).toBe(1);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^error at \$\.storage\.files\[0\]\.path: line 5: /);
      expect(lines.at(-1)).toBe(`Error: ${bad} is not a valid config (${lines.length - 1} error${lines.length === 2 ? '' : 's'})`);
    }
  });

  it('bad host name, time zone, static IP and SSH key are refused before anything is written', async () => {
    const o = out();
    expect(await fails(['iso', 'customize', iso, '-o', o, '--hostname', '-bad_host'])).toMatch(
      /^Error: "-bad_host" is not a valid host name/,
    );
    expect(await fails(['iso', 'customize', iso, '-o', o, '--timezone', 'Europe/Berln'])).toMatch(
      /^Error: unknown time zone "Europe\/Berln"/,
    );
    expect(await fails(['iso', 'customize', iso, '-o', o, '--static-ip', '10.0.0.5,10.0.0.1'])).toMatch(
      /^Error: address "10.0.0.5" is not an address with a prefix length/,
    );
    expect(await fails(['iso', 'customize', iso, '-o', o, '--static-ip', '10.0.0.5/24,fe80::1'])).toMatch(
      /^Error: gateway "fe80::1" is not an IPv4 address/,
    );
    const priv = join(dir, 'id_ed25519');
    writeFileSync(priv, '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n');
    expect(await fails(['iso', 'customize', iso, '-o', o, '--ssh-key', priv])).toMatch(/is not an SSH public key .*give the \.pub file/);
    expect(await fails(['iso', 'customize', iso, '-o', o, '--ssh-key', join(dir, 'missing.pub')])).toMatch(
      /^Error: cannot read SSH key .*missing\.pub/,
    );
    expect(() => readFileSync(o)).toThrow();
  });

  it("--static-ip on an image without live-initrd-network gets the engine's feature error", async () => {
    expect(await fails(['iso', 'customize', oldIso, '-o', out(), '--static-ip', '10.0.0.5/24,10.0.0.1'])).toBe(
      'Error: This OS image does not support customizing network settings.',
    );
    // the other settings need no feature
    const o = out();
    await ok(['iso', 'customize', oldIso, '-o', o, '--hostname', 'old-image']);
    expect(parsedMerges(await liveConfigOf(o))).toHaveLength(1);
  });
});

describe('pxe customize takes Butane and field settings', () => {
  it('the initramfs carries the translated config and the settings', async () => {
    const initramfs = join(dir, 'initramfs.img');
    writeFileSync(initramfs, liveInitramfs({ features: { 'installer-config': true, 'live-initrd-network': true } }));
    const o = out('img');
    await ok([
      'pxe',
      'customize',
      initramfs,
      '-o',
      o,
      '--live-ignition',
      join(CUSTOMIZE, 'live.bu'),
      '--ssh-key',
      keyFile,
      '--hostname',
      'pxe-host',
      '--timezone',
      'America/New_York',
    ]);
    const merges = parsedMerges((await ok(['pxe', 'ignition', 'unwrap', o])).toString('utf8'));
    expect(merges[0]).toEqual(JSON.parse(readFileSync(join(CUSTOMIZE, 'live.ign'), 'utf8')));
    expectSettings(merges[1], 'pxe-host', 'America/New_York');
  });
});

/** The first `len` bytes of a device, copied into a file. */
function copyHead(device: string, len: number, dest: string): string {
  const buf = Buffer.alloc(len);
  const fd = openSync(device, 'r');
  try {
    let got = 0;
    while (got < len) {
      const r = readSync(fd, buf, got, len - got, got);
      if (r === 0) break;
      got += r;
    }
  } finally {
    closeSync(fd);
  }
  writeFileSync(dest, buf);
  return dest;
}

describe.skipIf(whyLoop)('write and burn take Butane and field settings (loop devices)', () => {
  const loops: LoopDevice[] = [];
  afterEach(() => {
    for (const l of loops.splice(0)) l.remove();
  });

  it('flint burn --ignition x.bu --hostname --ssh-key: the stick holds the translated config, then the settings', async () => {
    const stick = createLoopDevice(8 << 20);
    loops.push(stick);
    await ok([
      'burn',
      '--iso',
      iso,
      '--target',
      stick.device,
      '--allow-loop',
      '--yes',
      '--ignition',
      join(CUSTOMIZE, 'live.bu'),
      '--hostname',
      'burned',
      '--ssh-key',
      keyFile,
      '--timezone',
      'UTC',
    ]);
    const image = copyHead(stick.device, readFileSync(iso).length, out());
    const merges = parsedMerges(await liveConfigOf(image));
    expect(merges[0]).toEqual(JSON.parse(readFileSync(join(CUSTOMIZE, 'live.ign'), 'utf8')));
    expectSettings(merges[1], 'burned', 'UTC');
  });

  it('flint write --live-ignition x.bu --static-ip: config and keyfile on the stick', async () => {
    const stick = createLoopDevice(8 << 20);
    loops.push(stick);
    await ok([
      'write',
      '--image',
      iso,
      '--target',
      stick.device,
      '--allow-loop',
      '--yes',
      '--live-ignition',
      join(CUSTOMIZE, 'live.bu'),
      '--static-ip',
      'eth0=10.9.8.7/16,10.9.0.1',
    ]);
    const image = copyHead(stick.device, readFileSync(iso).length, out());
    const merges = parsedMerges(await liveConfigOf(image));
    expect(merges).toEqual([JSON.parse(readFileSync(join(CUSTOMIZE, 'live.ign'), 'utf8'))]);
    const keyfiles = (await ok(['iso', 'network', 'extract', image])).toString('utf8');
    expect(keyfiles).toContain('########## eth0.nmconnection ##########');
    expect(keyfiles).toContain('interface-name=eth0\n');
    expect(keyfiles).toContain('address1=10.9.8.7/16,10.9.0.1\n');
  });
});
