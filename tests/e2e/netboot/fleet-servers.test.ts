// Network boot of a fleet on the standard servers, in a network namespace this test makes (a
// bridge and three tap devices, all removed by name): `flint pxe export --fleet` lays out the
// folder and writes dnsmasq.conf and nginx.conf; Debian's dnsmasq does DHCP and TFTP and Debian's
// nginx serves the folder over HTTP, each started with exactly those files. Three QEMU clients
// with different MACs boot at the same time: two under SeaBIOS through the NIC's iPXE ROM, one
// under OVMF with no option ROM, so the firmware's own PXE client loads ipxe.efi over TFTP first
// (the chainloading dnsmasq.conf sets up). Each guest prints the Ignition config and kernel
// arguments it got; each must be its own machine's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeCpio } from '../../../electron/core/codecs/cpio';
import { runFlint } from '../../helpers/cli';
import { COREOS_FIXTURES } from '../../helpers/fixtures';
import { useTempDir } from '../../helpers/lifecycle';
import { skipReason } from '../../helpers/requirements';
import { buildLiveIso } from '../boot/lib/live-iso';
import { bootImage } from '../boot/lib/qemu';
import { bootProblems } from '../boot/lib/report';
import { BOOT_REQUIREMENTS, BUILD_ISO_REQUIREMENTS, allOf } from '../boot/lib/requirements';
import { netbootRequirements } from './lib/netboot';

const why = skipReason(
  allOf(BUILD_ISO_REQUIREMENTS, BOOT_REQUIREMENTS, netbootRequirements(), {
    tools: ['ip', 'dnsmasq', 'nginx'],
    files: ['/usr/lib/ipxe/ipxe.efi', '/usr/lib/ipxe/undionly.kpxe'],
    root: true,
  }),
);
const LIVE_IGN = join(COREOS_FIXTURES, 'customize', 'live.ign');
/** Names this test makes and removes (unique per run: other runs may be going on). */
const NS = `flint-fleet-${process.pid}`;
const BRIDGE = 'fbr0';
const SERVER = '10.77.0.1';
const MACHINES = [
  { name: 'node-a', mac: '52:54:00:77:00:0a', firmware: 'bios' as const },
  { name: 'node-b', mac: '52:54:00:77:00:0b', firmware: 'bios' as const },
  { name: 'node-c', mac: '52:54:00:77:00:0c', firmware: 'uefi' as const },
];
const MANIFEST = [
  'name,hostname,ip,gateway,dns,mac,kargs',
  `node-a,node-a.site.example,10.77.0.21/24,${SERVER},,${MACHINES[0]!.mac},flint.node=a`,
  `node-b,node-b.site.example,,,,${MACHINES[1]!.mac},flint.node=b`,
  `node-c,node-c.site.example,,,,${MACHINES[2]!.mac},flint.node=c`,
].join('\n');

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });

