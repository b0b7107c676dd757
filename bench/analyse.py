# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Parse benchmark serial logs (bench/FORMAT.md), compute statistics, write CSV, plots and a report."""

import csv
import math
import os
import re
import statistics

TICK_HZ = 62_500_000  # the ARM generic counter on QEMU virt: the rate of a system that names none (Linux)
INSTRUCTIONS_PER_TICK = 16  # of that counter, under -icount shift=0 (1 ns per instruction)
NS_PER_SECOND = 1_000_000_000

BENCH_LINE = re.compile(r"^BENCH (\w+) (\w+) (\w+) (\d+) (\d+) (\d+)\s*$")
MEM_LINE = re.compile(r"^MEM (\w+) (\S+) (\w+) (\d+)\s*$")
DONE_LINE = re.compile(r"^BENCH-DONE (\w+)\s*$")
CLOCK_LINE = re.compile(r"^BENCH-CLOCK (\w+) (\d+)\s*$")


class ParseError(Exception):
    """A log that does not hold a complete benchmark run."""


def parse_log(text):
    """Return (samples, memory, systems_done) from a serial log.

    samples: list of dicts {system, metric, mechanism, payload, ops, ticks, hz}, hz the rate of the system's
    counter (its BENCH-CLOCK line, TICK_HZ without one);
    memory: list of dicts {system, component, kind, bytes}.
    Lines that are not benchmark output (kernel messages, logs) are ignored; a BENCH line that is
    malformed (zero ops) raises ParseError rather than being silently skipped.
    """
    samples, memory, done, clocks = [], [], [], {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip("\r")
        m = BENCH_LINE.match(line)
        if m:
            system, metric, mechanism, payload, ops, ticks = m.groups()
            if int(ops) == 0:
                raise ParseError(f"line {number}: a sample of zero operations")
            samples.append({"system": system, "metric": metric, "mechanism": mechanism,
                            "payload": int(payload), "ops": int(ops), "ticks": int(ticks),
                            "hz": clocks.get(system, TICK_HZ)})
            continue
        m = CLOCK_LINE.match(line)
        if m:
            if int(m.group(2)) == 0:
                raise ParseError(f"line {number}: a counter of 0 Hz")
            clocks[m.group(1)] = int(m.group(2))
            continue
        m = MEM_LINE.match(line)
        if m:
            system, component, kind, size = m.groups()
            memory.append({"system": system, "component": component, "kind": kind, "bytes": int(size)})
            continue
        m = DONE_LINE.match(line)
        if m:
            done.append(m.group(1))
        elif line.startswith("BENCH"):
            raise ParseError(f"line {number}: malformed benchmark line: {line!r}")
    return samples, memory, done


def percentile(values, fraction):
    """Nearest-rank percentile of a non-empty list (fraction in 0..1)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summarise(samples):
    """Group samples by (system, metric, mechanism, payload) and compute per-operation statistics in ticks of
    the system's counter, with the median also in microseconds and, under -icount shift=0, in instructions."""
    groups, rates = {}, {}
    for s in samples:
        key = (s["system"], s["metric"], s["mechanism"], s["payload"])
        groups.setdefault(key, []).append(s["ticks"] / s["ops"])
        rates[key] = s.get("hz", TICK_HZ)
    rows = []
    for key, per_op in sorted(groups.items()):
        system, metric, mechanism, payload = key
        median, hz = statistics.median(per_op), rates[key]
        rows.append({
            "system": system, "metric": metric, "mechanism": mechanism, "payload": payload,
            "samples": len(per_op), "min_ticks": min(per_op), "median_ticks": median,
            "p99_ticks": percentile(per_op, 0.99),
            "median_us": median * 1e6 / hz,
            "ops_per_second": hz / median if median > 0 else float("inf"),
            "hz": hz,
            "median_instructions": median * NS_PER_SECOND / hz,
        })
    return rows


def reference_rows(rows):
    """The rows the tables and plots show in ticks: those of the systems on the reference counter (seL4 on aarch64
    and Linux, TICK_HZ), or all rows when no seL4 system ran on it. Another board's seL4 figures are set beside
    them in instructions (report.boards_side_by_side())."""
    reference = [r for r in rows if r.get("hz", TICK_HZ) == TICK_HZ]
    return reference if any(r["system"] != "linux" for r in reference) else rows


def find(rows, system, metric, mechanism, payload):
    for r in rows:
        if (r["system"], r["metric"], r["mechanism"], r["payload"]) == (system, metric, mechanism, payload):
            return r
    return None


def write_csv(path, rows, fields):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)


