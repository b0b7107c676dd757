#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Where the instructions of a round trip go: an instruction trace of the seL4 benchmark system.

Builds the benchmark system with TRACE=1 (the client runs a few operations of each kind between calls to
bench_trace_mark() instead of the timed benchmark), boots it under -icount with QEMU logging every
instruction executed in the PDs' code and in the kernel (-singlestep -d in_asm,exec,nochain -dfilter), and counts
the instructions of each group by protection domain and function. The PDs' code shares one address range, so each
run of user instructions is given to the PD whose image holds exactly those instruction words at those
addresses, after a system call (QEMU logs each instruction word once, when it translates it). Under -icount these counts are exactly what
the benchmark's ticks measure (16 instructions a tick).

Usage: bench/trace.py [--build-dir build] [--sdk /opt/microkit-sdk-2.0.1] [--top N] [--steps GROUP]
"""

import argparse
import bisect
import collections
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "qemu"))

import qemu  # noqa: E402

USER_RANGE = (0x200000, 0x2fffff)
TRACE_LINE = re.compile(rb"^Trace \d+: (0x[0-9a-f]+) \[[0-9a-f]+/([0-9a-f]+)/")
IN_ASM_LINE = re.compile(rb"^0x([0-9a-f]+):\s+([0-9a-f]{8})\s")
SVC = 0xd4000001
# The groups trace_run() in bench/sel4/client.c makes, in order, and the operations in each.
OPS = 32
GROUPS = [("raw passive PPC, 0 B", OPS), ("sel4ft rpc, 0 B", OPS), ("raw passive PPC, 64 B", OPS),
          ("sel4ft rpc, 64 B", OPS), ("server crash to retried request answered", 1), ("log records", OPS)]


class Image:
    """Function symbols and code words of one ELF file."""

    def __init__(self, name, path, toolchain):
        self.name = name
        out = subprocess.run([f"{toolchain}-nm", "-n", "--defined-only", path], capture_output=True, text=True,
                             check=True).stdout
        self.addresses, self.names = [], []
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "tTwW":
                self.addresses.append(int(parts[0], 16))
                self.names.append(parts[2])
        self.words = {}
        dump = subprocess.run([f"{toolchain}-objdump", "-d", path], capture_output=True, text=True,
                              check=True).stdout
        for line in dump.splitlines():
            m = re.match(r"^\s+([0-9a-f]+):\s+([0-9a-f]{8})\s", line)
            if m:
                self.words[int(m.group(1), 16)] = int(m.group(2), 16)

    def function(self, pc):
        i = bisect.bisect_right(self.addresses, pc) - 1
        return self.names[i] if i >= 0 else "?"

    def returns_from_syscall(self, pc):
        return self.words.get(pc - 4) == SVC

    def holds(self, run):
        return all(self.words.get(pc) == word for pc, word in run)


def trace(build_dir, sdk, board="qemu_virt_aarch64", toolchain="aarch64-linux-gnu", keep=False):
    """Build, boot and walk the trace: a list of (group name, operations, Counter of (pd, function) -> instructions)
    and the number of user runs that could not be given to one PD."""
    build = os.path.join(build_dir, "bench-trace")
    subprocess.run(["make", "-s", "-C", os.path.join(HERE, "sel4"), "MICROKIT_CONFIG=benchmark", "TRACE=1",
                    f"MICROKIT_BOARD={board}", f"TOOLCHAIN={toolchain}", f"BUILD_DIR={build}",
                    f"MICROKIT_SDK={sdk}"], check=True, stdout=subprocess.DEVNULL)
    kernel_elf = os.path.join(sdk, "board", board, "benchmark", "elf", "sel4.elf")
    kernel = Image("kernel", kernel_elf, toolchain)
    text = subprocess.run([f"{toolchain}-readelf", "-S", "-W", kernel_elf], capture_output=True, text=True,
                          check=True).stdout
    m = re.search(r"\.text\s+PROGBITS\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", text)
    kernel_range = (int(m.group(1), 16), int(m.group(1), 16) + int(m.group(2), 16))
    images = {pd: Image(pd, os.path.join(build, f"{pd}.elf"), toolchain)
              for pd in ("client", "raw", "echo_server", "recovery_server", "consumer", "monitor")}
    mark = images["client"].addresses[images["client"].names.index("bench_trace_mark")]

    trace_log = os.path.join(build, "trace.log")
    dfilter = f"{USER_RANGE[0]:#x}..{USER_RANGE[1]:#x},{kernel_range[0]:#x}..{kernel_range[1] - 1:#x}"
    _, finished, _ = qemu.boot(os.path.join(build, "loader.img"), os.path.join(build, "serial.log"), 600,
                               r"^BENCH-DONE sel4", extra_args=[
                                   "-singlestep", "-d", "in_asm,exec,nochain", "-dfilter", dfilter, "-D", trace_log])
    if not finished:
        raise SystemExit(f"error: the traced system did not finish (log {build}/serial.log)")

    # Walk the trace. A run of user instructions (between kernel instructions) is given to the PD whose image has
    # a system call just before the run's first instruction and holds every instruction word of the run at its
    # address; the client's marks cut the trace into groups.
    groups = []
    steps = []  # per group: [who, instructions, Counter of functions], one entry per stretch of one PD or the kernel
    current = None
    run = []
    unknown_runs = 0
    tb_words = {}
    pending_word = None
    last_pd = None

    def end_run():
        nonlocal current, unknown_runs, last_pd
        if not run:
            return
        first = run[0][0]
        candidates = [name for name, image in images.items()
                      if (image.returns_from_syscall(first) or first == USER_RANGE[0]) and image.holds(run)]
        if not candidates:
            # Resumed after an interrupt, not a system call: the PDs whose image holds the run, and of those the
            # one that ran last if it is one.
            candidates = [name for name, image in images.items() if image.holds(run)]
            if len(candidates) > 1 and last_pd in candidates:
                candidates = [last_pd]
        pd = candidates[0] if len(candidates) == 1 else None
        if pd is None and current is not None:
            unknown_runs += 1
        last_pd = pd
        for pc, _ in run:
            if pd == "client" and pc == mark:
                current = collections.Counter()
                groups.append(current)
                steps.append([])
            if current is not None:
                key = (pd, images[pd].function(pc)) if pd else ("unknown", "?")
                current[key] += 1
                step(key)
        run.clear()

    def step(key):
        if not steps[-1] or steps[-1][-1][0] != key[0]:
            steps[-1].append([key[0], 0, collections.Counter()])
        steps[-1][-1][1] += 1
        steps[-1][-1][2][key[1]] += 1

    with open(trace_log, "rb") as f:
        for raw in f:
            m = IN_ASM_LINE.match(raw)
            if m:
                pending_word = int(m.group(2), 16)
                continue
            m = TRACE_LINE.match(raw)
            if not m:
                continue
            host, pc = m.group(1), int(m.group(2), 16)
            if pending_word is not None:
                tb_words[host] = pending_word
                pending_word = None
            if kernel_range[0] <= pc < kernel_range[1]:
                end_run()
                if current is not None:
                    current[("kernel", kernel.function(pc))] += 1
                    step(("kernel", kernel.function(pc)))
                continue
            run.append((pc, tb_words.get(host)))
    end_run()
    if not keep:
        os.remove(trace_log)
    return [(name, ops, counts, group_steps) for (name, ops), counts, group_steps in zip(GROUPS, groups, steps)], \
        unknown_runs


def by_pd(counts):
    totals = collections.Counter()
    for (who, _), n in counts.items():
        totals[who] += n
    return totals


def markdown(groups, top=6):
    """The breakdown as Markdown tables: per group, instructions per operation by PD, with the top functions."""
    lines = []
    for name, ops, counts, group_steps in groups:
        total = sum(counts.values())
        lines.append(f"**{name}**: {total / ops:.1f} instructions per operation")
        lines.append("")
        lines.append("| PD | instructions | largest parts |")
        lines.append("|---|---:|---|")
        for who, n in by_pd(counts).most_common():
            parts = sorted(((k, f) for (w, f), k in counts.items() if w == who and k >= ops), reverse=True)[:top]
            text = ", ".join(f"{f} {k / ops:.1f}" for k, f in parts)
            lines.append(f"| {who} | {n / ops:.1f} | {text} |")
        lines.append("")
        if ops == 1:
            # A single operation (the recovery): its stretches in order, who ran and what.
            lines.append("In order (each stretch of one PD or of the kernel):")
            lines.append("")
            lines.append("| # | who | instructions | largest parts |")
            lines.append("|---:|---|---:|---|")
            for i, (who, n, functions) in enumerate(group_steps, 1):
                text = ", ".join(f"{f} {k}" for f, k in functions.most_common(3))
                lines.append(f"| {i} | {who} | {n} | {text} |")
            lines.append("")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(TOP, "build"))
    parser.add_argument("--sdk", default="/opt/microkit-sdk-2.0.1")
    parser.add_argument("--board", default="qemu_virt_aarch64")
    parser.add_argument("--toolchain", default="aarch64-linux-gnu")
    parser.add_argument("--top", type=int, default=12, help="functions listed per group and PD")
    parser.add_argument("--keep", action="store_true", help="keep the raw trace")
    parser.add_argument("--steps", metavar="GROUP", help="also list the stretches of one group (a name's start, "
                        "e.g. 'server crash') in order: each PD's or the kernel's instructions, with its largest "
                        "functions")
    args = parser.parse_args()

    groups, unknown_runs = trace(args.build_dir, args.sdk, args.board, args.toolchain, args.keep)
    if unknown_runs:
        print(f"warning: {unknown_runs} runs of user code after the first mark could not be given to one PD")
    for name, ops, counts, group_steps in groups:
        total = sum(counts.values())
        print(f"== {name}: {total / ops:.1f} instructions per operation ({total} for {ops})")
        for who, n in by_pd(counts).most_common():
            print(f"   {who:16s} {n / ops:8.1f}")
            shown = 0
            for (w, function), k in sorted(counts.items(), key=lambda kv: -kv[1]):
                if w == who and k >= ops and shown < args.top:
                    print(f"      {function:40s} {k / ops:8.1f}")
                    shown += 1
        if args.steps and name.startswith(args.steps):
            print(f"   in order ({len(group_steps)} stretches):")
            for who, n, functions in group_steps:
                top = ", ".join(f"{f} {k}" for f, k in functions.most_common(args.top))
                print(f"      {who:16s} {n:6d}  {top}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
