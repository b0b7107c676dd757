#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Boot one example in QEMU, show its serial output live, save it, and check it (`make qemu`)."""

import argparse
import os
import sys

import qemu


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--image", required=True)
    parser.add_argument("--expect", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--board", default="qemu_virt_aarch64", choices=qemu.BOARDS)
    parser.add_argument("--log-dir", required=True)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--live", action="store_true")
    args = parser.parse_args()
    if args.timeout <= 0:
        parser.error("--timeout must be positive")

    expectations = qemu.load_expectations(args.expect, args.config, args.board)
    timeout = max(args.timeout, expectations.timeout or 0)
    log_path = qemu.log_path_for(args.log_dir, f"{args.name}-{args.board}", args.config)
    print(f"Booting {args.name} ({args.board}, {args.config}) in QEMU; stops by itself when done or after "
          f"{timeout:g} s.", flush=True)
    lines, finished, seconds = qemu.boot(args.image, log_path, timeout, expectations.done, live=args.live,
                                         board=args.board)
    problems = qemu.check(lines, expectations, finished, timeout)
    print(f"\n-- serial log saved to {os.path.relpath(log_path)} ({seconds:.1f} s)")
    if problems:
        print(f"-- {args.name} ({args.config}): the log does not show what the example must print:")
        for problem in problems:
            print("   " + problem)
        return 1
    print(f"-- {args.name} ({args.config}): every expected line seen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