/** Stops a server this test started, by its pid, and waits for it. */
async function stop(p: ChildProcess | undefined): Promise<void> {
  if (!p?.pid || p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise((r) => p.once('exit', r));
  process.kill(p.pid, 'SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
  if (p.exitCode === null && p.signalCode === null) process.kill(p.pid, 'SIGKILL');
}

describe.skipIf(why)('a fleet boots over the network from dnsmasq and nginx, three machines at once', () => {
  const tmp = useTempDir('flint-fleet-servers-');
  const servers: ChildProcess[] = [];
  const logs = { dnsmasq: '', nginx: '' };
  let site = '';

  beforeAll(async () => {
    site = tmp.join('site');
    mkdirSync(site);
    const info = buildLiveIso(tmp.join('mini.iso'), { pxeDir: tmp.join('pxe') });
    copyFileSync(info.kernel!, join(site, 'vmlinuz'));
    copyFileSync(info.initrd!, join(site, 'initramfs.img'));
    // a stand-in rootfs initrd: the guest only proves it was loaded
    writeFileSync(join(site, 'rootfs.img'), gzipSync(writeCpio([{ path: 'root.squashfs', data: Buffer.from('dummy rootfs\n') }])));
    writeFileSync(tmp.join('fleet.csv'), MANIFEST);

    ip('netns', 'add', NS);
    ip('-n', NS, 'link', 'set', 'lo', 'up');
    ip('-n', NS, 'link', 'add', BRIDGE, 'type', 'bridge');
    ip('-n', NS, 'addr', 'add', `${SERVER}/24`, 'dev', BRIDGE);
    ip('-n', NS, 'link', 'set', BRIDGE, 'up');
    for (const i of MACHINES.keys()) {
      ip('-n', NS, 'tuntap', 'add', 'dev', `ftap${i}`, 'mode', 'tap');
      ip('-n', NS, 'link', 'set', `ftap${i}`, 'master', BRIDGE, 'up');
    }
  }, 180_000);
  afterAll(async () => {
    for (const p of servers) await stop(p);
    try {
      ip('netns', 'delete', NS); // its bridge and taps go with it
    } catch {
      /* never made */
    }
  });

  /** Starts a server inside the namespace; its output is kept for the failure message. */
  function serve(name: 'dnsmasq' | 'nginx', args: string[]): ChildProcess {
    const p = spawn('ip', ['netns', 'exec', NS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout!.on('data', (d: Buffer) => (logs[name] += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (logs[name] += d.toString()));
    servers.push(p);
    return p;
  }

  it('each machine gets its own entry and config; UEFI chainloads ipxe.efi', async () => {
    const exported = await runFlint([
      'pxe',
      'export',
      '--dir',
      site,
      '--kernel',
      'vmlinuz',
      '--initramfs',
      'initramfs.img',
      '--rootfs',
      'rootfs.img',
      '--rootfs-initrd',
      '--format',
      'ipxe,pxelinux',
      '--base-url',
      `http://${SERVER}:8080/`,
      '--ignition',
      LIVE_IGN,
      '--karg',
      'console=ttyS0',
      '--fleet',
      tmp.join('fleet.csv'),
      '--dnsmasq',
      'dhcp',
      '--dhcp-range',
      '10.77.0.100,10.77.0.150,1h',
      '--interface',
      BRIDGE,
      '--nginx',
    ]);
    expect(exported.stderr).not.toMatch(/^Error/m);
    expect(exported.code).toBe(0);

    serve('dnsmasq', [
      'dnsmasq',
      '--keep-in-foreground',
      '--log-facility=-',
      `--conf-file=${join(site, 'dnsmasq.conf')}`,
      `--dhcp-leasefile=${tmp.join('leases')}`,
      '--pid-file',
      '--user=root',
    ]);
    mkdirSync(tmp.join('nginx'));
    // the exported server block, included as a site's nginx.conf would include it
    writeFileSync(
      tmp.join('nginx/main.conf'),
      [
        'daemon off;',
        'user root;',
        'worker_processes 1;',
        `pid ${tmp.join('nginx/nginx.pid')};`,
        `error_log ${tmp.join('nginx/error.log')};`,
        'events {}',
        'http {',
        `  access_log ${tmp.join('nginx/access.log')};`,
        `  client_body_temp_path ${tmp.join('nginx')};`,
        `  include ${join(site, 'nginx.conf')};`,
        '}',
        '',
      ].join('\n'),
    );
    // the exported block listens on the base URL's port
    expect(readFileSync(join(site, 'nginx.conf'), 'utf8')).toContain('listen 8080;');
    serve('nginx', ['nginx', '-p', tmp.join('nginx'), '-c', tmp.join('nginx/main.conf')]);
    await new Promise((r) => setTimeout(r, 1000));
    for (const p of servers) expect(p.exitCode, JSON.stringify(logs)).toBeNull();

    const boots = await Promise.all(
      MACHINES.map((m, i) =>
        bootImage({
          media: 'none',
          firmware: m.firmware,
          netns: NS,
          timeoutMs: 300_000,
          extraArgs: [
            '-netdev',
            `tap,id=n0,ifname=ftap${i},script=no,downscript=no`,
            '-device',
            // no option ROM under UEFI: OVMF's own PXE client must chainload ipxe.efi
            `virtio-net-pci,netdev=n0,mac=${m.mac},bootindex=1${m.firmware === 'uefi' ? ',romfile=' : ''}`,
          ],
        }),
      ),
    );
    const configs = MACHINES.map((m) => readFileSync(join(site, 'machines', m.name, 'config.ign')));
    expect(new Set(configs.map((c) => c.toString())).size).toBe(3);
    for (const [i, m] of MACHINES.entries()) {
      const r = boots[i]!;
      expect(
        bootProblems(r, {
          ignition: configs[i]!,
          kargs: ['initrd=main', 'initrd=rootfs', 'initrd=ignition', 'console=ttyS0', `flint.node=${'abc'[i]}`],
        }),
        `${m.name}: ${r.outcome}\n${r.serial.slice(-3000)}\n${JSON.stringify(logs)}`,
      ).toEqual([]);
      expect(r.report.extraFiles).toEqual(expect.arrayContaining(['/config.ign', '/root.squashfs']));
    }
    // node-a's static IP keyfile came in its own config initrd
    expect(boots[0]!.report.extraFiles).toContain('/etc/coreos-firstboot-network/static.nmconnection');
    // each machine fetched its own script and initrd over HTTP; OVMF loaded ipxe.efi over TFTP
    const access = readFileSync(tmp.join('nginx/access.log'), 'utf8');
    for (const m of MACHINES) {
      expect(access).toContain(`GET /ipxe/${m.mac.replaceAll(':', '-')}.ipxe`);
      expect(access).toContain(`GET /machines/${m.name}/config.img`);
    }
    expect(logs.dnsmasq).toMatch(/sent .*ipxe\.efi/);
  }, 420_000);
});
