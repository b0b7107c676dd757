# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""The Markdown report of a benchmark run."""

from analyse import INSTRUCTIONS_PER_TICK, find


def _fmt(value, digits=1):
    return f"{value:.{digits}f}"


def write_report(path, rows, memory, library_code, target_rows, meta):
    lines = []
    add = lines.append
    add(f"# sel4ft benchmark report")
    add("")
    add(f"Commit `{meta['commit']}`, run `{meta['run']}`. Reproduce with `{meta['command']}`.")
    add("")
    add("**Caveat.** Both systems run in the same `qemu-system-aarch64` (`-machine virt,virtualization=on -cpu "
        "cortex-a53`) under `-icount shift=0,align=off,sleep=off`: virtual time counts guest instructions "
        "(1 ns each; one 62.5 MHz counter tick = 16 instructions). The figures measure code-path length, "
        "not latency on real hardware: caches, TLBs, pipelines and memory bandwidth are not modelled. Two runs "
        "of the same commit give the same figures.")
    add("")

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
        add("Library code and read-only data linked into each seL4 PD (from the linker maps):")
        add("")
        add("| PD image | bytes from libsel4ft.a |")
        add("|---|---:|")
        for image, size in sorted(library_code.items()):
            add(f"| {image} | {size} |")
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
        for paragraph in meta.get("explanations", []):
            add(paragraph)
            add("")
    add("## Plots")
    add("")
    for name in meta.get("plots", []):
        add(f"![{name}]({name})")
        add("")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return "\n".join(lines)
