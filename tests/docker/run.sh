#!/bin/sh
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# The container set-up's test (`make docker-test`): build the image, check what it is (a non-root user, the SDK,
# nothing of the tree baked in), boot every example system in QEMU inside it, and check that the container left
# nothing in the tree that the caller does not own. Without a reachable Docker daemon every test is reported
# as skipped, which is not a pass.
# Environment: RESULTS_DIR, QEMU_TEST_CONFIGS, QEMU_TEST_COUNT, and docker/docker.sh's (DOCKER, DOCKER_IMAGE,
# BASE_IMAGE, EXTRA_PACKAGES, DOCKER_SDK).

set -u
here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
docker=${DOCKER:-docker}
image=${DOCKER_IMAGE:-sel4ft-build}
helper="$top/docker/docker.sh"
# The container sees only the tree, so its build output goes inside it; this test's logs go there too.
build_rel=build/docker-test
work="$top/$build_rel"
own_checks=4
passed=0
failed=0

ok() { echo "[  OK  ] docker: $1"; passed=$((passed + 1)); }
bad() { echo "[ FAIL ] docker: $1"; failed=$((failed + 1)); }
record() { mkdir -p "$RESULTS_DIR" && echo "$1 $2 $3" > "$RESULTS_DIR/docker.txt"; }
finish() {
    echo "docker: $passed passed, $failed failed"
    record "$passed" "$failed" 0
    [ "$failed" -eq 0 ]
    exit $?
}

if ! reason=$(sh "$helper" probe 2>&1); then
    count=$((own_checks + QEMU_TEST_COUNT))
    echo "docker: SKIPPED ($count tests not run): $(printf '%s\n' "$reason" | head -n 1 | sed 's/^error: //')"
    echo "docker: a skip is not a pass; run make docker-test where a Docker daemon is reachable."
    record 0 0 "$count"
    exit 0
fi

rm -rf "$work"
mkdir -p "$work"

if sh "$helper" build > "$work/image-build.log" 2>&1; then
    ok "the image builds ($(tail -n 1 "$work/image-build.log"))"
else
    bad "the image does not build; last lines of $work/image-build.log:"
    tail -n 15 "$work/image-build.log" | sed 's/^/         | /'
    finish
fi

uid=$("$docker" run --rm "$image" id -u 2>&1)
if [ "$uid" != 0 ] && [ -n "$uid" ] && [ "$uid" -eq "$uid" ] 2> /dev/null; then
    ok "the image runs as a non-root user by default (uid $uid)"
else
    bad "the image's default user is not a non-root user: id -u says '$uid'"
fi

# shellcheck disable=SC2016 # expanded inside the container
contents=$("$docker" run --rm "$image" sh -c 'ls -A /sel4ft; test -x "$MICROKIT_SDK/bin/microkit" || echo "no SDK at $MICROKIT_SDK"' 2>&1)
if [ -z "$contents" ]; then
    ok "the image holds the SDK (\$MICROKIT_SDK) and nothing of the tree or its build output (/sel4ft is empty)"
else
    bad "unexpected image contents: $contents"
fi

# Every example system in QEMU, in the container, with the image's SDK; each boot counts as one test.
stamp="$work/.started"
: > "$stamp"
sleep 1
sh "$helper" run make qemu-test BUILD_DIR="$build_rel" QEMU_TEST_CONFIGS="$QEMU_TEST_CONFIGS" \
    MICROKIT_SDK=/opt/microkit-sdk-2.0.1 > "$work/qemu-test.log" 2>&1
status=$?
grep -E '^\[(  OK  | FAIL )\]' "$work/qemu-test.log" | sed 's/^/  in the container: /'
if read -r qemu_passed qemu_failed _ < "$work/results/qemu.txt" 2> /dev/null; then
    passed=$((passed + qemu_passed))
    failed=$((failed + qemu_failed))
    if [ $((qemu_passed + qemu_failed)) -ne "$QEMU_TEST_COUNT" ]; then
        bad "qemu-test in the container reported $((qemu_passed + qemu_failed)) boots, not $QEMU_TEST_COUNT"
    fi
    if [ "$status" -ne 0 ] && [ "$qemu_failed" -eq 0 ]; then
        bad "qemu-test in the container exited with status $status (see $work/qemu-test.log)"
    fi
else
    bad "qemu-test in the container did not report (status $status); last lines of $work/qemu-test.log:"
    tail -n 15 "$work/qemu-test.log" | sed 's/^/         | /'
    failed=$((failed + QEMU_TEST_COUNT - 1))
fi

# What the container wrote belongs to the caller (and to nobody else, root least of all).
strangers=$(find "$top" -newer "$stamp" ! -uid "$(id -u)" 2> /dev/null | head -n 5)
if [ -z "$strangers" ]; then
    ok "everything the container wrote into the tree belongs to the caller (uid $(id -u))"
else
    bad "the container left files the caller does not own, e.g.: $(echo "$strangers" | tr '\n' ' ')"
fi
finish
