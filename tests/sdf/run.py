#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Tests of tools/sel4ft-sdf: every broken system file's diagnostics verbatim, good files, hostile input, the
headers against the ids the examples' sources use, reports, diagrams, the install, and (with the Microkit SDK)
Microkit 2.0.1 itself accepting and refusing the same files."""

import argparse
import glob
import hashlib
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import results  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
TOOL = os.path.join(TOP, "tools", "sel4ft-sdf")
DIRECTIVE = re.compile(r"<!--\s*sdf-test:\s*(.*?)\s*-->")


class Counts:
    def __init__(self, verbose):
        self.passed = self.failed = self.skipped = 0
        self.verbose = verbose
        self.failures = []

    def ok(self, name):
        self.passed += 1
        if self.verbose:
            print(f"[  OK  ] sdf: {name}")

    def fail(self, name, detail=""):
        self.failed += 1
        self.failures.append(name)
        print(f"[ FAIL ] sdf: {name}")
        for line in detail.rstrip().splitlines()[:40]:
            print(f"         | {line}")

    def skip(self, name, reason):
        self.skipped += 1
        print(f"[ SKIP ] sdf: {name}: {reason}")

    def check(self, name, condition, detail=""):
        if condition:
            self.ok(name)
        else:
            self.fail(name, detail)
        return condition


def tool(args, cwd=HERE, timeout=120, python=None):
    """Run sel4ft-sdf; (exit status, stdout, stderr)."""
    proc = subprocess.run([python or sys.executable, TOOL] + args, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=timeout, check=False)
    return (proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))


def diff(expected, actual):
    import difflib
    return "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "expected", "actual"))


# Synthetic ELF files for the ELF checks ---------------------------------------------------------------------

def make_elf(path, symbols, segments):
    """Write a minimal ELF64 little-endian file: program headers, a symbol table and its strings.
    symbols: [(name, value, binding)]; segments: [(vaddr, memsz, flags)]."""
    strtab = b"\0"
    names = []
    for name, _, _ in symbols:
        names.append(len(strtab))
        strtab += name.encode() + b"\0"
    symtab = b"\0" * 24
    for (name, value, binding), offset in zip(symbols, names):
        symtab += struct.pack("<IBBHQQ", offset, (binding << 4) | 1, 0, 1, value, 0)
    shstrtab = b"\0.symtab\0.strtab\0.shstrtab\0"
    phoff = 64
    body = phoff + 56 * len(segments)
    sym_off = body
    str_off = sym_off + len(symtab)
    shstr_off = str_off + len(strtab)
    shoff = (shstr_off + len(shstrtab) + 7) // 8 * 8
    header = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    header += struct.pack("<HHIQQQIHHHHHH", 2, 183, 1, 0x200000, phoff, shoff, 0, 64, 56, len(segments), 64, 4, 3)
    data = bytearray(header)
    for vaddr, memsz, flags in segments:
        data += struct.pack("<IIQQQQQQ", 1, flags, 0, vaddr, vaddr, 0, memsz, 0x1000)
    data += symtab + strtab + shstrtab
    data += b"\0" * (shoff - len(data))
    sections = [
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        (1, 2, 0, 0, sym_off, len(symtab), 2, 1, 8, 24),
        (9, 3, 0, 0, str_off, len(strtab), 0, 0, 1, 0),
        (17, 3, 0, 0, shstr_off, len(shstrtab), 0, 0, 1, 0),
    ]
    for section in sections:
        data += struct.pack("<IIQQQQIIQQ", *section)
    with open(path, "wb") as f:
        f.write(data)


def setvar_symbols(text, image):
    """The setvar symbols of every PD in text whose program_image is image (a rough scan, enough for tests)."""
    symbols = set()
    for block in re.split(r"<protection_domain\b", text)[1:]:
        own = re.split(r"<protection_domain\b|</protection_domain>", block)[0]
        found = re.search(r'<program_image path="([^"]*)"', own)
        if found and found.group(1) == image:
            symbols.update(re.findall(r'setvar_(?:vaddr|size)="([^"]*)"', own))
            symbols.update(re.findall(r'<setvar symbol="([^"]*)"', own))
    return symbols


def build_fixtures(text, directory):
    """Make the program images a case's directives ask for; return extra command-line arguments."""
    args = []
    made = False
    for directive in DIRECTIVE.findall(text):
        words = directive.split()
        if words[0] == "search-path":
            args += ["--search-path", words[1]]
        elif words[0] == "board":
            args += ["--board", words[1]]
        elif words[0] == "elf":
            made = True
            name, options = words[1], dict(w.split("=", 1) if "=" in w else (w, "") for w in words[2:])
            image = int(options.get("image", "0x800"), 0)
            weak = set(filter(None, options.get("weak", "").split(",")))
            drop = set(filter(None, options.get("drop", "").split(",")))
            symbols = [(s, 0x202000 + 8 * i, 1) for i, s in enumerate(sorted(setvar_symbols(text, name)))]
            symbols += [("init", 0x200100, 1), ("notified", 0x200200, 1), ("protected", 0x200300, 1),
                        ("fault", 0x200400, 1)]
            segments = [(0x200000, 0x1000, 5)]
            if "nowritable" not in options:
                symbols += [("__init_array_start", 0x201000, 1), ("_bss_end", 0x201000 + image, 1)]
                segments.append((0x201000, image, 6))
            symbols = [(s, v, 2 if s in weak else b) for s, v, b in symbols if s not in drop]
            make_elf(os.path.join(directory, name), symbols, segments)
        elif words[0] == "file":
            made = True
            name, kind = words[1], words[2]
            contents = {
                "garbage": b"this is not an ELF file\n" * 8,
                "elf32": b"\x7fELF\x01\x01\x01" + b"\0" * 57,
                "bigendian": b"\x7fELF\x02\x02\x01" + b"\0" * 57,
                "truncated": b"\x7fELF\x02\x01\x01" + b"\0" * 33 + struct.pack("<Q", 1 << 40) + b"\0" * 6
                             + struct.pack("<HHHHH", 56, 0, 64, 9, 0),
                "stripped": b"\x7fELF\x02\x01\x01" + b"\0" * 57,
            }[kind]
            with open(os.path.join(directory, name), "wb") as f:
                f.write(contents)
    if made:
        args += ["--search-path", directory]
    elif not any(a.startswith("--search-path") for a in args):
        args.append("--no-elf")
    return args


