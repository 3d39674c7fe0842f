import { type ConfigIssue, type JsonObject, isObject } from './types';

/**
 * Ignition's rules for disks, partitions, RAID, LUKS and filesystems beyond the schema (the
 * checks `ignition-validate` performs): absolute device paths, GUID syntax, shouldExist:false
 * partitions, RAID levels, LUKS names, filesystem format and label length, links inside paths.
 */

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const RAID_LEVELS = ['linear', 'raid0', '0', 'stripe', 'raid1', '1', 'mirror', 'raid4', '4', 'raid5', '5', 'raid6', '6', 'raid10', '10'];
// longest filesystem label each mkfs accepts
const LABEL_MAX: Record<string, number> = { xfs: 12, ext4: 16, vfat: 11, swap: 15, btrfs: 256 };

function list(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function absolute(p: unknown, at: string, out: ConfigIssue[]): void {
  if (typeof p === 'string' && p !== '' && !p.startsWith('/'))
    out.push({
      code: 'PATH_NOT_ABSOLUTE',
      path: at,
      message: `device "${p}" must be an absolute path (e.g. /dev/disk/by-id/...)`,
      params: { path: p, what: 'device' },
    });
}

/** Checks `storage` (disks, raid, luks, filesystems, links over other nodes); pushes errors to `out`. */
export function storageIssues(st: JsonObject, out: ConfigIssue[]): void {
  list(st.disks).forEach((d, i) => {
    const at = `$.storage.disks[${i}]`;
    absolute(d.device, `${at}.device`, out);
    // Ignition's disk.go (partitionsMixZeroesAndNonexistence): partition number 0 means "the next
    // free number", which cannot be resolved while another entry deletes a partition
    const parts = list(d.partitions);
    if (parts.some((p) => p.shouldExist === false) && parts.some((p) => typeof p.number !== 'number' || p.number === 0))
      out.push({
        code: 'PARTITION_SHOULD_EXIST',
        path: `${at}.partitions`,
        message: 'a partition with shouldExist false cannot be combined with partitions without a number (number 0: next free)',
        params: { reason: 'unnumbered-sibling' },
      });
    list(d.partitions).forEach((p, j) => {
      const pat = `${at}.partitions[${j}]`;
      for (const k of ['typeGuid', 'guid']) {
        if (typeof p[k] === 'string' && p[k] !== '' && !GUID.test(p[k] as string))
          out.push({
            code: 'GUID_INVALID',
            path: `${pat}.${k}`,
            message: `"${p[k]}" is not a GUID like 0FC63DAF-8483-4772-8E79-3D69D8477DE4`,
            params: { value: p[k] as string },
          });
      }
      if ((typeof p.number !== 'number' || p.number < 1) && (typeof p.label !== 'string' || p.label === '')) {
        out.push({
          code: 'PARTITION_UNMATCHABLE',
          path: pat,
          message: 'a partition needs a number >= 1 or a label (so Ignition can find it again)',
          params: {},
        });
      }
      if (p.shouldExist === false) {
        const extra = ['label', 'startMiB', 'sizeMiB', 'guid', 'typeGuid'].filter((k) => p[k] !== undefined && p[k] !== null);
        if (extra.length || typeof p.number !== 'number' || p.number === 0) {
          out.push({
            code: 'PARTITION_SHOULD_EXIST',
            path: pat,
            message: `a partition with shouldExist false needs a number and nothing else${extra.length ? ` (remove ${extra.join(', ')})` : ''}`,
            params: extra.length ? { reason: 'number-only', remove: extra.join(', ') } : { reason: 'number-only' },
          });
        }
      }
    });
  });
  list(st.raid).forEach((r, i) => {
    const at = `$.storage.raid[${i}]`;
    if (typeof r.level === 'string' && !RAID_LEVELS.includes(r.level))
      out.push({
        code: 'RAID_LEVEL',
        path: `${at}.level`,
        message: `unrecognized RAID level "${r.level}" (e.g. raid1, raid5, linear)`,
        params: { level: r.level },
      });
    (Array.isArray(r.devices) ? r.devices : []).forEach((d, j) => absolute(d, `${at}.devices[${j}]`, out));
  });
  list(st.luks).forEach((l, i) => {
    const at = `$.storage.luks[${i}]`;
    if (typeof l.name === 'string' && l.name.includes('/'))
      out.push({
        code: 'LUKS_NAME',
        path: `${at}.name`,
        message: `LUKS device name "${l.name}" cannot contain "/"`,
        params: { name: l.name },
      });
    if (typeof l.device !== 'string' || l.device === '')
      out.push({ code: 'LUKS_DEVICE', path: `${at}.device`, message: 'a LUKS volume needs the device to encrypt (device)', params: {} });
    // Ignition's luks.go: a custom Clevis pin replaces tpm2/tang/threshold, it cannot be combined
    const clevis = isObject(l.clevis) ? l.clevis : {};
    const custom = isObject(clevis.custom) ? clevis.custom : {};
    const others =
      (Array.isArray(clevis.tang) && clevis.tang.length > 0) ||
      clevis.tpm2 === true ||
      (typeof clevis.threshold === 'number' && clevis.threshold !== 0);
    if (typeof custom.pin === 'string' && custom.pin !== '' && others)
      out.push({
        code: 'CLEVIS_CUSTOM',
        path: `${at}.clevis`,
        message: 'a custom Clevis config cannot be combined with tpm2, tang or threshold',
        params: {},
      });
  });
  list(st.filesystems).forEach((f, i) => {
    const at = `$.storage.filesystems[${i}]`;
    const format = typeof f.format === 'string' ? f.format : '';
    const needs = ['path', 'label', 'uuid', 'wipeFilesystem', 'options', 'mountOptions'].filter((k) => f[k] !== undefined && f[k] !== null);
    if (!format && needs.length)
      out.push({
        code: 'FS_FORMAT',
        path: `${at}.format`,
        message: `a filesystem with ${needs.join(', ')} needs a format (xfs, ext4 ...)`,
        params: { reason: 'missing', fields: needs.join(', ') },
      });
    const max = LABEL_MAX[format];
    if (typeof f.label === 'string' && max !== undefined && f.label.length > max) {
      out.push({
        code: 'FS_LABEL',
        path: `${at}.label`,
        message: `${format} labels are at most ${max} characters ("${f.label}" has ${f.label.length})`,
        params: { format, max, label: f.label, length: f.label.length },
      });
    }
  });
  // a file, directory or link whose path goes through a link of the config cannot be written
  const links = list(st.links)
    .map((l) => l.path)
    .filter((p): p is string => typeof p === 'string');
  for (const kind of ['files', 'directories', 'links'] as const) {
    list(st[kind]).forEach((n, i) => {
      const p = typeof n.path === 'string' ? n.path : '';
      const via = links.find((l) => p.startsWith(l + '/'));
      if (via)
        out.push({
          code: 'PATH_THROUGH_LINK',
          path: `$.storage.${kind}[${i}]`,
          message: `${p} lies under ${via}, which this config creates as a link`,
          params: { path: p, link: via },
        });
    });
  }
}
