/**
 * Hand-written runtime guards for every invoke request of the contract. The renderer is untrusted:
 * the Electron main process and the loopback bridge run `checkRequest` before any handler.
 */
import { MAX_UPLOAD_BYTES, isInvokeChannel, type InvokeChannel, type InvokeRequest } from './api';
import type { CustomizeOptions, ErrorValue, FieldSettingsInput, FileKind, FlashRequest } from './types';
import type { PxeOptions } from './pxe';
import type { MemoryChoices, Settings } from './site';

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Only these keys, each passing its check (missing keys are passed `undefined`). */
function shape(x: unknown, fields: Record<string, (v: unknown) => boolean>): boolean {
  if (!isObj(x)) return false;
  for (const k of Object.keys(x)) if (!Object.hasOwn(fields, k)) return false;
  return Object.entries(fields).every(([k, check]) => check(x[k]));
}

const str =
  (max = 4096) =>
  (v: unknown) =>
    typeof v === 'string' && v.length <= max;
const nonEmpty =
  (max = 4096) =>
  (v: unknown) =>
    typeof v === 'string' && v.length > 0 && v.length <= max;
const opt = (f: (v: unknown) => boolean) => (v: unknown) => v === undefined || f(v);
const bool = (v: unknown) => typeof v === 'boolean';
const id = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9_.:-]{1,128}$/.test(v);
const ids = (max: number) => (v: unknown) => Array.isArray(v) && v.length <= max && v.every(id);
const token = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(v);
/** A path: absolute or home-relative text without NUL bytes. */
const path = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 4096 && !v.includes('\0');

/** File kinds the contract knows. */
export const FILE_KINDS: readonly FileKind[] = ['config', 'network', 'ca', 'dest-ignition', 'fleet'];
const fileKind = (v: unknown) => typeof v === 'string' && (FILE_KINDS as readonly string[]).includes(v);

/** Is `x` a valid FieldSettingsInput (every field text; the core checks the values)? */
export function isFieldSettingsInput(x: unknown): x is FieldSettingsInput {
  return shape(x, { sshKeys: str(16384), hostname: str(253), address: str(64), gateway: str(64), dns: str(512), timezone: str(64) });
}

/** Is `x` a valid CustomizeOptions? */
export function isCustomizeOptions(x: unknown): x is CustomizeOptions {
  return shape(x, {
    fromRam: bool,
    extraKargs: str(4096),
    networkIds: ids(32),
    caIds: ids(32),
    destDevice: opt((v) => typeof v === 'string' && /^\/dev\/[A-Za-z0-9/_.-]{1,120}$/.test(v)),
    destIgnitionId: opt(id),
    fieldSettings: opt(isFieldSettingsInput),
  });
}

/** Typed names of internal disks, by drive id (at most 16, each a line of at most 256 characters). */
const confirmedNames = (v: unknown) =>
  isObj(v) &&
  Object.keys(v).length <= 16 &&
  Object.entries(v).every(([k, n]) => id(k) && typeof n === 'string' && n.length <= 256 && ![...n].some((c) => c.charCodeAt(0) < 0x20));

/** Is `x` a valid FlashRequest? */
export function isFlashRequest(x: unknown): x is FlashRequest {
  return shape(x, {
    imageId: id,
    configId: opt(id),
    options: isCustomizeOptions,
    // a drive named twice is for the target rules to refuse (WRITE_TARGET_TWICE), as on the CLI
    targetIds: (v) => ids(16)(v) && (v as unknown[]).length > 0,
    verify: bool,
    eject: bool,
    confirmLarge: bool,
    confirmedNames: opt(confirmedNames),
    fleet: opt(fleetRequest),
  });
}

/** A fleet's manifest id and one row number per target (the core checks them against the manifest). */
function fleetRequest(v: unknown): boolean {
  return shape(v, {
    fileId: id,
    rows: (r) => Array.isArray(r) && r.length <= 16 && r.every(rowNumber),
  });
}

/** An http(s)/tftp URL-looking string without spaces (the core checks it fully). */
const url = (v: unknown) => typeof v === 'string' && v.length <= 1024 && /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(v);

/** Is `x` a valid PxeOptions? */
export function isPxeOptions(x: unknown): x is PxeOptions {
  return shape(x, {
    source: opt((v) => v === 'stream' || v === 'iso'),
    imageId: opt(id),
    stream: token,
    arch: token,
    release: opt(token),
    format: (v) => v === 'pxelinux' || v === 'ipxe',
    rootfs: (v) => v === 'url' || v === 'initrd',
    rootfsUrl: opt(url),
    ignition: (v) => v === 'embedded' || v === 'initrd' || v === 'url' || v === 'none',
    ignitionUrl: opt(url),
    baseUrl: opt(url),
    kargs: str(2048),
  });
}

/** A bind address for the boot mirror: an IPv4/IPv6 literal or localhost. */
const bindAddress = (v: unknown) =>
  typeof v === 'string' && (/^\d{1,3}(\.\d{1,3}){3}$/.test(v) || /^[0-9a-f:]{2,39}$/i.test(v) || v === 'localhost');
const port = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535;

const empty = (x: unknown) => shape(x, {});

/** Is `x` a valid Settings (the core checks URLs, paths and keys)? */
export function isSettings(x: unknown): x is Settings {
  return shape(x, {
    baseUrl: str(1024),
    keys: (v) => Array.isArray(v) && v.length <= 16 && v.every((k) => shape(k, { name: nonEmpty(255), armored: nonEmpty(256 * 1024) })),
    cacheDir: str(4096),
    proxyMode: (v) => v === 'environment' || v === 'none' || v === 'url',
    proxyUrl: str(1024),
    ejectWhenDone: bool,
    allowLoop: bool,
  });
}

