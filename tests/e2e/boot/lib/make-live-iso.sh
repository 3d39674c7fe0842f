#!/usr/bin/env bash
# Adapted from the Flint team's reference script /work/shared/tools/make-live-iso.sh (same authors);
# changes: --pxe-dir, --rootfs, a kernel from /boot is preferred (see live-iso.ts, which drives this script).
# make-live-iso.sh - build a tiny Fedora-CoreOS-like hybrid live ISO (BIOS + UEFI, CD-ROM + raw-written
# USB stick) that really boots, for end-to-end checks of ISO customization tools.  See ../README.md.
# Layout (same names, same embed areas as a real FCOS live ISO):
#   images/pxeboot/vmlinuz      Debian kernel (linux-image-cloud-amd64)
#   images/pxeboot/initrd.img   busybox-static initramfs whose /init reports
#                               /proc/cmdline and /config.ign on ttyS0, then powers off
#   images/pxeboot/rootfs.img   only with --rootfs FILE (a stand-in for the real squashfs initrd)
#   images/ignition.img         256 KiB of zeros (Ignition embed area, 2nd initrd)
#   images/efiboot.img          FAT ESP image: GRUB (BOOTX64.EFI) + stub grub.cfg
#   EFI/fedora/grub.cfg         UEFI config with a karg embed area
#   isolinux/isolinux.cfg       BIOS config with a karg embed area
#   coreos/kargs.json           {"default", "files": [{path, offset, pad, end}], "size"}
#   coreos/igninfo.json         {"file": "images/ignition.img"}
#   coreos/features.json        the feature flags of an FCOS 38 live ISO
#
# Karg embed area, exactly like coreos-assembler lays it out: it starts where the default kargs start on
# the `linux`/`append` line and runs over the line's '\n' and a line of '#' padding, ending before the
# final "# COREOS_KARG_EMBED_AREA".
#
# Needs (Debian): xorriso isolinux syslinux-common grub-efi-amd64-bin grub-common mtools dosfstools cpio
#   gzip busybox-static, plus --kernel or apt access for the kernel.  No root, no loop devices.
set -euo pipefail
export LC_ALL=C

VOLID=fedora-coreos-41.20241027.3.0
KERNEL=
CONSOLE=1
UEFI=1
HASHES=1040     # '#' characters on the padding line (as in fedora-coreos-config live/)
CACHE_DIR=${FCOS_MINI_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/fcos-mini-live}
QUIET=0
PXE_DIR=
ROOTFS=
# coreos/features.json of an FCOS 38 live ISO (gates iso customize options)
FEATURES_JSON=$(cat "$(dirname "$0")/features.json")
USE_DEFAULT_KARGS_OPT=0
DEFAULT_KARGS_OPT=

die() { echo "make-live-iso: error: $*" >&2; exit 1; }
log() { [ "$QUIET" = 1 ] || echo "make-live-iso: $*" >&2; }
usage() {
  cat <<EOF
usage: $0 [options] OUT.iso
  --volid ID        ISO volume id (default $VOLID); also coreos.liveiso= karg
  --kernel FILE     use this bzImage instead of Debian's linux-image-cloud-amd64
  --no-console      leave console=ttyS0 out of the default kargs (as on real FCOS);
                    the init still writes its report to ttyS0
  --default-kargs S replace the whole default kargs (e.g. those of another FCOS
                    release); --no-console does not apply then
  --bios-only       no UEFI El Torito image / ESP
  --pad-hashes N    length of the '#' padding line (default $HASHES)
  --pxe-dir DIR     also copy vmlinuz and initrd.img (the guest) into DIR
  --rootfs FILE     put FILE in the image as images/pxeboot/rootfs.img (network boot
                    from the ISO; the layout of everything else changes with it)
  --cache-dir DIR   where the extracted kernel is cached (default $CACHE_DIR)
  -q, --quiet
Prints nothing on stdout except, at the end, a JSON summary of the embed areas.
EOF
}

OUT=
while [ $# -gt 0 ]; do
  case "$1" in
    --volid) VOLID=${2:?}; shift ;;
    --kernel) KERNEL=${2:?}; shift ;;
    --no-console) CONSOLE=0 ;;
    --default-kargs) DEFAULT_KARGS_OPT=${2?}; USE_DEFAULT_KARGS_OPT=1; shift ;;
    --bios-only) UEFI=0 ;;
    --pad-hashes) HASHES=${2:?}; shift ;;
    --cache-dir) CACHE_DIR=${2:?}; shift ;;
    --pxe-dir) PXE_DIR=${2:?}; shift ;;
    --rootfs) ROOTFS=${2:?}; shift ;;
    -q|--quiet) QUIET=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) [ -z "$OUT" ] || die "only one OUT.iso"; OUT=$1 ;;
  esac
  shift
