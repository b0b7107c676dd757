#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""`make bench`: build and boot the seL4 benchmark system and the Linux VM in the same emulator under
instruction counting, then write CSV, plots and a report into one folder per run."""

import argparse
import datetime
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "qemu"))

import analyse  # noqa: E402
import qemu  # noqa: E402
import report  # noqa: E402
import trace  # noqa: E402

# The Linux comparison's board: the Linux VM runs in qemu-system-aarch64, beside seL4 on this board.
REFERENCE_BOARD = "qemu_virt_aarch64"

# Why a target is missed, by the start of its name: printed under the targets only for those missed. The figures
# they cite are in the breakdown section of the same report (bench/trace.py).
EXPLANATIONS = {
    "sel4ft request / raw passive PPC": (
        "- *sel4ft request vs raw PPC*: see \"Where the instructions go\": the difference between the two 0-byte "
        "groups is the typed protocol's cost (its two message registers each way in the kernel's fast path, the "
        "client's and the server's checks)."),
    "best Linux round trip / sel4ft request": (
        "- *Linux vs sel4ft request*: a payload is copied three times on the typed path (into the region, from the "
        "request half to the reply half by the echo handler, out of the region), in general registers; Linux's "
        "glibc copies with SIMD registers. See \"Where the instructions go\" for the 64-byte group."),
    "log records per second": (
        "- *Log records*: both systems run the same ring code; see \"Where the instructions go\" for the seL4 "
        "record's parts."),
    "seL4 server recovery": (
        "- *Recovery time* (the figure as it stands; the fault monitor is being rewritten elsewhere): from the "
        "instruction before the fault to the retried request answered. \"Where the instructions go\" gives its "
        "parts: the monitor formatting its fault and event records, the restarted server restoring and "
        "checksumming its .data/.bss snapshot, the kernel's fault delivery and restart."),
    "recovery vs Linux supervisor": (
        "- *Recovery vs Linux*: the Linux supervisor's figure (fork, exec, reconnect) against the seL4 one above; "
        "100 times would need the seL4 path under a tenth of the Linux one."),
    "library code in a request-path PD": (
        "- *Library code*: see the table of library bytes by module."),
}


def git_commit():
    try:
        out = subprocess.run(["git", "-C", TOP, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", TOP, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=False).stdout.strip()
        return out + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def step(number, total, text):
    print(f"[{number}/{total}] {text}", flush=True)


def run(command, log_path, **kwargs):
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=False, **kwargs)
    if proc.returncode != 0:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            tail = f.read()[-3000:]
        raise SystemExit(f"error: {' '.join(command)} failed (log {log_path}):\n{tail}")


def sel4_memory(build_dir, system_file, size_tool, system="sel4"):
    """MEM rows for each seL4 PD (labelled system), and the library's share of each image by object file."""
    mappings = analyse.system_mappings(open(system_file, encoding="utf-8").read())
    memory, library = [], {}
    for pd, info in sorted(mappings.items()):
        image = os.path.join(build_dir, info["image"])
        out = subprocess.run([size_tool, "-A", "-d", image], capture_output=True, text=True, check=True).stdout
        code, data = analyse.elf_sizes(out)
        memory.append({"system": system, "component": pd, "kind": "code", "bytes": code})
        memory.append({"system": system, "component": pd, "kind": "data", "bytes": data})
        # Mapped: shared regions + stack + IPC buffer + the image's pages.
        pages = lambda n: (n + 4095) // 4096 * 4096  # noqa: E731
        mapped = info["mapped"] + info["stack"] + 4096 + pages(code) + pages(data)
        memory.append({"system": system, "component": pd, "kind": "mapped", "bytes": mapped})
        map_file = image[:-4] + ".map"
        if os.path.exists(map_file):
            library[info["image"]] = analyse.library_code_by_object(open(map_file, encoding="utf-8").read())
    return memory, library


