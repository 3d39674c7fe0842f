// QEMU runner for the tiny live ISO's guest. Adapted from the Flint team's reference script
// /work/shared/tools/boot-check.sh (same authors): same machine, media and dead-end detection.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OVMF_CODE, OVMF_VARS } from './requirements';
import { parseBootReport, type BootReport } from './report';
import { espOnlyCopy } from './esp-copy';

/** How to boot: firmware, how the image is attached, limits. */
export interface BootOptions {
  /** ISO file, disk image or block device (/dev/loopN). Omit with media 'none'. */
  image?: string;
  /** SeaBIOS (default) or OVMF. */
  firmware?: 'bios' | 'uefi';
  /** USB mass-storage stick on xHCI (default), AHCI CD-ROM, or nothing (network boot via extraArgs). */
  media?: 'usb' | 'cdrom' | 'none';
  /**
   * (UEFI) boot a private copy whose El Torito record is disabled, so OVMF must take the hybrid
   * ESP partition, as many PCs do with USB sticks.
   */
  espBoot?: boolean;
  /** Extra QEMU arguments (e.g. -netdev user,...,tftp=DIR -device virtio-net-pci,... -boot n). */
  extraArgs?: string[];
  /** Give up after this many ms (default 120 000; TCG boots take 2–10 s). */
  timeoutMs?: number;
  /** Guest memory in MiB (default 512). */
  memoryMb?: number;
  /** Accelerator (default tcg, or env FLINT_BOOT_ACCEL): KVM is nested and slow or broken on our CI hosts. */
  accel?: 'tcg' | 'kvm';
  /** Stops the VM early. */
  signal?: AbortSignal;
  /** Run QEMU inside this network namespace (`ip netns exec` keeps the pid: it execs QEMU). */
  netns?: string;
}

/** What one boot gave: how it ended, the whole serial log and the guest's parsed report. */
export interface BootResult {
  /** `BOOT-OK`, `TIMEOUT`, `QEMU-EXITED`, `ABORTED` or `DEAD-END <what was seen>`. */
  outcome: string;
  /** Seconds from QEMU start to the end of the boot. */
  seconds: number;
  /** Serial console text with CRs removed. */
  serial: string;
  /** QEMU's own stdout/stderr. */
  qemuOutput: string;
  /** The guest report parsed from `serial`. */
  report: BootReport;
}

/** Messages after which a boot can never reach the guest's init. */
const DEAD_END = /No bootable device|Shell> |grub rescue>|grub> |Kernel panic - not syncing|Could not find kernel image/;

function firmwareArgs(firmware: 'bios' | 'uefi', work: string): string[] {
  if (firmware === 'uefi') {
    const vars = join(work, 'vars.fd');
    copyFileSync(OVMF_VARS, vars);
    return ['-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`, '-drive', `if=pflash,format=raw,unit=1,file=${vars}`];
  }
  // SeaBIOS mirrors its screen to the serial port, so "No bootable device" shows in the log.
  const sercon = join(work, 'sercon-port');
  writeFileSync(sercon, Buffer.from([0xf8, 0x03, 0, 0, 0, 0, 0, 0]));
  return ['-fw_cfg', `name=etc/sercon-port,file=${sercon}`];
}

function mediaArgs(media: 'usb' | 'cdrom' | 'none', image: string | undefined): string[] {
  if (media === 'none') return [];
  if (!image) throw new Error('bootImage: an image is needed for media ' + media);
  if (image.includes(',')) throw new Error(`bootImage: QEMU cannot take a path with a comma: ${image}`);
  if (media === 'cdrom') {
    return ['-drive', `if=none,id=cd,media=cdrom,format=raw,readonly=on,file=${image}`, '-device', 'ide-cd,drive=cd,bootindex=1'];
  }
  return [
    '-device',
    'qemu-xhci,id=xhci',
    '-drive',
    `if=none,id=stick,format=raw,readonly=on,file=${image}`,
    '-device',
    'usb-storage,bus=xhci.0,drive=stick,removable=on,bootindex=1',
  ];
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'latin1').replace(/\r/g, '');
  } catch {
    return '';
  }
}

