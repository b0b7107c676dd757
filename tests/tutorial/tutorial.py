#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Follow examples/counter/README.md literally, outside the tree, and check what it boots.

The README marks what a reader does: `<!-- tutorial: run -->` before a ```sh block (commands, run in order in one
shell), `<!-- tutorial: file NAME -->` before a block (a file to create, as shown). This script turns them into one
shell script, checks that every file the README shows is examples/counter's own (so the README cannot drift from
the example the QEMU tests boot), runs the script in an empty folder with only the staged install's prefix, the SDK
and the toolchain, and checks the serial logs it saved (debug.log, release.log) against tests/qemu/counter.expect.
"""

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "qemu"))
sys.path.insert(0, os.path.join(TOP, "tests"))

import qemu  # noqa: E402
import results  # noqa: E402

MARK = re.compile(r"^<!-- tutorial: (run|file ([\w.]+)) -->\n```\w*\n(.*?)^```\n", re.M | re.S)


def steps(readme):
    """[(kind, name, text)] in the README's order."""
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    return [("run" if m.group(1) == "run" else "file", m.group(2), m.group(3)) for m in MARK.finditer(text)]


def script(found):
    lines = ["set -eu"]
    for kind, name, text in found:
        if kind == "run":
            lines.append(text.rstrip("\n"))
        else:
            lines.append(f"cat > {name} <<'SEL4FT_TUTORIAL_EOF'\n{text}SEL4FT_TUTORIAL_EOF")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", required=True, help="an empty scratch folder (the reader's home)")
    parser.add_argument("--sdk", required=True)
    parser.add_argument("--results")
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()

    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        print(f"[{'  OK  ' if ok else ' FAIL '}] tutorial: {name}", flush=True)
        if not ok and detail:
            print("\n".join("         " + line for line in detail.rstrip().splitlines()[-25:]))
        passed, failed = passed + ok, failed + (not ok)
        return ok

    readme = os.path.join(TOP, "examples", "counter", "README.md")
    found = steps(readme)
    files = [name for kind, name, _ in found if kind == "file"]
    runs = [text for kind, _, text in found if kind == "run"]
    check(f"README.md has {len(runs)} command blocks and {len(files)} files marked", len(runs) >= 3 and
          len(files) >= 6, " ".join(files))
    example = os.path.join(TOP, "examples", "counter")
    mismatched = []
    for kind, name, text in found:
        if kind == "file":
            with open(os.path.join(example, name), encoding="utf-8") as f:
                if f.read() != text:
                    mismatched.append(name)
    shown = set(files)
    sources = {n for n in os.listdir(example) if n != "README.md"}
    check("every file the README shows is examples/counter's, and it shows them all",
          not mismatched and shown == sources, f"differ: {mismatched}; not shown: {sorted(sources - shown)}")

    os.makedirs(args.work, exist_ok=True)
    path = os.path.join(args.work, "tutorial.sh")
    with open(path, "w", encoding="utf-8") as f:
        f.write(script(found))
    # The reader's shell: the sel4ft checkout and the install prefix the README names, the SDK; nothing of the
    # tree's build environment.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "BUILD_DIR",
                                                          "MICROKIT_BOARD", "MICROKIT_CONFIG", "PKG_CONFIG_PATH")}
    env.update(SEL4FT_SRC=TOP, SEL4FT=os.path.join(args.work, "sel4ft"), MICROKIT_SDK=args.sdk, HOME=args.work)
    log = os.path.join(args.work, "tutorial.log")
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.run(["sh", path], cwd=args.work, env=env, stdout=out, stderr=subprocess.STDOUT,
                              timeout=args.timeout, check=False)
    with open(log, encoding="utf-8", errors="replace") as f:
        output = f.read()
    check(f"the README's commands ran in an empty folder against the install (sh {path})", proc.returncode == 0,
          output)
    system = os.path.join(args.work, "counter")
    depends = ""
    for root, _, names in os.walk(os.path.join(system, "build")):
        for name in names:
            if name.endswith(".d"):
                with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
                    depends += f.read()
    # Whole path tokens, then their start: a path of the install can contain the tree's name again (a tree
    # mounted at /sel4ft, the install's share/sel4ft/services), which is not the tree.
    tree = re.compile(re.escape(TOP) + r"/(?:examples|services|include|lib)/")
    from_tree = sorted({path for path in re.findall(r"/[^\s:\\]+", depends) if tree.match(path)})
    check("the tutorial's build used nothing of the source tree", not from_tree, "\n".join(from_tree[:5]))
    check("sel4ft-sdf checked counter.system", "counter.system: ok" in output, output)
    expectations = {c: qemu.load_expectations(os.path.join(TOP, "tests", "qemu", "counter.expect"), c)
                    for c in ("debug", "release")}
    for config in ("debug", "release"):
        serial = os.path.join(system, f"{config}.log")
        if not os.path.exists(serial):
            check(f"{config}: the boot's log {serial}", False)
            continue
        with open(serial, encoding="utf-8", errors="replace") as f:
            lines = [line.rstrip("\r\n") for line in f]
        done = qemu.matcher(expectations[config].done)
        finished = any(done.search(line) for line in lines)
        problems = qemu.check(lines, expectations[config], finished, 20)
        check(f"{config}: the counter crashed mid-request twice and the client's count stayed exact "
              "(tests/qemu/counter.expect)", not problems, "\n".join(problems + lines[-15:]))
    print(f"tutorial: {passed} passed, {failed} failed", flush=True)
    results.record(args.results, "tutorial", passed, failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
