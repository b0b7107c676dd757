#!/bin/sh
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Install the library into a scratch prefix, then build (and with an SDK, boot)
# a PD that lives outside the repository using only pkg-config, the installed
# sel4ft-sdf and the SDK, and an example system copied out of the tree using
# only the install's make fragment: once for each board of BOARDS.
# Environment: BUILD_DIR, RESULTS_DIR, MICROKIT_SDK, BOARDS, MICROKIT_CONFIG, HAVE_SDK.

set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
work="$BUILD_DIR/install-test"
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
    if make -s -C "$top" install PREFIX="$prefix" DESTDIR="$work/stage" > "$work/install.log" 2>&1; then
        bad "make install succeeded without an SDK"
    elif grep -q "needs the seL4 Microkit SDK" "$work/install.log"; then
        ok "make install without an SDK stops with a clear message"
    else
        bad "make install without an SDK failed without the SDK message (see $work/install.log)"
    fi
    skip "the installed files, pkg-config, its pd_cflags and toolchain, the out-of-tree builds and their boots need the SDK" 8
    finish
fi
if [ -z "${BOARDS:-}" ]; then
    bad "no board to install for (BOARDS is empty: the SDK has none of the boards the port supports)"
    finish
fi

# boot NAME BOARD IMAGE EXPECT WHAT: boot IMAGE in QEMU for BOARD and check its serial log against EXPECT (WHAT:
# what a pass shows).
boot() {
    if /usr/bin/python3 "$top/tests/qemu/run.py" --image "$3" --expect "$4" --name "$1" --board "$2" \
            --config "$MICROKIT_CONFIG" --log-dir "$BUILD_DIR/logs/qemu-test" --timeout 60 \
            > "$work/$2/$1-qemu.log" 2>&1; then
        ok "$2: $5"
    else
        bad "$2: $1 did not boot as expected:"
        sed 's/^/         /' "$work/$2/$1-qemu.log" | tail -15
    fi
}

