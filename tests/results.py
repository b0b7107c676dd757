# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Shared helper: each test stage of `make check` records its counts in one small file."""

import os


def record(results_dir, stage, passed, failed, skipped=0):
    """Write '<passed> <failed> <skipped>' for a stage (no-op without a results directory)."""
    if not results_dir:
        return
    os.makedirs(results_dir, exist_ok=True)
    with open(os.path.join(results_dir, stage + ".txt"), "w", encoding="ascii") as f:
        f.write(f"{passed} {failed} {skipped}\n")
