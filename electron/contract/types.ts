/**
 * Plain data types that cross the IPC contract (Electron IPC and the loopback HTTP bridge).
 * Everything here is JSON-serializable; nothing here imports Node or Electron so the renderer can
 * use it too.
 */
import type { FleetRequestPart, FleetRowRef, FleetSummary } from './fleet';
import type { FlashEnding } from './error-codes';

export type { FlashEnding } from './error-codes';

/**
 * An error as a value: a stable code, a plain English message and, for the codes of the
 * catalogue (./error-codes), the parameters the renderer words it from (renderer/src/messages.ts).
 */
export interface ErrorValue {
  code: string;
  message: string;
  causes?: string[];
  params?: Readonly<Record<string, unknown>>;
}

/** The outcome of every invoke: either a value or an ErrorValue (handlers never throw across). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorValue };

/** Which shell the renderer runs in. */
export type ShellMode = 'electron' | 'browser';

/** About the running app (About box, default architecture). */
export interface AppInfo {
  name: string;
  version: string;
  mode: ShellMode;
  /** Node platform of the machine running the core (linux, darwin, win32). */
  platform: string;
  /** CoreOS architecture of this machine (x86_64, aarch64, ...), the default for downloads. */
  arch: string;
  /** Versions of electron/node/chrome when known. */
  versions: Record<string, string>;
}

/** One finding of a check, located by a JSON path or a karg (`params`: see ErrorValue). */
export interface Issue {
  code: string;
  path?: string;
  message: string;
  params?: Readonly<Record<string, unknown>>;
}

/** The validation report of an Ignition/Butane config. */
export interface ConfigReport {
  ok: boolean;
  /** Ignition spec version, e.g. "3.4.0", when it could be read. */
  version?: string;
  errors: Issue[];
  warnings: Issue[];
  /** Size of the config once compressed into the embed area (bytes), when known. */
  compressedSize?: number;
  /** Capacity of the embed area of the selected image (bytes), when an image is selected. */
  capacity?: number;
}

/** What a loaded text file is for (`fleet`: a fleet manifest, one machine per row). */
export type FileKind = 'config' | 'network' | 'ca' | 'dest-ignition' | 'fleet';

/** A small text file held by the core (config, NetworkManager keyfile, CA bundle, dest Ignition). */
export interface LoadedFile {
  /** Opaque handle; the renderer refers to the file only by this id. */
  id: string;
  kind: FileKind;
  /** File name for display (no directory). */
  name: string;
  /** Size in bytes. */
  size: number;
  /** The content as text, shown read-only (Ignition JSON after translating Butane). */
  text: string;
  /** Where it came from. */
  source: 'dialog' | 'drop' | 'upload' | 'argv';
  /** Validation report (configs and dest Ignition configs only). */
  report?: ConfigReport;
  /** The checked machines (fleet manifests only). */
  fleet?: FleetSummary;
}

/** A Fedora CoreOS release offered for download. */
export interface ReleaseInfo {
  stream: string;
  arch: string;
  release: string;
  /** Release date (ISO 8601) when known. */
  date?: string;
  /** Size of the live ISO in bytes. */
  isoSize?: number;
  /** Whether the ISO is already in the cache (verified). */
  cached: boolean;
}

/** Facts about a live ISO that the wizard shows. */
export interface ImageFacts {
  volumeId: string;
  arch: string;
  /** Bytes available for an embedded Ignition config. */
  embedCapacity: number;
  /** Kernel arguments the image boots with by default. */
  defaultKargs: string;
  /** Whether the image already carries a customization (config or kargs). */
  customized: boolean;
  /** Feature flags the image advertises (e.g. installer-config, live-initrd-network). */
  features: Record<string, boolean>;
  /**
   * RAM a machine needs to boot with coreos.liveiso.fromram (bytes): the whole root filesystem is
   * copied into RAM, which is at most the ISO size, plus a 2 GiB base for the running system.
   */
  ramForFromRam: number;
  /** How ramForFromRam was derived, in words. */
  ramNote: string;
}

