# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Boot a Microkit image in QEMU, capture its serial log, and check it against an expectation file.

Expectation files (tests/qemu/<example>.expect), one directive a line, '#' for comments:
  done: REGEX         the line the system prints when it has finished (QEMU is stopped then)
  timeout: SECONDS    host seconds the system may take when it needs more than the runner's default
  expect: REGEX       must appear; all expect lines must appear in this order
  present: REGEX      must appear somewhere (for events whose order against others is not fixed)
  forbid: REGEX       must not appear anywhere
  count: N REGEX      exactly N lines match
A directive may start with tags in brackets, each a config ([debug], [release], [benchmark]) or a board
([qemu_virt_aarch64], [qemu_virt_riscv64]): it then applies only where every tag matches, e.g.
[qemu_virt_riscv64] [release] expect: ...

A value that starts with '@' is an event pattern instead of a regex (expect, present, forbid, count and done):
  @[PD[|LEVEL]:] KIND FIELD...
matches a log line `PD|LEVEL: KIND key=value ...` (an event, doc/events.md) whose kind is KIND and which has
every FIELD: `key=value` (the field's value equals value) or `key~REGEX` (the value matches REGEX whole). The
line may have more fields than the pattern names. Values with spaces are written in double quotes, with \" and
\\ escaped, as in the events themselves. PD and LEVEL, when given, must be the line's too. For example:
  expect: @monitor|WARN: restart child=server incarnation=2 reason="first failure: restart at once"
  count: 2 @failed child=server cause=fault fault=vm fsc~0x0[4-7]
"""

import datetime
import os
import re
import select
import signal
import subprocess
import sys
import time

# The boot command of each board, as upstream documents it (Microkit's README and example/hello), with the
# serial port on stdio and no monitor; the image's place in it is {image}. aarch64: the loader image at
# 0x70000000, the kernel at EL2. riscv64: the image as the kernel OpenSBI starts (Debian's QEMU packages carry
# OpenSBI, in qemu-system-data).
QEMU_COMMANDS = {
    "qemu_virt_aarch64": [
        "qemu-system-aarch64", "-machine", "virt,virtualization=on", "-cpu", "cortex-a53", "-m", "size=2G",
        "-nographic", "-serial", "mon:stdio", "-monitor", "none",
        "-device", "loader,file={image},addr=0x70000000,cpu-num=0",
    ],
    "qemu_virt_riscv64": [
        "qemu-system-riscv64", "-machine", "virt", "-m", "size=2G",
        "-nographic", "-serial", "mon:stdio", "-monitor", "none",
        "-kernel", "{image}",
    ],
}
BOARDS = tuple(QEMU_COMMANDS)
CONFIGS = ("debug", "release", "benchmark")


def qemu_command(board, image, extra_args=()):
    """The command that boots image on board, with extra_args before the image's part."""
    if board not in QEMU_COMMANDS:
        raise ValueError(f"no QEMU command for board '{board}' (known: {', '.join(BOARDS)})")
    command = QEMU_COMMANDS[board]
    at = next(i for i, word in enumerate(command) if "{image}" in word) - 1
    return command[:at] + list(extra_args) + [word.replace("{image}", image) for word in command[at:]]

# Deterministic virtual time: it counts guest instructions (1 ns each), an idle guest skips ahead to its next
# timer, and randomness and the clock are fixed. A system then runs the same, to the instruction, whatever the
# host is doing: a heartbeat period or a recovery deadline cannot be missed because the host was busy. Every
# test, `make qemu`, the campaign and the benchmark boot this way (DESIGN.md, "Deterministic measurement"), on
# both boards: on riscv64 -rtc clock=vm puts the Goldfish RTC, the monitor's timer there, on the same virtual
# time as the counter (doc/timers.md).
ICOUNT = ["-icount", "shift=0,align=off,sleep=off", "-seed", "1", "-rtc", "base=2024-01-01T00:00:00,clock=vm"]

# Signs of trouble in any system, whatever the example says.
DEFAULT_FORBID = [
    r"Reply object already has unexecuted reply",
    r"invalid channel given",
    r"KERNEL PANIC|halting\.\.\.|Assertion .* failed|seL4 called fail",
    r"MON\|ERROR",
    r"\|(WARN|ERROR): unexpected|which no ring uses",
]


# A log line as the logger prints it, and the parts of an event line (doc/events.md).
LOG_LINE = re.compile(r"^(\w+)\|(\w+): (.*)$")
EVENT_KIND = re.compile(r"([A-Za-z_]\w*)(?:\s+|$)")
EVENT_FIELD = re.compile(r'([A-Za-z_]\w*)([=~])("(?:[^"\\]|\\.)*"|[^\s"]+)(?:\s+|$)')


def _unquote(value):
    return re.sub(r"\\(.)", r"\1", value[1:-1]) if value.startswith('"') else value


def _scan_event(text, operators):
    """(kind, [(key, operator, value)]) for a line of logfmt fields, or None if it is not one."""
    text = text.strip()
    m = EVENT_KIND.match(text)
    if not m:
        return None
    kind, position, fields = m.group(1), m.end(), []
    while position < len(text):
        m = EVENT_FIELD.match(text, position)
        if not m or m.group(2) not in operators:
            return None
        fields.append((m.group(1), m.group(2), _unquote(m.group(3))))
        position = m.end()
    return kind, fields


def parse_event(message):
    """An event's kind and fields, {key: value}, from a log message (after `PD|LEVEL: `); None for prose."""
    scanned = _scan_event(message, "=")
    if scanned is None:
        return None
    kind, fields = scanned
    return kind, {key: value for key, _, value in fields}


def parse_log_event(line):
    """(pd, level, kind, fields) for a log line that holds an event, else None."""
    m = LOG_LINE.match(line)
    event = parse_event(m.group(3)) if m else None
    return (m.group(1), m.group(2)) + event if event else None


class EventPattern:
    """An '@' directive value: matches log lines holding an event of a kind with the fields given."""

    def __init__(self, text):
        self.text = text
        m = re.match(r"^(?:(\w+)(?:\|(\w+))?:\s+)?(.*)$", text[1:].strip())
        self.pd, self.level = m.group(1), m.group(2)
        scanned = _scan_event(m.group(3), "=~")
        if scanned is None:
            raise ValueError(f"not an event pattern: '{text}'")
        self.kind, self.fields = scanned[0], [(key, op, re.compile(value) if op == "~" else value)
                                              for key, op, value in scanned[1]]

    def search(self, line):
        event = parse_log_event(line)
        if event is None:
            return False
        pd, level, kind, fields = event
        if kind != self.kind or self.pd not in (None, pd) or self.level not in (None, level):
            return False
        for key, op, want in self.fields:
            have = fields.get(key)
            if have is None or (have != want if op == "=" else not want.fullmatch(have)):
                return False
        return True

    def __str__(self):
        return self.text


def matcher(value):
    """An event pattern for '@...', else a compiled regex; both have .search(line)."""
    return EventPattern(value) if value.startswith("@") else re.compile(value)


class Expectations:
    def __init__(self, done, expect, forbid, count, present, timeout=None):
        self.done = done
        self.expect = expect
        self.forbid = forbid
        self.count = count
        self.present = present
        self.timeout = timeout  # seconds of host time the system may take, if it needs more than the default


def load_expectations(path, config, board="qemu_virt_aarch64"):
    done = None
    timeout = None
    expect, forbid, count, present = [], list(DEFAULT_FORBID), [], []
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            applies = True
            m = re.match(r"^\[(\w+)\]\s*(.*)$", line)
            while m:
                tag = m.group(1)
                if tag not in CONFIGS and tag not in BOARDS:
                    raise ValueError(f"{path}:{number}: unknown tag '[{tag}]' (a config: {', '.join(CONFIGS)}; "
                                     f"or a board: {', '.join(BOARDS)})")
                applies = applies and tag in (config, board)
                line = m.group(2)
                m = re.match(r"^\[(\w+)\]\s*(.*)$", line)
            if not applies:
                continue
            key, sep, value = line.partition(":")
            value = value.strip()
            if not sep or not value:
                raise ValueError(f"{path}:{number}: expected 'directive: value'")
            key = key.strip()
            if key == "done":
                done = value
            elif key == "timeout":
                try:
                    timeout = float(value)
                except ValueError:
                    timeout = -1.0
                if not 0 < timeout <= 86400:
                    raise ValueError(f"{path}:{number}: timeout must be a number of seconds from 1 to 86400")
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
    for value in [done] + expect + forbid + present + [r for _, r in count]:
        try:
            matcher(value)
        except (ValueError, re.error) as e:
            raise ValueError(f"{path}: {e}") from e
    return Expectations(done, expect, forbid, count, present, timeout)


def system_args(image):
    """The QEMU arguments a system asks for beside its image: qemu.args in the image's folder, one argument a line
    (the block example's disk, say); none without that file."""
    path = os.path.join(os.path.dirname(os.path.abspath(image)), "qemu.args")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def boot(image, log_path, timeout, done_regex, live=False, extra_args=(), deterministic=True, on_line=None,
         board="qemu_virt_aarch64"):
    """Run QEMU for board until done_regex is seen or timeout seconds pass. Returns (lines, finished, seconds).
    deterministic: under ICOUNT (the default). on_line: called with each line as it comes (progress reports)."""
    if not os.path.exists(image):
        raise FileNotFoundError(f"no image at {image}: build the example first")
    command = qemu_command(board, image, (ICOUNT if deterministic else []) + list(extra_args) + system_args(image))
    done = matcher(done_regex)
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
                    if on_line is not None:
                        on_line(text)
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
        pattern = matcher(regex)
        for i in range(position, len(lines)):
            if pattern.search(lines[i]):
                position = i + 1
                break
        else:
            anywhere = any(pattern.search(line) for line in lines)
            where = "appears, but out of order" if anywhere else "is missing"
            problems.append(f"expected line '{regex}' {where}")
    for regex in expectations.present:
        pattern = matcher(regex)
        if not any(pattern.search(line) for line in lines):
            problems.append(f"expected line '{regex}' is missing")
    for regex in expectations.forbid:
        pattern = matcher(regex)
        for line in lines:
            if pattern.search(line):
                problems.append(f"forbidden line matched '{regex}': {line.strip()}")
                break
    for n, regex in expectations.count:
        pattern = matcher(regex)
        seen = sum(1 for line in lines if pattern.search(line))
        if seen != n:
            problems.append(f"expected {n} lines matching '{regex}', saw {seen}")
    return problems


def log_path_for(log_dir, name, config):
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return os.path.join(log_dir, f"{name}-{config}-{stamp}.log")