done
[ -n "$OUT" ] || { usage >&2; exit 2; }
[ ${#VOLID} -le 32 ] || die "volume id longer than 32 characters"
case "$VOLID" in *[!A-Za-z0-9._-]*) die "volume id: use [A-Za-z0-9._-] only" ;; esac
case "$HASHES" in ''|*[!0-9]*) die "--pad-hashes needs a number" ;; esac

ISOLINUX_BIN=/usr/lib/ISOLINUX/isolinux.bin
ISOHDPFX=/usr/lib/ISOLINUX/isohdpfx.bin
LDLINUX=/usr/lib/syslinux/modules/bios/ldlinux.c32
GRUB_EFI_DIR=/usr/lib/grub/x86_64-efi

need() { command -v "$1" >/dev/null 2>&1 || die "missing $1 (apt-get install $2)"; }
need xorriso xorriso
need cpio cpio
need gzip gzip
need dpkg-deb dpkg
[ -f "$ISOLINUX_BIN" ] && [ -f "$ISOHDPFX" ] || die "missing $ISOLINUX_BIN (apt-get install isolinux)"
[ -f "$LDLINUX" ] || die "missing $LDLINUX (apt-get install syslinux-common)"
if [ "$UEFI" = 1 ]; then
  [ -f "$GRUB_EFI_DIR/linux.mod" ] || die "missing $GRUB_EFI_DIR (apt-get install grub-efi-amd64-bin)"
  need grub-mkimage grub-common
  need mkfs.vfat dosfstools
  need mcopy mtools
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/make-live-iso.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# --- helpers -----------------------------------------------------------------
# apt_extract PKG PATTERN DEST: fetch PKG's .deb with apt-get download and copy
# the single file matching PATTERN (tar wildcard) to DEST.
apt_extract() {
  local pkg=$1 pattern=$2 dest=$3 d
  d=$(mktemp -d "$WORK/deb.XXXXXX")
  local aptopt=()
  [ "$(id -u)" = 0 ] && aptopt=(-o APT::Sandbox::User=root)
  (cd "$d" && apt-get "${aptopt[@]}" -q download "$pkg" >&2) ||
    die "apt-get download $pkg failed (run apt-get update first?)"
  mkdir "$d/x"
  dpkg-deb --fsys-tarfile "$d"/*.deb | tar -x -C "$d/x" --wildcards "$pattern"
  local f
  f=$(find "$d/x" -type f | head -n1)
  [ -n "$f" ] || die "no $pattern in $pkg"
  mkdir -p "$(dirname "$dest")"
  cp "$f" "$dest.tmp.$$" && mv -f "$dest.tmp.$$" "$dest"
  rm -rf "$d"
}

get_kernel() {  # -> $WORK/vmlinuz
  if [ -n "$KERNEL" ]; then
    [ -f "$KERNEL" ] || die "no such kernel: $KERNEL"
    cp "$KERNEL" "$WORK/vmlinuz"; return
  fi
  local meta pkg
  for meta in linux-image-cloud-amd64 linux-image-amd64; do
    pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    [ -n "$pkg" ] && break
  done
  [ -n "$pkg" ] || die "cannot resolve a Debian kernel package (apt-get update?), or pass --kernel"
  local ver
  ver=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2; exit}')
  local cached="$CACHE_DIR/${pkg}_${ver}.vmlinuz"
  if [ ! -s "$cached" ]; then
    log "fetching kernel package $pkg $ver"
    apt_extract "$pkg" './boot/vmlinuz-*' "$cached"
  fi
  log "kernel: $cached"
  cp "$cached" "$WORK/vmlinuz"
}

get_busybox() {  # -> $WORK/busybox (must be static)
  if [ -x /bin/busybox ] && [[ "$(ldd /bin/busybox 2>&1 || true)" == *"not a dynamic executable"* ]]; then
    cp /bin/busybox "$WORK/busybox"; return
  fi
  local cached="$CACHE_DIR/busybox-static"
  if [ ! -s "$cached" ]; then
    log "/bin/busybox is not busybox-static; fetching busybox-static"
    apt_extract busybox-static './bin/busybox' "$cached"
  fi
  cp "$cached" "$WORK/busybox"; chmod 755 "$WORK/busybox"
}

# --- initramfs ---------------------------------------------------------------
make_initrd() {  # -> $WORK/iso/images/pxeboot/initrd.img
  local r="$WORK/initrd"
  mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,etc,tmp,run,root}
  cp "$WORK/busybox" "$r/bin/busybox"
  local p
  for p in $("$r/bin/busybox" --list-full); do
    [ -e "$r/$p" ] || [ -L "$r/$p" ] || ln -s /bin/busybox "$r/$p"
  done
  echo "fcos-mini-live $VOLID" > "$r/etc/fcos-mini-release"
  cat > "$r/init" <<'EOF'
#!/bin/busybox sh
# PID 1 of the fcos-mini live initramfs: report what the bootloader and the
# kernel handed over, then power off.  The report goes straight to ttyS0 so
# it shows on the serial port whatever console= says.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
dmesg -n 1   # keep late kernel messages out of the middle of the report
out=/dev/ttyS0
[ -c "$out" ] || out=/dev/console
{
  echo
  echo "FCOS-MINI-INIT: $(cat /etc/fcos-mini-release) kernel $(uname -r)"
  echo "CMDLINE: $(cat /proc/cmdline)"
  i=0
  for a in "$@"; do i=$((i+1)); echo "INIT-ARG$i: $a"; done
  dmesg | grep -i 'initramfs unpacking failed' | sed 's/^/INITRAMFS-ERROR: /'
  # files that came from another initrd (e.g. the Ignition embed area)
  find / -xdev -mindepth 1 | sort > /tmp/now.list
  grep -vxF -f /etc/fcos-mini-initrd.list /tmp/now.list | grep -vx /tmp/now.list |
    sed 's/^/EXTRA-FILE: /'
  if [ -f /config.ign ]; then
    echo "IGNITION-BEGIN"
    cat /config.ign
    [ -z "$(tail -c 1 /config.ign)" ] || echo
    echo "IGNITION-END"
    echo "IGNITION-SIZE: $(wc -c < /config.ign)"
    echo "IGNITION-SHA256: $(sha256sum /config.ign | cut -d' ' -f1)"
  else
    echo "IGNITION-NONE"
  fi
  echo "BOOT-OK"
} > "$out" 2>&1
sync
poweroff -f
sleep 5
echo o > /proc/sysrq-trigger
EOF
  chmod 755 "$r/init"
  # markers a real FCOS live initramfs carries (coreos-installer's `pxe customize` checks them)
  mkdir -p "$r/etc/coreos"
  : > "$r/etc/coreos-live-initramfs"
  printf '%s\n' "$FEATURES_JSON" > "$r/etc/coreos/features.json"
  : > "$r/etc/fcos-mini-initrd.list"
  (cd "$r" && find . -mindepth 1 | sed 's/^\.//' | sort > etc/fcos-mini-initrd.list)
  mkdir -p "$WORK/iso/images/pxeboot"
  (cd "$r" && find . -mindepth 1 | sort | cpio -o -H newc -R 0:0 --quiet --reproducible) |
    gzip -9n > "$WORK/iso/images/pxeboot/initrd.img"
  truncate -s %4 "$WORK/iso/images/pxeboot/initrd.img"   # 4-byte aligned, like cosa's
}

# --- bootloader configs with karg embed areas ---------------------------------
DEFAULT_KARGS="mitigations=auto,nosmt coreos.liveiso=$VOLID ignition.firstboot ignition.platform.id=metal"
[ "$CONSOLE" = 1 ] && DEFAULT_KARGS="$DEFAULT_KARGS console=ttyS0"
if [ "$USE_DEFAULT_KARGS_OPT" = 1 ]; then
  DEFAULT_KARGS=$DEFAULT_KARGS_OPT
  case "$DEFAULT_KARGS" in *[\"\\]*|*$'\n'*) die "--default-kargs: no quotes, backslashes or newlines" ;; esac
fi
# area = default kargs + '\n' + (HASHES-1) x '#'; then "# COREOS_KARG_EMBED_AREA\n" follows
AREA_SIZE=$(( ${#DEFAULT_KARGS} + 1 + HASHES - 1 ))
hashes() { local n=$1 s; printf -v s '%*s' "$n" ''; printf '%s' "${s// /#}"; }

# write_cfg FILE PREFIX_TEXT SUFFIX_TEXT: FILE = PREFIX + area + "# COREOS_KARG_EMBED_AREA\n" + SUFFIX
# and print the byte offset of the area in FILE
write_cfg() {
  local f=$1 pre=$2 post=$3
  mkdir -p "$(dirname "$f")"
  printf '%s' "$pre" > "$f"
  local off; off=$(stat -c %s "$f")
  printf '%s\n%s# COREOS_KARG_EMBED_AREA\n%s' "$DEFAULT_KARGS" "$(hashes $((HASHES - 1)))" "$post" >> "$f"
  echo "$off"
}

make_configs() {
  local iso="$WORK/iso"
  GRUB_OFF=$(write_cfg "$iso/EFI/fedora/grub.cfg" \
"# fcos-mini-live: mirrors live/EFI/fedora/grub.cfg of fedora-coreos-config.
# Loaded directly when GRUB boots via El Torito, and through the stub
# EFI/fedora/grub.cfg inside images/efiboot.img when it boots from the ESP.
echo \"fcos-mini: grub.cfg read from \$root\"
set default=\"0\"

function load_video {
  insmod efi_gop
  insmod efi_uga
  insmod video_bochs
  insmod video_cirrus
  insmod all_video
}

load_video
set gfxpayload=keep
insmod gzio
insmod part_gpt
insmod ext2

set timeout=1
### END /etc/grub.d/00_header ###

### BEGIN /etc/grub.d/10_linux ###
menuentry 'Fedora CoreOS (Live)' --class fedora --class gnu-linux --class gnu --class os {
	linux /images/pxeboot/vmlinuz " \
"	initrd /images/pxeboot/initrd.img /images/ignition.img
}
")
  ISOLINUX_OFF=$(write_cfg "$iso/isolinux/isolinux.cfg" \
"# fcos-mini-live: mirrors live/isolinux/isolinux.cfg of fedora-coreos-config,
# minus the vesamenu (text only, so that everything shows on the serial port).
serial 0 115200
default linux
prompt 0
timeout 10

label linux
  menu label ^Fedora CoreOS (Live)
  menu default
  kernel /images/pxeboot/vmlinuz
  append initrd=/images/pxeboot/initrd.img,/images/ignition.img " \
"
menu separator # insert an empty line

menu end
")
  cp "$ISOLINUX_BIN" "$LDLINUX" "$iso/isolinux/"
  mkdir -p "$iso/coreos"
  local files
  if [ "$UEFI" = 1 ]; then
    files=$(printf '    {\n      "end": "\\n",\n      "offset": %s,\n      "pad": "#",\n      "path": "EFI/fedora/grub.cfg"\n    },\n' "$GRUB_OFF")
    files+=$'\n'
  else
    rm -rf "$iso/EFI"
    files=
  fi
  files+=$(printf '    {\n      "end": "\\n",\n      "offset": %s,\n      "pad": "#",\n      "path": "isolinux/isolinux.cfg"\n    }' "$ISOLINUX_OFF")
  printf '{\n  "default": "%s",\n  "files": [\n%s\n  ],\n  "size": %s\n}\n' \
    "$DEFAULT_KARGS" "$files" "$AREA_SIZE" > "$iso/coreos/kargs.json"
  printf '{\n  "file": "images/ignition.img"\n}\n' > "$iso/coreos/igninfo.json"
  printf '%s\n' "$FEATURES_JSON" > "$iso/coreos/features.json"
  head -c $((256 * 1024)) /dev/zero > "$iso/images/ignition.img"
}

# --- UEFI: GRUB in a FAT image --------------------------------------------------
make_efiboot() {
  local e="$WORK/efi"
  mkdir -p "$e"
  # prefix /EFI/fedora like Fedora's GRUB: via El Torito it finds the ISO's
  # EFI/fedora/grub.cfg; via the ESP it finds the stub below.
  grub-mkimage -O x86_64-efi -p /EFI/fedora -o "$e/BOOTX64.EFI" \
    normal configfile linux search search_label search_fs_file part_gpt part_msdos \
    fat iso9660 echo test serial terminal efi_gop efi_uga all_video video_bochs \
    video_cirrus gzio ext2 ls cat halt reboot sleep
  cat > "$e/grub.cfg" <<EOF
# fcos-mini-live ESP stub: find the ISO9660 filesystem by its volume id and
# use the grub.cfg there (the one with the karg embed area).
search --no-floppy --label "$VOLID" --set root
set prefix=(\$root)/EFI/fedora
echo "fcos-mini: booting via ESP, config from \$prefix"
configfile \$prefix/grub.cfg
EOF
  local kb=$(( ($(stat -c %s "$e/BOOTX64.EFI") + 1023) / 1024 + 256 ))
  local img="$WORK/iso/images/efiboot.img"
  mkfs.vfat -n EFI-SYSTEM -C "$img" "$kb" >/dev/null
  export MTOOLS_SKIP_CHECK=1
  mmd -i "$img" ::/EFI ::/EFI/BOOT ::/EFI/fedora
  mcopy -i "$img" "$e/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
  mcopy -i "$img" "$e/grub.cfg" ::/EFI/fedora/grub.cfg
}

# --- build -----------------------------------------------------------------------
get_kernel
get_busybox
mkdir -p "$WORK/iso/images/pxeboot"
cp "$WORK/vmlinuz" "$WORK/iso/images/pxeboot/vmlinuz"
[ -z "$ROOTFS" ] || cp "$ROOTFS" "$WORK/iso/images/pxeboot/rootfs.img"
make_initrd
make_configs
efi_args=()
if [ "$UEFI" = 1 ]; then
  make_efiboot
  efi_args=(-eltorito-alt-boot -e images/efiboot.img -no-emul-boot -isohybrid-gpt-basdat)
fi

TMPISO="$WORK/out.iso"
# -iso-level 1 gives the 8.3 ISO9660 names a real FCOS ISO has (COREOS/KARGS.JSO,
# IMAGES/IGNITION.IMG), which coreos-installer looks up; Rock Ridge/Joliet keep long names.
xorriso -as mkisofs -quiet -o "$TMPISO" \
  -iso-level 1 -V "$VOLID" -volset "$VOLID" -rational-rock -J -joliet-long \
  -isohybrid-mbr "$ISOHDPFX" \
  -eltorito-boot isolinux/isolinux.bin -eltorito-catalog isolinux/boot.cat \
  -no-emul-boot -boot-load-size 4 -boot-info-table \
  "${efi_args[@]}" \
  "$WORK/iso" 2> "$WORK/xorriso.log" || { cat "$WORK/xorriso.log" >&2; die "xorriso failed"; }

# --- self-check: find the areas in the image and verify them ------------------------
# report_lba prints "File data lba:  0 ,  LBA ,  BLOCKS ,  BYTES , 'path'"
lba_field() {
  xorriso -indev "$TMPISO" -find "$1" -exec report_lba -- 2>/dev/null |
    sed -n "s/^File data lba: *[0-9]* *, *\([0-9]*\) *, *\([0-9]*\) *, *\([0-9]*\) *,.*/\1 \3/p" | head -n1
}
check_area() {  # ISO path, file offset -> absolute offset; verify contents
  local path=$1 off=$2 lba abs got
  read -r lba _ < <(lba_field "$path")
  [ -n "$lba" ] || die "self-check: $path not found in image"
  abs=$(( lba * 2048 + off ))
  dd if="$TMPISO" iflag=skip_bytes,count_bytes skip="$abs" count="$AREA_SIZE" status=none > "$WORK/area"
  got=$(head -n1 "$WORK/area")
  [ "$got" = "$DEFAULT_KARGS" ] || die "self-check: $path area at $abs holds '$got'"
  echo "$abs"
}
read -r IGN_LBA IGN_BYTES < <(lba_field /images/ignition.img)
[ "$IGN_BYTES" = 262144 ] || die "self-check: ignition.img is $IGN_BYTES bytes"
[ "$(dd if="$TMPISO" bs=2048 skip="$IGN_LBA" count=128 status=none | tr -d '\0' | wc -c)" = 0 ] ||
  die "self-check: ignition.img not zero"
