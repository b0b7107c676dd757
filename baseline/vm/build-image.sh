#!/bin/bash
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Build the measurement VM of the Linux baseline into OUTPUT_DIR:
#   Image               the arm64 kernel of Debian bookworm (linux-image-<version>-arm64-unsigned), uncompressed
#   initramfs.cpio.gz   busybox (busybox-static:arm64), the statically linked sel4ft-baseline, and /init
#                       (baseline/vm/init: mount proc, sys, dev, /dev/shm; run `sel4ft-baseline bench`; power off)
# The Debian packages are downloaded once into OUTPUT_DIR/debs (dpkg --add-architecture arm64, apt-get update,
# apt-get download); later runs reuse them and do no apt work. Boot the result with run.sh.
#
# usage: build-image.sh OUTPUT_DIR SEL4FT_BASELINE_AARCH64
# environment: TOOLCHAIN (cross prefix for strip/readelf, default aarch64-linux-gnu), PYTHON (default /usr/bin/python3)

set -euo pipefail

say() { echo "linux-vm: $*"; }
die() {
    echo "linux-vm: error: $*" >&2
    exit 1
}

[ $# -eq 2 ] || {
    echo "usage: $0 OUTPUT_DIR SEL4FT_BASELINE_AARCH64" >&2
    exit 2
}
out=$1
binary=$2
here=$(cd "$(dirname "$0")" && pwd)
toolchain=${TOOLCHAIN:-aarch64-linux-gnu}
python=${PYTHON:-/usr/bin/python3}
debs="$out/debs"

[ -f "$binary" ] || die "no aarch64 sel4ft-baseline at $binary (run: make baseline-aarch64)"
if command -v "$toolchain-readelf" >/dev/null; then
    "$toolchain-readelf" -h "$binary" | grep -q 'Machine:.*AArch64' || die "$binary is not an aarch64 program"
    if "$toolchain-readelf" -l "$binary" | grep -q 'INTERP'; then
        die "$binary is dynamically linked; the VM has no C library (link it with -static)"
    fi
fi
mkdir -p "$debs"

newest() { # newest cached package matching a pattern, or nothing
    find "$debs" -maxdepth 1 -name "$1" -printf '%f\n' | sort -V | tail -n 1
}

kernel_deb=$(newest 'linux-image-*-arm64-unsigned_*_arm64.deb')
busybox_deb=$(newest 'busybox-static_*_arm64.deb')

if [ -z "$kernel_deb" ] || [ -z "$busybox_deb" ]; then
    [ "$(id -u)" -eq 0 ] || die "downloading Debian's arm64 packages needs root (dpkg --add-architecture arm64 and
    apt-get update). Run this once as root, or put linux-image-<version>-arm64-unsigned_*_arm64.deb and
    busybox-static_*_arm64.deb into $debs yourself."
    command -v apt-get >/dev/null || die "apt-get not found: this script needs Debian (bookworm) or a derivative"
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        say "adding the arm64 architecture to dpkg (package lists only; nothing arm64 gets installed)"
        dpkg --add-architecture arm64
    fi
    say "apt-get update"
    apt-get -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3 update -qq
    # The metapackage names the current kernel; its unsigned twin holds the same vmlinuz without the EFI signature.
    signed=$(apt-cache depends linux-image-arm64:arm64 | awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
    signed=${signed%:arm64}
    [ -n "$signed" ] || die "apt-cache does not know linux-image-arm64:arm64 (is the arm64 architecture enabled?)"
    say "downloading ${signed}-unsigned and busybox-static (arm64) into $debs"
    (cd "$debs" && apt-get -o APT::Sandbox::User=root download -q "${signed}-unsigned:arm64" busybox-static:arm64)
    kernel_deb=$(newest 'linux-image-*-arm64-unsigned_*_arm64.deb')
    busybox_deb=$(newest 'busybox-static_*_arm64.deb')
    if [ -z "$kernel_deb" ] || [ -z "$busybox_deb" ]; then
        die "apt-get download did not leave both packages in $debs"
    fi
else
    say "using cached packages: $kernel_deb, $busybox_deb (delete $debs to fetch the current ones)"
fi

# Unpack each package once (kept while the cached package is the same). Only the kernel package's /boot is
# needed, not its hundreds of megabytes of modules.
unpack() { # package directory [paths...]
    local deb=$1 dir=$2
    shift 2
    if [ ! -f "$dir/.unpacked-from" ] || [ "$(cat "$dir/.unpacked-from")" != "$deb" ]; then
        say "unpacking $deb"
        rm -rf "$dir"
        mkdir -p "$dir"
        if [ $# -eq 0 ]; then
            dpkg-deb -x "$debs/$deb" "$dir"
        else
            dpkg-deb --fsys-tarfile "$debs/$deb" | tar -x -C "$dir" --wildcards "$@"
        fi
        echo "$deb" >"$dir/.unpacked-from"
    fi
}
unpack "$kernel_deb" "$out/kernel" './boot/vmlinuz-*' './boot/config-*'
unpack "$busybox_deb" "$out/busybox"

vmlinuz=$(find "$out/kernel/boot" -name 'vmlinuz-*' | sort -V | tail -n 1)
[ -n "$vmlinuz" ] || die "no vmlinuz in $kernel_deb"
# QEMU loads an uncompressed arm64 Image as it is; bookworm's is uncompressed, but decompress one that is not.
if [ "$(od -An -tx1 -N2 "$vmlinuz" | tr -d ' ')" = "1f8b" ]; then
    gzip -dc "$vmlinuz" >"$out/Image.tmp"
else
    cp "$vmlinuz" "$out/Image.tmp"
fi
mv "$out/Image.tmp" "$out/Image"
for option in CONFIG_SERIAL_AMBA_PL011_CONSOLE CONFIG_DEVTMPFS CONFIG_UNIX CONFIG_FUTEX CONFIG_TMPFS CONFIG_BLK_DEV_INITRD; do
    grep -qx "$option=y" "$out"/kernel/boot/config-* || die "the kernel lacks $option=y, which the VM needs"
done

busybox="$out/busybox/bin/busybox"
[ -x "$busybox" ] || die "no bin/busybox in $busybox_deb"

# The program, without its debug information (less to decompress at every boot).
if command -v "$toolchain-strip" >/dev/null; then
    "$toolchain-strip" -o "$out/sel4ft-baseline" "$binary"
else
    cp "$binary" "$out/sel4ft-baseline"
fi

# shellcheck disable=SC2054 # the commas separate a device's major and minor numbers
entries=(dir:/bin dir:/sbin dir:/dev dir:/proc dir:/sys dir:/tmp dir:/root
    char:/dev/console=5,1:600 char:/dev/null=1,3:666
    "file:/bin/busybox=$busybox:755" "file:/bin/sel4ft-baseline=$out/sel4ft-baseline:755"
    "file:/init=$here/init:755")
for applet in sh mount mkdir echo cat uname poweroff; do
    entries+=("link:/bin/$applet=busybox")
done
"$python" "$here/mkinitramfs.py" "$out/initramfs.cpio.gz" "${entries[@]}"

version=${vmlinuz##*/vmlinuz-}
say "kernel $version (from $kernel_deb): $out/Image"
say "initramfs: $out/initramfs.cpio.gz ($(stat -c %s "$out/initramfs.cpio.gz") bytes)"
say "boot it: bash $here/run.sh $out $out/bench.log"
