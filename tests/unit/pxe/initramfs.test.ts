import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { decodeEmbedArea } from '../../../electron/core/iso/payload';
import { PXE_FIRSTBOOT_REMINDER, pxeCustomize } from '../../../electron/core/pxe/customize';
import {
  inspectInitramfs,
  unwrapIgnition,
  unwrapNetworkKeyfiles,
  wrapIgnition,
  wrapNetworkKeyfiles,
} from '../../../electron/core/pxe/initramfs';
import { skipReason } from '../../helpers/requirements';
import { ALL_FEATURES, liveInitramfs } from '../../helpers/initramfs';
import { failure } from '../../helpers/failure';

const CUSTOMIZE = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/coreos-installer/customize');
const liveIgn = readFileSync(join(CUSTOMIZE, 'live.ign'));

describe('pxe ignition wrap / unwrap', () => {
  it('wraps a config verbatim into an xz (CRC32 check) cpio holding only config.ign, and unwraps it', async () => {
    const wrapped = await wrapIgnition(liveIgn);
    expect([...wrapped.subarray(0, 6)]).toEqual([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
    expect([...wrapped.subarray(6, 8)]).toEqual([0x00, 0x01]); // stream flags: CRC32
    expect(await decodeEmbedArea(wrapped)).toEqual([{ path: 'config.ign', data: new Uint8Array(liveIgn) }]);
    expect(Buffer.from(await unwrapIgnition(wrapped)).equals(liveIgn)).toBe(true);
  });

  const why = skipReason({ tools: ['xz', 'cpio'] });
  it.skipIf(why)('is read the same way by xz and cpio', async () => {
    const wrapped = Buffer.from(await wrapIgnition(liveIgn));
    const tmp = mkdtempSync(join(tmpdir(), 'flint-pxe-wrap-'));
    try {
      writeFileSync(join(tmp, 'ign.img'), wrapped);
      expect(execFileSync('xz', ['--robot', '-lvv', join(tmp, 'ign.img')]).toString()).toMatch(/\bCRC32\b/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    const cpio = execFileSync('xz', ['-dc'], { input: wrapped });
    expect(execFileSync('cpio', ['-it', '--quiet'], { input: cpio }).toString()).toBe('config.ign\n');
  });

  it('says so when an initrd has no config', async () => {
    const e = await failure(unwrapIgnition(liveInitramfs({ features: ALL_FEATURES })));
    expect([e.code, e.message]).toEqual(['PXE_NO_IGNITION', 'No embedded Ignition config.']);
  });
});

describe('pxe customize', () => {
  it('appends one archive to the unchanged input; the live config is the 3.3.0 wrapper merging live.ign', async () => {
    const input = liveInitramfs({ features: ALL_FEATURES });
    const r = await pxeCustomize(input, { liveIgnition: [{ name: 'live.ign', data: liveIgn }] });
    expect(Buffer.from(r.initramfs.subarray(0, input.length)).equals(input)).toBe(true);
    const tail = r.initramfs.subarray(input.length);
    expect([...tail.subarray(0, 8)]).toEqual([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x01]);
    const cfg = Buffer.from(await unwrapIgnition(r.initramfs));
    const m =
      /^\{"ignition":\{"config":\{"merge":\[\{"compression":"gzip","source":"data:;base64,(H4sI[^"]+)"\}\]\},"version":"3\.3\.0"\}\}\n$/.exec(
        cfg.toString(),
      );
    expect(m, cfg.toString()).not.toBeNull();
    // the merged child is live.ign (Flint embeds the user's bytes; coreos-installer re-serializes them, docs/live-iso-format.md §7.2)
    const child = JSON.parse(gunzipSync(Buffer.from(m![1], 'base64')).toString());
    expect(child.ignition.version).toBe(JSON.parse(liveIgn.toString()).ignition.version);
    expect(r.liveConfig && Buffer.from(r.liveConfig).equals(cfg)).toBe(true);
    expect(r.messages).toContain(PXE_FIRSTBOOT_REMINDER);
    expect((await inspectInitramfs(r.initramfs)).customized).toBe(true);
  });

  it('keeps network keyfiles out of the config and gates them on live-initrd-network', async () => {
    const key = { name: 'dir/eth0.nmconnection', data: Buffer.from('[connection]\nid=eth0\n') };
    const r = await pxeCustomize(liveInitramfs({ features: ALL_FEATURES }), { networkKeyfile: [key] });
    expect(r.liveConfig).toBeNull();
    expect(r.messages).toEqual([]);
    const members = await decodeEmbedArea(r.initramfs);
    expect(members.map((m) => m.path)).toContain('etc/coreos-firstboot-network/eth0.nmconnection');
    const e = await failure(pxeCustomize(liveInitramfs({ features: {} }), { networkKeyfile: [key] }));
    expect(e.message).toBe('This OS image does not support customizing network settings.');
  });

  it('runs the installer with --dest-device and says so', async () => {
    const r = await pxeCustomize(liveInitramfs({ features: ALL_FEATURES }), { destDevice: '/dev/sda' });
    expect(r.messages[0]).toBe('Boot media will automatically install to /dev/sda without confirmation.');
    const paths = (await decodeEmbedArea(r.initramfs)).map((m) => m.path);
    expect(paths).toContain('config.ign');
  });

  it('refuses what coreos-installer refuses, and live kargs (they belong on the PXE kernel line)', async () => {
    const notLive = await failure(
      pxeCustomize(liveInitramfs({ features: ALL_FEATURES, marker: false }), { liveIgnition: [{ name: 'l', data: liveIgn }] }),
    );
    expect([notLive.code, notLive.message]).toEqual(['PXE_NOT_LIVE_INITRAMFS', 'not a CoreOS live initramfs image']);
    const once = await pxeCustomize(liveInitramfs({ features: ALL_FEATURES }), { liveIgnition: [{ name: 'l', data: liveIgn }] });
    const twice = await failure(pxeCustomize(once.initramfs, { liveIgnition: [{ name: 'l', data: liveIgn }] }));
    expect([twice.code, twice.message]).toEqual(['PXE_ALREADY_CUSTOMIZED', 'input is already customized']);
    const kargs = await failure(pxeCustomize(liveInitramfs({ features: ALL_FEATURES }), { liveKargAppend: ['foo'] }));
    expect(kargs.code).toBe('PXE_NO_LIVE_KARGS');
    const garbage = await failure(pxeCustomize(Buffer.from('this is not an initramfs at all'), {}));
    expect(garbage.code).toBe('PXE_INITRAMFS_CORRUPT');
  });
});

describe('pxe network wrap / unwrap', () => {
  it('wraps keyfiles by basename under etc/coreos-firstboot-network and reads them back sorted', async () => {
    const a = { name: 'conf/eth1.nmconnection', data: Buffer.from('[connection]\nid=eth1\n') };
    const b = { name: 'eth0.nmconnection', data: Buffer.from('[connection]\nid=eth0\n') };
    const img = await wrapNetworkKeyfiles([a, b]);
    expect((await decodeEmbedArea(img)).map((m) => m.path)).toEqual([
      'etc/coreos-firstboot-network/eth0.nmconnection',
      'etc/coreos-firstboot-network/eth1.nmconnection',
    ]);
    const back = await unwrapNetworkKeyfiles(img);
    expect(back.map((f) => [f.name, Buffer.from(f.data).toString()])).toEqual([
      ['eth0.nmconnection', '[connection]\nid=eth0\n'],
      ['eth1.nmconnection', '[connection]\nid=eth1\n'],
    ]);
  });

  it('refuses two files with one name, and says so when an initrd has none', async () => {
    const e = await failure(
      wrapNetworkKeyfiles([
        { name: 'a/x', data: Buffer.from('1') },
        { name: 'b/x', data: Buffer.from('2') },
      ]),
    );
    expect([e.code, e.message]).toEqual(['PXE_DUPLICATE_KEYFILE', "multiple input files named 'x'"]);
    const none = await failure(unwrapNetworkKeyfiles(await wrapIgnition(liveIgn)));
    expect([none.code, none.message]).toEqual(['PXE_NO_NETWORK', 'No embedded network settings.']);
  });
});
