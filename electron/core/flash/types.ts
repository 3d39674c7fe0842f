/**
 * The flash job's data: what to flash (a request), what it will do once checked (a prepared
 * flash, shown before anyone confirms), and what happened (a report with one result per stick).
 * The app, `flint burn` and `flint write` all speak these types.
 */
import type { WarningValue } from '../../contract/error-codes';
import type { DriveIdentity } from '../drives/target-safety';
import type { Drive } from '../drives/types';
import type { CustomizeRequest } from '../iso/customize';
import type { PatchPlan } from '../iso/plan';
import type { FileStamp } from '../stream/cache';
import type { TargetResult } from '../write/events';
import type { ConfigInput, ConfigWarnings } from './config-gate';

/** Where the pristine live ISO comes from: a stream (downloaded, verified, cached) or a local file. */
export type FlashSource =
  | {
      kind: 'stream';
      /** Stream name: stable, testing, next. */
      stream: string;
      /** CoreOS or Node architecture name (default: this machine's). */
      arch?: string;
      /** Mirror base URL (default: the Fedora build server). */
      baseUrl?: string;
      /** Extra trusted armored public keys (e.g. the text of `--keyring FILE`). */
      keyrings?: string[];
      /** Download cache directory (default: the stream cache's default). */
      cacheDir?: string;
      /** Proxy URL ('' for none; default: HTTPS_PROXY/HTTP_PROXY from the environment). */
      proxy?: string;
      /** Hosts reached without the proxy (default: NO_PROXY from the environment). */
      noProxy?: string;
    }
  | {
      kind: 'file';
      path: string;
      /** What is already known about the file (an image the app downloaded or found in the cache). */
      known?: {
        sha256?: string;
        signature?: 'verified' | 'none';
        stream?: string;
        release?: string;
        cached?: boolean;
        /** The file's stamp when `sha256` and `signature` were checked: a file with another stamp is refused. */
        stamp?: FileStamp;
      };
    };

/**
 * A customization: the configs (passed through the config gate) and everything else
 * `flint iso customize` takes (kargs, keyfiles, installer options...). An empty one writes the
 * image as it is.
 */
export interface FlashCustomization {
  /** Configs merged into the live system's config, in order (Ignition or Butane). */
  liveConfigs?: ConfigInput[];
  /** Configs for the installed system (`--dest-ignition`). */
  destConfigs?: ConfigInput[];
  /** The rest, as `iso customize` takes it (its config lists are filled from the gated configs). */
  options?: Omit<CustomizeRequest, 'liveIgnition' | 'destIgnition'>;
}

/**
 * The fleet manifest row a stick is written for (electron/core/fleet): progress, the report and the
 * flash record name it, so a site can tell which stick belongs to which machine.
 */
export interface FleetRowRef {
  /** 1-based position among the manifest's machines. */
  row: number;
  name: string;
  hostname?: string;
}

/** One target: the device path, and what the user saw of it when choosing it (re-checked before writing). */
export interface FlashTargetSpec {
  device: string;
  /** The identity shown to the user; absent: taken from a fresh listing. */
  seen?: DriveIdentity;
  /** A customization of its own (one config per stick); absent: the job's. */
  customization?: FlashCustomization;
  /** The fleet row this stick is for. */
  fleetRow?: FleetRowRef;
  /** An internal disk: the name typed to confirm it (target-safety.ts confirmationName). */
  confirmedName?: string;
}

/** Everything one flash needs, from any front end. */
export interface FlashRequest {
  source: FlashSource;
  customization: FlashCustomization;
  targets: FlashTargetSpec[];
  /** Accept loop devices as targets (tests, image files). */
  allowLoop?: boolean;
  /** See TargetRules.confirmLarge: absent, large drives are a warning; false, they are refused. */
  confirmLarge?: boolean;
  /** Read every stick back past the cache and compare (default true). */
  verify?: boolean;
  /** Eject the sticks when done (default false). */
  eject?: boolean;
}

/** The image that is written. */
export interface FlashImage {
  path: string;
  size: number;
  /** SHA-256 of the pristine image: from the stream metadata, or measured while verifying (null: not measured). */
  sha256: string | null;
  /** `verified`: OpenPGP signature checked; `none`: unsigned download; `local`: a file the user gave. */
  signature: 'verified' | 'none' | 'local';
  /** True when a verified copy in the cache was used instead of downloading. */
  cached: boolean;
  stream?: string;
  release?: string;
  arch?: string;
  /** The file's stamp when `sha256` and `signature` were checked (stream/cache-trust.ts): a later user re-checks it. */
  stamp?: FileStamp;
}

/** What a customization makes of the image (one per distinct customization of the job). */
export interface PreparedCustomization {
  plan: PatchPlan;
  /** SHA-256 of the live config.ign the sticks will carry (null: none). */
  liveConfigSha256: string | null;
  /** The live kernel arguments on the sticks (null: the image has no karg areas). */
  kargs: string | null;
  /** Notes (e.g. "Boot media will automatically install to /dev/vda ..."). */
  messages: string[];
  /** Warnings of the configs (live-boot traps) and kargs. */
  configWarnings: ConfigWarnings[];
  kargWarnings: WarningValue[];
}

/** A target after the checks: the drive as listed now, and its warnings (a large drive). */
export interface PreparedTarget {
  drive: Drive;
  warnings: WarningValue[];
  customization: PreparedCustomization;
  fleetRow?: FleetRowRef;
  /** The name typed for an internal disk (the writer checks it again). */
  confirmedName?: string;
}

/** A checked flash, ready to be confirmed and run: nothing has been written yet. */
export interface PreparedFlash {
  request: FlashRequest;
  image: FlashImage;
  targets: PreparedTarget[];
}

/** What the user saw of a target, as it goes into reports. */
export interface TargetIdentity extends DriveIdentity {
  description: string;
}

/**
 * What happened to one stick: the writer's result (ending, bytes, failure offset, wipe, SHA-256,
 * eject, warnings, timings) with the identity the user saw instead of the bare device path, and the
 * config read back beside the one it must carry.
 */
export interface FlashTargetResult extends Omit<TargetResult, 'device' | 'ignitionSha256'> {
  target: TargetIdentity;
  /** SHA-256 of the live config read back off the stick (null: none) and the one it must carry. */
  configSha256: string | null;
  expectedConfigSha256: string | null;
  /** The live kernel arguments written (null: the image has no karg areas). */
  kargs: string | null;
  /** The fleet row the stick was written for. */
  fleetRow?: FleetRowRef;
}

/** The report of a flash: one JSON document, the same from every front end. */
export interface FlashReport {
  ok: boolean;
  cancelled: boolean;
  image: FlashImage;
  /** Who wrote: the engine in this process or the elevated helper. */
  writer: string;
  targets: FlashTargetResult[];
  /** Notes and warnings of the customizations (deduplicated). */
  messages: string[];
  configWarnings: ConfigWarnings[];
  kargWarnings: WarningValue[];
  startedAt: string;
  finishedAt: string;
}

/** Progress of a flash, naming the target for stick phases. */
export interface FlashProgressEvent {
  type: 'progress';
  /** download, hash-image, verify-image, signature (image) or check, unmount, write, flush, verify, ignition, eject, wipe (stick). */
  phase: string;
  /** The target's device, for stick phases. */
  device?: string;
  bytes: number;
  total?: number;
  speed?: number;
  eta?: number;
}

/** Everything a flash tells while it runs. */
export type FlashEvent =
  FlashProgressEvent | { type: 'target-done'; result: FlashTargetResult } | { type: 'log'; device?: string; message: string };
