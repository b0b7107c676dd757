#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Print the totals of every stage `make check` ran, and fail if any stage failed or did not report."""

import argparse
import os
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results")
    parser.add_argument("--expect", default="", help="stages that must have reported")
    parser.add_argument("--skipped", default="", help="stage=count pairs that were skipped")
    args = parser.parse_args()

    total = [0, 0, 0]
    missing = []
    for stage in args.expect.split():
        path = os.path.join(args.results, stage + ".txt")
        try:
            with open(path, encoding="ascii") as f:
                counts = [int(x) for x in f.read().split()]
        except (OSError, ValueError):
            missing.append(stage)
            continue
        print(f"  {stage:8} {counts[0]} passed, {counts[1]} failed, {counts[2]} skipped")
        for i in range(3):
            total[i] += counts[i]
    for pair in args.skipped.split():
        stage, count = pair.split("=")
        print(f"  {stage:8} SKIPPED ({count} tests not run)")
        total[2] += int(count)
    for stage in missing:
        print(f"  {stage:8} did not report (it failed to build or crashed)")
        total[1] += 1
    print(f"check: {total[0]} passed, {total[1]} failed, {total[2]} skipped")
    return 1 if total[1] else 0


if __name__ == "__main__":
    sys.exit(main())
