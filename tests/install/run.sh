#!/bin/sh
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Install the library into a scratch prefix, then build (and with an SDK, boot)
# a PD that lives outside the repository using only pkg-config, the installed
# sel4ft-sdf and the SDK, and an example system copied out of the tree using
# only the install's make fragment: for each board of BOARDS, all of them
# installed side by side into the one prefix.
# Environment: BUILD_DIR, RESULTS_DIR, MICROKIT_SDK, BOARDS, MICROKIT_CONFIG, HAVE_SDK.

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
    skip "the installed files, pkg-config, its flags and toolchain, the out-of-tree builds and their boots need the SDK" 9
    finish
fi
if [ -z "${BOARDS:-}" ]; then
    bad "no board to install for (BOARDS is empty: the SDK has none of the boards the port supports)"
    finish
fi

# The staged install is relocated with --define-variable=prefix (PKG_CONFIG_SYSROOT_DIR would move the SDK's paths
# too); a real install needs neither.
pkgconf() { PKG_CONFIG_PATH="$stage$prefix/lib/pkgconfig" pkg-config --define-variable=prefix="$stage$prefix" "$@"; }

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

# One board: two configs into the prefix, the one under test last, so that sel4ft.pc (the last installed) is it;
# the files, the board's pkg-config file and its flags; the probe PD and a copied-out example built against the
# install alone and booted.
test_board() {
    board=$1
    mkdir -p "$work/$board"
    other=release
    [ "$MICROKIT_CONFIG" = release ] && other=debug
    log="$work/$board/install.log"
    if make -s -C "$top" install MICROKIT_BOARD="$board" MICROKIT_CONFIG="$other" PREFIX="$prefix" \
            DESTDIR="$stage" > "$log" 2>&1 &&
       make -s -C "$top" install MICROKIT_BOARD="$board" MICROKIT_CONFIG="$MICROKIT_CONFIG" PREFIX="$prefix" \
            DESTDIR="$stage" >> "$log" 2>&1; then
        ok "$board: make install PREFIX=$prefix DESTDIR=$stage, for $other and $MICROKIT_CONFIG"
    else
        bad "$board: make install failed (see $log)"
        return
    fi

    pc="sel4ft-$board-$MICROKIT_CONFIG"
    configdir="lib/sel4ft/$board/$MICROKIT_CONFIG"
    for f in "$configdir/libsel4ft.a" "lib/sel4ft/$board/$other/libsel4ft.a" "lib/pkgconfig/$pc.pc" \
            "lib/pkgconfig/sel4ft-$board-$other.pc" lib/pkgconfig/sel4ft.pc include/sel4ft/sel4ft.h \
            include/sel4ft/service.h "$configdir/include/sel4ft/port.h" share/sel4ft/common/logger.c \
            bin/sel4ft-sdf; do
        [ -f "$stage$prefix/$f" ] || { bad "$board: missing $prefix/$f"; return; }
    done
    for f in os_linux.h procmon.h; do
        [ ! -e "$stage$prefix/include/sel4ft/$f" ] || bad "$board: host-only header $f was installed"
    done
    grep -q 'SEL4FT_PORT_NAME "microkit"' "$stage$prefix/$configdir/include/sel4ft/port.h" ||
        bad "$board: the installed port is not Microkit's"
    cmp -s "$stage$prefix/lib/pkgconfig/$pc.pc" "$stage$prefix/lib/pkgconfig/sel4ft.pc" ||
        bad "$board: sel4ft.pc is not the config installed last ($pc)"
    [ "$(pkgconf --variable=microkit_board "$pc")" = "$board" ] || bad "$board: $pc.pc does not name its board"
    ok "$board: two configs side by side under $prefix/lib/sel4ft/$board ($pc.pc names $board; sel4ft.pc:" \
        "$MICROKIT_CONFIG, installed last)"

    cflags=$(pkgconf --cflags "$pc") && libs=$(pkgconf --libs "$pc") && pd_cflags=$(pkgconf --variable=pd_cflags "$pc")
    if [ -z "$cflags" ] || [ -z "$libs" ]; then
        bad "$board: pkg-config --cflags --libs $pc gave nothing"
        return
    fi
    board_dir="$MICROKIT_SDK/board/$board/$MICROKIT_CONFIG"
    case "$cflags" in *"$pd_cflags"*"-isystem$board_dir/include"*) ok "$board: pkg-config --cflags: the PD flags and \
the SDK's include path for $board/$MICROKIT_CONFIG ($cflags)";; *) bad "$board: pkg-config --cflags lacks the PD flags \
or the SDK include path: $cflags";; esac
    case "$libs" in *"-L$board_dir/lib"*"-lmicrokit"*"-Tmicrokit.ld"*) ok "$board: pkg-config --libs: the library, the \
SDK's lib path, -lmicrokit and the linker script ($libs)";; *) bad "$board: pkg-config --libs lacks the SDK: $libs";; esac

    # pd_cflags is generated from the flags the library itself was built with (lib/sel4ft.mk's SEL4FT_PD_CFLAGS),
    # and the cross compiler is the board's.
    library_flags=$(make -s -C "$top" --no-print-directory print-pd-cflags MICROKIT_BOARD="$board")
    if [ "$pd_cflags" = "$library_flags" ]; then
        ok "$board: pkg-config's pd_cflags are the library's own PD flags ($pd_cflags)"
    else
        bad "$board: pkg-config's pd_cflags ($pd_cflags) differ from the library's ($library_flags)"
    fi
    toolchain=$(pkgconf --variable=toolchain "$pc")
    if [ "$toolchain" = "$(make -s -C "$top" --no-print-directory print-toolchain MICROKIT_BOARD="$board")" ]; then
        ok "$board: pkg-config's toolchain is the board's ($toolchain)"
    else
        bad "$board: pkg-config's toolchain ($toolchain) is not the board's"
    fi

    # The README's lines ("Using the library in your own PD"), which example.mk uses too; the system file for the
    # board from the installed sel4ft-sdf.
    out="$work/$board/probe"
    mkdir -p "$out"
    if "$toolchain-gcc" $cflags -Wall -Wextra -Werror -O2 -c "$here/probe/probe.c" -o "$out/probe.o" &&
       "$toolchain-ld" "$out/probe.o" $libs "$("$toolchain-gcc" $pd_cflags -print-libgcc-file-name)" --gc-sections \
            -o "$out/probe.elf" &&
       "$stage$prefix/bin/sel4ft-sdf" select --board "$board" "$here/probe/probe.system" -o "$out/probe.system" &&
       "$MICROKIT_SDK/bin/microkit" "$out/probe.system" --search-path "$out" --board "$board" \
            --config "$MICROKIT_CONFIG" -o "$out/loader.img" -r "$out/report.txt" > "$out/build.log" 2>&1; then
        ok "$board: out-of-tree PD built with the README's compile and link lines (pkg-config alone)"
        boot install-probe "$board" "$out/loader.img" "$here/probe.expect" \
            "out-of-tree PD boots on seL4 in QEMU and prints through the installed library"
    else
        bad "$board: out-of-tree PD failed to build"
    fi

    # An example that uses the shared example code (the key-value server and client, the logger), copied to a
    # folder outside the repository and built there against the staged install alone: its make fragment,
    # libsel4ft.a, headers, sel4ft-sdf, pd_cflags, cross compiler, examples/common and services/. A fresh
    # environment, as a user's shell would be: the board picks the install's library, which names the config and
    # the compiler; the build goes into the copy's own build/.
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/sel4ft-example.XXXXXX")
    cp -R "$top/examples/ipc_demo" "$scratch/"
    example="$scratch/ipc_demo"
    if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD_DIR -u MICROKIT_CONFIG -u TOOLCHAIN \
            make -C "$example" SEL4FT_PREFIX="$stage$prefix" MICROKIT_SDK="$MICROKIT_SDK" MICROKIT_BOARD="$board" \
            > "$work/$board/example-build.log" 2>&1; then
        # What it compiled from: no source or header of the tree (the stage, under build/, is the install).
        # Whole path tokens first, then their start: a path of the stage (under build/) can contain the tree's
        # name again (a tree mounted at /sel4ft, an install's share/sel4ft/services), which is not the tree.
        from_tree=$(cat "$work/$board/example-build.log" $(find "$example/build" -name '*.d') |
            grep -Eo "/[^ :\\]+" | grep -E "^$top/(examples|services|include|lib|tools)/" | sort -u | head -3)
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