def board_toolchain(board):
    """The cross compiler's prefix the build uses for board (the Makefile's per-board default, or an override)."""
    out = subprocess.run(["make", "-s", "-C", TOP, "--no-print-directory", "print-toolchain", f"MICROKIT_BOARD={board}"],
                         capture_output=True, text=True, check=False)
    return out.stdout.strip() or "aarch64-linux-gnu"


def run_sel4(args, board, number, total, out_dir, sdk):
    """Build and boot the seL4 benchmark system on one board: (samples, memory, library) labelled with the
    board's system name (report.BOARD_SYSTEMS)."""
    system = report.BOARD_SYSTEMS[board]
    toolchain = board_toolchain(board)
    sel4_build = os.path.join(args.build_dir, "bench-sel4", board, "benchmark")
    step(number, total, f"building the seL4 benchmark system on {board} (benchmark config)")
    run(["make", "-C", os.path.join(TOP, "bench", "sel4"), "MICROKIT_CONFIG=benchmark",
         f"MICROKIT_BOARD={board}", f"TOOLCHAIN={toolchain}", f"BUILD_DIR={sel4_build}"] + sdk,
        os.path.join(out_dir, f"build-{system}.log"))

    step(number + 1, total, f"booting it in QEMU under -icount on {board} (about a minute)")
    log = os.path.join(out_dir, f"{system}-serial.log")
    lines, finished, seconds = qemu.boot(os.path.join(sel4_build, "loader.img"), log, args.timeout,
                                         r"^BENCH-DONE sel4", board=board)
    if not finished:
        raise SystemExit(f"error: the seL4 benchmark did not finish in {args.timeout:g} s (log {log})")
    failed = [line for line in lines if "|ERROR" in line]
    if failed:
        raise SystemExit("error: the seL4 benchmark reported failures:\n" + "\n".join(failed))
    print(f"      done in {seconds:.0f} s", flush=True)
    samples, memory, _ = analyse.parse_log("\n".join(lines))
    for item in samples + memory:
        item["system"] = system
    # The system file Microkit read: the board's (example.mk writes it into the build folder).
    sel4_mem, library = sel4_memory(sel4_build, os.path.join(sel4_build, "bench.system"), f"{toolchain}-size",
                                    system)
    return samples, sel4_mem + memory, library


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build-dir", default=os.path.join(TOP, "build"))
    parser.add_argument("--boards", default=REFERENCE_BOARD,
                        help="the boards the seL4 system runs on, space-separated (default: qemu_virt_aarch64)")
    parser.add_argument("--sdk", default="")
    parser.add_argument("--skip-linux", action="store_true", help="seL4 only (no Linux VM)")
    parser.add_argument("--timeout", type=float, default=400, help="seconds allowed for each boot")
    parser.add_argument("--skip-trace", action="store_true", help="no instruction trace (bench/trace.py)")
    parser.add_argument("--compare", help="a previous run's folder (summary.csv, library.csv): before and after")
    args = parser.parse_args()
    boards = args.boards.split()
    unknown = [b for b in boards if b not in report.BOARD_SYSTEMS]
    if not boards or unknown:
        parser.error(f"--boards: one or more of {', '.join(report.BOARD_SYSTEMS)}")

    started = time.monotonic()
    commit = git_commit()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out_dir = os.path.join(args.build_dir, "bench", f"{stamp}-{commit}")
    os.makedirs(out_dir, exist_ok=True)
    # The trace reads aarch64 instruction words (bench/trace.py): it runs when the reference board is measured.
    tracing = not args.skip_trace and REFERENCE_BOARD in boards
    total = 2 * len(boards) + (1 if args.skip_linux else 3) + (1 if tracing else 0)
    sdk = [f"MICROKIT_SDK={args.sdk}"] if args.sdk else []

    samples, memory, library_objects = [], [], {}
    for i, board in enumerate(boards):
        board_samples, board_memory, board_library = run_sel4(args, board, 2 * i + 1, total, out_dir, sdk)
        samples += board_samples
        memory += board_memory
        if board == REFERENCE_BOARD or not library_objects:
            library_objects = board_library
    number = 2 * len(boards) + 1

    breakdown = []
    if tracing:
        step(number, total, f"tracing one operation of each kind instruction by instruction on {REFERENCE_BOARD} "
             "(bench/trace.py)")
        number += 1
        groups, unknown_runs = trace.trace(args.build_dir, args.sdk or "/opt/microkit-sdk-2.0.1", REFERENCE_BOARD,
                                           board_toolchain(REFERENCE_BOARD))
        if unknown_runs:
            raise SystemExit(f"error: the trace has {unknown_runs} runs of user code it cannot give to one PD")
        breakdown = trace.markdown(groups)

    if not args.skip_linux:
        step(number, total, "building the Linux baseline and the VM image (Debian arm64 kernel, busybox)")
        vm_dir = os.path.join(args.build_dir, "linux-vm")
        run(["make", "-C", TOP, "baseline-aarch64", "linux-vm"], os.path.join(out_dir, "build-linux.log"))
        step(number + 1, total, "booting the Linux VM in QEMU under -icount (a few minutes)")
        linux_log = os.path.join(out_dir, "linux-serial.log")
        run([os.path.join(TOP, "baseline", "vm", "run.sh"), vm_dir, linux_log], os.path.join(out_dir, "run-linux.log"))
        with open(linux_log, encoding="utf-8", errors="replace") as f:
            linux_samples, linux_memory, done = analyse.parse_log(f.read())
        if "linux" not in done:
            raise SystemExit(f"error: the Linux benchmark did not finish (log {linux_log})")
        samples += linux_samples
        memory += linux_memory

    step(total, total, "analysing: CSV, plots, report")
    library = {image: sum(objects.values()) for image, objects in library_objects.items()}
    rows = analyse.summarise(samples)
    analyse.write_csv(os.path.join(out_dir, "samples.csv"), samples,
                      ["system", "metric", "mechanism", "payload", "ops", "ticks", "hz"])
    analyse.write_csv(os.path.join(out_dir, "summary.csv"), rows,
                      ["system", "metric", "mechanism", "payload", "samples", "min_ticks", "median_ticks",
                       "p99_ticks", "median_us", "ops_per_second", "hz", "median_instructions"])
    analyse.write_csv(os.path.join(out_dir, "memory.csv"), memory, ["system", "component", "kind", "bytes"])
    analyse.write_csv(os.path.join(out_dir, "library.csv"),
                      [{"image": image, "object": obj, "bytes": size}
                       for image, objects in sorted(library_objects.items()) for obj, size in sorted(objects.items())],
                      ["image", "object", "bytes"])
    before = analyse.load_run(args.compare) if args.compare else None
    plots = analyse.plot(rows, memory, out_dir, before, library)
    target_rows = analyse.targets(rows, library)
    flags = (["--skip-linux"] if args.skip_linux else []) + (["--skip-trace"] if args.skip_trace else []) + \
        ([f"--compare={args.compare}"] if args.compare else [])
    command = "make bench" + (f' BENCH_BOARDS="{args.boards}"' if boards != [REFERENCE_BOARD] else "") + \
        (f" BENCH_FLAGS='{' '.join(flags)}'" if flags else "")
    report.write_report(os.path.join(out_dir, "report.md"), rows, memory, library, target_rows,
                        {"commit": commit, "run": os.path.basename(out_dir), "command": command, "plots": plots,
                         "explanations": EXPLANATIONS, "library_objects": library_objects, "breakdown": breakdown,
                         "before": before, "before_name": os.path.basename(os.path.normpath(args.compare))
                         if args.compare else None})
    print(f"results in {out_dir} ({time.monotonic() - started:.0f} s): report.md, summary.csv, samples.csv, "
          f"memory.csv, {', '.join(plots)}")
    for name, wanted, measured, met, _ in target_rows:
        print(f"  target {name}: {measured} (wanted {wanted}) {'met' if met else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