/** Is `x` a valid MemoryChoices? */
export function isMemoryChoices(x: unknown): x is MemoryChoices {
  return shape(x, {
    mode: (v) => v === 'usb' || v === 'network',
    configId: opt(id),
    imageId: opt(id),
    stream: opt(token),
    arch: opt(token),
    fromRam: bool,
    extraKargs: str(4096),
    fieldSettings: isFieldSettingsInput,
    verify: bool,
    targetIds: ids(16),
    fleet: opt((v) => shape(v, { file: id, start: rowNumber, written: (w) => Array.isArray(w) && w.length <= 4096 && w.every(rowNumber) })),
  });
}

/** A 1-based row of a fleet manifest (the core bounds manifests to 4096 rows). */
function rowNumber(v: unknown): boolean {
  return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 4096;
}

/** One guard per invoke channel. */
export const REQUEST_GUARDS: { [C in InvokeChannel]: (x: unknown) => x is InvokeRequest<C> } = {
  'app:info': empty as never,
  'app:take-opened': empty as never,
  'file:open-dialog': ((x: unknown) => shape(x, { kind: fileKind })) as never,
  'file:load-bytes': ((x: unknown) => shape(x, { kind: fileKind, name: nonEmpty(255), text: str(MAX_UPLOAD_BYTES) })) as never,
  'file:forget': ((x: unknown) => shape(x, { id })) as never,
  'config:validate': ((x: unknown) => shape(x, { id, imageId: opt(id) })) as never,
  'image:releases': ((x: unknown) =>
    shape(x, {
      streams: opt((v) => Array.isArray(v) && v.length <= 8 && v.every(token)),
      arch: opt(token),
    })) as never,
  'image:download': ((x: unknown) => shape(x, { stream: token, arch: token })) as never,
  'image:cancel-download': empty as never,
  'image:open-dialog': empty as never,
  'image:open-path': ((x: unknown) => shape(x, { path })) as never,
  'image:cached': empty as never,
  'fs:list-dir': ((x: unknown) => shape(x, { path: opt(path), filter: opt((v) => v === 'iso' || v === 'config' || v === 'all') })) as never,
  'options:check-kargs': ((x: unknown) => shape(x, { kargs: str(4096), imageId: opt(id) })) as never,
  'options:check-field-settings': ((x: unknown) => shape(x, { settings: isFieldSettingsInput, imageId: opt(id) })) as never,
  'drives:list': ((x: unknown) => shape(x, { showSystem: opt(bool), imageId: opt(id) })) as never,
  'sticks:inspect': ((x: unknown) => shape(x, { driveIds: (v) => ids(16)(v) && (v as unknown[]).length > 0 })) as never,
  'sticks:refresh': ((x: unknown) =>
    shape(x, { driveIds: (v) => ids(16)(v) && (v as unknown[]).length > 0, verify: bool, eject: bool, confirmLarge: bool })) as never,
  'sticks:restore': ((x: unknown) =>
    shape(x, { driveIds: (v) => ids(16)(v) && (v as unknown[]).length > 0, label: str(64), confirmLarge: bool })) as never,
  'flash:start': isFlashRequest as never,
  'flash:cancel': ((x: unknown) => shape(x, { jobId: id })) as never,
  'iso:save': ((x: unknown) =>
    shape(x, {
      imageId: id,
      configId: opt(id),
      options: isCustomizeOptions,
      path: opt(path),
      fleetRow: opt((v) => shape(v, { fileId: id, row: rowNumber })),
    })) as never,
  'pxe:preview': ((x: unknown) =>
    shape(x, { options: isPxeOptions, configId: opt(id), fieldSettings: opt(isFieldSettingsInput) })) as never,
  'pxe:export': ((x: unknown) =>
    shape(x, { options: isPxeOptions, configId: opt(id), fieldSettings: opt(isFieldSettingsInput), path: opt(path) })) as never,
  'pxe:cancel': empty as never,
  'pxe:serve-start': ((x: unknown) => shape(x, { bind: bindAddress, port })) as never,
  'pxe:serve-stop': empty as never,
  'settings:get': empty as never,
  'settings:set': ((x: unknown) => shape(x, { settings: isSettings })) as never,
  'memory:save': ((x: unknown) => shape(x, { choices: isMemoryChoices })) as never,
  'memory:restore': empty as never,
  'memory:open-recent': ((x: unknown) => shape(x, { kind: (v) => v === 'config' || v === 'image', key: nonEmpty(4096) })) as never,
  'history:list': empty as never,
  'history:export': ((x: unknown) => shape(x, { format: (v) => v === 'csv' || v === 'json' })) as never,
  'stick:inspect': ((x: unknown) => shape(x, { driveId: id })) as never,
};

/**
 * Checks a channel name and its request. Returns null when valid, else the ErrorValue to send back
 * (code BAD_CHANNEL or BAD_REQUEST).
 */
export function checkRequest(channel: unknown, request: unknown): ErrorValue | null {
  if (!isInvokeChannel(channel)) {
    return { code: 'BAD_CHANNEL', message: `Unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}` };
  }
  if (!REQUEST_GUARDS[channel](request)) {
    return { code: 'BAD_REQUEST', message: `Malformed request for ${channel}` };
  }
  return null;
}

/** Is `x` an ErrorValue? */
export function isErrorValue(x: unknown): x is ErrorValue {
  return isObj(x) && typeof x.code === 'string' && typeof x.message === 'string';
}

/** Is `x` shaped like an Outcome (ok + value, or not ok + error)? */
export function isOutcome(x: unknown): boolean {
  return isObj(x) && (x.ok === true ? 'value' in x : x.ok === false && isErrorValue(x.error));
}
