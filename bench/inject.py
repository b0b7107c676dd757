#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""`make inject`: boot the seeded fault-injection campaign (examples/campaign) on seL4 in QEMU and tabulate,
per fault kind, what was injected, detected, decoded as expected and recovered, and whether any request was
lost or applied twice or any fault escaped into another PD."""

import argparse
import csv
import datetime
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "qemu"))

import qemu  # noqa: E402

# The schedule's kinds and targets, as in services/inject_schedule.h.
KINDS = ["null_read", "null_write", "unmapped_write", "readonly_write", "undefined_instruction", "stack_overflow",
         "hang", "foreign_notify", "request_garbage", "ring_garbage", "log_flood"]
LINUX_KINDS = KINDS[:7]
TARGETS = ["crasher", "server", "client_b", "logger", "monitor"]
FAULT_KINDS = set(KINDS[:6])
CONTAINED_KINDS = {"foreign_notify", "request_garbage", "ring_garbage", "log_flood"}
# What a target gets (inject_kinds_of), and why the rest is left out.
APPLIES = {
    "crasher": set(KINDS) - {"request_garbage"},
    "server": FAULT_KINDS | {"foreign_notify", "ring_garbage", "log_flood"},
    "client_b": set(KINDS),
    "logger": FAULT_KINDS | {"hang", "foreign_notify"},
    "monitor": FAULT_KINDS | {"hang", "foreign_notify"},
}
NOT_APPLICABLE = [
    ("server", "hang", "not recoverable on Microkit 2.0.1: a passive server runs on its caller's scheduling context "
     "and answers no heartbeat, and Microkit sets no timeout-fault handler, so nothing can tell a long request "
     "from an endless one; the caller would wait for ever"),
    ("crasher, server, logger", "request_garbage", "not applicable: only a client owns a request region"),
    ("logger", "ring_garbage, log_flood", "not applicable: the logger is the consumer and owns no ring to write"),
    ("monitor", "request_garbage", "not applicable: it owns no request region"),
    ("monitor", "ring_garbage, log_flood", "not checkable: the monitor runs above its logger (it supervises it), so "
     "its ring is drained only while it waits, and garbage or a flood there loses its own unread records "
     "(contained: nobody else's), which are the campaign's record; nothing would be left to check the injection by"),
    ("root", "all", "not a target: the root of the supervision tree (examples/common/root.c, one child, no state "
     "of its own) is the trusted base, as the kernel is"),
]
# What the monitor's failure event (doc/events.md) must say for each kind, per board: each field's value matches
# its regex whole. aarch64: translation faults are FSC 0x04-0x07 (levels 0-3), permission faults 0x0c-0x0f; EC
# 0x00 is an undefined instruction. riscv64: seL4 reports a VM fault's cause as the access fault of its kind
# (0x5 a load, 0x7 a store), whether nothing is mapped or the page is read-only, so the address tells those
# apart; 0x2 is an illegal instruction. The stack is below each board's stack top (0x10000000000, 0x3ffffff000).
TRANSLATION_FAULT = r"0x0[4-7]"
EXPECTED_FAILURE_AARCH64 = {
    "null_read": {"cause": "fault", "fault": "vm", "access": "read", "addr": "0x0"},
    "null_write": {"cause": "fault", "fault": "vm", "access": "write", "addr": "0x0"},
    "unmapped_write": {"cause": "fault", "fault": "vm", "access": "write", "addr": "0x10000000",
                       "fsc": TRANSLATION_FAULT},
    "readonly_write": {"cause": "fault", "fault": "vm", "access": "write", "addr": "0x8000000", "fsc": r"0x0[c-f]"},
    "undefined_instruction": {"cause": "fault", "fault": "user_exception", "ec": "0x00"},
    "stack_overflow": {"cause": "fault", "fault": "vm", "access": "write", "addr": r"0xffffff[0-9a-f]{4}",
                       "fsc": TRANSLATION_FAULT},
    "hang": {"cause": "hang", "missed": "2"},
}
EXPECTED_FAILURE_RISCV64 = {
    "null_read": {"cause": "fault", "fault": "vm", "access": "read", "addr": "0x0", "scause": "0x5"},
    "null_write": {"cause": "fault", "fault": "vm", "access": "write", "addr": "0x0", "scause": "0x7"},
    "unmapped_write": {"cause": "fault", "fault": "vm", "access": "write", "addr": "0x10000000", "scause": "0x7"},
    "readonly_write": {"cause": "fault", "fault": "vm", "access": "write", "addr": "0x8000000", "scause": "0x7"},
    "undefined_instruction": {"cause": "fault", "fault": "user_exception", "scause": "0x2"},
    "stack_overflow": {"cause": "fault", "fault": "vm", "access": "write", "addr": r"0x3fffff[0-9a-f]{4}",
                       "scause": "0x7"},
    "hang": {"cause": "hang", "missed": "2"},
}
EXPECTED_FAILURE_BY_BOARD = {"qemu_virt_aarch64": EXPECTED_FAILURE_AARCH64, "qemu_virt_riscv64": EXPECTED_FAILURE_RISCV64}
EXPECTED_FAILURE = EXPECTED_FAILURE_AARCH64  # the board being tabulated's (main() sets it)
# The outcome each kind's result must have.
OUTCOME = {k: "recovered_hang" if k == "hang" else "contained" if k in CONTAINED_KINDS else "recovered_fault"
           for k in KINDS}

TARGET_INJECT = re.compile(r"^(crasher|server|client_b|logger|monitor)\|INFO: INJECT (\d+) (\w+) (\w+) at (\w+)$")
FOREIGN = re.compile(r"^\w+\|\w+: INJECT (\d+) foreign_notify: (\d+) signals and (\d+) calls on channels it may not "
                     r"use; the kernel refused (\d+) of the \d+ calls$")
GARBAGE = re.compile(r"^client_b\|INFO: INJECT (\d+) request_garbage: (\d+) garbage requests: (\d+) rejected as "
                     r"malformed, (\d+) refused, (\d+) accepted$")
RING_DONE = re.compile(r"^(\w+)\|INFO: INJECT (\d+) ring_garbage: wrote a malformed record")
RING_WARN = re.compile(r"^logger\|WARN: ring '(\w+)': \d+ malformed records and \d+ impossible indices")
FLOOD = re.compile(r"^(\w+)\|INFO: flood (\d+)\.(\d+)$")
FLOOD_DONE = re.compile(r"^(\w+)\|INFO: INJECT (\d+) log_flood: wrote (\d+) records, the ring dropped (\d+)$")
READ_BACK = re.compile(r"^client_[ab]\|INFO: read back after \d+ rounds: .*nothing lost, nothing applied twice$")
SHARED = re.compile(r"^client_a\|INFO: shared counter: .*: exact$")
LOST = re.compile(r"^client_[ab]\|ERROR: round .*an update was (lost|applied twice)$")
PD_ERROR = re.compile(r"^((client_a|client_b|server|logger|crasher)\|ERROR|root\|ERROR: (?!failed child=monitor ))")
UNEXPECTED = re.compile(r"unexpected notification|unexpected report")
NULL_CAP = re.compile(r"Attempted to invoke a null cap")
RESULT_N = re.compile(r"^monitor\|INFO: result n=(\d+) ")
AT = re.compile(r" at=(\d+)(?: |$)")
TICK_HZ = 62.5e6  # the generic timer of QEMU's virt board: event fields at= count its ticks


class Progress:
    """Prints, every `every` seconds of wall time, how many injections the campaign has resolved (its result events)
    and how far its virtual time has got, so that a long run shows it is moving."""

    def __init__(self, label, injections, every):
        self.label, self.injections, self.every = label, injections, every
        self.start = self.last = time.monotonic()
        self.resolved, self.ticks = 0, 0

    def __call__(self, line):
        m = RESULT_N.match(line)
        if m:
            self.resolved = int(m.group(1))
        m = AT.search(line)
        if m:
            self.ticks = max(self.ticks, int(m.group(1)))
        now = time.monotonic()
        if self.every > 0 and now - self.last >= self.every:
            self.last = now
            print(f"{self.label}: {self.resolved}/{self.injections} injections resolved, "
                  f"{self.ticks / TICK_HZ:.1f} s of virtual time, {now - self.start:.0f} s of wall time", flush=True)


def failure_as_expected(kind, fields):
    """Whether a monitor's failure event (its fields) is what an injection of this kind must cause."""
    return all(re.fullmatch(want, fields.get(key, "")) for key, want in EXPECTED_FAILURE[kind].items())


