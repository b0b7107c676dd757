#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""`make inject-seeds`: the seeded fault-injection campaign (bench/inject.py) over many seeds, on seL4 in QEMU and on
the Linux baseline beside busy loops, and a summary across the seeds. Each seed is its own schedule (services/
inject_schedule.h: which target, which kind, which point, for every injection), built into an image of its own; a
seed passes when every one of its checks passes (bench/inject.py). The verdict must not depend on the seed, on where
the schedule ends, or on the machine's load: every seed must pass."""

import argparse
import concurrent.futures
import csv
import datetime
import json
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import inject  # noqa: E402

PRINT_LOCK = threading.Lock()


def say(text):
    with PRINT_LOCK:
        print(text, flush=True)


def build(args, seed):
    """Build the campaign's image for one seed; returns its path, or None (the error is printed)."""
    build_dir = os.path.join(args.build_dir, "examples", args.board, args.config,
                             f"campaign-seed{seed}-n{args.injections}")
    command = ["make", "--no-print-directory", "-C", os.path.join(TOP, "examples", "campaign"),
               f"MICROKIT_SDK={args.sdk}", f"MICROKIT_BOARD={args.board}", f"MICROKIT_CONFIG={args.config}",
               f"TOOLCHAIN={args.toolchain}", f"INJECT_SEED={seed}", f"INJECTIONS={args.injections}",
               f"BUILD_DIR={build_dir}"]
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        say(f"seed {seed}: the build FAILED:\n{proc.stderr[-2000:]}")
        return None
    return os.path.join(build_dir, "loader.img")


def run_seed(args, seed, run_dir):
    """Build and run one seed (bench/inject.py, its output in run_dir/inject.out); returns its verdict.json, or a
    verdict that says what failed."""
    os.makedirs(run_dir, exist_ok=True)
    image = None if args.linux_only else build(args, seed)
    if image is None and not args.linux_only:
        return {"seed": seed, "sel4": {"ok": False, "finished": False, "error": "build failed"}, "linux": None}
    command = [sys.executable, os.path.join(HERE, "inject.py"), "--out-dir", run_dir, "--run-dir", run_dir,
               "--seed", str(seed), "--injections", str(args.injections), "--config", args.config,
               "--progress", str(args.progress), "--label", f"seed {seed}", "--timeout", str(args.timeout)]
    command += ["--linux-only"] if args.linux_only else ["--image", image]
    if args.linux_binary:
        command += ["--linux-binary", args.linux_binary, "--linux-load", str(args.linux_load)]
    start = time.monotonic()
    with open(os.path.join(run_dir, "inject.out"), "w", encoding="utf-8") as out, subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        for line in proc.stdout:
            out.write(line)
            if line.startswith(f"seed {seed}: "):
                say(line.rstrip())  # progress
    try:
        with open(os.path.join(run_dir, "verdict.json"), encoding="utf-8") as f:
            verdict = json.load(f)
    except (OSError, ValueError):
        verdict = {"seed": seed, "sel4": {"ok": False, "finished": False, "error": "no verdict"}, "linux": None}
    verdict["status"] = proc.returncode
    verdict["seconds"] = time.monotonic() - start
    return verdict


def passed(verdict, system):
    part = verdict.get(system)
    return part is not None and part.get("ok") is True


def seed_line(args, v):
    """One row of the table of seeds."""
    cells = [str(v["seed"])]
    s = v.get("sel4")
    if not args.linux_only:
        if s is None or not s.get("finished"):
            cells += ["**FAILED** (" + (s or {}).get("error", "did not finish") + ")"] + [""] * 6
        else:
            t = s["totals"]
            monitor = sum(r["injected"] for r in s["rows"] if r["target"] == "monitor")
            cells += ["pass" if s["ok"] else "**FAILED** " + ", ".join(s["failing"]), str(t["injected"]),
                      f"{t['recovered']} / {t['contained']}", str(monitor),
                      f"{t['lost']} / {t['doubled']} / {t['escaped'] + s['escaped_outside'] + s['escaped_after']}",
                      f"{s['virtual_seconds']:.1f} / {s['wall_seconds']:.0f}", s.get("last") or "none"]
    lx = v.get("linux")
    if args.linux_binary:
        if lx is None:
            cells += ["**FAILED** (not run)", "", "", ""]
        else:
            m = lx.get("margin")
            cells += ["pass" if lx["ok"] else "**FAILED**", f"{lx['totals']['recovered']} of {lx['applicable']}",
                      f"{lx['lost']} / {lx['doubled']} / {lx['escaped']}",
                      f"{m['slowest']} {m['ran_ms']:.2f} of {m['threshold_ms']}" if m else "not measured"]
    return "| " + " | ".join(cells) + " |"


