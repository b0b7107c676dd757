#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Driver recovery (examples/blk), measured in QEMU under -icount.

  blk.py inject   --image IMG --seed S --injections N --out-dir DIR
      boots the block system built with INJECTIONS=N (make blk-inject) and tabulates, per fault kind and point of
      I/O, what was injected into sDDF's virtio-blk driver, detected as the kind must be, and recovered from; and
      whether the client lost, repeated or saw anything: every block verified, no error, no unexpected completion.
  blk.py overhead --run PERIOD_MS=IMG ... --out-dir DIR
      boots the system built for the overhead experiment (make blk-bench) once per crash period (0: none) and
      tabulates block throughput and its loss beside Minix 3's figures.

Virtual time is the guest's instruction count (one instruction a nanosecond at -icount shift=0), read from PMU
event counters (examples/blk/pmu.h): the virtual clock itself (CNTPCT) jumps ahead under sleep=off whenever the
guest waits idle for the host to finish a disk request, by however long the next timer is, so it measures the
host, not the system. The figures are code-path lengths, not hardware latencies."""

import argparse
import csv
import datetime
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "qemu"))
sys.path.insert(0, HERE)

import qemu  # noqa: E402
from inject import EXPECTED_FAILURE  # noqa: E402

DONE = r"^logger\|INFO: done$"
# The driver's kinds and points (examples/blk/blk_inject.h, sel4ft/driver.h).
KINDS = ["null_read", "null_write", "unmapped_write", "undefined_instruction", "hang"]
POINTS = ["before_irq", "after_irq", "before_request", "after_request"]
OUTCOME = {k: "recovered_hang" if k == "hang" else "recovered_fault" for k in KINDS}
# Minix 3's figures (Herder et al.): throughput lost with one driver crash every 1, 4 and 25 s.
MINIX = {1000: 25.0, 4000: 8.0, 25000: 1.0}


def events(lines):
    """(pd, level, kind, fields) for every event line."""
    for line in lines:
        event = qemu.parse_log_event(line)
        if event is not None:
            yield event


def boot(image, log_path, timeout):
    lines, finished, seconds = qemu.boot(image, log_path, timeout, DONE)  # under qemu.ICOUNT
    if not finished:
        raise SystemExit(f"error: {image} did not finish within {timeout:g} s (log: {log_path})")
    return lines, seconds


def client_done(lines):
    for pd, _, kind, fields in events(lines):
        if pd == "client" and kind == "client_done":
            return {k: int(v) for k, v in fields.items()}
    raise SystemExit("error: the client never reported client_done")


def client_clean(done):
    return (done["unverified"] == 0 and done["mismatches"] == 0 and done["errors"] == 0
            and done["unexpected"] == 0 and done["verified"] > 0)


def git_commit():
    try:
        proc = subprocess.run(["git", "-C", TOP, "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, check=False)
    except OSError:  # no git here
        return "?"
    return proc.stdout.strip() or "?"


# The campaign ---------------------------------------------------------------------------------------------------

def tabulate_inject(lines):
    rows = {(k, p): {"kind": k, "point": p, "injected": 0, "struck": 0, "detected": 0, "as_expected": 0,
                     "recovered": 0} for k in KINDS for p in POINTS}
    struck = set()
    failures = []
    handovers = []
    summary = {"done": None, "timed_out": 0, "unexpected_failures": 0, "gave_up": 0, "pd_errors": 0}
    for pd, level, kind, fields in events(lines):
        if level == "ERROR" and pd in ("client", "blk_virt"):
            summary["pd_errors"] += 1
        if pd == "blk_driver" and kind == "inject":
            struck.add(int(fields["n"]))
        elif pd == "blk_virt" and kind == "driver_handover" and int(fields["incarnation"]) > 1:
            handovers.append({k: int(v) for k, v in fields.items()})
        elif pd == "monitor" and kind == "failed" and fields.get("cause") != "deadline":
            failures.append(fields)
        elif pd == "monitor" and kind == "gave_up":
            summary["gave_up"] += 1
        elif pd == "monitor" and kind == "result":
            n = int(fields["n"])
            row = rows[(fields["kind"], fields["point"])]
            row["injected"] += 1
            row["struck"] += n in struck
            if failures:
                row["detected"] += 1
                row["as_expected"] += EXPECTED_FAILURE[fields["kind"]] is not None and all(
                    re.fullmatch(want, failures[0].get(key, ""))
                    for key, want in EXPECTED_FAILURE[fields["kind"]].items())
            summary["unexpected_failures"] += max(0, len(failures) - 1)
            row["recovered"] += fields["outcome"] == OUTCOME[fields["kind"]]
            summary["timed_out"] += fields["outcome"] == "timed_out"
            failures = []
        elif pd == "monitor" and kind == "campaign_done":
            summary["done"] = {k: int(v) for k, v in fields.items()}
    summary["unexpected_failures"] += len(failures)
    summary["client"] = client_done(lines)
    summary["handovers"] = len(handovers)
    summary["resubmitted"] = sum(h["resubmitted"] for h in handovers)
    summary["held"] = sum(1 for h in handovers if h["held_by_driver"] > 0)
    summary["completed_before"] = sum(h["completed_before"] for h in handovers)
    summary["dropped"] = max([h["dropped_completions"] for h in handovers] or [0])
    return [r for r in rows.values() if r["injected"]], summary


def inject(args):
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    os.makedirs(args.out_dir, exist_ok=True)
    log_path = os.path.join(args.out_dir, f"serial-{stamp}.log")
    print(f"Booting the block system ({args.injections} driver injections, seed {args.seed}) under -icount ...",
          flush=True)
    start = time.monotonic()
    lines, _ = boot(args.image, log_path, args.timeout)
    seconds = time.monotonic() - start
    rows, s = tabulate_inject(lines)
    c = s["client"]
    totals = {k: sum(r[k] for r in rows) for k in ("injected", "struck", "detected", "as_expected", "recovered")}
    ok = (s["done"] is not None and s["done"]["injections"] == args.injections and totals["injected"] ==
          args.injections and totals["recovered"] == args.injections and totals["as_expected"] == args.injections
          and s["timed_out"] == 0 and s["unexpected_failures"] == 0 and s["gave_up"] == 0 and s["pd_errors"] == 0
          and s["dropped"] == 0 and client_clean(c))

    with open(os.path.join(args.out_dir, "results.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    out = [f"# Driver fault injection: sDDF virtio-blk under sel4ft ({args.injections} injections, seed {args.seed})",
           "",
           f"Generated by `make blk-inject` (bench/blk.py) on {datetime.date.today()} at commit {git_commit()}: "
           f"{args.config} build, QEMU -icount, {seconds:.0f} s of real time. Serial log: {os.path.basename(log_path)}.",
           "",
           "| kind | point of I/O | injected | struck | detected | decoded as expected | recovered |",
           "|---|---|---:|---:|---:|---:|---:|"]
    for r in sorted(rows, key=lambda r: (KINDS.index(r["kind"]), POINTS.index(r["point"]))):
        out.append(f"| {r['kind']} | {r['point']} | {r['injected']} | {r['struck']} | {r['detected']} | "
                   f"{r['as_expected']} | {r['recovered']} |")
    out.append(f"| **all** | | **{totals['injected']}** | **{totals['struck']}** | **{totals['detected']}** | "
               f"**{totals['as_expected']}** | **{totals['recovered']}** |")
    out += ["",
            f"- Driver restarts handed over: {s['handovers']}; requests handed to the new incarnation: "
            f"{s['resubmitted']}; handovers where the dead incarnation held requests it had taken: {s['held']}; "
            f"completions the dead incarnation had published and the virtualiser took first: {s['completed_before']}; "
            f"completions dropped as repeated or stale: {s['dropped']}.",
            f"- The client: {c['passes']} passes over {c['blocks']} blocks, {c['verified']} blocks read back and "
            f"verified, {c['unverified']} not, {c['mismatches']} mismatches, {c['errors']} error statuses, "
            f"{c['unexpected']} unexpected completions, {c['requests']} requests.",
            f"- Timed out: {s['timed_out']}; failures outside an injection: {s['unexpected_failures']}; "
            f"restart policy gave up: {s['gave_up']}; errors logged by the client or the virtualiser: "
            f"{s['pd_errors']}.",
            "",
            f"Verdict: {'every injection detected and recovered from; nothing lost, nothing repeated, no error seen above the driver' if ok else 'FAILED (see above)'}."]
    report = os.path.join(args.out_dir, "report.md")
    with open(report, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print("\n".join(out))
    print(f"\nreport: {report}")
    return 0 if ok else 1


# The overhead experiment ---------------------------------------------------------------------------------------

def passes(lines):
    """[(user_instructions, instructions)] of every pass the client reported, in order."""
    return [(int(f["user_instructions"]), int(f["instructions"])) for pd, _, kind, f in events(lines)
            if pd == "client" and kind == "pass"]


# A pass without a crash repeats its user-level count to within a few hundred instructions; a crash adds about a
# hundred thousand. Passes above the run's median by more than this hold (some of) a crash's cost.
CRASH_PASS_THRESHOLD = 5000


def extra_work(values):
    """(extra, total) user-level work of a run's passes 2..n (the first starts with the client): the passes that
    hold a crash's cost (above the median by CRASH_PASS_THRESHOLD) against the mean of the others."""
    rest = values[1:]
    if not rest:
        return 0, 0
    ordered = sorted(rest)
    median = ordered[len(ordered) // 2]
    quiet = [v for v in rest if v <= median + CRASH_PASS_THRESHOLD]
    mean = sum(quiet) / len(quiet)
    return sum(v - mean for v in rest if v > median + CRASH_PASS_THRESHOLD), sum(rest)


def overhead(args):
    runs = []
    for spec in args.run:
        period, _, image = spec.partition("=")
        runs.append((int(period), image))
    runs.sort()
    if not runs or runs[0][0] != 0:
        raise SystemExit("error: --run 0=IMAGE (the run without crashes) is needed")
    os.makedirs(args.out_dir, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    rows = []
    started = time.monotonic()
    for period, image in runs:
        log_path = os.path.join(args.out_dir, f"serial-{period}ms-{stamp}.log")
        what = f"a crash every {period / 1000:g} s" if period else "no crash"
        print(f"Booting the block system ({what}) under -icount ...", flush=True)
        lines, seconds = boot(image, log_path, args.timeout)
        done = client_done(lines)
        if not client_clean(done):
            raise SystemExit(f"error: the client saw a problem in the run with {what}: {done}")
        if done["instructions"] == 0:
            raise SystemExit("error: no instruction count: build the benchmark configuration (pmu.h)")
        crashes = sum(1 for pd, _, kind, _ in events(lines) if pd == "monitor" and kind == "failed")
        recoveries, waits, delay = [], [], 0
        for pd, _, kind, f in events(lines):
            if pd == "monitor" and kind == "restart":
                delay = int(f.get("delay_ticks", "0"))
            elif pd == "monitor" and kind == "recovered":
                recoveries.append(int(f["ticks"]))
                waits.append(delay)
        resubmitted = sum(int(f["resubmitted"]) for pd, _, kind, f in events(lines)
                          if pd == "blk_virt" and kind == "driver_handover")
        per_pass = passes(lines)
        extra_user, total_user = extra_work([u for u, _ in per_pass])
        rows.append({
            "period_ms": period, "seconds": seconds, "bytes": done["bytes"], "passes": len(per_pass),
            "instructions": done["instructions"], "user_instructions": done["user_instructions"],
            "crashes": crashes, "resubmitted": resubmitted,
            "recovery_us": sum(recoveries) / len(recoveries) / 62.5 if recoveries else 0.0,
            "backoff_us": sum(waits) / len(waits) / 62.5 if waits else 0.0,
            "throughput": done["bytes"] / (done["instructions"] / 1e9) / 1e6,  # MB per virtual second
            "overhead_user": extra_user / total_user * 100 if total_user else 0.0,
            "cost_user": extra_user / crashes if crashes else 0.0,
            "log": os.path.basename(log_path)})
    base = rows[0]
    for r in rows:
        r["throughput_change"] = (r["throughput"] / base["throughput"] - 1) * 100
    with open(os.path.join(args.out_dir, "results.csv"), "w", newline="", encoding="utf-8") as f:
        fields = ["period_ms", "passes", "bytes", "instructions", "user_instructions", "crashes", "resubmitted",
                  "throughput", "throughput_change", "overhead_user", "cost_user", "recovery_us", "backoff_us",
                  "seconds", "log"]
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    total = time.monotonic() - started
    crashed = [r for r in rows if r["crashes"]]
    n = sum(r["crashes"] for r in crashed)
    cost = sum(r["cost_user"] * r["crashes"] for r in crashed) / n if n else 0.0
    recovery = sum(r["recovery_us"] * r["crashes"] for r in crashed) / n if n else 0.0
    backoff = sum(r["backoff_us"] * r["crashes"] for r in crashed) / n if n else 0.0
    out = ["# Block throughput under driver crashes, beside Minix 3",
           "",
           f"Generated by `make blk-bench` (bench/blk.py) on {datetime.date.today()} at commit {git_commit()}: "
           f"benchmark build, QEMU -icount, {total:.0f} s of real time for the {len(rows)} runs.",
           "",
           "| driver crash | virtual time | crashes | requests redone | throughput (MB/s) | throughput lost: "
           "user-level work | throughput vs no crash: all instructions | Minix 3 (Ethernet, wall clock) |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        p = r["period_ms"]
        crash = "none" if p == 0 else f"every {p / 1000:g} s"
        user = f"{r['overhead_user']:.4f}%" if p else "-"
        versus = f"{r['throughput_change']:+.2f}%" if p else "-"
        minix = "-" if p == 0 else (f"{MINIX[p]:g}%" if p in MINIX else "?")
        out.append(f"| {crash} | {r['instructions'] / 1e9:.1f} s | {r['crashes']} | {r['resubmitted']} | "
                   f"{r['throughput']:.1f} | {user} | {versus} | {minix} |")
    out += ["",
            "- Virtual time is the system's instruction count (every PD, the kernel, the idle thread: PMU event "
            "INST_RETIRED), one instruction a nanosecond; throughput is the client's bytes (written and read back) "
            "per second of it.",
            "- Throughput lost, user-level work: within each run, the user-level instructions (EL0: the PDs' own "
            "code) that the passes holding a crash took beyond the run's other passes, over the run's total. A pass "
            "without a crash repeats its user-level count to within a few hundred instructions in ten million, so "
            "this resolves a crash's cost; it leaves out the kernel's part of a recovery (the fault message, the "
            "restart, a few notifications).",
            "- Throughput vs no crash, all instructions: the runs compared with each other, kernel and idle thread "
            "included. That count varies by a percent or more between identical runs (the kernel's timer "
            "interrupts come at the jumps -icount's virtual clock makes while the guest waits for the host's "
            "disk), so a crash's cost is far below what it resolves.",
            f"- One crash costs {cost / 1000:.0f} thousand user-level instructions (restart, clean image, device "
            f"set up again, requests handed over and redone, the log lines about it), averaged over {n} crashes; "
            f"from the failure to the driver serving again took {recovery:.0f} us of virtual time on average, "
            f"{backoff:.0f} us of it the restart policy's back-off (waiting: no work) and {recovery - backoff:.0f} us "
            "the restart itself."]
    report = os.path.join(args.out_dir, "report.md")
    with open(report, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print("\n".join(out))
    print(f"\nreport: {report}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("inject")
    p.add_argument("--image", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--injections", type=int, required=True)
    p.add_argument("--config", default="release")
    p.add_argument("--out-dir", required=True)
    p.add_argument("--timeout", type=float, default=3600)
    p = sub.add_parser("overhead")
    p.add_argument("--run", action="append", default=[], help="PERIOD_MS=IMAGE, once per crash period (0: none)")
    p.add_argument("--out-dir", required=True)
    p.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()
    return inject(args) if args.command == "inject" else overhead(args)


if __name__ == "__main__":
    sys.exit(main())