def monitor_event(line):
    """(kind, fields) of an event the monitor logged (doc/events.md), else None."""
    event = qemu.parse_log_event(line)
    return event[2:] if event is not None and event[0] == "monitor" else None


def root_event(line):
    """(kind, fields) of an event the root logged about the monitor, its child, else None."""
    event = qemu.parse_log_event(line)
    return event[2:] if event is not None and event[0] == "root" and event[3].get("child") == "monitor" else None


def tabulate(lines):
    """Per (target, kind) counts and campaign-wide figures, from the serial log of campaign.system."""
    rows = {(t, k): {"target": t, "kind": k, "injected": 0, "detected": 0, "as_expected": 0, "recovered": 0,
                     "contained": 0, "lost": 0, "doubled": 0, "escaped": 0}
            for t in TARGETS for k in KINDS if k in APPLIES[t]}
    failures = {t: [] for t in TARGETS}  # the monitor's failure events (fields) since the last result, per child
    evidence = {}  # injection number -> the target's or the logger's evidence for contained kinds
    ring_pending = {}  # ring name -> injection number with ring garbage under way
    flood_lines = {}
    current = None  # the number of the latest injection a target announced
    summary = {"done": None, "null_cap_refusals": 0, "unexpected": 0, "pd_errors": 0, "unattributed": 0,
               "mismatches": 0, "escaped_outside": 0}
    shared_exact = False
    results = {}
    announced = {}  # injection number -> (target, kind) as the target announced it carrying it out
    points = {}  # injection number -> the point of the target's work it struck at
    read_backs = {"client_a": 0, "client_b": 0}
    monitor_failures = {}  # the root's failure events of the monitor, by the monitor's incarnation that failed
    for line in lines:
        event = root_event(line)
        if event is not None:
            kind, fields = event
            if kind == "failed" and fields.get("cause") != "deadline":
                monitor_failures.setdefault(int(fields.get("incarnation", "0")), []).append(fields)
            continue
        m = TARGET_INJECT.match(line)
        if m:
            current = int(m.group(2))
            announced[current] = (m.group(1), m.group(4))
            points[current] = m.group(5)
            if m.group(4) == "ring_garbage":
                ring_pending[m.group(1)] = current
            continue
        m = RING_WARN.match(line)
        if m and m.group(1) in ring_pending:
            evidence.setdefault(ring_pending[m.group(1)], set()).add("logger repaired")
            continue
        m = RING_DONE.match(line)
        if m:
            ring_pending.pop(m.group(1), None)
            continue
        m = FLOOD.match(line)
        if m:
            flood_lines[int(m.group(2))] = flood_lines.get(int(m.group(2)), 0) + 1
            continue
        m = FLOOD_DONE.match(line)
        if m:
            evidence.setdefault(int(m.group(2)), set()).add(("flood", int(m.group(3)), int(m.group(4))))
            continue
        m = FOREIGN.match(line)
        if m:
            calls, refused = int(m.group(3)), int(m.group(4))
            if calls > 0 and refused == calls:
                evidence.setdefault(int(m.group(1)), set()).add("kernel refused")
            continue
        m = GARBAGE.match(line)
        if m:
            if int(m.group(5)) == 0:
                evidence.setdefault(int(m.group(1)), set()).add("server refused")
            continue
        event = monitor_event(line)
        if event is not None:
            kind, fields = event
            # A missed recovery deadline follows a failure already counted; it is not a new one.
            if kind == "failed" and fields.get("child") in failures and fields.get("cause") != "deadline":
                failures[fields["child"]].append(fields)
            elif kind == "escaped":
                count = int(fields.get("failures", "1"))
                if "n" in fields:
                    r = results.setdefault(int(fields["n"]), {})
                    r["escaped"] = r.get("escaped", 0) + count
                else:
                    summary["escaped_outside"] += count
            elif kind == "result":
                r = results.setdefault(int(fields["n"]), {})
                r.update(target=fields["target"], kind=fields["kind"], outcome=fields["outcome"],
                         failures=failures.get(fields["target"], []))
                if fields["target"] == "monitor":
                    # The root reports the monitor's failures, in its own ring: matched by incarnation, not order.
                    r["failed_incarnation"] = int(fields.get("incarnation", "0"))
                failures = {t: [] for t in TARGETS}
            elif kind == "campaign_done":
                summary["done"] = (int(fields["injections"]), int(fields["seed"]))
        m = LOST.match(line)
        if m:
            key = "lost" if m.group(1) == "lost" else "doubled"
            if current is not None:
                results.setdefault(current, {})[key] = results.get(current, {}).get(key, 0) + 1
            else:
                summary["unattributed"] += 1
            continue
        m = READ_BACK.match(line)
        if m:
            read_backs[line.split("|", 1)[0]] += 1
        summary["mismatches"] += "MISMATCH" in line
        shared_exact = shared_exact or bool(SHARED.match(line))
        summary["null_cap_refusals"] += bool(NULL_CAP.search(line))
        summary["unexpected"] += bool(UNEXPECTED.search(line))
        summary["pd_errors"] += bool(PD_ERROR.match(line))

    attributed = set()
    for n, r in sorted(results.items()):
        if r.get("failed_incarnation"):
            r["failures"] = monitor_failures.get(r["failed_incarnation"], [])
            attributed.add(r["failed_incarnation"])
    # A failure of the monitor that no injection into it explains is an escape (the monitor reports it too, as an
    # escaped event, once restarted); here it is a failure not attributable to an injection.
    summary["unattributed_monitor_failures"] = sum(len(f) for i, f in monitor_failures.items() if i not in attributed)
    for n, r in sorted(results.items()):
        if "kind" not in r or (r["target"], r["kind"]) not in rows:
            summary["unattributed"] += 1
            continue
        row = rows[(r["target"], r["kind"])]
        row["injected"] += 1
        if announced.get(n) != (r["target"], r["kind"]):
            continue  # the target never said it carried this injection out: not detected, not recovered
        row["lost"] += r.get("lost", 0)
        row["doubled"] += r.get("doubled", 0)
        row["escaped"] += r.get("escaped", 0)
        kind, outcome = r["kind"], r["outcome"]
        if kind in CONTAINED_KINDS:
            proof = evidence.get(n, set())
            if kind == "log_flood":
                flood = [e for e in proof if isinstance(e, tuple)]
                detected = bool(flood) and flood_lines.get(n, 0) + flood[0][2] == flood[0][1]
            else:
                detected = bool(proof)
            row["detected"] += detected
            row["as_expected"] += detected
            row["contained"] += outcome == OUTCOME[kind]
        else:
            detected = bool(r["failures"])
            row["detected"] += detected
            row["as_expected"] += detected and failure_as_expected(kind, r["failures"][0])
            row["recovered"] += outcome == OUTCOME[kind]
    # Failures the monitor reported after the last result: nothing was injected then, so they escaped.
    summary["escaped_after"] = sum(len(f) for f in failures.values())
    summary["read_backs_exact"] = read_backs
    # The schedule's last injection, which ends the campaign wherever it strikes (a verdict must not depend on it).
    last = max((n for n, r in results.items() if "kind" in r), default=None)
    summary["last"] = None if last is None else (
        f"{last}: {results[last]['target']} {results[last]['kind']} at {points.get(last, '?')}: "
        f"{results[last]['outcome']}")
    summary["shared_exact"] = shared_exact
    return [rows[(t, k)] for t in TARGETS for k in KINDS if (t, k) in rows], summary