# One board: install, inspect, build the probe PD and a copied-out example against the install, boot both.
test_board() {
    board=$1
    stage="$work/$board/stage"
    log="$work/$board/install.log"
    mkdir -p "$work/$board"
    if make -s -C "$top" install MICROKIT_BOARD="$board" PREFIX="$prefix" DESTDIR="$stage" > "$log" 2>&1; then
        ok "$board: make install PREFIX=$prefix DESTDIR=$stage"
    else
        bad "$board: make install failed (see $log)"
        return
    fi

    for f in lib/libsel4ft.a lib/pkgconfig/sel4ft.pc include/sel4ft/sel4ft.h include/sel4ft/logring.h \
            include/sel4ft/port.h bin/sel4ft-sdf share/sel4ft/example.mk; do
        [ -f "$stage$prefix/$f" ] || { bad "$board: missing $prefix/$f"; return; }
    done
    [ ! -e "$stage$prefix/include/sel4ft/os_linux.h" ] || bad "$board: host-only header os_linux.h was installed"
    grep -q 'SEL4FT_PORT_NAME "microkit"' "$stage$prefix/include/sel4ft/port.h" || bad "$board: the installed port is not Microkit's"
    ok "$board: files installed under $prefix (the Microkit port as <sel4ft/port.h>, bin/sel4ft-sdf)"

    PKG_CONFIG_PATH="$stage$prefix/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage"
    export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
    cflags=$(pkg-config --cflags sel4ft) && libs=$(pkg-config --libs sel4ft) &&
        pd_cflags=$(pkg-config --variable=pd_cflags sel4ft) && pc_board=$(pkg-config --variable=microkit_board sel4ft)
    if [ -z "$cflags" ] || [ -z "$libs" ]; then
        bad "$board: pkg-config --cflags --libs sel4ft gave nothing"
        return
    fi
    if [ "$pc_board" = "$board" ]; then
        ok "$board: pkg-config: $cflags $libs, microkit_board=$pc_board"
    else
        bad "$board: sel4ft.pc names board '$pc_board', not $board"
    fi

    # pd_cflags is generated from the flags the library itself was built with (lib/sel4ft.mk's SEL4FT_PD_CFLAGS).
    library_flags=$(make -s -C "$top" --no-print-directory print-pd-cflags MICROKIT_BOARD="$board")
    if [ "$pd_cflags" = "$library_flags" ]; then
        ok "$board: pkg-config's pd_cflags are the library's own PD flags ($pd_cflags)"
    else
        bad "$board: pkg-config's pd_cflags ($pd_cflags) differ from the library's ($library_flags)"
    fi

    toolchain=$(pkg-config --variable=toolchain sel4ft)
    if [ "$toolchain" = "$(make -s -C "$top" --no-print-directory print-toolchain MICROKIT_BOARD="$board")" ]; then
        ok "$board: pkg-config's toolchain is the board's ($toolchain)"
    else
        bad "$board: pkg-config's toolchain ($toolchain) is not the board's"
    fi

    board_dir="$MICROKIT_SDK/board/$board/$MICROKIT_CONFIG"
    out="$work/$board/probe"
    mkdir -p "$out"
    if "$toolchain-gcc" $pd_cflags $cflags -isystem "$board_dir/include" -Wall -Wextra -Werror -O2 \
            -c "$here/probe/probe.c" -o "$out/probe.o" &&
       "$toolchain-ld" -L"$board_dir/lib" "$out/probe.o" $libs -lmicrokit -Tmicrokit.ld -o "$out/probe.elf" &&
       "$stage$prefix/bin/sel4ft-sdf" select --board "$board" "$here/probe/probe.system" -o "$out/probe.system" &&
       "$MICROKIT_SDK/bin/microkit" "$out/probe.system" --search-path "$out" --board "$board" \
            --config "$MICROKIT_CONFIG" -o "$out/loader.img" -r "$out/report.txt" > "$out/build.log" 2>&1; then
        ok "$board: out-of-tree PD built with pkg-config, the installed sel4ft-sdf and the SDK alone"
        boot install-probe "$board" "$out/loader.img" "$here/probe.expect" \
            "out-of-tree PD boots on seL4 in QEMU and prints through the installed library"
    else
        bad "$board: out-of-tree PD failed to build"
    fi

    # An example that uses the shared example code (the key-value server and client, the logger), copied to a
    # folder outside the repository and built there against the staged install alone: its make fragment,
    # libsel4ft.a, headers, sel4ft-sdf, pd_cflags, toolchain, examples/common and services/. A fresh environment,
    # as a user's shell would be: the board, config and cross compiler come from the install, the build goes into
    # the copy's own build/.
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/sel4ft-example.XXXXXX")
    cp -R "$top/examples/ipc_demo" "$scratch/"
    example="$scratch/ipc_demo"
    if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD_DIR -u MICROKIT_BOARD -u MICROKIT_CONFIG -u TOOLCHAIN \
            make -C "$example" SEL4FT_PREFIX="$stage$prefix" MICROKIT_SDK="$MICROKIT_SDK" \
            > "$work/$board/example-build.log" 2>&1; then
        # What it compiled from: no source or header of the tree (the stage, under build/, is the install).
        from_tree=$(cat "$work/$board/example-build.log" $(find "$example/build" -name '*.d') |
            grep -Eo "$top/(examples|services|include|lib|tools)/[^ :]*" | sort -u | head -3)
        if [ -z "$from_tree" ]; then
            ok "$board: an example copied out of the tree builds against the install alone (make SEL4FT_PREFIX=...)"
        else
            bad "$board: the copied example used files of the source tree: $from_tree"
        fi
        boot install-ipc_demo "$board" "$(find "$example/build" -name loader.img | head -1)" \
            "$top/tests/qemu/ipc_demo.expect" \
            "the copied example boots on seL4 in QEMU and prints what tests/qemu/ipc_demo.expect requires"
    else
        bad "$board: the copied example failed to build against the install (see $work/$board/example-build.log)"
    fi
    rm -rf "$scratch"
}

for board in $BOARDS; do
    test_board "$board"
done
finish