/** A live ISO selected in the wizard (downloaded, cached or local). */
export interface ImageState {
  /** Opaque handle. */
  id: string;
  /** File name for display. */
  name: string;
  /** Full path (shown to the user; never accepted back from the renderer). */
  path: string;
  size: number;
  origin: 'download' | 'cache' | 'local';
  /** Signature state: verified against the trusted keys, or none available. */
  signature: 'verified' | 'none';
  /** The key whose signature verified it: its fingerprint, user id, and whether Flint bundles it (Fedora's). */
  signedBy?: { fingerprint: string; userId: string | null; bundled: boolean };
  sha256?: string;
  release?: string;
  stream?: string;
  facts: ImageFacts;
}

/** Result of checking extra kernel arguments (the core's one karg rule set). */
export interface KargsCheck {
  /** No problems: the arguments can be written. */
  ok: boolean;
  /** The arguments split as the kernel will see them. */
  args: string[];
  /** Why they cannot be written (catalogued KARG_* codes with parameters). */
  problems: Issue[];
  /** Worth knowing, not blocking: an argument repeated or overriding a default of the image. */
  warnings?: Issue[];
}

/** Options applied to the live ISO before writing or saving. */
export interface CustomizeOptions {
  /** Boot with coreos.liveiso.fromram (root filesystem copied to RAM; the stick may be removed). */
  fromRam: boolean;
  /** Extra kernel arguments appended to the defaults (one string, split like a shell would). */
  extraKargs: string;
  /** Ids of loaded NetworkManager keyfiles (kind 'network'). */
  networkIds: string[];
  /** Ids of loaded CA certificates (kind 'ca'). */
  caIds: string[];
  /** Installer: destination device (e.g. /dev/sda) for an automatic install, if any. */
  destDevice?: string;
  /** Installer: id of the Ignition config for the installed system (kind 'dest-ignition'). */
  destIgnitionId?: string;
  /** The Config step's field settings (merged into the live config after the user's config). */
  fieldSettings?: FieldSettingsInput;
}

/** The Config step's short "field settings" form; empty strings count as not set. */
export interface FieldSettingsInput {
  /** SSH public keys for user core, one per line. */
  sshKeys: string;
  hostname: string;
  /** Static address with prefix length, e.g. 192.168.1.20/24 (all three static fields empty: DHCP). */
  address: string;
  gateway: string;
  /** DNS servers, separated by commas or spaces. */
  dns: string;
  /** IANA time zone, e.g. Europe/Berlin. */
  timezone: string;
}

/** The form field a field-settings problem is about (address, gateway and DNS are one: staticIp). */
export type FieldSettingsField = 'sshKeys' | 'hostname' | 'staticIp' | 'timezone';

/** A field-settings problem: its field, its error value (code, parameters: each front end words it) and English message. */
export interface FieldSettingsProblem {
  field: FieldSettingsField;
  code: string;
  params?: Readonly<Record<string, unknown>>;
  message: string;
}

/** What a valid form will apply (each front end words it). */
export interface FieldSettingsApplied {
  /** Number of distinct SSH keys for user core. */
  sshKeys?: number;
  hostname?: string;
  staticIp?: { address: string; gateway: string; dns: string[] };
  timezone?: string;
}

/** Result of `options:check-field-settings`: problems by field, and what will be applied (in English in `summary`). */
export interface FieldSettingsCheck {
  ok: boolean;
  problems: FieldSettingsProblem[];
  summary: string[];
  applied: FieldSettingsApplied;
}

/** A drive offered (or hidden) as a target. */
export interface DriveInfo {
  /** Opaque stable id (the core resolves it to a device; the renderer never names devices). */
  id: string;
  /** Device path for display, e.g. /dev/sdb. */
  device: string;
  size: number;
  description: string;
  /** Model and serial number as the drive reports them ('' when it has none). */
  model: string;
  serial: string;
  bus: string;
  removable: boolean;
  readOnly: boolean;
  /** A system drive (holds / or similar); never writable from the UI. */
  system: boolean;
  /**
   * An internal disk (not removable, not USB or SD): listed only with the hidden disks, and
   * written only after `confirmName` was typed (its refusal is WRITE_INTERNAL_UNCONFIRMED).
   */
  internal: boolean;
  /** What must be typed to write an internal, non-system disk. */
  confirmName?: string;
  mountpoints: string[];
  /** Larger than LARGE_DRIVE_BYTES: the UI asks for an extra confirmation. */
  large: boolean;
  /**
   * Why the core will not write this drive (system, read-only, loop, or too small for the image
   * asked about in drives:list), as a catalogued error with its parameters; absent: it may be picked.
   */
  refusal?: ErrorValue;
}

