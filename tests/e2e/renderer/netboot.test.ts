/**
 * The "Network boot" mode in headless Debian Chromium over the real loopback bridge and core: a
 * config is dropped, the mode switched, an iPXE script generated (its text and the RAM note on
 * screen, copied with the Copy button), then the boot folder is exported from the local mirror
 * (signed PXE artifacts, a live initramfs stand-in) into a temp folder and checked on disk, and the
 * boot mirror serves it. Needs /usr/bin/chromium.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { unwrapIgnition } from '../../../electron/core/pxe/initramfs';
import { fixtureIso } from '../../helpers/fixtures';
import { liveInitramfs } from '../../helpers/initramfs';
import { populateMirror } from '../../helpers/mirror-server';
import { skipReason } from '../../helpers/requirements';
import { CHROMIUM, dropFile, launchChromium, MIRROR_ISO_FIXTURE, startStack, type Browser, type Stack } from './harness';

const why = skipReason({ files: [CHROMIUM] });

const RELEASE = '44.20260707.3.1'; // the release of tests/fixtures/stream/stable.json
const CONFIG = JSON.stringify(
  {
    ignition: { version: '3.4.0' },
    passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFlintNetbootTestKey flint@test'] }] },
  },
  null,
  2,
);
const KERNEL = Buffer.from('a kernel stand-in\n'.repeat(2000));

describe.skipIf(why)('network boot mode end to end in Chromium', () => {
  let stack: Stack;
  let browser: Browser | undefined;
  let out = '';

  beforeAll(async () => {
    stack = await startStack();
    // the stable stream of the local mirror also carries PXE artifacts, signed with the test key
    await populateMirror(path.join(stack.dir, 'mirror'), {
      stream: 'stable',
      iso: { file: await fixtureIso(MIRROR_ISO_FIXTURE) },
      kernel: KERNEL,
      initramfs: liveInitramfs(),
      rootfs: Buffer.alloc(300_000, 0x5a),
    });
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(async () => {
    browser = await launchChromium();
    out = mkdtempSync(path.join(tmpdir(), 'flint-netboot-out-'));
  });
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    rmSync(out, { recursive: true, force: true });
  });

  it('switches to network boot, generates an iPXE script, exports it from the mirror and serves it', async () => {
    const page = browser!.page;
    await browser!.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(stack.url).origin });
    await page.goto(stack.url);
    await page.getByRole('heading', { name: 'Choose a config' }).waitFor();
    await dropFile(page, '.dropzone', 'site.ign', CONFIG);
    await page.getByText(/Valid · Ignition 3.4.0/).waitFor();

    // keyboard only for the mode switch, the boot loader choice and the step change
    await page.getByRole('radio', { name: 'Network boot' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /Next: Network boot/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Network boot options' }).waitFor();
    await page.getByRole('radio', { name: 'iPXE' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('radio', { name: 'PXELINUX' }).isChecked()).resolves.toBe(true);
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByRole('radio', { name: 'iPXE' }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole('radio', { name: 'By URL, needs 2.0 GiB of RAM' }).isChecked()).resolves.toBe(true);
    await page.getByRole('textbox', { name: /Base URL/ }).fill('http://127.0.0.1:8080/');
    await page.getByRole('textbox', { name: /Extra kernel arguments/ }).fill('console=ttyS0,115200n8');
    await page.getByText(/coreos\.live\.rootfs_url=http:\/\/127\.0\.0\.1:8080\/fedora-coreos-.*console=ttyS0,115200n8/).waitFor();

    await page.getByRole('button', { name: /Next: Output/ }).click();
    const view = page.getByLabel('boot.ipxe (read-only)');
    await view.waitFor();
    const shown = (await view.textContent()) ?? '';
    expect(shown).toMatch(/^#!ipxe\n/);
    expect(shown).toContain('set BASEURL http://127.0.0.1:8080');
    expect(shown).toContain('initrd --name main ${BASEURL}/fedora-coreos-${VERSION}-live-initramfs.x86_64.custom.img');
    await page
      .getByText('The machine needs at least 2.0 GiB of RAM (the initramfs fetches the rootfs from coreos.live.rootfs_url).')
      .waitFor();
    await page.getByRole('button', { name: 'Copy boot.ipxe' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText(),
      ),
    ).toBe(shown);

    await page.getByRole('textbox', { name: /Folder/ }).fill(out);
    await page.getByRole('button', { name: 'Export boot files' }).click();
    await page.getByText(`Exported Fedora CoreOS ${RELEASE} to ${out}`).waitFor({ timeout: 120_000 });

    // the files on disk: verified artifacts, the customized initramfs carrying the config, the script shown
    const name = (kind: string) =>
      kind === 'kernel' ? `fedora-coreos-${RELEASE}-live-kernel.x86_64` : `fedora-coreos-${RELEASE}-live-${kind}.x86_64.img`;
    expect(readFileSync(path.join(out, name('kernel')))).toEqual(KERNEL);
    expect(readFileSync(path.join(out, name('initramfs')))).toEqual(liveInitramfs());
    expect(readFileSync(path.join(out, name('rootfs'))).length).toBe(300_000);
    const custom = readFileSync(path.join(out, `fedora-coreos-${RELEASE}-live-initramfs.x86_64.custom.img`));
    const embedded = JSON.parse(Buffer.from(await unwrapIgnition(custom)).toString()) as {
      ignition: { config: { merge: { source: string; compression?: string }[] } };
    };
    const merged = embedded.ignition.config.merge.map((m) => {
      const data = Buffer.from(m.source.replace(/^data:[^,]*;base64,/, ''), 'base64');
      return JSON.parse((m.compression === 'gzip' ? gunzipSync(data) : data).toString()) as unknown;
    });
    expect(merged).toContainEqual(JSON.parse(CONFIG));
    const script = readFileSync(path.join(out, 'boot.ipxe'), 'utf8');
    expect(script).toContain(`set VERSION ${RELEASE}`);
    expect(script).toContain('console=ttyS0,115200n8');
    expect((await view.textContent()) ?? '').toBe(script);

    // the boot mirror over that folder, on a free port of 127.0.0.1
    await page.getByRole('textbox', { name: 'Port' }).fill('0');
    await page.getByRole('button', { name: 'Start mirror' }).click();
    const url = (await page.locator('code.mirror-url').textContent({ timeout: 10_000 })) ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(new URL('boot.ipxe', url));
    expect(await res.text()).toBe(script);
    await page.getByRole('log', { name: 'Boot mirror requests' }).filter({ hasText: 'GET "/boot.ipxe" 200' }).waitFor();
    await page.getByRole('button', { name: 'Stop mirror' }).click();
    await page.getByRole('button', { name: 'Start mirror' }).waitFor();
    await expect(fetch(new URL('boot.ipxe', url))).rejects.toThrow();
    expect(browser!.errors).toEqual([]);
  }, 240_000);

  it('exports the boot files of a local ISO typed by path, downloading nothing', async () => {
    const page = browser!.page;
    const iso = path.join(out, 'site fcos.iso');
    copyFileSync(await fixtureIso(MIRROR_ISO_FIXTURE), iso);
    const before = stack.mirror.requests.length;
    await page.goto(stack.url);
    await page.getByRole('heading', { name: 'Choose a config' }).waitFor();
    await dropFile(page, '.dropzone', 'site.ign', CONFIG);
    await page.getByText(/Valid · Ignition 3.4.0/).waitFor();
    await page.getByRole('radio', { name: 'Network boot' }).click();
    await page.getByRole('button', { name: /Next: Network boot/ }).click();
    await page.getByRole('radio', { name: 'From a live ISO' }).click();
    await page.getByText('Choose the live ISO to take the boot files from.').waitFor();
    await page.getByRole('textbox', { name: 'Path of a live ISO' }).fill(iso);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByText(/Uses site fcos\.iso \(fedora-coreos-38\.20230718\.dev\.0\)/).waitFor();
    await page.getByRole('radio', { name: 'As an initrd, needs 4.0 GiB of RAM' }).click();
    await page.getByRole('radio', { name: 'Ignition Separate initrd' }).click();
    await page.getByText(/^initrd=main initrd=rootfs initrd=ignition /).waitFor();

    await page.getByRole('button', { name: /Next: Output/ }).click();
    await page.getByText(/Copies the kernel, initramfs and rootfs out of site fcos\.iso/).waitFor();
    const dest = path.join(out, 'boot');
    await page.getByRole('textbox', { name: /Folder/ }).fill(dest);
    await page.getByRole('button', { name: 'Export boot files' }).click();
    await page.getByText(`Exported Fedora CoreOS 38.20230718.dev.0 to ${dest}`).waitFor({ timeout: 60_000 });
    expect(readFileSync(path.join(dest, 'site-fcos-vmlinuz'), 'utf8')).toBe('the kernel\n');
    expect(readFileSync(path.join(dest, 'site-fcos-initrd.img'), 'utf8')).toBe('initrd data\n');
    expect(readFileSync(path.join(dest, 'site-fcos-rootfs.img'), 'utf8')).toBe('rootfs data\n');
    expect(JSON.parse(Buffer.from(await unwrapIgnition(readFileSync(path.join(dest, 'ignition.img')))).toString())).toEqual(
      JSON.parse(CONFIG),
    );
    expect(readFileSync(path.join(dest, 'boot.ipxe'), 'utf8')).toContain('initrd --name rootfs ${BASEURL}/site-fcos-rootfs.img');
    expect(stack.mirror.requests.slice(before).filter((r) => /live-(kernel|initramfs|rootfs)/.test(r.path))).toEqual([]);
    expect(browser!.errors).toEqual([]);
  }, 120_000);
});