# What the Linux supervisor's failure event (doc/events.md) must say for each kind: SIGSEGV (11) for the memory kinds
# and the stack overflow, SIGILL (4: ud2 on x86_64) or SIGTRAP (5: brk on aarch64) for the undefined instruction, two
# missed heartbeat periods for the hang.
LINUX_EXPECTED_FAILURE = {k: {"cause": "signal", "signal": "11"} for k in LINUX_KINDS}
LINUX_EXPECTED_FAILURE["undefined_instruction"] = {"cause": "signal", "signal": "4|5"}
LINUX_EXPECTED_FAILURE["hang"] = {"cause": "hang", "missed": "2"}


def tabulate_linux(lines):
    """Per-kind counts and the campaign-wide figures, from the events of `sel4ft-baseline inject` (its standard
    output). Injection n is the go to the crasher's incarnation n: detected if that incarnation failed exactly once,
    and not by exiting; as expected if that failure's fields are what the kind implies; recovered if incarnation n + 1
    said it serves, exactly once."""
    rows = {k: {"target": "crasher", "kind": k, "injected": 0, "detected": 0, "as_expected": 0, "recovered": 0,
                "contained": 0} for k in LINUX_KINDS}
    summary = {"lost": None, "doubled": None, "escaped": None, "shared": None, "done": None, "applicable": None,
               "unattributed": 0, "numbered": False, "period_ms": None, "fault_time": {}}
    injections, failures, recoveries = {}, {}, {}  # by the crasher's incarnation
    for line in lines:
        event = qemu.parse_log_event(line.strip())
        if event is None or event[0] != "supervisor":
            continue
        _, _, kind, fields = event
        try:
            if kind == "campaign":
                summary["applicable"] = int(fields["applicable"])
                summary["period_ms"] = int(fields["period_ms"])
            elif kind == "fault_time" and fields.get("kind") in rows:
                # The margin: the processor time a fault took from the go to its end, and the wall time to its reap.
                ran, wall = int(fields["ran_us"]), int(fields["wall_us"])
                worst = summary["fault_time"].setdefault(fields["kind"], {"count": 0, "ran_us": 0, "wall_us": 0})
                worst["count"] += 1
                worst["ran_us"] = max(worst["ran_us"], ran)
                worst["wall_us"] = max(worst["wall_us"], wall)
            elif kind == "inject" and fields.get("kind") in rows:
                injections[int(fields["incarnation"])] = (int(fields["n"]), fields["kind"])
            elif kind == "failed" and fields.get("child") == "crasher":
                failures.setdefault(int(fields["incarnation"]), []).append(fields)
            elif kind == "failed":
                summary["unattributed"] += 1  # the server or the client failed: never part of an injection
            elif kind == "recovered" and fields.get("child") == "crasher":
                incarnation = int(fields["incarnation"])
                recoveries[incarnation] = recoveries.get(incarnation, 0) + 1
            elif kind == "outcome":
                summary["lost"], summary["doubled"], summary["escaped"] = (
                    int(fields[k]) for k in ("lost", "doubled", "escaped"))
            elif kind == "shared_mapping":
                summary["shared"] = (fields["corrupted"], fields["detected"])
            elif kind == "campaign_done":
                summary["done"] = (int(fields["injections"]), int(fields["seed"]))
        except (KeyError, ValueError):
            summary["unattributed"] += 1  # an event without the fields its kind has
    for incarnation, (_, kind) in injections.items():
        row, seen = rows[kind], failures.get(incarnation, [])
        detected = len(seen) == 1 and seen[0].get("cause") != "exit"
        row["injected"] += 1
        row["detected"] += detected
        row["as_expected"] += detected and all(re.fullmatch(want, seen[0].get(key, ""))
                                               for key, want in LINUX_EXPECTED_FAILURE[kind].items())
        row["recovered"] += detected and recoveries.get(incarnation + 1, 0) == 1
    # Failures of incarnations that were given no injection (before their go, or after the last).
    summary["unattributed"] += sum(len(f) for i, f in failures.items() if i not in injections)
    numbers = sorted(n for n, _ in injections.values())
    summary["numbered"] = numbers == list(range(1, len(numbers) + 1))
    return [rows[k] for k in LINUX_KINDS], summary