/** Drives larger than this need an extra confirmation (the core's one value). */

/** The drive list: the drives the target rule offers, plus how many internal and system disks it hides. */
export interface DriveList {
  drives: DriveInfo[];
  /** Internal and system disks left out (drives:list `showSystem` lists them). */
  hiddenSystemCount: number;
}

/** Phases of a flash job, in order. */
export type FlashPhase = 'download' | 'verify-image' | 'write' | 'verify-stick';

/** A progress report of a running flash or download. */
export interface FlashProgress {
  jobId: string;
  phase: FlashPhase;
  /**
   * The step within a stick phase: check, unmount, write, flush, wipe (phase write); verify,
   * ignition, eject (phase verify-stick).
   */
  step?: string;
  /** Drive id the report is about (write/verify-stick), absent for image phases. */
  driveId?: string;
  bytes: number;
  total?: number;
  /** 0..100 when total is known. */
  percent?: number;
  /** Bytes per second. */
  speed?: number;
  /** Seconds left. */
  eta?: number;
}

/** What to flash. */
export interface FlashRequest {
  /** The selected image (from image:* channels). */
  imageId: string;
  /** The config to embed (kind 'config'); omitted = write the image unmodified. */
  configId?: string;
  options: CustomizeOptions;
  /** Drive ids from drives:list; several sticks are written in parallel. */
  targetIds: string[];
  /** Read the config back from each stick and compare (default true). */
  verify: boolean;
  /** Eject each stick when done. */
  eject: boolean;
  /** The user confirmed writing to drives larger than LARGE_DRIVE_BYTES. */
  confirmLarge: boolean;
  /** Internal disks: the name typed to confirm each, by drive id (the core compares it with the disk's confirmName). */
  confirmedNames?: Record<string, string>;
  /**
   * A fleet: the manifest (kind 'fleet') and the row number (1-based) each target is written for,
   * in the order of `targetIds`; each stick gets its row's settings on top of the common ones.
   */
  fleet?: FleetRequestPart;
}

/** A stick as the user saw it when picking it (every per-stick result names it so). */
export interface StickSeen {
  driveId: string;
  device: string;
  model: string;
  serial: string;
  size: number;
}

/** Result for one stick. */
export interface TargetResult extends StickSeen {
  ok: boolean;
  ending: FlashEnding;
  error?: ErrorValue;
  bytesWritten?: number;
  /** Byte offset of the failure (ending `failed`). */
  failedAt?: number;
  /** Whether its first MiB was wiped after a cancel or failure. */
  wiped?: boolean;
  /** Read back past the cache and matched. */
  verified?: boolean;
  /** SHA-256 of the bytes written, when verified and every stick of the job got the same bytes (a fleet's sticks differ by their config: configSha256). */
  sha256?: string;
  /** SHA-256 of the Ignition config read back from the stick. */
  configSha256?: string;
  /** SHA-256 of the config that was meant to be written. */
  expectedSha256?: string;
  /** Present when ejecting was asked for: true only when the OS really let go of the stick. */
  ejected?: boolean;
  /** Warnings on a good stick (an eject that failed...), catalogued codes with parameters. */
  warnings?: ErrorValue[];
  /** The fleet row the stick was written for. */
  fleetRow?: FleetRowRef;
}

/** The end of a flash job. */
export interface FlashFinished {
  jobId: string;
  /** True when every target succeeded. */
  ok: boolean;
  cancelled: boolean;
  results: TargetResult[];
  error?: ErrorValue;
}

/** An entry of a server-side directory listing (browser mode's stand-in for a file dialog). */
export interface DirEntry {
  name: string;
  type: 'dir' | 'file';
  size?: number;
}

/** A directory listing. */
export interface DirListing {
  path: string;
  parent?: string;
  entries: DirEntry[];
}

/** A file opened with Flint (argv, open-file, second instance) or dropped, after the core loaded it. */
export type OpenedFile = { kind: 'config'; file: LoadedFile } | { kind: 'image'; image: ImageState };
