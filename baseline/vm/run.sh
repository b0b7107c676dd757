#!/bin/bash
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Boot the measurement VM that build-image.sh made and keep its console output (the BENCH lines) in LOG.
# The flags are the seL4 side's, for a fair comparison: QEMU virt, one Cortex-A53, 2 GiB, and deterministic
# virtual time (-icount shift=0: one ns per guest instruction, one 62.5 MHz counter tick per 16 instructions;
# -seed and -rtc clock=vm make repeated runs bit-identical). nokaslr: with KASLR, QEMU's kaslr-seed makes the
# kernel turn on page table isolation. The figures measure code-path length, not hardware latency.
#
# usage: run.sh [--timeout SECONDS] [--bench-args "ARGS"] IMAGE_DIR LOG
#   --timeout     wall-clock limit (default 600); QEMU is stopped and the run fails when it is reached
#   --bench-args  options for `sel4ft-baseline bench` (e.g. "--quick"), passed on the kernel command line
# Exits 0 when the log ends with BENCH-DONE linux.

set -euo pipefail

timeout_seconds=600
bench_args=
while [ $# -gt 0 ]; do
    case $1 in
    --timeout)
        timeout_seconds=$2
        shift 2
        ;;
    --bench-args)
        bench_args=$2
        shift 2
        ;;
    -*)
        echo "run.sh: unknown option $1" >&2
        exit 2
        ;;
    *) break ;;
    esac
done
[ $# -eq 2 ] || {
    echo "usage: $0 [--timeout SECONDS] [--bench-args \"ARGS\"] IMAGE_DIR LOG" >&2
    exit 2
}
image_dir=$1
log=$2
for f in Image initramfs.cpio.gz; do
    [ -f "$image_dir/$f" ] || {
        echo "run.sh: no $image_dir/$f (run: make linux-vm)" >&2
        exit 1
    }
done
command -v qemu-system-aarch64 >/dev/null || {
    echo "run.sh: qemu-system-aarch64 not found (Debian: apt-get install qemu-system-arm)" >&2
    exit 1
}

append="console=ttyAMA0 nokaslr quiet"
if [ -n "$bench_args" ]; then
    append="$append bench_args=\"$bench_args\""
fi

mkdir -p "$(dirname "$log")"
echo "run.sh: booting $image_dir (timeout ${timeout_seconds}s), console log in $log" >&2
start=$(date +%s)
status=0
timeout --kill-after=10 "$timeout_seconds" qemu-system-aarch64 \
    -machine virt,virtualization=on -cpu cortex-a53 -m size=2G -nographic -serial mon:stdio \
    -kernel "$image_dir/Image" -initrd "$image_dir/initramfs.cpio.gz" -append "$append" \
    -icount shift=0,align=off,sleep=off -seed 1 -rtc base=2024-01-01T00:00:00,clock=vm -no-reboot \
    </dev/null | tr -d '\r' | tee "$log" || status=$?
elapsed=$(($(date +%s) - start))

if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "run.sh: the VM did not finish within ${timeout_seconds}s" >&2
    exit 1
fi
if ! grep -q '^BENCH-DONE linux' "$log"; then
    echo "run.sh: the VM stopped without BENCH-DONE linux (exit status $status; see $log)" >&2
    exit 1
fi
echo "run.sh: done in ${elapsed}s of wall time; $(grep -c '^BENCH ' "$log") BENCH lines in $log" >&2
