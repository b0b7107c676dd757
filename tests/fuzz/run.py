#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Run each libFuzzer harness for a while, from the seed corpus in the repository (copied: the repository's
corpus is never modified). A crash, a hang or a sanitizer report fails the harness; its input is kept."""

import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import results  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--results")
    parser.add_argument("harnesses", nargs="+")
    args = parser.parse_args()
    if args.seconds <= 0:
        parser.error("--seconds must be positive")

    passed = failed = 0
    for name in args.harnesses:
        corpus = os.path.join(args.work_dir, "corpus", name)
        artifacts = os.path.join(args.work_dir, "artifacts", name) + os.sep
        if os.path.isdir(corpus):
            shutil.rmtree(corpus)
        shutil.copytree(os.path.join(HERE, "corpus", name), corpus)
        os.makedirs(artifacts, exist_ok=True)
        command = [os.path.join(args.bin_dir, "fuzz_" + name), f"-max_total_time={args.seconds}", "-timeout=5",
                   "-rss_limit_mb=1024", f"-artifact_prefix={artifacts}", "-print_final_stats=1", corpus]
        proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=args.seconds + 120, check=False)
        runs = [line for line in proc.stdout.splitlines() if line.startswith("stat::number_of_executed_units")]
        executed = runs[-1].split(":")[-1].strip() if runs else "?"
        if proc.returncode == 0:
            passed += 1
            print(f"[  OK  ] fuzz_{name}: {executed} inputs in {args.seconds} s, no crash, hang or sanitizer report")
        else:
            failed += 1
            print(f"[ FAIL ] fuzz_{name} (exit {proc.returncode}); inputs kept in {artifacts}")
            print("\n".join("         | " + line for line in proc.stdout.splitlines()[-25:]))
    print(f"fuzz: {passed} passed, {failed} failed", flush=True)
    results.record(args.results, "fuzz", passed, failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