# --- memory of seL4 PDs, from the build products -------------------------------------------------

SECTION_LINE = re.compile(r"^(\.\S+)\s+(\d+)\s+(\d+)\s*$")
MAP_INPUT = re.compile(r"^\s*(\.(?:text|rodata)\S*)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)$")


def elf_sizes(size_output):
    """Code and data bytes from `size -A -d` output."""
    code = data = 0
    for line in size_output.splitlines():
        m = SECTION_LINE.match(line.strip())
        if not m:
            continue
        name, size = m.group(1), int(m.group(2))
        if name.startswith((".text", ".rodata", ".eh_frame")):
            code += size
        elif name.startswith((".data", ".bss", ".got", ".init_array", ".sdata", ".sbss")):
            data += size
    return code, data


def library_code_by_object(map_text, archive="libsel4ft.a"):
    """{object file: bytes of code and read-only data} a linked image took from the library archive (linker map)."""
    found = {}
    pending = None

    def add(member, size):
        name = member.split(archive + "(", 1)[1].rstrip(")")
        found[name] = found.get(name, 0) + size

    # Only what was placed: the map lists discarded input sections first, before the memory map.
    start = map_text.find("Linker script and memory map")
    if start >= 0:
        map_text = map_text[start:]
    for line in map_text.splitlines():
        m = MAP_INPUT.match(line)
        if m:
            if archive + "(" in m.group(3):
                add(m.group(3), int(m.group(2), 16))
            pending = None
            continue
        # Long section names put the address, size and file on the next line.
        stripped = line.strip()
        if re.match(r"^\.(text|rodata)\S*$", stripped):
            pending = stripped
            continue
        if pending:
            m2 = re.match(r"^0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)$", stripped)
            if m2 and archive + "(" in m2.group(2):
                add(m2.group(2), int(m2.group(1), 16))
            pending = None
    return found


def library_code_from_map(map_text, archive="libsel4ft.a"):
    """Bytes of code and read-only data a linked image took from the library archive (linker map)."""
    return sum(library_code_by_object(map_text, archive).values())


def system_mappings(system_xml):
    """{pd name: mapped bytes} from a Microkit system description (memory regions mapped, stack, IPC buffer)."""
    import xml.etree.ElementTree as ET
    root = ET.fromstring(system_xml)
    sizes = {mr.get("name"): int(mr.get("size"), 0) for mr in root.iter("memory_region")}
    mapped = {}
    for pd in root.iter("protection_domain"):
        total = sum(sizes[m.get("mr")] for m in pd.findall("map"))
        stack = int(pd.get("stack_size", "0x1000"), 0)
        mapped[pd.get("name")] = {"mapped": total, "stack": stack, "image": pd.find("program_image").get("path")}
    return mapped


# --- outputs -------------------------------------------------------------------------------------

def ratio(a, b):
    return a / b if b else float("nan")


def _bars(ax, labels, after, before=None, colors=None):
    """Bars of after values; with before values (None where a figure has none), pairs of before and after."""
    xs = range(len(labels))
    if before is None:
        ax.bar(xs, after, color=colors)
    else:
        width = 0.4
        ax.bar([x - width / 2 for x in xs], [b if b is not None else 0 for b in before], width, color="#bbb",
               label="before")
        ax.bar([x + width / 2 for x in xs], after, width, color=colors, label="after")
        ax.legend(fontsize=7)
    ax.set_xticks(list(xs))
    ax.set_xticklabels(labels)