def run_case(path, directory):
    """(status, stdout) of `check` on one case file, the temporary directory shown as $ELF."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    args = build_fixtures(text, directory)
    status, out, err = tool(["check", os.path.relpath(path, HERE)] + args)
    return status, out.replace(directory, "$ELF"), err


def codes_in(output):
    return set(re.findall(r"\[([a-z0-9-]+)\]$", output, re.M))


def test_cases(counts, kind, seen_codes):
    """broken/*.system against their .expect files; good/*.system must be 'ok' with no warning."""
    files = sorted(glob.glob(os.path.join(HERE, kind, "*.system")))
    counts.check(f"{kind}: there are cases", bool(files))
    for path in files:
        name = f"{kind}/{os.path.basename(path)}"
        with tempfile.TemporaryDirectory(prefix="sdf-") as directory:
            status, out, err = run_case(path, directory)
        seen_codes.update(codes_in(out))
        if kind == "good":
            expected = f"{os.path.relpath(path, HERE)}: ok\n"
            counts.check(name, status == 0 and out == expected and not err,
                         f"exit {status}\n{diff(expected, out)}{err}")
            continue
        expect_path = path[:-len(".system")] + ".expect"
        try:
            with open(expect_path, encoding="utf-8") as f:
                expected = f.read()
        except OSError:
            counts.fail(name, f"no {os.path.basename(expect_path)}; the output was:\n{out}")
            continue
        want_status = 1 if ": error: " in expected else 0
        counts.check(name, out == expected and status == want_status and not err,
                     f"exit {status} (want {want_status})\n{diff(expected, out)}{err}")


# Hostile input ----------------------------------------------------------------------------------------------

def hostile_inputs(directory):
    """[(name, path, expected stdout regex)] of inputs made to break a parser."""
    cases = []

    def write(name, data, expect):
        path = os.path.join(directory, name)
        with open(path, "wb") as f:
            f.write(data)
        cases.append((name, path, expect))

    head = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    write("malformed.system", head + b'<system>\n  <protection_domain name="a">\n</system>\n',
          r":4: error: not well-formed XML: mismatched tag \(column 3\) \[xml\]")
    bomb = head + b'<!DOCTYPE system [\n <!ENTITY a "aaaaaaaaaaaaaaaaaaaa">\n'
    for level in range(1, 10):
        bomb += b' <!ENTITY ' + bytes([97 + level]) + b' "' + (b"&" + bytes([96 + level]) + b";") * 10 + b'">\n'
    bomb += b']>\n<system>&j;</system>\n'
    write("entity-bomb.system", bomb, r":2: error: <!DOCTYPE \.\.\.> is refused: .* \[dtd\]")
    write("external-entity.system", head + b'<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                                           b'<system>&x;</system>\n', r":2: error: <!DOCTYPE .* \[dtd\]")
    write("entity-in-comment-trick.system", head + b'<!-- <!DOCTYPE --> <!DOCTYPE x>\n<system/>\n',
          r":2: error: <!DOCTYPE .* \[dtd\]")
    write("unclosed-comments.system", head + b"<system>" + b"<!--" * 1000000,
          r":2: error: not well-formed XML: .* \[xml\]")
    write("comments-then-doctype.system", head + b"<!-- x -->" * 400000 + b"<!DOCTYPE x>\n<system/>\n",
          r":2: error: <!DOCTYPE .* \[dtd\]")
    write("absurd-size.system", head + b'<system>\n<memory_region name="m" size="0xffffffffffffffffff" />\n'
                                       b'<protection_domain name="a"><program_image path="a.elf" />'
                                       b'<map mr="m" vaddr="0x1000000" /></protection_domain>\n</system>\n',
          r':3: error: size="0xffffffffffffffffff" on \'memory_region\' is too large: .* \[number-range\]')
    write("negative-size.system", head + b'<system>\n<memory_region name="m" size="-4096" />\n'
                                         b'<protection_domain name="a"><program_image path="a.elf" />'
                                         b'<map mr="m" vaddr="0x1000000" /></protection_domain>\n</system>\n',
          r':3: error: size="-4096" on \'memory_region\' is negative: it must be 0 or more \[number-negative\]')
    write("long-number.system", head + b'<system>\n<protection_domain name="a" priority="' + b"9" * 5000
          + b'"><program_image path="a.elf" /></protection_domain>\n</system>\n',
          r':3: error: priority="9{77}\.\.\." on \'protection_domain\' is too large: .* \[number-range\]')
    write("non-utf8.system", head + b'<system>\n  <protection_domain name="caf\xe9">\n', r":3: error: byte 0xe9 at "
          r"column 31 is not UTF-8: Microkit reads system files as UTF-8 \[encoding\]")
    write("utf16.system", "\ufeff<system/>".encode("utf-16"), r":1: error: byte 0xff at column 1 is not UTF-8")
    write("binary.system", bytes(range(256)) * 4, r":2: error: byte 0x80 at column 118 is not UTF-8: .* "
                                                  r"\[encoding\]")
    write("nul.system", head + b"<system>\0</system>", r":2: error: not well-formed XML: .* \[xml\]")
    write("empty.system", b"", r": error: not well-formed XML: no element found .* \[xml\]")
    write("deep.system", head + b"<system>" + b"<protection_domain>" * 100000, r": error: elements nested more "
          r"than 64 deep: .* \[depth\]")
    write("wrong-root.system", head + b"<svg/>", r":2: error: the root element is 'svg': .* \[root\]")
    pd = b'<protection_domain name="a&#10;b&#9;" priority="1"><program_image path="a.elf" /></protection_domain>\n'
    write("control-name.system", head + b"<system>\n" + pd + pd + b"</system>\n",
          r":4: error: protection domain 'a\\x0ab\\x09' is already defined at line 3 \[duplicate-pd\]")
    write("unknown-element.system", head + b'<system>\n<script src="x" />\n<protection_domain name="a">'
                                           b'<program_image path="a.elf" /></protection_domain>\n</system>\n',
          r":3: error: element 'script' is not allowed in 'system' .* \[element\]")
    big = os.path.join(directory, "100MB.system")
    with open(big, "wb") as f:
        f.truncate(100 * 1024 * 1024)
    cases.append(("100MB.system", big, r": error: is 104857600 bytes: larger than a system description can be "
                                       r"\(this tool reads at most 4 MiB\) \[io\]"))
    cases.append(("missing.system", os.path.join(directory, "missing.system"),
                  r": error: no such file \(a system description\) \[io\]"))
    os.mkdir(os.path.join(directory, "dir.system"))
    cases.append(("dir.system", os.path.join(directory, "dir.system"),
                  r": error: is a directory, not a system description \[io\]"))
    fifo = os.path.join(directory, "fifo.system")
    os.mkfifo(fifo)
    cases.append(("fifo.system", fifo, r": error: is not a regular file, not a system description \[io\]"))
    cases.append(("/dev/zero", "/dev/zero", r": error: is not a regular file, not a system description \[io\]"))
    unreadable = os.path.join(directory, "unreadable.system")
    with open(unreadable, "wb") as f:
        f.write(head + b"<system/>")
    os.chmod(unreadable, 0)
    if os.access(unreadable, os.R_OK):  # root reads anything: make the case meaningful another way
        os.chmod(unreadable, stat.S_IRUSR)
        cases.append(("unreadable.system (as root: readable)", unreadable,
                      r": error: there is no protection_domain: a system needs at least one \[pd-count\]"))
    else:
        cases.append(("unreadable.system", unreadable, r": error: permission denied \(a system description\) \[io\]"))
    many = head + b"<system>\n<memory_region name=\"m\" size=\"0x1000\" />\n<protection_domain name=\"a\">" \
                  b"<program_image path=\"a.elf\" />\n"
    many += b"".join(b'<map mr="m" vaddr="0x%x" />\n' % (0x1000000 + 0x1000 * i) for i in range(30000))
    many += b"</protection_domain>\n</system>\n"
    write("30000-maps.system", many, r"^[^\n]*\.system: ok\n$")
    return cases


def test_hostile(counts):
    with tempfile.TemporaryDirectory(prefix="sdf-hostile-") as directory:
        for name, path, expect in hostile_inputs(directory):
            try:
                status, out, err = tool(["check", "--no-elf", path], timeout=60)
            except subprocess.TimeoutExpired:
                counts.fail(f"hostile: {name}", "took longer than 60 s")
                continue
            one_line = out.count("\n") == 1
            wanted = 0 if expect.startswith("^") else 1
            good = (status == wanted and one_line and re.search(expect, out) and not err
                    and "Traceback" not in out + err)
            counts.check(f"hostile: {name}", good, f"exit {status}, want {wanted}; expected /{expect}/\n"
                                                   f"stdout:\n{out}\nstderr:\n{err}")
        # The other commands refuse broken input the same way: diagnostics on stderr, no output, exit 1.
        bad = os.path.join(directory, "non-utf8.system")
        for command in (["header"], ["report"], ["diagram"], ["select"]):
            status, out, err = tool(command + [bad])
            counts.check(f"hostile: {command[0]} of a broken file", status == 1 and not out and
                         err.count("\n") == 1 and "[encoding]" in err and "Traceback" not in err,
                         f"exit {status}\nstdout:\n{out}\nstderr:\n{err}")
        good = os.path.join(TOP, "examples", "hello", "hello.system")
        for name, args, expect in [
            ("no command", [], "name a COMMAND"),
            ("unknown command", ["frobnicate"], "invalid choice"),
            ("diagram to .jpg", ["diagram", good, "-o", os.path.join(directory, "x.jpg")],
             "the diagram is written as .dot, .svg or .png"),
            ("header into a missing directory", ["header", good, "-o", os.path.join(directory, "no", "x.h")],
             "cannot write it: No such file or directory"),
            ("unknown board", ["check", "--board", "pc99", good], "invalid choice"),
        ]:
            status, out, err = tool(args)
            counts.check(f"usage: {name}", status == 2 and expect in err and "Traceback" not in err,
                         f"exit {status}\nstdout:\n{out}\nstderr:\n{err}")


# Headers against the examples' sources --------------------------------------------------------------------

# Every example and the benchmark system take their ids from the header example.mk generates; no PD source restates
# one. A restated id looks like `#define NAME_CHANNEL 3`, `NAME_CHANNEL = 3` in an enum, or a child id `#define X_ID 1`.
RESTATED_ID = re.compile(r"^\s*(?:#\s*define\s+(\w*(?:CHANNEL|_CH|CHANNEL_BASE|_ID))\s+\d+u?\b|"
                         r"(\w*CHANNEL\w*)\s*=\s*\d+u?\s*[,}])", re.M)
SYSTEMS_WITH_HEADERS = ["examples/hello/hello.system", "examples/ipc_demo/ipc_demo.system",
                        "examples/fault_tolerance/fault_tolerance.system", "examples/counter/counter.system",
                        "examples/recovery/recovery.system", "examples/campaign/campaign.system",
                        "examples/tree/tree.system", "bench/sel4/bench.system"]


def pd_sources():
    files = []
    for pattern in ("examples/*/*.c", "examples/*/*.h", "bench/sel4/*.c", "bench/sel4/*.h"):
        files += glob.glob(os.path.join(TOP, pattern))
    return sorted(files)


def test_headers(counts, cc, build_dir):
    work = os.path.join(build_dir, "sdf", "headers")
    os.makedirs(work, exist_ok=True)
    for system in SYSTEMS_WITH_HEADERS:
        stem = os.path.splitext(os.path.basename(system))[0]
        header = os.path.join(work, f"{stem}_config.h")
        status, out, err = tool(["header", os.path.join(TOP, system), "-o", header])
        if not counts.check(f"header: {system}", status == 0 and not out and not err, f"exit {status}\n{err}"):
            continue
        status2, again, _ = tool(["header", os.path.join(TOP, system)])
        with open(header, encoding="utf-8") as f:
            written = f.read()
        counts.check(f"header: {system} is byte-identical on a second run (stdout and -o)",
                     status2 == 0 and again == written, diff(written, again))
        test_c = os.path.join(work, f"test_{stem}.c")
        with open(test_c, "w", encoding="utf-8") as f:
            f.write(f'#include "{os.path.basename(header)}"\nint main(void) {{ return 0; }}\n')
        proc = subprocess.run([cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", work,
                               "-fsyntax-only", test_c], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, check=False)
        counts.check(f"header: {system}: compiles", proc.returncode == 0, proc.stdout)
    restated = []
    for path in pd_sources():
        with open(path, encoding="utf-8") as f:
            for m in RESTATED_ID.finditer(f.read()):
                restated.append(f"{os.path.relpath(path, TOP)}: {m.group(0).strip()}")
    counts.check("header: no example or benchmark PD restates a channel or child id (they come from the generated "
                 "header)", not restated, "\n".join(restated))


# The logger's configuration -----------------------------------------------------------------------------------

def test_logger_config(counts, cc, build_dir):
    work = os.path.join(build_dir, "sdf", "logger")
    os.makedirs(work, exist_ok=True)
    expected = {
        "examples/recovery/recovery.system": ("X(client_a, 0) X(client_b, 1) X(server, 2) X(crasher, 3) X(hanger, 4) "
                                              "X(monitor, 5)", "9", None),
        "examples/campaign/campaign.system": ("X(client_a, 0) X(client_b, 1) X(server, 2) X(crasher, 3) X(monitor, 5) "
                                              "X(root, 6)", "9", "8"),
        "examples/counter/counter.system": ("X(client, 0) X(counter, 1) X(monitor, 2)", "9", None),
    }
    for system, (rings, finish, supervisor) in expected.items():
        status, out, err = tool(["logger-config", os.path.join(TOP, system)])
        ok = (status == 0 and not err and f"#define LOGGER_RINGS(X) {rings}\n" in out and
              f"#define LOGGER_FINISH_CHANNEL {finish}\n" in out and
              (f"#define LOGGER_SUPERVISOR_CHANNEL {supervisor}\n" in out if supervisor else
               "LOGGER_SUPERVISOR_CHANNEL" not in out))
        counts.check(f"logger-config: {system}: rings {rings}, finish {finish}, supervisor {supervisor}", ok,
                     f"exit {status}\n{out}{err}")
    status, out, err = tool(["logger-config", "--pd", "nobody", os.path.join(TOP, "examples/counter/counter.system")])
    counts.check("logger-config: an unknown PD is an error", status == 1 and "there is no protection domain" in err,
                 f"exit {status}\n{out}{err}")
    status, out, err = tool(["logger-config", os.path.join(TOP, "examples/hello/hello.system")])
    counts.check("logger-config: a system without a logger is an error", status == 1 and "logger" in err,
                 f"exit {status}\n{out}{err}")


# Reports, diagrams, docs ----------------------------------------------------------------------------------

def repository_systems():
    try:
        proc = subprocess.run(["git", "-C", TOP, "ls-files", "*.system"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, check=False)
        listed = proc.stdout.split()
    except FileNotFoundError:  # no git here (the container image has none)
        listed = []
    files = [f for f in listed if not f.startswith("tests/sdf/")]
    if not files:  # not a git checkout, or no git
        files = [os.path.relpath(p, TOP) for p in glob.glob(os.path.join(TOP, "**", "*.system"), recursive=True)
                 if "/tests/sdf/" not in p and "/build/" not in p]
    return sorted(files)


def image_dirs(system, build_dir):
    """Build directories that hold this system's program images, one per board and configuration built."""
    name = os.path.basename(system)
    if system.startswith("examples/") or system == "tests/port/port.system":
        example = system.split("/")[1]
        label = {"recovery.system": "recovery-server_crash"}.get(name, example)
        return sorted(glob.glob(os.path.join(build_dir, "examples", "*", "*", label)))
    if name == "bench.system":
        return sorted(glob.glob(os.path.join(build_dir, "bench-sel4", "*", "*")))
    if name == "probe.system":
        return sorted(glob.glob(os.path.join(build_dir, "install-test", "*", "probe")))
    return []


BOARDS = ("qemu_virt_aarch64", "qemu_virt_riscv64")


def board_of(directory):
    """The board a build directory is for (build/examples/<board>/<config>/<label>), else the default."""
    parts = os.path.normpath(directory).split(os.sep)
    return next((p for p in parts if p in BOARDS), BOARDS[0])


def test_repository(counts, build_dir):
    systems = repository_systems()
    counts.check("repository: .system files found", len(systems) >= 6, "\n".join(systems))
    for system in systems:
        path = os.path.join(TOP, system)
        for board in BOARDS:
            status, out, err = tool(["check", "--no-elf", "--board", board, path])
            counts.check(f"check {system} for {board} (without program images)", status == 0 and
                         ": error: " not in out and not err, out + err)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        images = set(re.findall(r'<program_image path="([^"]*)"', text))
        built = [d for d in image_dirs(system, build_dir)
                 if os.path.isdir(d) and all(os.path.exists(os.path.join(d, i)) for i in images)]
        if not built:
            counts.skip(f"check {system} with its program images", "not built (make examples, make qemu-test)")
        for directory in built:
            status, out, err = tool(["check", path, "--board", board_of(directory), "--search-path", directory])
            counts.check(f"check {system} with the images in {os.path.relpath(directory, TOP)}",
                         status == 0 and "elf-missing" not in out and not err, out + err)
        for args in (["report"], ["report", "--format", "text"], ["report", "--compact"], ["diagram"],
                     ["header"]):
            status, first, err = tool(args + ["--no-elf" if args[0] == "report" else "--board=qemu_virt_aarch64",
                                              path])
            status2, second, _ = tool(args + ["--no-elf" if args[0] == "report" else "--board=qemu_virt_aarch64",
                                              path])
            counts.check(f"{' '.join(args)} {system}: works and is deterministic",
                         status == 0 and status2 == 0 and first and first == second and not err, err)


def test_select(counts):
    """select: each board's file holds that board's elements only, passes check for that board, and is the input
    (with a note) where nothing is marked; a broken file is refused."""
    boards = os.path.join(HERE, "good", "boards.system")
    with open(boards, encoding="utf-8") as f:
        source = f.read()
    for board, kept, dropped in (("qemu_virt_aarch64", ['phys_addr="0x9000000"', 'irq="30"'],
                                  ['phys_addr="0x10000000"', 'name="rtc"', 'mr="rtc"', 'irq="11"']),
                                 ("qemu_virt_riscv64", ['phys_addr="0x10000000"', 'name="rtc"', 'mr="rtc"', 'irq="11"'],
                                  ['phys_addr="0x9000000"', 'irq="30"'])):
        status, out, err = tool(["select", "--board", board, boards])
        status2, again, _ = tool(["select", "--board", board, boards])
        counts.check(f"select: boards.system for {board} keeps its elements and no other board's",
                     status == 0 and not err and all(k in out for k in kept) and not any(d in out for d in dropped)
                     and out == again and f"Generated for {board} by sel4ft-sdf select from boards.system" in out,
                     f"exit {status}\n{out}\n{err}")
        # Everything not marked is kept as written, line for line.
        unmarked = [line for line in source.splitlines() if "board=" not in line and "<map mr=\"rtc\"" not in line
                    and line.strip() != "</map>"]
        counts.check(f"select: boards.system for {board} keeps every unmarked line",
                     all(line in out.splitlines() for line in unmarked), out)
        with tempfile.TemporaryDirectory(prefix="sdf-select-") as directory:
            selected = os.path.join(directory, "boards.system")
            with open(selected, "w", encoding="utf-8") as f:
                f.write(out)
            status, checked, err = tool(["check", "--no-elf", "--board", board, selected])
            counts.check(f"select: the file for {board} passes check for {board}",
                         status == 0 and checked.endswith(": ok\n") and not err, checked + err)
    minimal = os.path.join(HERE, "good", "minimal.system")
    with open(minimal, encoding="utf-8") as f:
        text = f.read()
    status, out, err = tool(["select", "--board", "qemu_virt_riscv64", minimal])
    counts.check("select: a file without board= is kept whole, after the note",
                 status == 0 and out.replace(out.splitlines(True)[1], "", 1) == text, out + err)
    status, out, err = tool(["select", "--board", "qemu_virt_aarch64", os.path.join(HERE, "broken", "board.system")])
    counts.check("select: a file with errors is refused, its diagnostics on stderr",
                 status == 1 and not out and "[annotation]" in err, f"exit {status}\n{out}\n{err}")


# The generated parts of the docs: (file, marker, the sel4ft-sdf arguments that generate it, run from TOP).
GENERATED = [
    ("examples/hello/README.md", "sel4ft-sdf report --compact",
     ["report", "--compact", "--no-elf", "examples/hello/hello.system"]),
    ("examples/ipc_demo/README.md", "sel4ft-sdf report --compact",
     ["report", "--compact", "--no-elf", "examples/ipc_demo/ipc_demo.system"]),
    ("examples/fault_tolerance/README.md", "sel4ft-sdf report --compact",
     ["report", "--compact", "--no-elf", "examples/fault_tolerance/fault_tolerance.system"]),
    ("examples/counter/README.md", "sel4ft-sdf report --compact",
     ["report", "--compact", "--no-elf", "examples/counter/counter.system"]),
    ("examples/recovery/README.md", "sel4ft-sdf report --compact",
     ["report", "--compact", "--no-elf", "examples/recovery/recovery.system"]),
    ("examples/campaign/README.md", "sel4ft-sdf report --compact",
     ["report", "--compact", "--no-elf", "examples/campaign/campaign.system"]),
    ("examples/blk/README.md", "sel4ft-sdf report --compact",
     ["report", "--compact", "--no-elf", "examples/blk/blk.system"]),
    ("examples/tree/README.md", "sel4ft-sdf report --compact",
     ["report", "--compact", "--no-elf", "examples/tree/tree.system"]),
    ("doc/sdf.md", "sel4ft-sdf report", ["report", "--no-elf", "examples/recovery/recovery.system"]),
    ("doc/sdf.md", "sel4ft-sdf header", ["header", "examples/ipc_demo/ipc_demo.system"]),
]


def checks_block():
    """The table of every diagnostic code for doc/sdf.md: a message from its test case, and Microkit's verdict."""
    _, listing, _ = tool(["check", "--list-checks"])
    line_re = re.compile(r"^.*?: (error|warning): (.*) \[([a-z0-9-]+)\]$")
    examples = {}
    for expect in sorted(glob.glob(os.path.join(HERE, "broken", "*.expect"))):
        case = os.path.basename(expect)[:-len(".expect")]
        with open(expect[:-len(".expect")] + ".system", encoding="utf-8") as f:
            directives = [d.split() for d in DIRECTIVE.findall(f.read()) if d.split()[0] == "microkit"]
        # A case about one board shows Microkit's verdict on that board.
        verdicts = [d[1] for d in directives if len(d) > 2] + [d[1] for d in directives if len(d) == 2]
        with open(expect, encoding="utf-8") as f:
            for line in f:
                found = line_re.match(line.rstrip("\n"))
                if not found:
                    continue
                code = found.group(3)
                own = case == code or case.startswith(code + "-")
                if code not in examples or (own and not examples[code][2]):
                    examples[code] = (found.group(2), verdicts[0] if verdicts else "", own)
    with tempfile.TemporaryDirectory(prefix="sdf-doc-") as directory:
        for _, path, _ in hostile_inputs(directory):
            _, out, _ = tool(["check", "--no-elf", path])
            found = line_re.match(out.splitlines()[0]) if out else None
            if found and found.group(3) not in examples:
                examples[found.group(3)] = (found.group(2), "", True)
    rows = ["| code | severity | what | message (from its test) | Microkit 2.0.1 |", "|---|---|---|---|---|"]
    for line in listing.splitlines():
        code, severity, meaning = line.split(None, 2)
        message, verdict, _ = examples.get(code, ("", "", False))
        microkit = {"accept": "accepts", "reject": "refuses"}.get(verdict, "")
        rows.append(f"| `{code}` | {severity} | {meaning.replace('|', '/')} | `{message}` | {microkit} |")
    return "\n".join(rows) + "\n"


def block_pattern(marker):
    return re.compile(r"(<!-- " + re.escape(marker) + r" begin -->\n)(.*?)(<!-- " + re.escape(marker) + " end -->)",
                      re.S)


def update_docs():
    """make sdf-docs: regenerate every generated block in place."""
    for path, marker, args in GENERATED + [("doc/sdf.md", "sel4ft-sdf checks", None)]:
        status, out, err = tool(args, cwd=TOP) if args else (0, checks_block(), "")
        if status != 0:
            print(f"error: sel4ft-sdf {' '.join(args)} failed:\n{err}", file=sys.stderr)
            return 1
        if marker == "sel4ft-sdf header":
            out = "```c\n" + out + "```\n"
        full = os.path.join(TOP, path)
        with open(full, encoding="utf-8") as f:
            text = f.read()
        new, count = block_pattern(marker).subn(lambda m: m.group(1) + out + m.group(3), text)
        if count != 1:
            print(f"error: {path} has no <!-- {marker} begin --> ... <!-- {marker} end --> block", file=sys.stderr)
            return 1
        if new != text:
            with open(full, "w", encoding="utf-8") as f:
                f.write(new)
            print(f"updated {path} ({marker})")
    return 0


def generated_block(path, marker):
    """The text between <!-- marker begin --> and <!-- marker end --> in a Markdown file."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    found = block_pattern(marker).search(text)
    return found.group(2) if found else None


def test_docs(counts):
    """The docs' generated parts are what the tool generates today (make sdf-docs regenerates them)."""
    for path, marker, args in GENERATED + [("doc/sdf.md", "sel4ft-sdf checks", None)]:
        block = generated_block(os.path.join(TOP, path), marker)
        _, out, _ = tool(args, cwd=TOP) if args else (0, checks_block(), "")
        if marker == "sel4ft-sdf header":
            out = "```c\n" + out + "```\n"
        counts.check(f"docs: {path}: the block {marker!r} is current (make sdf-docs)", block == out,
                     "missing markers" if block is None else diff(block, out))
    dot_path = os.path.join(TOP, "doc", "sdf", "recovery.dot")
    _, out, _ = tool(["diagram", "examples/recovery/recovery.system"], cwd=TOP)
    try:
        with open(dot_path, encoding="utf-8") as f:
            committed = f.read()
    except OSError:
        committed = None
    counts.check("docs: doc/sdf/recovery.dot is the diagram the tool draws today", committed == out,
                 "missing" if committed is None else diff(committed, out))
    for name in ("recovery.svg", "recovery.png"):
        counts.check(f"docs: doc/sdf/{name} is committed", os.path.getsize(os.path.join(TOP, "doc", "sdf", name))
                     > 1000 if os.path.exists(os.path.join(TOP, "doc", "sdf", name)) else False)
    with open(os.path.join(TOP, "doc", "sdf.md"), encoding="utf-8") as f:
        doc = f.read()
    _, listing, _ = tool(["check", "--list-checks"])
    codes = [line.split()[0] for line in listing.splitlines()]
    undocumented = [code for code in codes if f"`{code}`" not in doc]
    counts.check(f"docs: doc/sdf.md explains all {len(codes)} diagnostic codes", not undocumented,
                 " ".join(undocumented))
    return codes


def test_diagram_render(counts):
    if shutil.which("dot") is None:
        counts.skip("diagram: SVG and PNG", "Graphviz's dot is not installed (apt-get install graphviz)")
        return
    with tempfile.TemporaryDirectory(prefix="sdf-dot-") as directory:
        svg, png = os.path.join(directory, "r.svg"), os.path.join(directory, "r.png")
        status, out, err = tool(["diagram", os.path.join(TOP, "examples", "recovery", "recovery.system"),
                                 "-o", svg, "-o", png])
        ok = status == 0 and not out and not err and os.path.exists(svg) and os.path.exists(png)
        if ok:
            with open(svg, encoding="utf-8") as f:
                text = f.read()
            with open(png, "rb") as f:
                magic = f.read(8)
            ok = "<svg" in text and "client_a" in text and magic == b"\x89PNG\r\n\x1a\n"
        counts.check("diagram: recovery.system as SVG and PNG", ok, out + err)
    proc = subprocess.run([sys.executable, TOOL, "diagram", os.path.join(TOP, "examples", "hello", "hello.system"),
                           "-o", "/tmp/never-written.svg"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, env={"PATH": "/nonexistent"}, check=False)
    counts.check("diagram: without dot, one clear error", proc.returncode == 2 and "needs Graphviz's dot" in
                 proc.stderr and proc.stderr.count("\n") == 1, proc.stderr)


def test_install(counts, build_dir):
    stage = os.path.join(build_dir, "sdf", "install")
    shutil.rmtree(stage, ignore_errors=True)
    proc = subprocess.run(["make", "-s", "-C", TOP, "install-sdf", "PREFIX=/usr/local", f"DESTDIR={stage}"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    installed = os.path.join(stage, "usr", "local", "bin", "sel4ft-sdf")
    if not counts.check("install: make install-sdf puts sel4ft-sdf in $(PREFIX)/bin",
                        proc.returncode == 0 and os.access(installed, os.X_OK), proc.stdout):
        return
    with open(os.path.join(TOP, "include", "sel4ft", "sel4ft.h"), encoding="utf-8") as f:
        version = re.search(r'SEL4FT_VERSION_STRING "([^"]+)"', f.read()).group(1)
    run = subprocess.run([installed, "--version"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         check=False)
    counts.check("install: the installed tool runs and its version is the library's",
                 run.returncode == 0 and run.stdout.strip() == f"sel4ft-sdf {version}", run.stdout + run.stderr)
    run = subprocess.run([installed, "check", "--no-elf", os.path.join(TOP, "examples", "hello", "hello.system")],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
    counts.check("install: the installed tool checks a system", run.returncode == 0 and run.stdout.endswith(": ok\n"),
                 run.stdout + run.stderr)


# Microkit 2.0.1 itself on the same files ------------------------------------------------------------------

def microkit_verdicts(counts, sdk, board, toolchain, build_dir):
    """Each case states whether Microkit 2.0.1 accepts it (<!-- sdf-test: microkit accept|reject -->): run it."""
    tool_path = os.path.join(sdk or "", "bin", "microkit")
    gcc = shutil.which(f"{toolchain}-gcc")
    if not sdk or not os.access(tool_path, os.X_OK) or gcc is None:
        counts.skip("microkit: the same verdicts from Microkit 2.0.1", "needs the Microkit SDK and "
                                                                         f"{toolchain}-gcc")
        return
    board_dir = os.path.join(sdk, "board", board, "debug")
    work = os.path.join(build_dir, "sdf", "microkit")
    os.makedirs(work, exist_ok=True)
    cache = {}

    def image(symbols):
        key = hashlib.sha256("\n".join(sorted(symbols)).encode()).hexdigest()[:16]
        if key in cache:
            return cache[key]
        source = os.path.join(work, f"pd-{key}.c")
        elf = os.path.join(work, f"pd-{key}.elf")
        lines = ["#include <stdint.h>", "#include <microkit.h>"]
        lines += [f"uintptr_t {s};" for s in sorted(symbols)]
        lines += ["void init(void) {}", "void notified(microkit_channel ch) { (void)ch; }",
                  "microkit_msginfo protected(microkit_channel ch, microkit_msginfo msg) { (void)ch; return msg; }",
                  "seL4_Bool fault(microkit_child c, microkit_msginfo m, microkit_msginfo *r) "
                  "{ (void)c; (void)m; (void)r; return seL4_False; }"]
        with open(source, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        obj = elf[:-4] + ".o"
        for command in ([gcc, "-ffreestanding", "-nostdlib", "-O1", "-I", os.path.join(board_dir, "include"), "-c",
                         source, "-o", obj],
                        [f"{toolchain}-ld", "-L", os.path.join(board_dir, "lib"), obj, "-lmicrokit", "-Tmicrokit.ld",
                         "-o", elf]):
            proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
            if proc.returncode != 0:
                cache[key] = None
                return None
        cache[key] = elf
        return elf

    files = sorted(glob.glob(os.path.join(HERE, "good", "*.system")) + glob.glob(os.path.join(HERE, "broken",
                                                                                              "*.system")))
    for path in files:
        name = os.path.relpath(path, HERE)
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        # <!-- sdf-test: microkit VERDICT [board=B] -->: a verdict for one board wins over one for all.
        directives = [d.split() for d in DIRECTIVE.findall(text) if d.split()[0] == "microkit"]
        verdicts = [d[1] for d in directives if f"board={board}" in d[2:]] + [d[1] for d in directives if
                                                                              len(d) == 2]
        want = verdicts[0] if verdicts else ("accept" if name.startswith("good/") else None)
        if want is None:
            counts.fail(f"microkit: {name}", "the case does not say whether Microkit accepts it "
                                             "(<!-- sdf-test: microkit accept|reject|skip -->)")
            continue
        if want == "skip":
            continue
        directory = os.path.join(work, os.path.basename(path)[:-len(".system")])
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)
        broken_image = False
        for program in set(re.findall(r'<program_image path="([^"]*)"', text)):
            symbols = {s for s in setvar_symbols(text, program) if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", s)}
            elf = image(symbols)
            if elf is None or "/" in program:
                broken_image = True
                break
            shutil.copy(elf, os.path.join(directory, program))
        if broken_image:
            counts.fail(f"microkit: {name}", "could not build its program images")
            continue
        system = path
        if re.search(r"<!--\s*sel4ft:[^>]*\bboard=", text):
            # Microkit reads the file for one board: what select writes.
            system = os.path.join(directory, os.path.basename(path))
            status, out, err = tool(["select", "--board", board, path, "-o", system])
            if status != 0:
                counts.fail(f"microkit: {name}", f"select refused it: {err}")
                continue
        command = [tool_path, system, "--search-path", directory, "--board", board, "--config", "debug",
                   "-o", os.path.join(directory, "loader.img"), "-r", os.path.join(directory, "report.txt")]
        proc = subprocess.run(command,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120, check=False)
        got = "accept" if proc.returncode == 0 else "reject"
        last = (proc.stdout.strip().splitlines() or [""])[-1]
        counts.check(f"microkit: {name}: Microkit 2.0.1 {want}s it", got == want,
                     f"Microkit {got}ed it (exit {proc.returncode}): {last}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--results", help="directory for the stage's counts")
    parser.add_argument("--build-dir", default=os.path.join(TOP, "build"))
    parser.add_argument("--cc", default=os.environ.get("HOST_CC", "cc"))
    parser.add_argument("--sdk", default=os.environ.get("MICROKIT_SDK", ""))
    parser.add_argument("--board", default="qemu_virt_aarch64")
    parser.add_argument("--toolchain", default="aarch64-linux-gnu")
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--only", help="run only the parts whose names contain this")
    parser.add_argument("--update-docs", action="store_true", help="regenerate the docs' generated blocks and exit")
    args = parser.parse_args()
    if args.update_docs:
        return update_docs()
    build_dir = os.path.abspath(args.build_dir)
    counts = Counts(args.verbose)
    seen_codes = set()

    def part(name):
        return args.only is None or args.only in name

    if part("broken"):
        test_cases(counts, "broken", seen_codes)
    if part("good"):
        test_cases(counts, "good", seen_codes)
    if part("hostile"):
        test_hostile(counts)
    if part("header"):
        test_headers(counts, args.cc, build_dir)
        test_logger_config(counts, args.cc, build_dir)
    if part("repository"):
        test_repository(counts, build_dir)
    if part("select"):
        test_select(counts)
    if part("docs"):
        codes = test_docs(counts)
        if part("broken") and part("good"):
            # Hostile inputs cover the reading codes (io, encoding, xml, dtd, depth, root) with patterns.
            reading = {"io", "encoding", "xml", "dtd", "depth", "root"}
            untested = [c for c in codes if c not in seen_codes and c not in reading]
            counts.check("every diagnostic code has a broken case that shows its message", not untested,
                         " ".join(untested))
    if part("diagram"):
        test_diagram_render(counts)
    if part("install"):
        test_install(counts, build_dir)
    if part("microkit"):
        microkit_verdicts(counts, args.sdk, args.board, args.toolchain, build_dir)

    if counts.failures:
        print("failing: " + ", ".join(counts.failures))
    print(f"sdf: {counts.passed} passed, {counts.failed} failed, {counts.skipped} skipped", flush=True)
    results.record(args.results, "sdf", counts.passed, counts.failed, counts.skipped)
    return 1 if counts.failed else 0


if __name__ == "__main__":
    sys.exit(main())