def totals(verdicts, system):
    """Per (target, kind): the sums over every seed of each column."""
    sums = {}
    for v in verdicts:
        part = v.get(system)
        for r in (part or {}).get("rows") or []:
            row = sums.setdefault((r["target"], r["kind"]), {"target": r["target"], "kind": r["kind"], "seeds": 0})
            row["seeds"] += r["injected"] > 0
            for k in inject.COLUMNS:
                row[k] = row.get(k, 0) + r.get(k, 0)
    return list(sums.values())


def summary_text(args, verdicts, commit, seconds, planned):
    seeds = [v["seed"] for v in verdicts]
    sel4_passed = sum(passed(v, "sel4") for v in verdicts)
    linux_passed = sum(passed(v, "linux") for v in verdicts)
    out = [f"# Fault-injection campaigns over {len(seeds)} seeds ({seeds[0]} to {seeds[-1]}), {args.injections} "
           f"injections each, commit {commit}", ""]
    verdict_line = []
    if not args.linux_only:
        verdict_line.append(f"seL4 ({args.config}, QEMU under -icount): {sel4_passed} of {len(seeds)} seeds passed")
    if args.linux_binary:
        verdict_line.append(f"Linux (native, beside {args.linux_load} busy loops per processor): {linux_passed} of "
                            f"{len(seeds)} seeds passed")
    out += ["; ".join(verdict_line) + f" ({seconds / 60:.0f} min of wall time, {args.jobs} at a time).", ""]
    if len(seeds) < planned:
        out += [f"**Incomplete:** {len(seeds)} of the {planned} seeds planned have finished (the run is under way, "
                "or was stopped).", ""]
    head, rule = ["seed"], ["---:"]
    if not args.linux_only:
        head += ["seL4", "injections", "recovered / contained", "into the monitor", "lost / doubled / escaped",
                 "virtual / wall s", "the last injection"]
        rule += ["---", "---:", "---:", "---:", "---:", "---:", "---"]
    if args.linux_binary:
        head += ["Linux", "recovered", "lost / doubled / escaped", "slowest fault, ms of the hang threshold"]
        rule += ["---", "---:", "---:", "---"]
    out += ["| " + " | ".join(head) + " |", "|" + "|".join(rule) + "|"]
    out += [seed_line(args, v) for v in verdicts]
    for system, title in (("sel4", "seL4"), ("linux", "Linux")):
        rows = totals(verdicts, system)
        if not rows:
            continue
        table, _ = inject.table(rows)
        failing = [f"{r['target']}/{r['kind']}" for r in rows if not inject.row_ok(r)]
        out += ["", f"## {title}: every seed together", "", table[0] + " seeds |", table[1] + "---:|"]
        out += [line + f" {r['seeds']} |" for line, r in zip(table[2:-1], rows)] + [table[-1] + " |"]
        if failing:
            out += ["", "**Rows that failed:** " + ", ".join(failing)]
    out += ["", "Each seed's tables, logs and verdict: its folder here (bench/inject.py's summary.md, sel4-serial.log, "
            "linux-inject.log, verdict.json). The seL4 half runs under deterministic virtual time, so its verdict "
            "cannot depend on the host's load; the Linux half runs natively beside busy loops, with heartbeats judged "
            "by the time the child could run (doc/fault-injection.md)."]
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=20, help="how many seeds (default 20)")
    parser.add_argument("--first-seed", type=int, default=1, help="the first seed (default 1)")
    parser.add_argument("--injections", type=int, default=3000, help="injections per seed (default 3000)")
    parser.add_argument("--jobs", type=int, default=1, help="seeds run at the same time (default 1)")
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--board", default="qemu_virt_aarch64")
    parser.add_argument("--config", default="release")
    parser.add_argument("--toolchain", default="aarch64-linux-gnu")
    parser.add_argument("--sdk", default="")
    parser.add_argument("--linux-binary", help="also run the Linux baseline's campaign for each seed")
    parser.add_argument("--linux-only", action="store_true")
    parser.add_argument("--linux-load", type=int, default=2, help="busy loops per processor beside the Linux half")
    parser.add_argument("--progress", type=float, default=60, help="seconds between progress lines (0: none)")
    parser.add_argument("--timeout", type=float, default=0,
                        help="host seconds each seed's half may take (default: 600 plus 3 s per injection, as QEMU "
                             "under -icount on a loaded machine can be slow)")
    parser.add_argument("--results", help="write 'passed failed skipped' (one test per seed and system) to "
                                          "RESULTS/inject.txt, for make check")
    args = parser.parse_args()
    if args.seeds < 1 or args.jobs < 1 or args.first_seed < 0 or args.first_seed + args.seeds - 1 > 0xffffffff:
        parser.error("--seeds and --jobs must be at least 1, the seeds from 0 to 4294967295")
    if not 1 <= args.injections <= 1000000:
        parser.error("--injections must be from 1 to 1000000")
    if args.linux_only and not args.linux_binary:
        parser.error("--linux-only needs --linux-binary")
    if args.timeout <= 0:
        args.timeout = 600 + 3 * args.injections

    commit = inject.git_commit()
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    out_dir = os.path.join(args.out_dir, f"{datetime.datetime.now().strftime('%Y%m%d-%H%M%S')}-{commit}-seeds"
                                         f"{seeds[0]}-{seeds[-1]}-n{args.injections}")
    os.makedirs(out_dir, exist_ok=True)
    say(f"{len(seeds)} seeds ({seeds[0]} to {seeds[-1]}) of {args.injections} injections, {args.jobs} at a time; "
        f"results in {out_dir}")
    start = time.monotonic()
    verdicts = {}

    def write_summary():
        """summary.md and seeds.csv of the seeds finished so far (rewritten as each finishes: a run stopped early
        still leaves its summary)."""
        ordered = [verdicts[s] for s in seeds if s in verdicts]
        text = summary_text(args, ordered, commit, time.monotonic() - start, len(seeds))
        with open(os.path.join(out_dir, "summary.md"), "w", encoding="utf-8") as f:
            f.write(text)
        with open(os.path.join(out_dir, "seeds.csv"), "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["seed", "system", "ok", "injected", "recovered", "contained", "lost", "doubled",
                             "escaped"])
            for v in ordered:
                for system in ("sel4", "linux"):
                    part = v.get(system)
                    if part is not None and "totals" in part:
                        t = part["totals"]
                        writer.writerow([v["seed"], system, part["ok"]] + [t.get(k, 0) for k in (
                            "injected", "recovered", "contained", "lost", "doubled", "escaped")])
        return ordered, text

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(run_seed, args, seed, os.path.join(out_dir, f"seed{seed}")): seed for seed in seeds}
        for future in concurrent.futures.as_completed(futures):
            v = future.result()
            verdicts[futures[future]] = v
            write_summary()
            parts = []
            if not args.linux_only:
                parts.append("seL4 " + ("pass" if passed(v, "sel4") else "FAILED"))
            if args.linux_binary:
                parts.append("Linux " + ("pass" if passed(v, "linux") else "FAILED"))
            say(f"seed {futures[future]}: " + ", ".join(parts) + f" ({v['seconds']:.0f} s); {len(verdicts)} of "
                f"{len(seeds)} seeds done, {(time.monotonic() - start) / 60:.0f} min")
    ordered, text = write_summary()
    print(text)
    print(f"summary in {out_dir}/summary.md, seeds.csv")
    checks = ([passed(v, "sel4") for v in ordered] if not args.linux_only else []) + \
        ([passed(v, "linux") for v in ordered] if args.linux_binary else [])
    if args.results:
        os.makedirs(args.results, exist_ok=True)
        with open(os.path.join(args.results, "inject.txt"), "w", encoding="ascii") as f:
            f.write(f"{sum(checks)} {len(checks) - sum(checks)} 0\n")
    return 0 if all(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
