# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""The Markdown report of a benchmark run."""

from analyse import INSTRUCTIONS_PER_TICK, find, logs_ratio, reference_rows


def _key_figures(rows, library):
    """The figures the targets are about, as (name, value, unit) in a fixed order; None where a run lacks one."""
    out = []

    def rtt(system, mechanism, payload):
        r = find(rows, system, "rtt", mechanism, payload)
        return r["median_ticks"] if r else None

    def best_linux(payload):
        linux = [r for r in rows if r["system"] == "linux" and r["metric"] == "rtt" and r["payload"] == payload]
        return min(r["median_ticks"] for r in linux) if linux else None

    for p in (0, 64):
        typed, raw, linux = rtt("sel4", "sel4ft_rpc_passive", p), rtt("sel4", "microkit_ppc_passive", p), best_linux(p)
        out.append((f"sel4ft request, {p} B (ticks)", typed, "{:.1f}"))
        out.append((f"raw passive PPC, {p} B (ticks)", raw, "{:.1f}"))
        out.append((f"sel4ft request / raw passive PPC, {p} B", typed / raw if typed and raw else None, "{:.3f}x"))
        out.append((f"best Linux round trip, {p} B (ticks)", linux, "{:.1f}"))
        out.append((f"best Linux / sel4ft request, {p} B", linux / typed if linux and typed else None, "{:.2f}x"))
    for system in ("sel4", "linux"):
        r = find(rows, system, "logs", "sel4ft_logring", 64)
        out.append((f"log records per second, {system}", r["ops_per_second"] if r else None, "{:,.0f}"))
    out.append(("log records per second, seL4 / Linux", logs_ratio(rows), "{:.2f}x"))
    for system, mechanism in (("sel4", "monitor_restart"), ("linux", "supervisor_restart")):
        r = find(rows, system, "recovery", mechanism, 0)
        out.append((f"crash to retried request served, {system} (us)", r["median_us"] if r else None, "{:.1f}"))
    r = find(rows, "sel4", "boot", "first_request", 0)
    out.append(("seL4 boot to first request (us)", r["median_us"] if r else None, "{:.1f}"))
    for image in sorted(library):
        out.append((f"library bytes in {image}", library[image], "{:,}"))
    return out


def _fmt(value, digits=1):
    return f"{value:.{digits}f}"


# The label of each board's seL4 system in a run: the reference board, where Linux runs beside it, is "sel4".
BOARD_SYSTEMS = {"qemu_virt_aarch64": "sel4", "qemu_virt_riscv64": "sel4-riscv64"}


def boards_side_by_side(rows):
    """The seL4 figures of every board measured, side by side in guest instructions (Markdown lines), or []."""
    systems = [s for s in BOARD_SYSTEMS.values() if any(r["system"] == s for r in rows)]
    if len(systems) < 2:
        return []
    names = {v: k for k, v in BOARD_SYSTEMS.items()}
    out = ["## seL4 on both boards (guest instructions per operation)", "",
           "The same benchmark system (`bench/sel4`) on each board, under the same `-icount shift=0` flags: one "
           "instruction is one nanosecond of virtual time on both, so the boards compare in instructions (each "
           "counter's ticks are converted: 16 instructions per 62.5 MHz tick on aarch64, 100 per 10 MHz tick on "
           "riscv64). This compares the code paths of two ISAs and their kernels, not two CPUs.", "",
           "| metric | mechanism | payload B | " + " | ".join(f"{names[s]} median" for s in systems) +
           f" | {names[systems[1]]} / {names[systems[0]]} |",
           "|---|---|---:|" + "---:|" * len(systems) + "---:|"]
    keys = sorted({(r["metric"], r["mechanism"], r["payload"]) for r in rows if r["system"] in systems},
                  key=lambda k: ({"rtt": 0, "logs": 1, "recovery": 2, "boot": 3}.get(k[0], 9), k[1], k[2]))
    for metric, mechanism, payload in keys:
        found = [find(rows, s, metric, mechanism, payload) for s in systems]
        if any(f is None for f in found):
            continue
        cells = [f"{f['median_instructions']:,.0f}" for f in found]
        quotient = found[1]["median_instructions"] / found[0]["median_instructions"]
        out.append(f"| {metric} | {mechanism} | {payload} | " + " | ".join(cells) + f" | {quotient:.2f}x |")
    out.append("")
    return out


