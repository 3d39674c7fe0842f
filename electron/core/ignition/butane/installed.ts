import { mergeConfig } from '../merge';
import { type JsonObject, isObject } from '../types';
import { makeDataUrl } from './dataurl';
import { type Collected, type Ctx, issue } from './walk';

/**
 * `boot_device` and `grub`: sections for the installed system that Butane expands into Ignition
 * storage entries. Behaviour as in Butane 0.25 (config/fcos/v1_3 ... v1_6, translate.go
 * `processBootDevice` and `handleUserGrubCfg`, validate.go): the generated entries are the parent
 * config and the user's own entries are merged over them with Ignition's merge rules, so a user
 * can still adjust a generated filesystem or disk.
 */

// GPT type GUIDs of the partitions a mirrored boot disk gets (UEFI spec; BIOS boot, PReP and a
// placeholder for the slot another architecture uses)
const TYPE_BIOS = '21686148-6449-6E6F-744E-656564454649';
const TYPE_PREP = '9E1A2D38-C612-4316-AA26-8B49521E5A8B';
const TYPE_ESP = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';
const TYPE_RESERVED = '8DA63339-0007-60C0-C436-083AC8230908';
// sizes of the partitions of the FCOS disk image (coreos-assembler's create_disk.sh): a mirror's
// copies must be at least as large, and the BIOS boot partition keeps its offset
const BIOS_MIB = 1;
const PREP_MIB = 4;
const RESERVED_MIB = 1;
const ESP_MIB = 127;
const BOOT_MIB = 384;

/** Boot disk layouts Flint translates (Butane also knows s390x-eckd, s390x-virt, s390x-zfcp: IBM Z never boots from a stick). */
const LAYOUTS = ['x86_64', 'aarch64', 'ppc64le'];

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The storage entries `boot_device` stands for (null when it asks for neither LUKS nor a mirror). */
function renderBootDevice(ctx: Ctx, c: Collected): JsonObject | null {
  const bd = isObject(c.value) ? c.value : {};
  const layout = str(bd.layout) ?? 'x86_64';
  if (!LAYOUTS.includes(layout)) {
    const ibm = layout.startsWith('s390x');
    issue(
      ctx,
      c.node,
      ibm ? 'BUTANE_UNSUPPORTED' : 'BUTANE_BOOT_DEVICE',
      `${c.path}.layout`,
      ibm
        ? `boot_device layout ${layout} (IBM Z) is not supported by Flint`
        : `boot_device layout must be one of ${LAYOUTS.join(', ')}, not "${layout}"`,
      ibm ? { reason: 'layout', layout } : { reason: 'layout', layout, allowed: LAYOUTS.join(', ') },
    );
    return null;
  }
  const luks = isObject(bd.luks) ? bd.luks : {};
  const devices = isObject(bd.mirror) && Array.isArray(bd.mirror.devices) ? (bd.mirror.devices as string[]) : [];
  if (devices.length === 1) {
    issue(ctx, c.node, 'BUTANE_BOOT_DEVICE', `${c.path}.mirror.devices`, 'mirroring the boot disk needs at least two devices', {
      reason: 'mirror',
    });
    return null;
  }
  const tang = Array.isArray(luks.tang) ? luks.tang : [];
  const wantLuks = luks.tpm2 === true || tang.length > 0;
  const wantMirror = devices.length > 0;
  if (!wantLuks && !wantMirror) return null;

  const disks: JsonObject[] = [];
  const filesystems: JsonObject[] = [];
  const raid: JsonObject[] = [];
  const efi = layout !== 'ppc64le';
  devices.forEach((device, i) => {
    const n = i + 1;
    const first =
      layout === 'x86_64'
        ? { label: `bios-${n}`, sizeMiB: BIOS_MIB, typeGuid: TYPE_BIOS }
        : layout === 'ppc64le'
          ? { label: `prep-${n}`, sizeMiB: PREP_MIB, typeGuid: TYPE_PREP }
          : { label: `reserved-${n}`, sizeMiB: RESERVED_MIB, typeGuid: TYPE_RESERVED };
    const second = efi
      ? { label: `esp-${n}`, sizeMiB: ESP_MIB, typeGuid: TYPE_ESP }
      : { label: `reserved-${n}`, sizeMiB: RESERVED_MIB, typeGuid: TYPE_RESERVED };
    disks.push({ device, wipeTable: true, partitions: [first, second, { label: `boot-${n}`, sizeMiB: BOOT_MIB }, { label: `root-${n}` }] });
    if (efi) filesystems.push({ device: `/dev/disk/by-partlabel/esp-${n}`, format: 'vfat', label: `esp-${n}`, wipeFilesystem: true });
  });
  if (wantMirror) {
    const members = (prefix: string) => devices.map((_, i) => `/dev/disk/by-partlabel/${prefix}-${i + 1}`);
    // md-boot keeps its RAID superblock at the end (metadata 1.0) so firmware and GRUB read it as a plain filesystem
    raid.push({ devices: members('boot'), level: 'raid1', name: 'md-boot', options: ['--metadata=1.0'] });
    raid.push({ devices: members('root'), level: 'raid1', name: 'md-root' });
    filesystems.push({ device: '/dev/md/md-boot', format: 'ext4', label: 'boot', wipeFilesystem: true });
  }
  const luksList: JsonObject[] = [];
  if (wantLuks) {
    const clevis: JsonObject = {};
    if (tang.length) clevis.tang = tang;
    if (luks.threshold !== undefined) clevis.threshold = luks.threshold;
    if (luks.tpm2 !== undefined) clevis.tpm2 = luks.tpm2;
    const volume: JsonObject = {
      clevis,
      device: wantMirror ? '/dev/md/md-root' : '/dev/disk/by-partlabel/root',
      label: 'luks-root',
      name: 'root',
      wipeVolume: true,
    };
    if (luks.discard !== undefined) volume.discard = luks.discard;
    luksList.push(volume);
  }
  filesystems.push({ device: wantLuks ? '/dev/mapper/root' : '/dev/md/md-root', format: 'xfs', label: 'root', wipeFilesystem: true });
  const storage: JsonObject = { filesystems };
  if (disks.length) storage.disks = disks;
  if (raid.length) storage.raid = raid;
  if (luksList.length) storage.luks = luksList;
  return { storage };
}

