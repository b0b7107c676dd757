#!/bin/sh
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
#
# make check's tutorial stage: follow examples/counter/README.md literally in an empty folder (tutorial.py).
# Environment: BUILD_DIR, RESULTS_DIR, MICROKIT_SDK, HAVE_SDK, PYTHON.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ "${HAVE_SDK:-}" != yes ]; then
    echo "[ SKIP ] tutorial: examples/counter/README.md needs the Microkit SDK (it builds and boots a system)"
    echo "tutorial: 0 passed, 0 failed, 1 skipped"
    mkdir -p "$RESULTS_DIR" && echo "0 0 1" > "$RESULTS_DIR/tutorial.txt"
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/sel4ft-tutorial.XXXXXX")
"${PYTHON:-/usr/bin/python3}" "$here/tutorial.py" --work "$work" --sdk "$MICROKIT_SDK" --results "$RESULTS_DIR"
status=$?
[ $status -eq 0 ] && rm -rf "$work"
exit $status