def linux_ok(rows, summary, status, injections, seed):
    """The Linux campaign's verdict: it ran to the end, every injection that applies was made once, detected as its
    kind expects and recovered, and nothing was lost, applied twice, escaped or left unattributed."""
    total = {k: sum(r[k] for r in rows) for k in ("injected", "detected", "as_expected", "recovered")}
    applicable = summary["applicable"]
    return (status == 0 and applicable is not None and summary["numbered"] and
            all(total[k] == applicable for k in total) and summary["unattributed"] == 0 and
            summary["lost"] == 0 and summary["doubled"] == 0 and summary["escaped"] == 0 and
            summary["done"] == (injections, seed))


def run_linux(binary, seed, injections, run_dir, timeout, load=0):
    """Run the same schedule natively, beside `load` busy loops per processor (a loaded machine); returns (rows,
    summary, seconds, ok)."""
    log_path = os.path.join(run_dir, "linux-inject.log")
    loops = [subprocess.Popen(["sh", "-c", "while :; do :; done"]) for _ in range(load * (os.cpu_count() or 1))]
    print(f"running the campaign on Linux ({binary}): {injections} injections, seed {seed}" +
          (f", beside {len(loops)} busy loops" if loops else ""), flush=True)
    start = time.monotonic()
    try:
        proc = subprocess.run([binary, "inject", "--seed", str(seed), "--injections", str(injections)],
                              capture_output=True, text=True, timeout=timeout)
        stdout, stderr, status = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as e:
        stdout = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        stderr = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
        status = None
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()
    summary_loops = len(loops)
    seconds = time.monotonic() - start
    with open(log_path, "w", encoding="utf-8") as f:
        f.write(stdout)
        if stderr:
            f.write("# stderr\n" + stderr)
    rows, summary = tabulate_linux(stdout.splitlines())
    summary["busy_loops"] = summary_loops
    ok = linux_ok(rows, summary, status, injections, seed)
    return rows, summary, seconds, ok


