#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Run cmocka test programs, show their output, and total the results."""

import argparse
import re
import subprocess
import sys

import results

PASSED = re.compile(r"^\[  PASSED  \] (\d+) test")
FAILED = re.compile(r"^\[  FAILED  \] (\d+) test")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--results", help="directory for the stage's counts")
    parser.add_argument("--stage", default="unit")
    parser.add_argument("programs", nargs="+")
    args = parser.parse_args()

    passed = failed = 0
    broken = []
    for program in args.programs:
        print(f"== {program}", flush=True)
        proc = subprocess.run([program], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=600, check=False)
        sys.stdout.write(proc.stdout)
        p = f = 0
        for line in proc.stdout.splitlines():
            m = PASSED.match(line)
            if m:
                p = int(m.group(1))
            m = FAILED.match(line)
            if m:
                f = int(m.group(1))
        if proc.returncode != 0 and f == 0:
            # Crashed or a sanitizer stopped it before cmocka could count: one failure at least.
            f = 1
        if f:
            broken.append(program)
        passed += p
        failed += f

    if broken:
        print("failing programs: " + " ".join(broken))
    print(f"{args.stage}: {passed} passed, {failed} failed", flush=True)
    results.record(args.results, args.stage, passed, failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
