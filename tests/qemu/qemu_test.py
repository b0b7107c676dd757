#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Boot every example in every config in QEMU on one board and check each serial log (`make qemu-test`)."""

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import qemu  # noqa: E402
import results  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--board", required=True)
    parser.add_argument("--configs", required=True)
    parser.add_argument("--systems", required=True, help="example or example:variant, space-separated")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--results")
    parser.add_argument("--skip", default="", help="systems not booted (what they need is missing): counted as "
                                                   "skipped in every config, never as passed")
    parser.add_argument("--skip-reason", default="")
    args = parser.parse_args()

    passed = failed = skipped = 0
    log_dir = os.path.join(args.build_dir, "logs", "qemu-test")
    for config in args.configs.split():
        for system in args.systems.split():
            example, _, variant = system.partition(":")
            label = example + ("-" + variant if variant else "")
            name = f"{label} ({args.board}, {config})"
            image = os.path.join(args.build_dir, "examples", args.board, config, label, "loader.img")
            expectations = qemu.load_expectations(os.path.join(HERE, label + ".expect"), config, args.board)
            log_path = qemu.log_path_for(log_dir, f"{label}-{args.board}", config)
            timeout = max(args.timeout, expectations.timeout or 0)
            try:
                lines, finished, seconds = qemu.boot(image, log_path, timeout, expectations.done, board=args.board)
            except FileNotFoundError as e:
                print(f"[ FAIL ] {name}: {e}")
                failed += 1
                continue
            problems = qemu.check(lines, expectations, finished, timeout)
            if problems:
                failed += 1
                print(f"[ FAIL ] {name} ({seconds:.1f} s), log {log_path}:")
                for problem in problems:
                    print("         " + problem)
                print("         last lines of the serial log:")
                for line in lines[-15:]:
                    print("         | " + line)
            else:
                passed += 1
                print(f"[  OK  ] {name} ({seconds:.1f} s, {len(lines)} lines), log {log_path}", flush=True)
        for system in args.skip.split():
            skipped += 1
            print(f"[ SKIP ] {system.replace(':', '-')} ({args.board}, {config}): {args.skip_reason}", flush=True)
    print(f"qemu ({args.board}): {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""),
          flush=True)
    results.record(args.results, "qemu-" + args.board, passed, failed, skipped)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
