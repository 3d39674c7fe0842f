/**
 * Per-device bandwidth caps for the benchmarks: a block-I/O cgroup made for one run, by exact
 * name, that caps reads and writes on named block devices for the processes started in it. Loop
 * devices over tmpfs then behave like sticks with their own bandwidth instead of sharing the
 * machine's memory bandwidth and CPU. cgroup v2's `io.max` (Documentation/admin-guide/cgroup-v2.rst,
 * "IO Interface Files") where the v2 hierarchy has the io controller, else cgroup v1's
 * `blkio.throttle.{read,write}_bps_device` (Documentation/admin-guide/cgroup-v1/blkio-controller.rst).
 * Both throttle at bio submission, so they see O_DIRECT reads and writes, which is how Flint writes
 * and verifies on Linux. Needs root.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Bytes per second, read and write, for each capped device. */
export interface IoLimits {
  readBps: number;
  writeBps: number;
}

/** A cgroup with caps on some devices; `wrap` turns a command into one that runs inside it. */
export interface IoLimitGroup {
  /** The cgroup's directory. */
  path: string;
  /** 'cgroup v2 io.max' or 'cgroup v1 blkio.throttle'. */
  kind: string;
  /** argv that first moves the shell into the group, then execs `argv`. */
  wrap(argv: string[]): string[];
  /** Removes the group (by its exact path); safe to call twice. */
  remove(): void;
}

/** `MAJ:MIN` of a block device, from sysfs. */
function majMin(device: string): string {
  const mm = readFileSync(join('/sys/class/block', basename(device), 'dev'), 'utf8').trim();
  if (!/^\d+:\d+$/.test(mm)) throw new Error(`unexpected device number for ${device}: ${mm}`);
  return mm;
}

/** The cgroup v2 mount with the io controller available, or null. */
function v2Root(): string | null {
  for (const root of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
    const list = join(root, 'cgroup.controllers');
    if (existsSync(list) && readFileSync(list, 'utf8').split(/\s+/).includes('io')) return root;
  }
  return null;
}

/** Creates the directory `path` and runs `setup`; removes the directory again when setup fails. */
function made(path: string, setup: () => void): void {
  mkdirSync(path);
  try {
    setup();
  } catch (err) {
    rmdirSync(path);
    throw err;
  }
}

/**
 * Makes the cgroup `name` capping each of `devices` at `limits`; returns a reason string when
 * neither interface is available here.
 */
export function createIoLimitGroup(name: string, devices: string[], limits: IoLimits): IoLimitGroup | string {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`bad cgroup name ${name}`);
  const v2 = v2Root();
  const v1 = '/sys/fs/cgroup/blkio';
  let path: string;
  let kind: string;
  if (v2) {
    const control = join(v2, 'cgroup.subtree_control');
    if (!readFileSync(control, 'utf8').split(/\s+/).includes('io')) writeFileSync(control, '+io');
    path = join(v2, name);
    kind = 'cgroup v2 io.max';
    made(path, () => {
      for (const d of devices) writeFileSync(join(path, 'io.max'), `${majMin(d)} rbps=${limits.readBps} wbps=${limits.writeBps}`);
    });
  } else if (existsSync(join(v1, 'blkio.throttle.write_bps_device'))) {
    path = join(v1, name);
    kind = 'cgroup v1 blkio.throttle';
    made(path, () => {
      for (const d of devices) {
        writeFileSync(join(path, 'blkio.throttle.read_bps_device'), `${majMin(d)} ${limits.readBps}`);
        writeFileSync(join(path, 'blkio.throttle.write_bps_device'), `${majMin(d)} ${limits.writeBps}`);
      }
    });
  } else {
    return 'no cgroup v2 io controller and no cgroup v1 blkio throttle on this machine';
  }
  let removed = false;
  const group: IoLimitGroup = {
    path,
    kind,
    // $0 is the procs file, "$@" the command: nothing is interpolated into the script
    wrap: (argv) => ['sh', '-c', 'echo $$ > "$0" && exec "$@"', join(path, 'cgroup.procs'), ...argv],
    remove() {
      if (removed) return;
      removed = true;
      process.removeListener('exit', group.remove);
      // the processes run in it have been waited for; an empty cgroup is removed with rmdir
      try {
        rmdirSync(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    },
  };
  process.on('exit', group.remove);
  return group;
}
