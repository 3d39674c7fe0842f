import { systemdEscapePath } from './systemd-escape';
import { type ConfigIssue, type JsonObject, isObject } from './types';

/**
 * The live-boot lint: a live system (ISO or PXE) runs Ignition on EVERY boot, so settings that are
 * harmless on an installed system become traps (see the FCOS docs, "Running Fedora CoreOS directly
 * from RAM", section "Using persistent state"). Each warning names the JSON path of the entry.
 */

// kernel names that can change between boots (and the USB stick itself may take one of them)
const UNSTABLE_DEVICE = /^\/dev\/(sd[a-z]+|vd[a-z]+|hd[a-z]+|xvd[a-z]+|nvme\d+n\d+|mmcblk\d+)(p?\d+)?$/;

function list(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/** A config's name field for a message (the schema makes it a string when present). */
function named(v: unknown, absent: string): string {
  return typeof v === 'string' ? v : absent;
}

function under(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(dir.endsWith('/') ? dir : dir + '/');
}

/** Returns the live-boot warnings for a (schema-valid) Ignition 3.x config. */
export function liveBootIssues(config: JsonObject): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const warn = (code: string, path: string, message: string, params: Record<string, string | number> = {}): void => {
    out.push({ code, path, message, params });
  };
  const st = isObject(config.storage) ? config.storage : {};
  const sd = isObject(config.systemd) ? config.systemd : {};
  const units = list(sd.units);
  const persistent = list(st.filesystems)
    .map((f) => (typeof f.path === 'string' && f.format !== 'swap' ? f.path : null))
    .filter((p): p is string => p !== null);

  list(st.disks).forEach((d, i) => {
    const at = `$.storage.disks[${i}]`;
    if (d.wipeTable === true) {
      warn(
        'LIVE_WIPE_TABLE',
        `${at}.wipeTable`,
        'wipeTable re-creates this partition table on every boot: partitions this config does not describe are lost each time, and any change of start or size would corrupt the data; leave it unset so the table is created once and reused',
      );
    }
    if (typeof d.device === 'string' && UNSTABLE_DEVICE.test(d.device)) {
      warn(
        'LIVE_UNSTABLE_DEVICE',
        `${at}.device`,
        `"${d.device}" is a kernel name that can change between boots (the live USB stick itself may become ${d.device}); use a stable /dev/disk/by-id/... or /dev/disk/by-path/... link`,
        { device: d.device },
      );
    }
    list(d.partitions).forEach((p, j) => {
      const pat = `${at}.partitions[${j}]`;
      if (p.wipePartitionEntry === true) {
        warn(
          'LIVE_WIPE_PARTITION_ENTRY',
          `${pat}.wipePartitionEntry`,
          'wipePartitionEntry lets Ignition delete and re-create this partition on every boot whenever it does not match exactly; leave it unset so an existing partition is reused as is',
        );
      }
    });
  });

  list(st.raid).forEach((r, i) => {
    warn(
      'LIVE_RAID',
      `$.storage.raid[${i}]`,
      `RAID array "${named(r.name, '')}" cannot be reused by Ignition on the next boot; do not keep persistent data on RAID in a live system`,
      { name: named(r.name, '') },
    );
  });

  list(st.luks).forEach((l, i) => {
    const at = `$.storage.luks[${i}]`;
    if (!isObject(l.keyFile) || typeof l.keyFile.source !== 'string') {
      warn(
        'LIVE_LUKS_NO_KEYFILE',
        at,
        `LUKS volume "${named(l.name, '')}" has no keyFile: Ignition cannot reopen a Clevis-only (or ephemeral-key) volume on the next boot; add a keyFile`,
        { name: named(l.name, '') },
      );
    }
    if (l.wipeVolume === true) {
      warn(
        'LIVE_WIPE_VOLUME',
        `${at}.wipeVolume`,
        `wipeVolume re-encrypts LUKS volume "${named(l.name, '')}" on every boot, destroying its data; leave it unset to reuse the volume`,
        { name: named(l.name, '') },
      );
    }
    if (typeof l.device === 'string' && UNSTABLE_DEVICE.test(l.device)) {
      warn(
        'LIVE_UNSTABLE_DEVICE',
        `${at}.device`,
        `"${l.device}" is a kernel name that can change between boots; use a /dev/disk/by-partlabel/... or /dev/disk/by-id/... link`,
        { device: l.device },
      );
    }
  });

  list(st.filesystems).forEach((f, i) => {
    const at = `$.storage.filesystems[${i}]`;
    if (f.wipeFilesystem === true) {
      warn(
        'LIVE_WIPE_FILESYSTEM',
        `${at}.wipeFilesystem`,
        `wipeFilesystem re-formats ${named(f.device, 'this device')} on every boot, so nothing stored there survives a reboot; set it to false to create the filesystem once and reuse it`,
        { device: named(f.device, '') },
      );
    }
    if (typeof f.device === 'string' && UNSTABLE_DEVICE.test(f.device)) {
      warn(
        'LIVE_UNSTABLE_DEVICE',
        `${at}.device`,
        `"${f.device}" is a kernel name that can change between boots (the live USB stick may take it); use /dev/disk/by-partlabel/<label> or /dev/disk/by-id/...`,
        { device: f.device },
      );
    }
    if (typeof f.path === 'string' && f.format !== 'swap') {
      const unit = `${systemdEscapePath(f.path)}.mount`;
      // Ignition only mounts during provisioning; the unit must be enabled to mount on every boot
      const mounted = units.some((u) => u.name === unit && u.mask !== true && u.enabled === true);
      if (!mounted) {
        warn(
          'LIVE_FS_NOT_MOUNTED',
          `${at}.path`,
          `Ignition mounts ${f.path} only while provisioning; without an enabled ${unit} unit (Butane: with_mount_unit: true) the running system writes to RAM and nothing persists`,
          { path: f.path, unit },
        );
      }
    }
  });

  for (const kind of ['files', 'links'] as const) {
    list(st[kind]).forEach((n, i) => {
      const at = `$.storage.${kind}[${i}]`;
      const path = typeof n.path === 'string' ? n.path : '';
      const onDisk = persistent.find((dir) => under(path, dir));
      const hasSource = kind === 'links' || (isObject(n.contents) && typeof n.contents.source === 'string');
      if (n.overwrite !== true && hasSource) {
        const why = onDisk
          ? `${path} is on persistent storage (${onDisk}): from the second boot on it already exists and Ignition fails`
          : `if ${path} already exists in the live image Ignition fails the boot`;
        warn(kind === 'files' ? 'LIVE_FILE_NO_OVERWRITE' : 'LIVE_LINK_NO_OVERWRITE', `${at}.overwrite`, `${why}; set overwrite: true`, {
          path,
          ...(onDisk ? { mount: onDisk } : {}),
        });
      }
      if (kind === 'files' && onDisk && Array.isArray(n.append) && n.append.length > 0) {
        warn(
          'LIVE_APPEND_PERSISTENT',
          `${at}.append`,
          `${path} is on persistent storage (${onDisk}): append adds the same lines again on every boot; write the whole file with contents instead`,
          { path, mount: onDisk },
        );
      }
    });
  }

  for (const { at, res } of resources(config)) {
    const src = typeof res.source === 'string' ? res.source : '';
    const m = /^(https?|tftp|s3|gs|arn):(?:\/\/([^/]*))?/i.exec(src);
    if (!m) continue;
    const hashed = isObject(res.verification) && typeof res.verification.hash === 'string';
    const plain =
      /^(http|tftp)$/i.test(m[1]) && !hashed
        ? '; it is fetched without TLS and without a verification hash, so anyone on the path can change it'
        : '';
    warn(
      'LIVE_REMOTE_SOURCE',
      `${at}.source`,
      `${src.slice(0, 80)} is downloaded on every boot: the machine does not boot while ${m[2] || 'that server'} is unreachable${plain}; embed small contents instead (inline or local)`,
      { source: src.slice(0, 80), host: m[2] || '', plain: plain ? 1 : 0 },
    );
  }

  const ka = isObject(config.kernelArguments) ? config.kernelArguments : {};
  if (
    list([ka]).length &&
    ((Array.isArray(ka.shouldExist) && ka.shouldExist.length) || (Array.isArray(ka.shouldNotExist) && ka.shouldNotExist.length))
  ) {
    warn(
      'LIVE_KERNEL_ARGUMENTS',
      '$.kernelArguments',
      'a live system cannot change its own kernel arguments: the boot fails unless they already match; set them on the ISO instead (live kernel arguments)',
    );
  }
  return out;
}