ISOLINUX_ABS=$(check_area /isolinux/isolinux.cfg "$ISOLINUX_OFF")
GRUB_ABS=
[ "$UEFI" = 1 ] && GRUB_ABS=$(check_area /EFI/fedora/grub.cfg "$GRUB_OFF")

mkdir -p "$(dirname "$OUT")"
mv -f "$TMPISO" "$OUT"
if [ -n "$PXE_DIR" ]; then
  mkdir -p "$PXE_DIR"
  cp "$WORK/iso/images/pxeboot/vmlinuz" "$WORK/iso/images/pxeboot/initrd.img" "$PXE_DIR/"
fi
log "wrote $OUT ($(stat -c %s "$OUT") bytes), volid $VOLID, BIOS$([ "$UEFI" = 1 ] && echo ' + UEFI')"
printf '{"iso": "%s", "volid": "%s", "default_kargs": "%s", "karg_area_size": %s, ' \
  "$OUT" "$VOLID" "$DEFAULT_KARGS" "$AREA_SIZE"
printf '"ignition_img": {"lba": %s, "offset": %s, "length": %s}, ' "$IGN_LBA" $((IGN_LBA * 2048)) "$IGN_BYTES"
printf '"karg_areas": {"isolinux/isolinux.cfg": %s' "$ISOLINUX_ABS"
[ -n "$GRUB_ABS" ] && printf ', "EFI/fedora/grub.cfg": %s' "$GRUB_ABS"
printf '}}\n'