COLUMNS = ("injected", "detected", "as_expected", "recovered", "contained", "lost", "doubled", "escaped")


def table(rows):
    """Markdown rows per target and kind, and the totals."""
    total = {k: sum(r.get(k, 0) for r in rows) for k in COLUMNS}
    out = ["| target | kind | injected | detected | as expected | recovered | contained | lost | applied twice | "
           "escaped |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['target']} | {r['kind']} | " + " | ".join(str(r.get(k, 0)) for k in COLUMNS) + " |")
    out.append("| **all** | | " + " | ".join(f"**{total[k]}**" for k in COLUMNS) + " |")
    return out, total


def row_ok(r):
    """Every injection detected and handled as its kind expects; nothing lost, doubled or escaped."""
    handled = r["contained"] if r["kind"] in CONTAINED_KINDS else r["recovered"]
    return (r["injected"] == r["detected"] == r["as_expected"] == handled and
            r.get("lost", 0) == 0 and r.get("doubled", 0) == 0 and r.get("escaped", 0) == 0)


def linux_section(rows, summary, seconds, binary, injections):
    out, total = table(rows)
    shared = summary["shared"]
    lines = [f"## Linux baseline (`{binary} inject`)", "",
             f"The same schedule, as far as it applies on Linux: of its {injections} injections, the "
             f"{summary['applicable']} into the crasher of the fault kinds and the hang, into a crasher process "
             "supervised by the library's engine as on seL4, while a client incremented a counter in the server over "
             f"its shared-memory slot and its Unix socket ({seconds:.1f} s of wall time, native" +
             (f", beside {summary['busy_loops']} busy loops" if summary.get("busy_loops") else "") + "). Detected: the "
             "engine's failure event, from waitpid (which signal) or two missed heartbeats; as expected: SIGSEGV for "
             "the memory kinds and the stack overflow, SIGILL or SIGTRAP for the undefined instruction, two missed "
             "heartbeats for the hang. Not run on Linux: the server, the client and the logger as targets, and "
             "foreign_notify, ring_garbage and log_flood.",
             ""] + out + ["",
             f"- Requests lost: {summary['lost']}; applied twice: {summary['doubled']} "
             "(every acknowledged increment read back exactly).",
             f"- Faults that escaped (server or client failures, failed requests): {summary['escaped']}; failures not "
             f"attributable to an injection: {summary['unattributed']}.",
             margin_line(summary),
             "- Shared-mapping contrast (informational): " + (
                 f"a crasher that maps the server's table writable scribbles on it before dying: corrupted={shared[0]}, "
                 f"detected by the server's checksum={shared[1]}. On seL4 the crasher maps nothing of the server's."
                 if shared else "not reported.")]
    return lines