/** Every resource (something with a `source`) in a config, with its JSON path. */
function resources(config: JsonObject): { at: string; res: JsonObject }[] {
  const out: { at: string; res: JsonObject }[] = [];
  const ign = isObject(config.ignition) ? config.ignition : {};
  const cfg = isObject(ign.config) ? ign.config : {};
  list(cfg.merge).forEach((r, i) => out.push({ at: `$.ignition.config.merge[${i}]`, res: r }));
  if (isObject(cfg.replace)) out.push({ at: '$.ignition.config.replace', res: cfg.replace });
  const tls = isObject(ign.security) && isObject(ign.security.tls) ? ign.security.tls : {};
  list(tls.certificateAuthorities).forEach((r, i) => out.push({ at: `$.ignition.security.tls.certificateAuthorities[${i}]`, res: r }));
  const st = isObject(config.storage) ? config.storage : {};
  list(st.files).forEach((f, i) => {
    if (isObject(f.contents)) out.push({ at: `$.storage.files[${i}].contents`, res: f.contents });
    list(f.append).forEach((r, j) => out.push({ at: `$.storage.files[${i}].append[${j}]`, res: r }));
  });
  list(st.luks).forEach((l, i) => {
    if (isObject(l.keyFile)) out.push({ at: `$.storage.luks[${i}].keyFile`, res: l.keyFile });
  });
  return out;
}
