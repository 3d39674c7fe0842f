/**
 * The network boot part of scripts/screenshots.ts: options (light, and a refused kernel argument),
 * the generated iPXE script with the RAM note, a finished export and the running boot mirror
 * (light and dark). The mirror of the stack gets signed PXE artifacts first (populatePxe).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { writeCpio } from '../electron/core/codecs/cpio';
import type { Stack } from '../tests/e2e/renderer/harness';
import { populateMirror } from '../tests/helpers/mirror-server';

/** Names of the network boot screenshots (without .png). */
export const NETBOOT_SHOTS = [
  '16-netboot-options',
  '17-netboot-karg-refused',
  '18-netboot-files',
  '19-netboot-exported-serving',
  '20-netboot-dark',
];

/** A small stand-in for a live initramfs (gzip'd newc with the CoreOS marker), so pxe customize accepts it. */
function liveInitramfs(): Buffer {
  const gz = gzipSync(
    writeCpio([
      { path: 'init', data: Buffer.from('#!/bin/sh\n') },
      { path: 'etc/coreos-live-initramfs', data: Buffer.alloc(0) },
    ]),
  );
  return Buffer.concat([gz, Buffer.alloc((4 - (gz.length % 4)) % 4)]);
}

/** Adds signed PXE artifacts (and the ISO again) to the stable stream of the stack's mirror. */
export async function populatePxe(stack: Stack, iso: string): Promise<void> {
  await populateMirror(path.join(stack.dir, 'mirror'), {
    stream: 'stable',
    iso: { file: iso },
    kernel: Buffer.alloc(2 * 1024 * 1024, 0x4b),
    initramfs: liveInitramfs(),
    rootfs: Buffer.alloc(8 * 1024 * 1024, 0x52),
  });
}

/** Takes the network boot screenshots; the page has a valid config loaded. */
export async function netbootShots(
  page: Page,
  work: string,
  shot: (page: Page, name: string, full?: boolean) => Promise<void>,
): Promise<void> {
  await page.getByRole('radio', { name: 'Network boot' }).click();
  await page.getByRole('button', { name: /Step 2: Network boot/ }).click();
  await page.getByRole('heading', { name: 'Network boot options' }).waitFor();
  await page.getByRole('textbox', { name: /Base URL/ }).fill('http://127.0.0.1:8080/');
  const kargs = page.getByRole('textbox', { name: /Extra kernel arguments/ });
  await kargs.fill('console=ttyS0,115200n8 foo#bar');
  await page.getByText('These kernel arguments cannot be used').waitFor();
  await shot(page, '17-netboot-karg-refused', true);
  await kargs.fill('console=ttyS0,115200n8');
  await page.getByText(/^initrd=main .*console=ttyS0,115200n8$/).waitFor();
  await page.getByRole('heading', { name: 'Network boot options' }).focus();
  await shot(page, '16-netboot-options', true);

  await page.getByRole('button', { name: /Next: Output/ }).click();
  await page.getByLabel('boot.ipxe (read-only)').waitFor();
  await shot(page, '18-netboot-files', true);

  const out = path.join(work, 'netboot');
  mkdirSync(out, { recursive: true });
  await page.getByRole('textbox', { name: /Folder/ }).fill(out);
  await page.getByRole('button', { name: 'Export boot files' }).click();
  await page.getByText(/^Exported Fedora CoreOS/).waitFor({ timeout: 120_000 });
  await page.getByRole('textbox', { name: 'Port' }).fill('0');
  await page.getByRole('button', { name: 'Start mirror' }).click();
  const url = (await page.locator('code.mirror-url').textContent()) ?? '';
  for (const f of ['boot.ipxe', 'missing.img']) await fetch(new URL(f, url)).then((r) => r.arrayBuffer());
  await page.getByRole('log', { name: 'Boot mirror requests' }).filter({ hasText: 'missing.img' }).waitFor();
  await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await shot(page, '19-netboot-exported-serving', true);

  const theme = page.getByRole('button', { name: /Switch theme/ });
  for (let i = 0; i < 3 && !/Theme: dark/.test((await theme.getAttribute('aria-label')) ?? ''); i++) await theme.click();
  await shot(page, '20-netboot-dark', true);
  await page.getByRole('button', { name: 'Stop mirror' }).click();
  await page.getByRole('button', { name: 'Start mirror' }).waitFor();
}
