#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""The footprint budget of request-path PDs (doc/benchmarks.md): each client and server image of the benchmark
system links at most 4 KiB of code and read-only data from libsel4ft.a, counted in its linker map as `make bench`
counts it. A build property, not a timing: a printf pulled into a client (as once happened) fails here at once.

Usage: test_footprint.py RESULTS_DIR BUILD_DIR BOARD...   (the benchmark system already built for each board in
BUILD_DIR/<board>, the benchmark configuration)"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
sys.path.insert(0, os.path.join(HERE, ".."))

import analyse  # noqa: E402
import results  # noqa: E402

BUDGET = 4096


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    results_dir, build_dir, boards = sys.argv[1], sys.argv[2], sys.argv[3:]
    passed = failed = 0
    for board in boards:
        for image in analyse.REQUEST_PATH_IMAGES:
            map_file = os.path.join(build_dir, board, image[:-4] + ".map")
            if not os.path.exists(map_file):
                print(f"[FAIL] footprint: {board}: {map_file} is missing (was the benchmark system built?)")
                failed += 1
                continue
            with open(map_file, encoding="utf-8") as f:
                by_object = analyse.library_code_by_object(f.read())
            total = sum(by_object.values())
            parts = ", ".join(f"{o} {n}" for o, n in sorted(by_object.items(), key=lambda x: -x[1]))
            ok = 0 < total <= BUDGET
            print(f"[{' OK ' if ok else 'FAIL'}] footprint: {board}: {image} links {total} B from libsel4ft.a "
                  f"(budget {BUDGET} B): {parts}")
            passed += ok
            failed += not ok
    print(f"footprint: {passed} passed, {failed} failed")
    results.record(results_dir, "footprint", passed, failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
