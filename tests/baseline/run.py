#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Native tests of the Linux baseline (make baseline-test, the `baseline` stage of make check).

With the plain build and the ASan + UBSan build: the demo (both scenarios, then one over datagram logs), checked
against the expectation files beside this script (tests/qemu/qemu.py's format: the supervisor's lines are the
engine's events, matched by their fields); a quick benchmark, every line well formed; and the seeded fault-injection
campaign, tabulated by bench/inject.py as make inject does. No assertion depends on timing: only on which lines
appear, in which order, how often, and with which fields.
"""

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "bench"))

import analyse  # noqa: E402
import inject  # noqa: E402
import qemu  # noqa: E402  (bench/inject.py put tests/qemu on the path)

TIMEOUT = 60
SANITIZER = ("AddressSanitizer", "runtime error", "LeakSanitizer")
# The seL4 make inject schedule's first 280 injections (seed 1), of which Linux runs those into the crasher of the
# fault kinds and the hang. The faults run outside the sanitizers' instrumentation and ASan leaves SIGSEGV alone,
# so both builds run it.
INJECTIONS, SEED = 280, 1
# The stress run: the campaign beside busy loops (two per processor) that keep the crasher waiting for a processor
# for tens of milliseconds, longer than two heartbeat periods (20 ms). Before the supervisor judged heartbeats by the
# time a child could run, every such run of 3000 injections took a few faults for hangs (seeds 1 to 4: 1 to 3
# each, of about 500 injections into the crasher).
STRESS_INJECTIONS, STRESS_SEED = 3000, 2


class Results:
    def __init__(self):
        self.passed = self.failed = 0

    def report(self, description, problems):
        if problems:
            print(f"[ FAIL ] baseline: {description}")
            for problem in problems[:20]:
                print(f"         {problem}")
            self.failed += 1
        else:
            print(f"[  OK  ] baseline: {description}")
            self.passed += 1


def run(work, name, command):
    """Run with a time limit; output (standard output, then standard error) in work/name.out. (status, lines)."""
    try:
        proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
        status, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as e:
        status, out, err = f"timed out after {TIMEOUT} s", e.stdout or b"", e.stderr or b""
    text = out.decode("utf-8", "replace") + err.decode("utf-8", "replace")
    with open(os.path.join(work, name + ".out"), "w", encoding="utf-8") as f:
        f.write(text)
    return status, out.decode("utf-8", "replace").splitlines(), text.splitlines()


def exits_zero(status, name, work):
    return [] if status == 0 else [f"exited with status {status} (see {os.path.join(work, name + '.out')})"]


def expectations(lines, name):
    """The problems of lines against tests/baseline/<name>.expect."""
    wanted = qemu.load_expectations(os.path.join(HERE, name + ".expect"), "native")
    finished = any(qemu.matcher(wanted.done).search(line) for line in lines)
    return qemu.check(lines, wanted, finished, TIMEOUT)


def section(lines, start, end=None):
    """The lines from the first that starts with `start` up to the one before the next that starts with `end`."""
    out, on = [], False
    for line in lines:
        if line.startswith(start):
            on = True
        elif end is not None and line.startswith(end):
            on = False
        if on:
            out.append(line)
    return out


def bench_problems(stdout, everything):
    """Every line a BENCH, MEM or the final BENCH-DONE line, every metric there with the counts --quick asks for."""
    try:
        samples, memory, done = analyse.parse_log("\n".join(stdout))
    except analyse.ParseError as e:
        return [str(e)]
    problems = [f"unexpected line: {line}" for line in everything
                if not line.startswith(("BENCH ", "MEM ")) and line != "BENCH-DONE linux"]
    if done != ["linux"] or not stdout or stdout[-1] != "BENCH-DONE linux":
        problems.append("BENCH-DONE linux is not the single last line")
    groups = {}
    for s in samples:
        if s["system"] != "linux" or s["ticks"] <= 0:
            problems.append(f"bad sample: {s}")
        groups.setdefault((s["metric"], s["mechanism"], s["payload"]), []).append(s["ops"])
    want = {("boot", "first_request", 0): (1, 1), ("recovery", "supervisor_restart", 0): (3, 1)}
    want.update({("rtt", m, p): (3, 100) for m in ("futex_shm", "pipe", "unix_socket") for p in (0, 64, 1024, 4096)})
    want.update({("logs", m, 64): (2, 1000) for m in ("sel4ft_logring", "unix_dgram")})
    for key, (count, ops) in want.items():
        if groups.get(key, []) != [ops] * count:
            problems.append(f"{' '.join(map(str, key))}: want {count} samples of {ops} ops, got {groups.get(key, [])}")
    if sorted(m["component"] for m in memory if m["system"] == "linux" and m["bytes"] > 0) != ["client", "logger",
                                                                                              "server"]:
        problems.append(f"MEM: want one line each for server, client, logger, got {memory}")
    return problems


def inject_problems(status, stdout, everything, injections=INJECTIONS, seed=SEED):
    rows, summary = inject.tabulate_linux(stdout)
    problems = [] if inject.linux_ok(rows, summary, status, injections, seed) else [
        f"status {status}; {summary}"] + [str(r) for r in rows if not inject.row_ok(r)]
    applicable = summary["applicable"] or 0
    if applicable <= 20:
        problems.append(f"only {applicable} of the schedule's {injections} injections apply on Linux")
    if summary["shared"] is None:
        problems.append("no shared_mapping event")
    problems += [line for line in everything if any(s in line for s in SANITIZER)]
    return problems


def test_variant(results, work, variant, binary):
    tag = "plain" if variant == "baseline" else "asan+ubsan"
    if not os.access(binary, os.X_OK):
        results.report(f"{tag}: {binary} was built", [f"{binary} was not built (make baseline)"])
        return
    status, _, lines = run(work, f"{tag}-demo", [binary, "demo"])
    results.report(f"{tag}: demo exits 0 (both scenarios showed what they are for)", exits_zero(status, f"{tag}-demo",
                                                                                            work))
    results.report(f"{tag}: demo: verdicts (demo.expect)", expectations(lines, "demo"))
    isolated = section(lines, "demo: == scenario isolated", "demo: == scenario shared")
    results.report(f"{tag}: demo: scenario isolated (demo-isolated.expect)", expectations(isolated, "demo-isolated"))
    shared = section(lines, "demo: == scenario shared", "demo: scenario isolated:")
    results.report(f"{tag}: demo: scenario shared (demo-shared.expect)", expectations(shared, "demo-shared"))

    status, _, lines = run(work, f"{tag}-demo-dgram", [binary, "demo", "isolated", "--log", "dgram"])
    results.report(f"{tag}: demo with Unix datagram logs exits 0", exits_zero(status, f"{tag}-demo-dgram", work))
    results.report(f"{tag}: demo with Unix datagram logs (demo-dgram.expect)", expectations(lines, "demo-dgram"))

    status, stdout, lines = run(work, f"{tag}-bench", [binary, "bench", "--quick"])
    results.report(f"{tag}: bench --quick exits 0", exits_zero(status, f"{tag}-bench", work))
    results.report(f"{tag}: bench output: every metric present and well formed", bench_problems(stdout, lines))

    status, stdout, lines = run(work, f"{tag}-inject", [binary, "inject", "--injections", str(INJECTIONS), "--seed",
                                                        str(SEED)])
    results.report(f"{tag}: inject: every injection detected once, as its kind expects, and recovered; nothing "
                   "lost, doubled or escaped (bench/inject.py)", inject_problems(status, stdout, lines))

    if variant == "baseline":
        loops = [subprocess.Popen(["sh", "-c", "while :; do :; done"]) for _ in range(2 * (os.cpu_count() or 1))]
        try:
            status, stdout, lines = run(work, f"{tag}-inject-loaded", [binary, "inject", "--injections",
                                                                        str(STRESS_INJECTIONS), "--seed",
                                                                        str(STRESS_SEED)])
        finally:
            for loop in loops:
                loop.kill()
                loop.wait()
        results.report(f"{tag}: inject beside {len(loops)} busy loops ({STRESS_INJECTIONS} injections, seed "
                       f"{STRESS_SEED}): the same verdicts as on a quiet machine, no fault taken for a hang",
                       inject_problems(status, stdout, lines, STRESS_INJECTIONS, STRESS_SEED))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--results", help="write 'passed failed skipped' to RESULTS/baseline.txt")
    args = parser.parse_args()
    work = os.path.join(args.build_dir, "baseline-test")
    os.makedirs(work, exist_ok=True)
    results = Results()
    for variant in ("baseline", "baseline-san"):
        test_variant(results, work, variant, os.path.join(args.build_dir, variant, "sel4ft-baseline"))
    print(f"baseline: {results.passed} passed, {results.failed} failed")
    if args.results:
        os.makedirs(args.results, exist_ok=True)
        with open(os.path.join(args.results, "baseline.txt"), "w", encoding="ascii") as f:
            f.write(f"{results.passed} {results.failed} 0\n")
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