/**
 * Boots `image` in qemu-system-x86_64 (q35, 1 CPU, no display, serial to a file) until the guest
 * prints BOOT-OK and powers off, a dead end shows, QEMU exits, or the timeout passes. QEMU is
 * killed by its exact pid and its temp dir removed whatever happens.
 */
export async function bootImage(opts: BootOptions): Promise<BootResult> {
  const firmware = opts.firmware ?? 'bios';
  const media = opts.media ?? 'usb';
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const accel = opts.accel ?? (process.env.FLINT_BOOT_ACCEL === 'kvm' ? 'kvm' : 'tcg');
  if (opts.image && !existsSync(opts.image)) throw new Error(`bootImage: no such image ${opts.image}`);
  if (opts.espBoot && (firmware !== 'uefi' || !opts.image)) throw new Error('bootImage: espBoot needs firmware uefi and an image');
  const work = mkdtempSync(join(tmpdir(), 'flint-qemu-'));
  let image = opts.image;
  if (opts.espBoot) {
    image = join(work, 'esp-boot.img');
    espOnlyCopy(opts.image!, image);
  }
  const log = join(work, 'serial.log');
  writeFileSync(log, '');
  const args = [
    '-accel',
    accel,
    '-machine',
    'q35',
    '-cpu',
    accel === 'kvm' ? 'host' : 'max',
    '-smp',
    '1',
    '-m',
    String(opts.memoryMb ?? 512),
    '-nodefaults',
    '-vga',
    'std',
    '-display',
    'none',
    '-no-reboot',
    '-serial',
    `file:${log}`,
    ...firmwareArgs(firmware, work),
    ...mediaArgs(media, image),
    ...(opts.extraArgs ?? []),
  ];
  const t0 = performance.now();
  const child = opts.netns
    ? spawn('ip', ['netns', 'exec', opts.netns, 'qemu-system-x86_64', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let qemuOutput = '';
  child.stdout.on('data', (d: Buffer) => (qemuOutput += d.toString()));
  child.stderr.on('data', (d: Buffer) => (qemuOutput += d.toString()));
  let exited = false;
  const exitedP = new Promise<void>((resolve) => {
    child.on('exit', () => {
      exited = true;
      resolve();
    });
    child.on('error', (err) => {
      qemuOutput += String(err);
      exited = true;
      resolve();
    });
  });
  /** Resolves after `ms` at the latest: a bound on waiting for an event, not a pause. */
  const deadline = (ms: number) => new Promise((r) => setTimeout(r, ms));
  // The guest's serial output grows the log: wake on each write (inotify), on QEMU's exit or on an
  // abort. `dirty` keeps a write between reading the log and waiting from being missed.
  let dirty = false;
  let wake = () => {};
  const watcher = watch(log, () => {
    dirty = true;
    wake();
  });
  void exitedP.then(() => wake());
  opts.signal?.addEventListener('abort', () => wake(), { once: true });
  const logChanged = (ms: number) =>
    new Promise<void>((resolve) => {
      if (dirty || exited || opts.signal?.aborted) return resolve();
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  let outcome = 'TIMEOUT';
  try {
    for (;;) {
      dirty = false;
      const text = readLog(log);
      if (/^BOOT-OK$/m.test(text)) {
        outcome = 'BOOT-OK';
        break;
      }
      const dead = DEAD_END.exec(text);
      if (dead) {
        outcome = `DEAD-END '${dead[0]}'`;
        break;
      }
      if (exited) {
        outcome = 'QEMU-EXITED';
        break;
      }
      if (opts.signal?.aborted) {
        outcome = 'ABORTED';
        break;
      }
      const left = timeoutMs - (performance.now() - t0);
      if (left <= 0) break;
      await logChanged(left);
    }
    const seconds = (performance.now() - t0) / 1000;
    // the guest powers itself off after BOOT-OK; wait up to 5 s for that, then stop QEMU by pid
    await Promise.race([exitedP, deadline(5000)]);
    const serial = readLog(log);
    return { outcome, seconds, serial, qemuOutput, report: parseBootReport(serial) };
  } finally {
    watcher.close();
    if (!exited && child.pid) {
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      await Promise.race([exitedP, deadline(2000)]);
      if (!exited) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
        await Promise.race([exitedP, deadline(2000)]);
      }
    }
    rmSync(work, { recursive: true, force: true });
  }
}