def margin(summary):
    """The Linux campaign's margin: (the hang threshold in ms, the slowest fault kind, its processor time in ms, the
    longest wall time from a go to the reap in ms), or None without figures. A hang is two heartbeat periods without
    a beat in time the crasher could run (wall time less its wait for a processor); a fault that kills the crasher
    must end well within that time of its own."""
    times, period = summary.get("fault_time") or {}, summary.get("period_ms")
    if not times or period is None:
        return None
    slowest = max(times, key=lambda k: times[k]["ran_us"])
    return (2 * period, slowest, times[slowest]["ran_us"] / 1000, max(t["wall_us"] for t in times.values()) / 1000)


def margin_line(summary):
    m = margin(summary)
    if m is None:
        return "- Margin: not measured (no scheduler statistics)."
    threshold, slowest, ran, wall = m
    return (f"- Margin: a hang is {threshold} ms without a beat in time the crasher could run; the slowest fault kind "
            f"({slowest}) ran at most {ran:.2f} ms from its go to its end ({threshold / max(ran, 0.001):.0f}x below "
            f"the threshold). Wall time from a go to the reap, which includes waiting for a processor and is not "
            f"judged: up to {wall:.1f} ms.")


def side_by_side(sel4_rows, linux_rows):
    """The crasher's rows on both systems: injected / detected / as expected / recovered or contained."""
    out = ["## Side by side: injections into the crasher (injected / detected / as expected / handled)", "",
           "| kind | seL4 | Linux |", "|---|---:|---:|"]
    linux = {r["kind"]: r for r in linux_rows}

    def cell(r):
        handled = r["contained"] if r["kind"] in CONTAINED_KINDS else r["recovered"]
        return " / ".join(str(v) for v in (r["injected"], r["detected"], r["as_expected"], handled))
    for r in sel4_rows:
        if r["target"] == "crasher":
            out.append(f"| {r['kind']} | {cell(r)} | {cell(linux[r['kind']]) if r['kind'] in linux else 'not run'} |")
    return out