def plot(rows, memory, out_dir, before=None, library=None):
    """PNG plots; returns the file names written. before: a previous run's (rows, library bytes per image), drawn
    beside this run's figures; library: this run's library bytes per image (a plot of its own when given)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    before_rows, before_library = before if before else (None, None)

    def earlier(r):
        return find(before_rows, r["system"], r["metric"], r["mechanism"], r["payload"]) if before_rows else None

    written = []
    # The systems on the reference counter only (seL4 and Linux on aarch64): ticks of other boards' counters are
    # another unit; the report sets the boards side by side in instructions.
    rows = reference_rows(rows)
    memory = [m for m in memory if m["system"] in {r["system"] for r in rows} | {"linux"}]
    payloads = sorted({r["payload"] for r in rows if r["metric"] == "rtt"})
    fig, ax = plt.subplots(figsize=(10, 5))
    for system, mechanism in sorted({(r["system"], r["mechanism"]) for r in rows if r["metric"] == "rtt"}):
        xs, ys, bxs, bys = [], [], [], []
        for p in payloads:
            r = find(rows, system, "rtt", mechanism, p)
            if r:
                xs.append(max(p, 1))
                ys.append(r["median_ticks"])
                b = earlier(r)
                if b:
                    bxs.append(max(p, 1))
                    bys.append(b["median_ticks"])
        line = ax.plot(xs, ys, marker="o", linestyle="-" if system == "sel4" else "--", label=f"{system}: {mechanism}")
        # Before, where it differs at all: the same colour, faint and dotted.
        if bys and any(abs(b - a) / a > 0.01 for b, a in zip(bys, ys)):
            ax.plot(bxs, bys, marker=".", linestyle=":", alpha=0.5, color=line[0].get_color(),
                    label=f"{system}: {mechanism}, before")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("payload bytes each way (0 plotted at 1)")
    hz = rows[0]["hz"] if rows and "hz" in rows[0] else TICK_HZ
    ax.set_ylabel(f"round trip, median counter ticks (1 tick = {NS_PER_SECOND // hz} instructions)")
    ax.set_title("Request/reply round trip under QEMU -icount")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "rtt.png"), dpi=110)
    plt.close(fig)
    written.append("rtt.png")

    recovery = [r for r in rows if r["metric"] == "recovery"]
    if recovery:
        fig, ax = plt.subplots(figsize=(6, 4))
        _bars(ax, [f"{r['system']}\n{r['mechanism']}" for r in recovery], [r["median_ticks"] for r in recovery],
              [(earlier(r) or {}).get("median_ticks") for r in recovery] if before_rows else None,
              ["#4a7" if r["system"] == "sel4" else "#c66" for r in recovery])
        ax.set_yscale("log")
        ax.set_ylabel("fault to serving again, median ticks")
        ax.set_title("Recovery of a crashed server")
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, "recovery.png"), dpi=110)
        plt.close(fig)
        written.append("recovery.png")

    logs = [r for r in rows if r["metric"] == "logs"]
    if logs:
        fig, ax = plt.subplots(figsize=(6, 4))
        _bars(ax, [f"{r['system']}\n{r['mechanism']}" for r in logs], [r["ops_per_second"] for r in logs],
              [(earlier(r) or {}).get("ops_per_second") for r in logs] if before_rows else None)
        ax.set_yscale("log")
        ax.set_ylabel("log records per second of virtual time")
        ax.set_title("Log records end to end")
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, "logs.png"), dpi=110)
        plt.close(fig)
        written.append("logs.png")

    mem = [m for m in memory if m["kind"] in ("rss", "mapped")]
    if mem:
        fig, ax = plt.subplots(figsize=(8, 4))
        ax.bar([f"{m['system']}\n{m['component']}" for m in mem], [m["bytes"] / 1024 for m in mem],
               color=["#4a7" if m["system"] == "sel4" else "#c66" for m in mem])
        ax.set_ylabel("KiB (seL4: mapped; Linux: resident)")
        ax.set_title("Memory per component")
        plt.setp(ax.get_xticklabels(), fontsize=6, rotation=45, ha="right")
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, "memory.png"), dpi=110)
        plt.close(fig)
        written.append("memory.png")

    if library:
        images = sorted(library)
        fig, ax = plt.subplots(figsize=(8, 4))
        _bars(ax, [image.replace(".elf", "") for image in images], [library[i] / 1024 for i in images],
              [before_library.get(i, 0) / 1024 for i in images] if before_library else None,
              ["#4a7" if i in REQUEST_PATH_IMAGES else "#58a" for i in images])
        ax.axhline(LIBRARY_LIMIT / 1024, color="#c66", linestyle="--", linewidth=1)
        ax.set_ylabel("KiB of library code and read-only data")
        ax.set_title("Library code per seL4 PD (linker maps; request path in green, limit 4 KiB)")
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, "library.png"), dpi=110)
        plt.close(fig)
        written.append("library.png")
    return written


# The benchmark system's PDs on the request path: the client and the two servers it calls. The monitor (its fault
# text) and the log consumer are not.
REQUEST_PATH_IMAGES = ("client.elf", "echo_server.elf", "recovery_server.elf")
LIBRARY_LIMIT = 4096


def logs_ratio(rows):
    """seL4 / Linux log records per second through the same ring, or None."""
    sel4 = find(rows, "sel4", "logs", "sel4ft_logring", 64)
    linux = find(rows, "linux", "logs", "sel4ft_logring", 64)
    return ratio(sel4["ops_per_second"], linux["ops_per_second"]) if sel4 and linux else None


def targets(rows, library_code):
    """The issue's targets: list of (name, target, measured, met, note)."""
    out = []
    for p in (0, 64):
        typed = find(rows, "sel4", "rtt", "sel4ft_rpc_passive", p)
        raw = find(rows, "sel4", "rtt", "microkit_ppc_passive", p)
        if typed and raw:
            r = ratio(typed["median_ticks"], raw["median_ticks"])
            out.append((f"sel4ft request / raw passive PPC, {p} B", "<= 1.2x", f"{r:.3f}x", r <= 1.2,
                        f"{typed['median_ticks'] - raw['median_ticks']:.1f} ticks "
                        f"({(typed['median_ticks'] - raw['median_ticks']) * INSTRUCTIONS_PER_TICK:.0f} instructions) "
                        "more per round trip"))
    for p in (0, 64):
        typed = find(rows, "sel4", "rtt", "sel4ft_rpc_passive", p)
        linux = [r for r in rows if r["system"] == "linux" and r["metric"] == "rtt" and r["payload"] == p]
        if typed and linux:
            best_linux = min(linux, key=lambda r: r["median_ticks"])
            r = ratio(best_linux["median_ticks"], typed["median_ticks"])
            out.append((f"best Linux round trip / sel4ft request, {p} B", ">= 20x", f"{r:.2f}x", r >= 20,
                        f"{best_linux['mechanism']} {best_linux['median_ticks']:.1f} ticks vs "
                        f"{typed['median_ticks']:.1f}"))
    r = logs_ratio(rows)
    if r is not None:
        out.append(("log records per second, seL4 / Linux, same ring", ">= 1x", f"{r:.2f}x", r >= 1,
                    "sel4ft_logring, 64-byte records, end to end"))
    rec_sel4 = [r for r in rows if r["system"] == "sel4" and r["metric"] == "recovery"]
    rec_linux = [r for r in rows if r["system"] == "linux" and r["metric"] == "recovery"]
    if rec_sel4:
        us = rec_sel4[0]["median_us"]
        out.append(("seL4 server recovery", "<= 10 us", f"{us:.1f} us", us <= 10,
                    f"{rec_sel4[0]['median_ticks']:.0f} ticks"))
        if rec_linux:
            r = ratio(rec_linux[0]["median_ticks"], rec_sel4[0]["median_ticks"])
            out.append(("recovery vs Linux supervisor", ">= 100x faster", f"{r:.0f}x", r >= 100, ""))
    request_path = {image: size for image, size in library_code.items() if image in REQUEST_PATH_IMAGES}
    if request_path:
        worst = max(request_path.items(), key=lambda kv: kv[1])
        out.append(("library code in a request-path PD", "<= 4 KiB", f"{worst[1] / 1024:.2f} KiB ({worst[0]})",
                    worst[1] <= LIBRARY_LIMIT,
                    "largest of " + ", ".join(sorted(request_path)) + "; from the linker maps"))
    return out


def load_run(directory):
    """A run's summary rows and library bytes per image (as written by bench/harness.py), for comparison."""
    rows = []
    with open(os.path.join(directory, "summary.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            row = dict(r)
            row["payload"] = int(row["payload"])
            row["samples"] = int(row["samples"])
            for key in ("min_ticks", "median_ticks", "p99_ticks", "median_us", "ops_per_second"):
                row[key] = float(row[key])
            rows.append(row)
    library = {}
    path = os.path.join(directory, "library.csv")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for r in csv.DictReader(f):
                library[r["image"]] = library.get(r["image"], 0) + int(r["bytes"])
    return rows, library
