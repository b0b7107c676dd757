#!/bin/sh
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Install the library into a scratch prefix, then build (and with an SDK, boot)
# a PD that lives outside the repository using only pkg-config and the SDK, and
# an example system copied out of the tree using only the install's make fragment.
# Environment: BUILD_DIR, RESULTS_DIR, MICROKIT_SDK, MICROKIT_BOARD, MICROKIT_CONFIG, TOOLCHAIN, HAVE_SDK.

set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work="$BUILD_DIR/install-test"
stage="$work/stage"
prefix=/opt/sel4ft-test
passed=0
failed=0
skipped=0

ok() { echo "[  OK  ] install: $1"; passed=$((passed + 1)); }
bad() { echo "[ FAIL ] install: $1"; failed=$((failed + 1)); }
skip() { echo "[ SKIP ] install: $1"; skipped=$((skipped + $2)); }
finish() {
    echo "install: $passed passed, $failed failed, $skipped skipped"
    mkdir -p "$RESULTS_DIR" && echo "$passed $failed $skipped" > "$RESULTS_DIR/install.txt"
    [ "$failed" -eq 0 ]
    exit $?
}

rm -rf "$work"
mkdir -p "$work"
if [ "${HAVE_SDK:-}" != yes ]; then
    # The PD library is built against the SDK's headers (the port's hot calls are inline): without an SDK,
    # make install must refuse with the one clear message every SDK target gives.
    if make -s -C "$top" install PREFIX="$prefix" DESTDIR="$stage" > "$work/install.log" 2>&1; then
        bad "make install succeeded without an SDK"
    elif grep -q "needs the seL4 Microkit SDK" "$work/install.log"; then
        ok "make install without an SDK stops with a clear message"
    else
        bad "make install without an SDK failed without the SDK message (see $work/install.log)"
    fi
    skip "the installed files, pkg-config, its flags, the out-of-tree builds and their boots need the SDK" 9
    finish
fi
# Two configs into one prefix: the one under test last, so sel4ft.pc (the last installed) is it.
other=release
[ "$MICROKIT_CONFIG" = release ] && other=debug
if make -s -C "$top" install PREFIX="$prefix" DESTDIR="$stage" MICROKIT_CONFIG="$other" > "$work/install.log" 2>&1 &&
   make -s -C "$top" install PREFIX="$prefix" DESTDIR="$stage" MICROKIT_CONFIG="$MICROKIT_CONFIG" \
        >> "$work/install.log" 2>&1; then
    ok "make install PREFIX=$prefix DESTDIR=$stage, for $other and $MICROKIT_CONFIG"
else
    bad "make install failed (see $work/install.log)"
    finish
fi

pc="sel4ft-$MICROKIT_BOARD-$MICROKIT_CONFIG"
for f in "lib/sel4ft/$MICROKIT_BOARD/$MICROKIT_CONFIG/libsel4ft.a" "lib/sel4ft/$MICROKIT_BOARD/$other/libsel4ft.a" \
        "lib/pkgconfig/$pc.pc" "lib/pkgconfig/sel4ft-$MICROKIT_BOARD-$other.pc" lib/pkgconfig/sel4ft.pc \
        include/sel4ft/sel4ft.h include/sel4ft/service.h "lib/sel4ft/$MICROKIT_BOARD/$MICROKIT_CONFIG/include/sel4ft/port.h" \
        share/sel4ft/common/logger.c bin/sel4ft-sdf; do
    [ -f "$stage$prefix/$f" ] || { bad "missing $prefix/$f"; finish; }
done
[ ! -e "$stage$prefix/include/sel4ft/os_linux.h" ] || bad "host-only header os_linux.h was installed"
grep -q 'SEL4FT_PORT_NAME "microkit"' "$stage$prefix/lib/sel4ft/$MICROKIT_BOARD/$MICROKIT_CONFIG/include/sel4ft/port.h" ||
    bad "the installed port is not Microkit's"
cmp -s "$stage$prefix/lib/pkgconfig/$pc.pc" "$stage$prefix/lib/pkgconfig/sel4ft.pc" ||
    bad "sel4ft.pc is not the config installed last ($pc)"
ok "two configs side by side under $prefix/lib/sel4ft/$MICROKIT_BOARD (sel4ft.pc: $MICROKIT_CONFIG, installed last)"

# The staged install is relocated with --define-variable=prefix (PKG_CONFIG_SYSROOT_DIR would move the SDK's paths
# too); a real install needs neither.
pkgconf() { PKG_CONFIG_PATH="$stage$prefix/lib/pkgconfig" pkg-config --define-variable=prefix="$stage$prefix" "$@"; }
cflags=$(pkgconf --cflags sel4ft) && libs=$(pkgconf --libs sel4ft) && pd_cflags=$(pkgconf --variable=pd_cflags sel4ft)
if [ -z "$cflags" ] || [ -z "$libs" ]; then
    bad "pkg-config --cflags --libs sel4ft gave nothing"
    finish