def git_commit():
    try:
        return subprocess.run(["git", "-C", TOP, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--image", help="the seL4 campaign image (required unless --linux-only)")
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--injections", type=int, required=True)
    parser.add_argument("--config", default="release")
    parser.add_argument("--board", default="qemu_virt_aarch64", choices=sorted(EXPECTED_FAILURE_BY_BOARD))
    parser.add_argument("--timeout", type=float, default=0,
                        help="host seconds each half may take (default: 600, plus 0.5 s per injection past 1000)")
    parser.add_argument("--linux-binary", help="also run PATH inject with the same seed and injections")
    parser.add_argument("--linux-only", action="store_true", help="run only the Linux campaign (needs --linux-binary)")
    parser.add_argument("--linux-load", type=int, default=0,
                        help="busy loops per processor beside the Linux campaign (a loaded machine; default 0)")
    parser.add_argument("--progress", type=float, default=30,
                        help="report progress every this many seconds of wall time (0: never; default 30)")
    parser.add_argument("--label", default="", help="how progress lines start (default: seed N)")
    parser.add_argument("--run-dir", help="write the results here (default: a new folder under --out-dir)")
    args = parser.parse_args()
    if args.linux_only and not args.linux_binary:
        parser.error("--linux-only needs --linux-binary")
    if not args.linux_only and not args.image:
        parser.error("--image is required (unless --linux-only)")
    if args.timeout < 0:
        parser.error("--timeout must not be negative")
    if args.linux_load < 0 or args.progress < 0:
        parser.error("--linux-load and --progress must not be negative")
    args.label = args.label or f"seed {args.seed}"
    if args.timeout == 0:
        args.timeout = 600 + 0.5 * max(0, args.injections - 1000)
    global EXPECTED_FAILURE
    EXPECTED_FAILURE = EXPECTED_FAILURE_BY_BOARD[args.board]

    commit = git_commit()
    run_dir = args.run_dir or os.path.join(
        args.out_dir, f"{datetime.datetime.now().strftime('%Y%m%d-%H%M%S')}-{commit}-seed{args.seed}")
    os.makedirs(run_dir, exist_ok=True)
    fields = ["seed", "commit", "system", "target", "kind"] + list(COLUMNS)
    sel4_ok, sections, sel4_rows = True, [], None
    # What bench/inject_seeds.py sums up across seeds (verdict.json).
    verdict = {"seed": args.seed, "injections": args.injections, "commit": commit, "sel4": None, "linux": None}
    if not args.linux_only:
        sel4_ok, text, sel4_rows, verdict["sel4"] = run_sel4(args, commit, run_dir, fields)
        sections.append(text)
    else:
        with open(os.path.join(run_dir, "inject.csv"), "w", newline="", encoding="utf-8") as f:
            csv.DictWriter(f, fieldnames=fields).writeheader()
        sections.append(f"# Fault-injection campaign: seed {args.seed}, commit {commit}\n")
    linux_ok = True
    if args.linux_binary:
        rows, summary, seconds, linux_ok = run_linux(args.linux_binary, args.seed, args.injections, run_dir,
                                                     args.timeout, args.linux_load)
        m = margin(summary)
        verdict["linux"] = {"ok": linux_ok, "wall_seconds": round(seconds, 1), "applicable": summary["applicable"],
                            "busy_loops": summary["busy_loops"], "lost": summary["lost"],
                            "doubled": summary["doubled"], "escaped": summary["escaped"],
                            "unattributed": summary["unattributed"],
                            "totals": {k: sum(r[k] for r in rows) for k in COLUMNS if k in rows[0]},
                            "rows": rows,
                            "margin": None if m is None else {"threshold_ms": m[0], "slowest": m[1],
                                                              "ran_ms": m[2], "wall_ms": m[3]}}
        with open(os.path.join(run_dir, "inject.csv"), "a", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            for row in rows:
                writer.writerow({k: v for k, v in dict(row, seed=args.seed, commit=commit, system="linux").items()
                                 if k in fields})
        sections.append("\n".join(linux_section(rows, summary, seconds, args.linux_binary, args.injections)) + "\n")
        if sel4_rows is not None:
            sections.append("\n".join(side_by_side(sel4_rows, rows)) + "\n")
        if not linux_ok:
            sections.append("**The Linux campaign FAILED its checks** (see linux-inject.log).\n")
    text = "\n".join(sections)
    with open(os.path.join(run_dir, "summary.md"), "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.join(run_dir, "verdict.json"), "w", encoding="utf-8") as f:
        json.dump(verdict, f, indent=1)
    if args.linux_binary:
        print(text)
    print(f"results in {run_dir}: inject.csv, summary.md, verdict.json" +
          ("" if args.linux_only else ", sel4-serial.log") +
          (", linux-inject.log" if args.linux_binary else ""))
    return 0 if sel4_ok and linux_ok else 1


def run_sel4(args, commit, run_dir, fields):
    """The seL4 campaign in QEMU: writes inject.csv (seL4 rows); returns (ok, summary text, rows, verdict)."""
    log_path = os.path.join(run_dir, "sel4-serial.log")
    print(f"booting the campaign on seL4 ({args.board}, {args.config}): {args.injections} injections, seed "
          f"{args.seed}", flush=True)
    progress = Progress(f"{args.label}: seL4", args.injections, args.progress)
    lines, finished, seconds = qemu.boot(args.image, log_path, args.timeout, r"^logger\|INFO: done$",
                                         on_line=progress, board=args.board)
    if not finished:
        text = (f"# Fault-injection campaign on seL4: seed {args.seed}, commit {commit}\n\n**FAILED:** the campaign "
                f"did not finish within {args.timeout:g} s ({progress.resolved} of {args.injections} injections "
                f"resolved; log {log_path}).\n")
        print(text, file=sys.stderr)
        return False, text, None, {"ok": False, "finished": False, "wall_seconds": round(seconds, 1),
                                   "resolved": progress.resolved}
    rows, summary = tabulate(lines)
    with open(os.path.join(run_dir, "inject.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow(dict(row, seed=args.seed, commit=commit, system="sel4"))

    out_rows, total = table(rows)
    exact = (summary["read_backs_exact"] == {"client_a": 1, "client_b": 1} and summary["shared_exact"] and
             summary["mismatches"] == 0)
    failing = [f"{r['target']}/{r['kind']}" for r in rows if not row_ok(r)]
    out = [f"# Fault-injection campaign on seL4 ({args.board}): seed {args.seed}, commit {commit}", "",
           f"{total['injected']} injections into the passive server, the crasher, client_b, the logger and the "
           "monitor (its parent, the root, restarts it), one at a time, while client_a and client_b kept up their "
           "exact-count workload against the server "
           f"({seconds:.0f} s of wall time in QEMU, {args.config} config). Detected: for faults and hangs, the "
           "monitor's failure event, or the root's for the monitor (a decoded fault or missed heartbeats); for "
           "foreign_notify, the kernel refused "
           "every call; for request_garbage, the server refused every garbage request; for ring_garbage, the logger "
           "reported and skipped the impossible record and head; for log_flood, every record was printed or counted "
           "as dropped. As expected: the failure event's fields name the address and cause the kind implies. "
           "Recovered: restarted and serving again; contained: the target ran on.", ""] + out_rows + ["",
           "- Requests lost or applied twice: " + ("0 (each client checked every answer and read back exactly what "
                                                   "it was acknowledged; the shared counter is exact)." if exact
                                                   else "NOT PROVEN (a client's read-back or the shared counter "
                                                        "failed)."),
           f"- Faults that escaped into another PD: {total['escaped']} during injections, "
           f"{summary['escaped_outside']} between them, {summary['escaped_after']} after the last; errors from any "
           f"PD: {summary['pd_errors']}; unexpected notifications: {summary['unexpected']}.",
           f"- Results not matched to an injection: {summary['unattributed']}; failures of the monitor that no "
           f"injection into it explains: {summary['unattributed_monitor_failures']}.",
           ] + ([f"- The debug kernel printed {summary['null_cap_refusals']} refusals of empty capability slots."]
                if summary["null_cap_refusals"] else []) + ["", "Not injected, and why:", ""]
    out += [f"- {who}: {what}: {why}." for who, what, why in NOT_APPLICABLE]
    if failing:
        out += ["", "**FAILED:** " + ", ".join(failing)]
    text = "\n".join(line for line in out) + "\n"
    print(text)
    ok = (not failing and exact and summary["unattributed"] == 0 and summary["pd_errors"] == 0 and
          summary["unattributed_monitor_failures"] == 0 and
          summary["escaped_after"] == 0 and summary["escaped_outside"] == 0 and
          summary["unexpected"] == 0 and total["injected"] == args.injections and
          summary["done"] == (args.injections, args.seed))
    verdict = {"ok": ok, "finished": True, "wall_seconds": round(seconds, 1),
               "virtual_seconds": round(progress.ticks / TICK_HZ, 2), "exact": exact, "failing": failing,
               "totals": total, "rows": rows, "last": summary["last"],
               "escaped_outside": summary["escaped_outside"], "escaped_after": summary["escaped_after"],
               "pd_errors": summary["pd_errors"], "unexpected": summary["unexpected"],
               "unattributed": summary["unattributed"],
               "unattributed_monitor_failures": summary["unattributed_monitor_failures"]}
    return ok, text, rows, verdict


if __name__ == "__main__":
    sys.exit(main())
