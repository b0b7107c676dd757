# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Boot a Microkit image in QEMU, capture its serial log, and check it against an expectation file.

Expectation files (tests/qemu/<example>.expect), one directive a line, '#' for comments:
  done: REGEX         the line the system prints when it has finished (QEMU is stopped then)
  expect: REGEX       must appear; all expect lines must appear in this order
  present: REGEX      must appear somewhere (for events whose order against others is not fixed)
  forbid: REGEX       must not appear anywhere
  count: N REGEX      exactly N lines match
A directive may start with [debug], [release] or [benchmark] to apply to that config only.
"""

import datetime
import os
import re
import select
import signal
import subprocess
import sys
import time

QEMU_COMMAND = [
    "qemu-system-aarch64", "-machine", "virt,virtualization=on", "-cpu", "cortex-a53", "-m", "size=2G",
    "-nographic", "-serial", "mon:stdio", "-monitor", "none",
]

# Signs of trouble in any system, whatever the example says.
DEFAULT_FORBID = [
    r"Reply object already has unexecuted reply",
    r"invalid channel given",
    r"KERNEL PANIC|halting\.\.\.|Assertion .* failed|seL4 called fail",
    r"MON\|ERROR",
    r"\|(WARN|ERROR): unexpected|which no ring uses",
]


class Expectations:
    def __init__(self, done, expect, forbid, count, present):
        self.done = done
        self.expect = expect
        self.forbid = forbid
        self.count = count
        self.present = present


def load_expectations(path, config):
    done = None
    expect, forbid, count, present = [], list(DEFAULT_FORBID), [], []
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            m = re.match(r"^\[(\w+)\]\s*(.*)$", line)
            if m:
                if m.group(1) != config:
                    continue
                line = m.group(2)
            key, sep, value = line.partition(":")
            value = value.strip()
            if not sep or not value:
                raise ValueError(f"{path}:{number}: expected 'directive: value'")
            key = key.strip()
            if key == "done":
                done = value
            elif key == "expect":
                expect.append(value)
            elif key == "forbid":
                forbid.append(value)
            elif key == "present":
                present.append(value)
            elif key == "count":
                n, _, regex = value.partition(" ")
                count.append((int(n), regex.strip()))
            else:
                raise ValueError(f"{path}:{number}: unknown directive '{key}'")
    if done is None:
        raise ValueError(f"{path}: no 'done:' line")
    for regex in [done] + expect + forbid + present + [r for _, r in count]:
        re.compile(regex)
    return Expectations(done, expect, forbid, count, present)


def boot(image, log_path, timeout, done_regex, live=False, extra_args=()):
    """Run QEMU until done_regex is seen or timeout seconds pass. Returns (lines, finished, seconds)."""
    if not os.path.exists(image):
        raise FileNotFoundError(f"no image at {image}: build the example first")
    command = QEMU_COMMAND + list(extra_args) + [
        "-device", f"loader,file={image},addr=0x70000000,cpu-num=0"]
    done = re.compile(done_regex)
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    start = time.monotonic()
    finished = False
    lines = []
    pending = b""
    with open(log_path, "wb") as log, subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True) as proc:
        log.write(("# " + " ".join(command) + "\n").encode())
        deadline = start + timeout
        grace_until = None
        try:
            while True:
                now = time.monotonic()
                limit = grace_until if grace_until is not None else deadline
                if now >= limit:
                    break
                ready, _, _ = select.select([proc.stdout], [], [], min(0.2, limit - now))
                if not ready:
                    if proc.poll() is not None:
                        break
                    continue
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                log.write(chunk)
                log.flush()
                if live:
                    sys.stdout.buffer.write(chunk)
                    sys.stdout.buffer.flush()
                pending += chunk
                *complete, pending = pending.split(b"\n")
                for raw in complete:
                    text = raw.decode("utf-8", "replace").rstrip("\r")
                    lines.append(text)
                    if not finished and done.search(text):
                        finished = True
                        # Keep reading briefly: anything printed after 'done' is part of the record too.
                        grace_until = time.monotonic() + 0.5
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
    if pending:
        lines.append(pending.decode("utf-8", "replace").rstrip("\r"))
    return lines, finished, time.monotonic() - start


def check(lines, expectations, finished, timeout):
    """Return a list of problems (empty when the log meets every expectation)."""
    problems = []
    if not finished:
        problems.append(f"the system did not finish within {timeout} s (no line matching '{expectations.done}')")
    position = 0
    for regex in expectations.expect:
        pattern = re.compile(regex)
        for i in range(position, len(lines)):
            if pattern.search(lines[i]):
                position = i + 1
                break
        else:
            anywhere = any(pattern.search(line) for line in lines)
            where = "appears, but out of order" if anywhere else "is missing"
            problems.append(f"expected line '{regex}' {where}")
    for regex in expectations.present:
        pattern = re.compile(regex)
        if not any(pattern.search(line) for line in lines):
            problems.append(f"expected line '{regex}' is missing")
    for regex in expectations.forbid:
        pattern = re.compile(regex)
        for line in lines:
            if pattern.search(line):
                problems.append(f"forbidden line matched '{regex}': {line.strip()}")
                break
    for n, regex in expectations.count:
        pattern = re.compile(regex)
        seen = sum(1 for line in lines if pattern.search(line))
        if seen != n:
            problems.append(f"expected {n} lines matching '{regex}', saw {seen}")
    return problems


def log_path_for(log_dir, name, config):
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return os.path.join(log_dir, f"{name}-{config}-{stamp}.log")