fi
board_dir="$MICROKIT_SDK/board/$MICROKIT_BOARD/$MICROKIT_CONFIG"
case "$cflags" in *"$pd_cflags"*"-isystem$board_dir/include"*) ok "pkg-config --cflags: the PD flags and the SDK's \
include path for $MICROKIT_BOARD/$MICROKIT_CONFIG ($cflags)";; *) bad "pkg-config --cflags lacks the PD flags or the SDK \
include path: $cflags";; esac
case "$libs" in *"-L$board_dir/lib"*"-lmicrokit"*"-Tmicrokit.ld"*) ok "pkg-config --libs: the library, the SDK's lib \
path, -lmicrokit and the linker script ($libs)";; *) bad "pkg-config --libs lacks the SDK: $libs";; esac

# pd_cflags is generated from the flags the library itself was built with (lib/sel4ft.mk's SEL4FT_PD_CFLAGS).
library_flags=$(make -s -C "$top" --no-print-directory print-pd-cflags)
if [ "$pd_cflags" = "$library_flags" ]; then
    ok "pkg-config's pd_cflags are the library's own PD flags ($pd_cflags)"
else
    bad "pkg-config's pd_cflags ($pd_cflags) differ from the library's ($library_flags)"
fi

# The README's lines ("Using the library in your own PD"), which example.mk uses too.
out="$work/probe"
mkdir -p "$out"
if "$TOOLCHAIN-gcc" $cflags -Wall -Wextra -Werror -O2 -c "$here/probe/probe.c" -o "$out/probe.o" &&
   "$TOOLCHAIN-ld" "$out/probe.o" $libs "$("$TOOLCHAIN-gcc" -print-libgcc-file-name)" --gc-sections \
        -o "$out/probe.elf" &&
   "$MICROKIT_SDK/bin/microkit" "$here/probe/probe.system" --search-path "$out" --board "$MICROKIT_BOARD" \
        --config "$MICROKIT_CONFIG" -o "$out/loader.img" -r "$out/report.txt" > "$out/build.log" 2>&1; then
    ok "out-of-tree PD built with the README's compile and link lines (pkg-config alone)"
else
    bad "out-of-tree PD failed to build"
    finish
fi

# boot NAME IMAGE EXPECT WHAT: boot IMAGE in QEMU and check its serial log against EXPECT (WHAT: what a pass shows).
boot() {
    if /usr/bin/python3 "$top/tests/qemu/run.py" --image "$2" --expect "$3" --name "$1" --config "$MICROKIT_CONFIG" \
            --log-dir "$BUILD_DIR/logs/qemu-test" --timeout 60 > "$work/$1-qemu.log" 2>&1; then
        ok "$4"
    else
        bad "$1 did not boot as expected:"
        sed 's/^/         /' "$work/$1-qemu.log" | tail -15
    fi
}

boot install-probe "$out/loader.img" "$here/probe.expect" \
    "out-of-tree PD boots on seL4 in QEMU and prints through the installed library"

# An example that uses the shared example code (the key-value server and client, the logger), copied to a folder
# outside the repository and built there against the staged install alone: its make fragment, libsel4ft.a,
# headers, pd_cflags, examples/common and services/. A fresh environment, as a user's shell would be: the board
# and config come from the install, the build goes into the copy's own build/.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/sel4ft-example.XXXXXX")
cp -R "$top/examples/ipc_demo" "$scratch/"
example="$scratch/ipc_demo"
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD_DIR -u MICROKIT_BOARD -u MICROKIT_CONFIG \
        make -C "$example" SEL4FT_PREFIX="$stage$prefix" MICROKIT_SDK="$MICROKIT_SDK" TOOLCHAIN="$TOOLCHAIN" \
        > "$work/example-build.log" 2>&1; then
    # What it compiled from: no source or header of the tree (the stage, under build/, is the install).
    from_tree=$(cat "$work/example-build.log" $(find "$example/build" -name '*.d') |
        grep -Eo "$top/(examples|services|include|lib)/[^ :]*" | sort -u | head -3)
    if [ -z "$from_tree" ]; then
        ok "an example copied out of the tree builds against the install alone (make SEL4FT_PREFIX=...)"
    else
        bad "the copied example used files of the source tree: $from_tree"
    fi
else
    bad "the copied example failed to build against the install (see $work/example-build.log)"
    rm -rf "$scratch"
    finish
fi
boot install-ipc_demo "$(find "$example/build" -name loader.img | head -1)" "$top/tests/qemu/ipc_demo.expect" \
    "the copied example boots on seL4 in QEMU and prints what tests/qemu/ipc_demo.expect requires"
rm -rf "$scratch"
finish