def write_report(path, rows, memory, library_code, target_rows, meta):
    lines = []
    add = lines.append
    everything = rows
    # The tables in ticks are those of one counter: seL4 and Linux in qemu-system-aarch64 (the 62.5 MHz generic
    # counter) when aarch64 ran; another board's seL4 figures appear in the side-by-side section, in instructions.
    rows = reference_rows(rows)
    add(f"# sel4ft benchmark report")
    add("")
    add(f"Commit `{meta['commit']}`, run `{meta['run']}`. Reproduce with `{meta['command']}`.")
    add("")
    add("**Caveat.** Both systems run in the same `qemu-system-aarch64` (`-machine virt,virtualization=on -cpu "
        "cortex-a53`) under `-icount shift=0,align=off,sleep=off`: virtual time counts guest instructions "
        "(1 ns each; one 62.5 MHz counter tick = 16 instructions). The figures measure code-path length, "
        "not latency on real hardware: caches, TLBs, pipelines and memory bandwidth are not modelled. Two runs "
        "of the same commit give the same figures.")
    if any(r["system"] == "sel4-riscv64" for r in everything):
        add("")
        add("The seL4 system also ran on `qemu_virt_riscv64` (`qemu-system-riscv64 -machine virt`, the same "
            "flags; its counter is the 10 MHz time CSR): those figures are in the side-by-side section below, in "
            "instructions. The Linux comparison runs on aarch64 only, where Debian ships the kernel and userland "
            "it needs.")
    add("")
    lines += boards_side_by_side(everything)

    add("## Request/reply round trip (ticks per round trip)")
    add("")
    add("| system | mechanism | payload B | min | median | p99 | median us | round trips/s |")
    add("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        if r["metric"] != "rtt":
            continue
        add(f"| {r['system']} | {r['mechanism']} | {r['payload']} | {_fmt(r['min_ticks'])} | "
            f"{_fmt(r['median_ticks'])} | {_fmt(r['p99_ticks'])} | {_fmt(r['median_us'], 2)} | "
            f"{r['ops_per_second']:,.0f} |")
    add("")

    add("### Ratios")
    add("")
    add("| payload B | sel4ft rpc / raw passive PPC | raw active / raw passive | best Linux / sel4ft rpc |")
    add("|---:|---:|---:|---:|")
    for p in sorted({r["payload"] for r in rows if r["metric"] == "rtt"}):
        typed = find(rows, "sel4", "rtt", "sel4ft_rpc_passive", p)
        passive = find(rows, "sel4", "rtt", "microkit_ppc_passive", p)
        active = find(rows, "sel4", "rtt", "microkit_ppc_active", p)
        linux = [r for r in rows if r["system"] == "linux" and r["metric"] == "rtt" and r["payload"] == p]
        best = min(linux, key=lambda r: r["median_ticks"]) if linux else None
        cells = [
            f"{typed['median_ticks'] / passive['median_ticks']:.2f}x" if typed and passive else "-",
            f"{active['median_ticks'] / passive['median_ticks']:.2f}x" if active and passive else "-",
            f"{best['median_ticks'] / typed['median_ticks']:.1f}x ({best['mechanism']})" if best and typed else "-",
        ]
        add(f"| {p} | " + " | ".join(cells) + " |")
    add("")

    add("## Throughput")
    add("")
    add("| system | what | per second of virtual time |")
    add("|---|---|---:|")
    for r in rows:
        if r["metric"] == "rtt" and r["payload"] == 64:
            add(f"| {r['system']} | requests, {r['mechanism']}, 64 B | {r['ops_per_second']:,.0f} |")
    for r in rows:
        if r["metric"] == "logs":
            add(f"| {r['system']} | log records end to end, {r['mechanism']} | {r['ops_per_second']:,.0f} |")
    add("")

    add("## Recovery and boot")
    add("")
    add("| system | what | median ticks | median us | samples |")
    add("|---|---|---:|---:|---:|")
    for r in rows:
        if r["metric"] in ("recovery", "boot"):
            what = "crash to retried request served" if r["metric"] == "recovery" else "boot to first request served"
            add(f"| {r['system']} | {what} ({r['mechanism']}) | {_fmt(r['median_ticks'], 0)} | "
                f"{_fmt(r['median_us'], 1)} | {r['samples']} |")
    add("")

    add("## Memory")
    add("")
    add("| system | component | kind | KiB |")
    add("|---|---|---|---:|")
    for m in memory:
        add(f"| {m['system']} | {m['component']} | {m['kind']} | {m['bytes'] / 1024:.1f} |")
    add("")
    if library_code:
        objects = meta.get("library_objects", {})
        add("Library code and read-only data linked into each seL4 PD from libsel4ft.a (from the linker maps), by "
            "object file. The hot paths of the rpc protocol and of the port are inline in the PD's own objects and "
            "are not counted here.")
        add("")
        add("| PD image | bytes from libsel4ft.a | by object |")
        add("|---|---:|---|")
        for image, size in sorted(library_code.items()):
            parts = sorted(objects.get(image, {}).items(), key=lambda kv: -kv[1])
            add(f"| {image} | {size} | " + ", ".join(f"{obj} {n}" for obj, n in parts) + " |")
        add("")

    add("## Targets")
    add("")
    add("| target | wanted | measured | met | note |")
    add("|---|---|---|---|---|")
    for name, wanted, measured, met, note in target_rows:
        add(f"| {name} | {wanted} | {measured} | {'yes' if met else '**no**'} | {note} |")
    add("")
    missed = [t for t in target_rows if not t[3]]
    if missed:
        add("### Why targets are missed")
        add("")
        said = set()
        for name, *_ in missed:
            for prefix, paragraph in meta.get("explanations", {}).items():
                if name.startswith(prefix) and prefix not in said:
                    said.add(prefix)
                    add(paragraph)
                    add("")
    if meta.get("breakdown"):
        add("## Where the instructions go")
        add("")
        add("One operation of each kind, traced instruction by instruction in the same system (`make bench-trace`, "
            "bench/trace.py): instructions per operation by protection domain, with the largest functions. Under "
            "-icount these counts are what the ticks above measure (16 a tick); the traced batches are short, so "
            "a loop's entry and exit add an instruction or two per operation.")
        add("")
        lines.extend(meta["breakdown"])
    before = meta.get("before")
    if before:
        before_rows, before_library = before
        add("## Before and after")
        add("")
        add(f"Against the run in `{meta.get('before_name')}`.")
        add("")
        add("| figure | before | after |")
        add("|---|---:|---:|")
        old = {name: (value, form) for name, value, form in _key_figures(before_rows, before_library)}
        for name, value, form in _key_figures(rows, library_code):
            was = old.get(name, (None, form))[0]
            add(f"| {name} | {form.format(was) if was is not None else '-'} | "
                f"{form.format(value) if value is not None else '-'} |")
        add("")
    add("## Plots")
    add("")
    for name in meta.get("plots", []):
        add(f"![{name}]({name})")
        add("")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return "\n".join(lines)