/** The /boot/grub2/user.cfg Butane writes for `grub.users` (superusers and their PBKDF2 hashes). */
function renderGrub(ctx: Ctx, c: Collected): JsonObject | null {
  const users = isObject(c.value) && Array.isArray(c.value.users) ? c.value.users.filter(isObject) : [];
  const before = ctx.errors.length;
  users.forEach((u, i) => {
    if (!str(u.name)) issue(ctx, c.node, 'BUTANE_GRUB_USER', `${c.path}.users[${i}].name`, 'a GRUB user needs a name', { reason: 'name' });
    if (!str(u.passwordHash))
      issue(
        ctx,
        c.node,
        'BUTANE_GRUB_USER',
        `${c.path}.users[${i}].password_hash`,
        'a GRUB user needs a password_hash (grub2-mkpasswd-pbkdf2)',
        { reason: 'password' },
      );
  });
  if (ctx.errors.length > before || users.length === 0) return null;
  const text =
    '# Generated by Butane\n\n' +
    `set superusers="${users.map((u) => u.name).join(' ')}"\n` +
    users.map((u) => `password_pbkdf2 ${u.name} ${u.passwordHash}`).join('\n') +
    '\n';
  const url = makeDataUrl(new TextEncoder().encode(text));
  return {
    storage: {
      filesystems: [{ device: '/dev/disk/by-label/boot', format: 'ext4', path: '/boot' }],
      files: [{ path: '/boot/grub2/user.cfg', append: [{ source: url.source, compression: url.compression }] }],
    },
  };
}

/** Expands boot_device, then grub, under `config` (each as the parent of what is already there). */
export function applyInstalledSections(ctx: Ctx, config: JsonObject): JsonObject {
  let out = config;
  const boot = ctx.collected.boot_device && renderBootDevice(ctx, ctx.collected.boot_device);
  if (boot) out = mergeConfig(boot, out);
  const grub = ctx.collected.grub && renderGrub(ctx, ctx.collected.grub);
  if (grub) out = mergeConfig(grub, out);
  return out;
}
