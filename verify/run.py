#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""make verify: Frama-C (EVA) proofs of the parsers' absence of run-time errors, and the Spin model of the
log ring's signalling. Prints every goal with its status, writes build/verify/goals.md, records the counts
for `make check`, and fails if any goal is not proved, any Spin check finds an error, or the broken model
variant does not."""

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import results  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
FRAMAC_DIR = os.path.join(ROOT, "verify", "framac")

# One EVA analysis per module: its sources, its driver, how copies are modelled, the functions the issue
# names (each must be reached and every goal in it proved) and the helpers they call (their goals count too).
MODULES = [
    {
        "name": "checkpoint",
        "sources": ["lib/checkpoint.c"],
        "driver": "verify/framac/drivers/checkpoint.c",
        "main": "verify_checkpoint_load",
        "copy": "memcpy",
        "named": ["sel4ft_checkpoint_load"],
        "helpers": ["examine", "slot", "slot_checksum", "sel4ft_checksum", "sel4ft_checkpoint_capacity",
                    "sel4ft_checkpoint_init"],
        # Path-sensitive enough to keep each slot's verdict with its header (see doc/verification.md).
        "eva": ["-eva-split-return", "full", "-eva-slevel-function", "examine:1000,sel4ft_checkpoint_load:1000"],
    },
    {
        "name": "logring",
        "sources": ["lib/logring.c", "verify/framac/shared.c"],
        "driver": "verify/framac/drivers/logring.c",
        "main": "verify_logring_consumer",
        "copy": "sel4ft_verify_copy_from_shared",
        "named": ["sel4ft_logring_read", "sel4ft_logring_drain", "sel4ft_logring_consumer_arm"],
        "helpers": ["sel4ft_logring_consumer_init", "sel4ft_logring_consumer_dropped", "ring_ready",
                    "resynchronise", "attach", "sel4ft_logring_capacity", "take", "available", "printable_",
                    "take_other", "take_binary", "sel4ft_logring_consumer_set_decoder"],
        "eva": ["-eva-split-return", "auto"],
    },
    {
        "name": "rpc",
        "sources": ["lib/rpc.c", "verify/framac/shared.c"],
        "driver": "verify/framac/drivers/rpc.c",
        "main": "verify_rpc",
        "copy": "sel4ft_verify_copy_from_shared",
        "named": ["sel4ft_rpc_header_read", "sel4ft_rpc_server_handle", "sel4ft_rpc_server_handle_with",
                  "sel4ft_rpc_call_id"],
        # The common paths are inline in include/sel4ft/rpc.h, and the port's in lib/port/linux/include.
        "helpers": ["region_size_ok", "sel4ft_rpc_not_a_reply_", "sel4ft_rpc_reject_", "sel4ft_rpc_request_copy",
                    "sel4ft_rpc_server_init", "sel4ft_rpc_server_attach", "sel4ft_rpc_server_declare_opaque",
                    "sel4ft_rpc_client_init", "sel4ft_rpc_label", "sel4ft_rpc_capacity", "sel4ft_rpc_status_valid",
                    "sel4ft_msginfo_matches", "sel4ft_msginfo_matches_upper", "sel4ft_msginfo_new",
                    "sel4ft_msginfo_label", "sel4ft_msginfo_count", "sel4ft_os_mr_get", "sel4ft_os_mr_set"],
        "eva": ["-eva-split-return", "auto"],
    },
]

# The shared window's own checks (verify/framac/shared.c): every access of shared memory lies inside it.
WINDOW_FUNCTIONS = ["window_offset", "sel4ft_os_copy"]


def need(tool):
    if shutil.which(tool) is None:
        sys.exit(f"verify: error: '{tool}' not found. Install Debian's frama-c-base why3 z3 cvc4 cvc5 spin "
                 "(README.md, Set up).")


def run(cmd, log, cwd=None, env=None):
    with open(log, "w", encoding="utf-8") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        proc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=cwd, env=env, check=False)
    with open(log, encoding="utf-8", errors="replace") as f:
        return proc.returncode, f.read()


def framac_base(copy):
    includes = [f"-I{FRAMAC_DIR}/include", f"-I{FRAMAC_DIR}", f"-I{ROOT}/include",
                f"-I{ROOT}/lib/port/linux/include", f"-I{ROOT}/lib", "-include", f"{FRAMAC_DIR}/prelude.h",
                f"-DSEL4FT_VERIFY_COPY={copy}"]
    return ["frama-c", "-c11", "-machdep", "gcc_x86_64", "-cpp-extra-args=" + " ".join(includes),
            # Any warning about the code itself (an undeclared function, a pointer of the wrong type) stops it.
            "-kernel-warn-key", "typing:implicit-function-declaration=abort",
            "-kernel-warn-key", "typing:incompatible-types-call=abort"]


def eva_module(module, out_dir):
    csv_path = os.path.join(out_dir, module["name"] + ".csv")
    log = os.path.join(out_dir, module["name"] + ".log")
    cmd = framac_base(module["copy"]) + [os.path.join(ROOT, s) for s in module["sources"]] + [
        os.path.join(ROOT, module["driver"]), "-main", module["main"],
        "-warn-signed-downcast", "-rte", "-then", "-eva", "-eva-precision", "3"] + module["eva"] + [
        "-then", "-report", "-report-csv", csv_path]
    if os.path.exists(csv_path):
        os.remove(csv_path)
    code, _ = run(cmd, log, cwd=ROOT)
    goals = []
    problems = []
    if code != 0 or not os.path.exists(csv_path):
        problems.append(f"{module['name']}: frama-c failed (exit {code}), see {log}")
        return goals, problems
    functions = set(module["named"]) | set(module["helpers"]) | set(WINDOW_FUNCTIONS)
    seen = set()
    # A static inline function of a header is one function per translation unit that includes it: Frama-C names
    # the copies name, name_0, ... Each goal of such a function is one goal, proved when every copy that is
    # reached proves it (a copy nobody calls has it Dead), and not proved when no copy reaches it.
    copies = {}
    with open(csv_path, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            directory = os.path.normpath(os.path.join(ROOT, row["directory"]))
            if not (directory.startswith(os.path.join(ROOT, "lib")) or
                    directory.startswith(os.path.join(ROOT, "include")) or directory == FRAMAC_DIR):
                continue
            function = re.sub(r"_\d+$", "", row["function"]) if row["function"] not in functions else row["function"]
            if function not in functions:
                continue
            status = row["status"]
            if status == "Considered valid":
                continue
            kind = row["property kind"]
            prop = row["property"]
            # A model check on a path the driver never takes (a 64-bit load in a module without one) is not a goal.
            if function in WINDOW_FUNCTIONS and status == "Dead":
                continue
            where = os.path.relpath(os.path.join(directory, row["file"]), ROOT) + ":" + row["line"]
            copies.setdefault((function, kind, prop, where), []).append(status)
    for (function, kind, prop, where), statuses in copies.items():
        reached = [s for s in statuses if s != "Dead"]
        status = "Dead" if not reached else ("Valid" if all(s == "Valid" for s in reached) else
                                             next(s for s in reached if s != "Valid"))
        proved = status == "Valid"
        seen.add(function)
        goals.append({"module": module["name"], "function": function, "kind": kind, "property": prop,
                      "where": where, "prover": "EVA", "status": status, "proved": proved,
                      "named": function in module["named"]})
    for name in module["named"]:
        if name not in seen:
            problems.append(f"{module['name']}: {name} has no goal: the driver never reached it")
    return goals, problems


SPIN_PROPERTIES = ["asleep_unread", "all_consumed", "no_lost_signal"]


def spin_checks(out_dir, variant, expect_error):
    """Generate, compile and run the model; one pan run per LTL property (acceptance cycles included)."""
    work = os.path.join(out_dir, "spin-" + (variant or "model"))
    os.makedirs(work, exist_ok=True)
    shutil.copy(os.path.join(ROOT, "verify", "logring.pml"), work)
    defines = [f"-D{variant}"] if variant else []
    code, text = run(["spin"] + defines + ["-a", "logring.pml"], os.path.join(work, "spin.log"), cwd=work)
    if code != 0:
        return [], [f"spin -a failed: see {work}/spin.log"]
    # A broken variant searches for its shortest counterexample (-DREACH, pan -i): a readable trail.
    reach = ["-DREACH"] if expect_error else []
    code, text = run(["gcc", "-O2", "-DNOREDUCE"] + reach + ["-o", "pan", "pan.c"],
                     os.path.join(work, "gcc.log"), cwd=work)
    if code != 0:
        return [], [f"compiling pan failed: see {work}/gcc.log"]
    rows = []
    problems = []
    for prop in SPIN_PROPERTIES:
        log = os.path.join(work, prop + ".log")
        shortest = ["-i"] if expect_error else []
        code, text = run(["./pan", "-a", "-m100000"] + shortest + ["-N", prop], log, cwd=work)
        errors = re.search(r"errors: (\d+)", text)
        states = re.search(r"(\d+) states, stored", text)
        errors = int(errors.group(1)) if errors else -1
        states = int(states.group(1)) if states else 0
        trail = ""
        if errors > 0 and os.path.exists(os.path.join(work, "logring.pml.trail")):
            os.replace(os.path.join(work, "logring.pml.trail"), os.path.join(work, prop + ".trail"))
            _, trail = run(["spin"] + defines + ["-t", "-p", "-g", "-k", prop + ".trail", "logring.pml"],
                           os.path.join(work, prop + ".trail.txt"), cwd=work)
        ok = errors == 0 if not expect_error else errors > 0
        rows.append({"variant": variant or "as in lib/logring.c", "property": prop, "states": states,
                     "errors": errors, "expected": "error" if expect_error else "no error", "ok": ok,
                     "log": os.path.relpath(log, ROOT)})
        if code != 0 and errors <= 0:
            problems.append(f"pan failed for {prop} ({variant or 'model'}): see {log}")
    return rows, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--results", default="")
    args = parser.parse_args()
    out_dir = os.path.abspath(args.out_dir)
    os.makedirs(out_dir, exist_ok=True)
    started = time.time()

    for tool in ["frama-c", "spin", "gcc"]:
        need(tool)

    goals = []
    problems = []
    for module in MODULES:
        g, p = eva_module(module, out_dir)
        goals += g
        problems += p
    spin_rows, p = spin_checks(out_dir, None, expect_error=False)
    problems += p
    for variant in ["NO_FENCE", "NO_RECHECK"]:
        rows, p = spin_checks(out_dir, variant, expect_error=True)
        # A broken variant must fail the safety property and the liveness of consumption.
        spin_rows += [r for r in rows if r["property"] != "no_lost_signal"]
        problems += p

    lines = ["| module | function | property | where | prover | status |", "|---|---|---|---|---|---|"]
    for g in goals:
        lines.append(f"| {g['module']} | {g['function']} | {g['kind']}: `{g['property']}` | {g['where']} | "
                     f"{g['prover']} | {g['status']} |")
    lines += ["", "| model | property | states | errors | expected | result |", "|---|---|---|---|---|---|"]
    for r in spin_rows:
        lines.append(f"| {r['variant']} | {r['property']} | {r['states']} | {r['errors']} | {r['expected']} | "
                     f"{'ok' if r['ok'] else 'FAILED'} |")
    with open(os.path.join(out_dir, "goals.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")

    print(f"{'function':34} {'property':44} {'prover':6} status")
    for g in goals:
        prop = g["kind"] + ": " + g["property"]
        if len(prop) > 44:
            prop = prop[:41] + "..."
        print(f"{g['function']:34} {prop:44} {g['prover']:6} {g['status']}")
    print()
    print(f"{'Spin model':22} {'property':16} {'states':>8} {'errors':>6}  expected")
    for r in spin_rows:
        print(f"{r['variant']:22} {r['property']:16} {r['states']:8} {r['errors']:6}  {r['expected']}"
              f"{'' if r['ok'] else '  <-- FAILED'}")
    print()

    by_function = {}
    for g in goals:
        entry = by_function.setdefault((g["module"], g["function"]), [0, 0])
        entry[0 if g["proved"] else 1] += 1
    for (module, function), (ok, bad) in by_function.items():
        print(f"  {module:10} {function:34} {ok} proved, {bad} not proved")
    failed_goals = [g for g in goals if not g["proved"]]
    failed_spin = [r for r in spin_rows if not r["ok"]]
    for g in failed_goals:
        problems.append(f"not proved: {g['function']} {g['kind']} {g['property']} at {g['where']} ({g['status']})")
    for r in failed_spin:
        problems.append(f"Spin: {r['variant']} {r['property']}: {r['errors']} errors, expected {r['expected']}")
    for p in problems:
        print("verify: " + p)
    passed = len(goals) - len(failed_goals) + len(spin_rows) - len(failed_spin)
    failed = len(failed_goals) + len(failed_spin) + (len(problems) - len(failed_goals) - len(failed_spin))
    results.record(args.results, "verify", passed, failed)
    print(f"verify: {passed} passed, {failed} failed ({time.time() - started:.0f} s; table in "
          f"{os.path.relpath(os.path.join(out_dir, 'goals.md'), ROOT)})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
