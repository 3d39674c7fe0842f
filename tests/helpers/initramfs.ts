import { gzipSync } from 'node:zlib';
import { writeCpio, type CpioMember } from '../../electron/core/codecs/cpio';
import { INITRAMFS_FEATURES, LIVE_INITRAMFS_MARKER } from '../../electron/core/live-names';

/** Every feature flag of a current image (`coreos/features.json`, docs/live-iso-format.md §7.7). */
export const ALL_FEATURES = { 'installer-config': true, 'installer-config-directives': { console: true }, 'live-initrd-network': true };

/** What goes into a stand-in live initramfs. */
export interface LiveInitramfsOptions {
  /** Its features.json: an object (written as JSON), exact text, or absent (the default: an older image). */
  features?: Record<string, unknown> | string;
  /** Whether it carries the live marker file (default true; false makes it "not a live initramfs"). */
  marker?: boolean;
}

/**
 * A stand-in for a Fedora CoreOS live initramfs: one gzip'd newc archive holding `init`, the live
 * marker and, when asked, features.json, zero-padded to 4 bytes like the image builder's. The same
 * options always give the same bytes.
 */
export function liveInitramfs(opts: LiveInitramfsOptions = {}): Buffer {
  const members: CpioMember[] = [{ path: 'init', data: Buffer.from('#!/bin/sh\n') }];
  if (opts.marker ?? true) members.push({ path: LIVE_INITRAMFS_MARKER, data: new Uint8Array(0) });
  if (opts.features !== undefined) {
    const text = typeof opts.features === 'string' ? opts.features : JSON.stringify(opts.features);
    members.push({ path: INITRAMFS_FEATURES, data: Buffer.from(text) });
  }
  const gz = gzipSync(writeCpio(members), { level: 9 });
  return Buffer.concat([gz, Buffer.alloc((4 - (gz.length % 4)) % 4)]);
}
