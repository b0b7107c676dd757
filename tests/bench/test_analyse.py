#!/usr/bin/env python3
# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Tests of the benchmark harness's parsing and statistics, on logs recorded from real runs."""

import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "bench"))
sys.path.insert(0, os.path.join(TOP, "tests"))

import analyse  # noqa: E402
import inject  # noqa: E402
import inject_seeds  # noqa: E402
import report  # noqa: E402
import qemu  # noqa: E402  (bench/inject.py put tests/qemu on the path)
import results  # noqa: E402
import test_blk  # noqa: E402  (tests/bench: this folder)


def data(name):
    with open(os.path.join(HERE, "data", name), encoding="utf-8") as f:
        return f.read()


class ParseTest(unittest.TestCase):
    def test_recorded_sel4_log(self):
        samples, memory, done = analyse.parse_log(data("sel4-serial.log"))
        self.assertEqual(done, ["sel4"])
        self.assertEqual(memory, [])
        metrics = [s["metric"] for s in samples]
        self.assertEqual(metrics.count("rtt"), 9)
        self.assertEqual(metrics.count("logs"), 3)
        self.assertEqual(metrics.count("recovery"), 3)
        self.assertEqual(metrics.count("boot"), 1)
        first = samples[1]
        self.assertEqual((first["mechanism"], first["payload"], first["ops"], first["ticks"]),
                         ("microkit_ppc_passive", 64, 1000, 49970))

    def test_noise_is_ignored_but_malformed_bench_lines_are_errors(self):
        samples, _, done = analyse.parse_log("Booting all finished\nclient|INFO: hi\nBENCH-DONE linux\n")
        self.assertEqual(samples, [])
        self.assertEqual(done, ["linux"])
        with self.assertRaises(analyse.ParseError):
            analyse.parse_log("BENCH sel4 rtt x 64 1000\n")
        with self.assertRaises(analyse.ParseError):
            analyse.parse_log("BENCH sel4 rtt x 64 0 100\n")

    def test_memory_lines(self):
        _, memory, _ = analyse.parse_log("MEM linux server rss 1236992\r\n")
        self.assertEqual(memory, [{"system": "linux", "component": "server", "kind": "rss", "bytes": 1236992}])


class StatisticsTest(unittest.TestCase):
    def test_percentile_is_nearest_rank(self):
        values = list(range(1, 101))
        self.assertEqual(analyse.percentile(values, 0.5), 50)
        self.assertEqual(analyse.percentile(values, 0.99), 99)
        self.assertEqual(analyse.percentile([7], 0.99), 7)
        self.assertEqual(analyse.percentile([3, 1, 2], 1.0), 3)

    def test_summary_is_per_operation(self):
        samples = [{"system": "sel4", "metric": "rtt", "mechanism": "m", "payload": 0, "ops": 100, "ticks": t}
                   for t in (1000, 1100, 1200, 5000)]
        (row,) = analyse.summarise(samples)
        self.assertEqual(row["samples"], 4)
        self.assertEqual(row["min_ticks"], 10.0)
        self.assertEqual(row["median_ticks"], 11.5)
        self.assertEqual(row["p99_ticks"], 50.0)
        self.assertAlmostEqual(row["median_us"], 11.5 * 1e6 / 62_500_000)
        self.assertAlmostEqual(row["ops_per_second"], 62_500_000 / 11.5)

    def test_recorded_log_summary(self):
        samples, _, _ = analyse.parse_log(data("sel4-serial.log"))
        rows = analyse.summarise(samples)
        raw = analyse.find(rows, "sel4", "rtt", "microkit_ppc_passive", 64)
        typed = analyse.find(rows, "sel4", "rtt", "sel4ft_rpc_passive", 64)
        self.assertEqual(raw["median_ticks"], 50.046)
        self.assertEqual(typed["median_ticks"], 73.107)
        recovery = analyse.find(rows, "sel4", "recovery", "monitor_restart", 0)
        self.assertEqual(recovery["median_ticks"], 2019)

    def test_each_system_in_its_own_counter(self):
        # riscv64's seL4 names its 10 MHz counter (BENCH-CLOCK); a log without that line is at 62.5 MHz.
        samples, _, done = analyse.parse_log(data("sel4-riscv64-serial.log"))
        self.assertEqual(done, ["sel4"])
        self.assertTrue(all(s["hz"] == 10_000_000 for s in samples))
        rows = analyse.summarise(samples)
        raw = analyse.find(rows, "sel4", "rtt", "microkit_ppc_passive", 64)
        self.assertEqual(raw["median_ticks"], 9.19)
        self.assertAlmostEqual(raw["median_us"], 0.919)
        self.assertAlmostEqual(raw["median_instructions"], 919.0)
        aarch64, _, _ = analyse.parse_log(data("sel4-serial.log"))
        self.assertTrue(all(s["hz"] == analyse.TICK_HZ for s in aarch64))
        row = analyse.find(analyse.summarise(aarch64), "sel4", "rtt", "microkit_ppc_passive", 64)
        self.assertAlmostEqual(row["median_instructions"], 50.046 * 16)
        with self.assertRaises(analyse.ParseError):
            analyse.parse_log("BENCH-CLOCK sel4 0\n")

    def test_report_sets_both_boards_side_by_side(self):
        aarch64, _, _ = analyse.parse_log(data("sel4-serial.log"))
        riscv64, _, _ = analyse.parse_log(data("sel4-riscv64-serial.log"))
        for s in riscv64:
            s["system"] = report.BOARD_SYSTEMS["qemu_virt_riscv64"]
        rows = analyse.summarise(aarch64 + riscv64)
        table = report.boards_side_by_side(rows)
        header = next(line for line in table if line.startswith("| metric"))
        self.assertIn("qemu_virt_aarch64 median | qemu_virt_riscv64 median", header)
        passive = next(line for line in table if "| rtt | microkit_ppc_passive | 64 |" in line)
        self.assertEqual(passive, "| rtt | microkit_ppc_passive | 64 | 801 | 919 | 1.15x |")
        # The tables in ticks keep to one counter: riscv64's rows are not among them.
        self.assertEqual({r["system"] for r in analyse.reference_rows(rows)}, {"sel4"})
        self.assertEqual(report.boards_side_by_side(analyse.summarise(aarch64)), [])
        with tempfile.TemporaryDirectory() as directory:
            text = report.write_report(os.path.join(directory, "report.md"), rows, [], {}, [],
                                       {"commit": "c", "run": "r", "command": "make bench"})
        self.assertIn("## seL4 on both boards", text)
        self.assertNotIn("| sel4-riscv64 | microkit_ppc_passive", text)

    def test_targets_say_met_or_missed(self):
        samples, _, _ = analyse.parse_log(data("sel4-serial.log"))
        rows = analyse.summarise(samples)
        library = {"client.elf": 5000, "echo_server.elf": 100, "monitor.elf": 20000}
        found = {t[0]: t for t in analyse.targets(rows, library)}
        ratio = found["sel4ft request / raw passive PPC, 64 B"]
        self.assertEqual(ratio[2], "1.461x")
        self.assertFalse(ratio[3])
        self.assertNotIn("sel4ft request / raw passive PPC, 1024 B", found)
        # Only request-path PDs count: the monitor may be larger.
        size = found["library code in a request-path PD"]
        self.assertFalse(size[3])
        self.assertIn("client.elf", size[2])
        self.assertNotIn("monitor", size[2])
        library["client.elf"] = 4096
        self.assertTrue({t[0]: t for t in analyse.targets(rows, library)}["library code in a request-path PD"][3])
        self.assertNotIn("best Linux round trip / sel4ft request, 64 B", found)  # no Linux samples in this log
        self.assertNotIn("log records per second, seL4 / Linux, same ring", found)
        rows.append({"system": "linux", "metric": "rtt", "mechanism": "pipe", "payload": 64, "samples": 1,
                     "min_ticks": 2000.0, "median_ticks": 2000.0, "p99_ticks": 2000.0, "median_us": 32.0,
                     "ops_per_second": 31250.0})
        sel4_logs = analyse.find(rows, "sel4", "logs", "sel4ft_logring", 64)
        rows.append(dict(sel4_logs, system="linux", ops_per_second=sel4_logs["ops_per_second"] / 2))
        found = {t[0]: t for t in analyse.targets(rows, {})}
        versus = found["best Linux round trip / sel4ft request, 64 B"]
        self.assertEqual(versus[2], "27.36x")
        self.assertTrue(versus[3])
        logs = found["log records per second, seL4 / Linux, same ring"]
        self.assertEqual(logs[2], "2.00x")
        self.assertTrue(logs[3])

    def test_load_run_reads_what_the_harness_writes(self):
        samples, _, _ = analyse.parse_log(data("sel4-serial.log"))
        rows = analyse.summarise(samples)
        with tempfile.TemporaryDirectory() as directory:
            analyse.write_csv(os.path.join(directory, "summary.csv"), rows,
                              ["system", "metric", "mechanism", "payload", "samples", "min_ticks", "median_ticks",
                               "p99_ticks", "median_us", "ops_per_second"])
            analyse.write_csv(os.path.join(directory, "library.csv"),
                              [{"image": "a.elf", "object": "rpc.o", "bytes": 10},
                               {"image": "a.elf", "object": "fmt.o", "bytes": 5}], ["image", "object", "bytes"])
            loaded, library = analyse.load_run(directory)
        self.assertEqual(library, {"a.elf": 15})
        typed = analyse.find(loaded, "sel4", "rtt", "sel4ft_rpc_passive", 64)
        self.assertEqual(typed["median_ticks"], 73.107)
        self.assertEqual(typed["payload"], 64)


class InjectTabulateRiscv64Test(unittest.TestCase):
    """bench/inject.py on a recorded seL4 campaign on qemu_virt_riscv64 (release, seed 1, 60 injections)."""

    def tabulate(self, board):
        saved = inject.EXPECTED_FAILURE
        inject.EXPECTED_FAILURE = inject.EXPECTED_FAILURE_BY_BOARD[board]
        try:
            return inject.tabulate(data("inject-riscv64-serial.log").splitlines())
        finally:
            inject.EXPECTED_FAILURE = saved

    def test_recorded_campaign_is_clean_with_riscv64_causes(self):
        rows, summary = self.tabulate("qemu_virt_riscv64")
        self.assertEqual(sum(r["injected"] for r in rows), 60)
        self.assertEqual([(r["target"], r["kind"]) for r in rows if not inject.row_ok(r)], [])
        self.assertEqual(summary["done"], (60, 1))
        self.assertEqual(summary["read_backs_exact"], {"client_a": 1, "client_b": 1})
        self.assertTrue(summary["shared_exact"])

    def test_aarch64_causes_do_not_match_riscv64_faults(self):
        # The same log read with aarch64's expectations: an undefined instruction has no ec=0x00 there, a
        # read-only write no permission-fault fsc: those rows are not "as expected".
        rows, _ = self.tabulate("qemu_virt_aarch64")
        failing = {r["kind"] for r in rows if r["injected"] and r["as_expected"] < r["detected"]}
        self.assertIn("undefined_instruction", failing)
        self.assertIn("readonly_write", failing)


class InjectTabulateTest(unittest.TestCase):
    """bench/inject.py on a recorded seL4 campaign (release, seed 1, 60 injections into four PDs)."""

    def lines(self):
        return data("inject-serial.log").splitlines()

    def failing(self, lines):
        rows, _ = inject.tabulate(lines)
        return [(r["target"], r["kind"]) for r in rows if not inject.row_ok(r)]

    def test_recorded_campaign_is_clean(self):
        rows, summary = inject.tabulate(self.lines())
        self.assertEqual(sum(r["injected"] for r in rows), 60)
        self.assertEqual(self.failing(self.lines()), [])
        self.assertEqual(summary["done"], (60, 1))
        self.assertEqual(summary["read_backs_exact"], {"client_a": 1, "client_b": 1})
        self.assertTrue(summary["shared_exact"])
        self.assertEqual((summary["escaped_after"], summary["pd_errors"], summary["mismatches"]), (0, 0, 0))
        handled = sum(r["recovered"] + r["contained"] for r in rows)
        self.assertEqual(handled, 60)

    def test_an_injection_the_target_never_announced_fails_its_row(self):
        lines = self.lines()
        i = next(k for k, line in enumerate(lines) if line.startswith("server|INFO: INJECT "))
        target, kind = lines[i].split()[3:5]
        self.assertEqual(self.failing(lines[:i] + lines[i + 1:]), [(target, kind)])

    def test_a_wrong_decode_or_a_missing_flood_record_fails_its_row(self):
        rows, _ = inject.tabulate(self.lines())
        null_writes = sorted((r["target"], r["kind"]) for r in rows if r["kind"] == "null_write" and r["injected"])
        self.assertNotEqual(null_writes, [])
        lines = [line.replace(" access=write addr=0x0 ", " access=write addr=0x8 ") for line in self.lines()]
        self.assertEqual(sorted(self.failing(lines)), null_writes)
        # An undefined instruction is a user exception with exception class 0: another class fails its rows.
        undefined = sorted((r["target"], r["kind"]) for r in rows
                           if r["kind"] == "undefined_instruction" and r["injected"])
        self.assertNotEqual(undefined, [])
        lines = [line.replace(" ec=0x00 ", " ec=0x01 ") for line in self.lines()]
        self.assertEqual(sorted(self.failing(lines)), undefined)
        lines = self.lines()
        i = next(k for k, line in enumerate(lines) if "|INFO: flood " in line)
        target = lines[i].split("|")[0]
        self.assertEqual(self.failing(lines[:i] + lines[i + 1:]), [(target, "log_flood")])

    def test_an_escape_during_an_injection_fails_its_row(self):
        lines = self.lines()
        i = next(k for k, line in enumerate(lines) if line.startswith("monitor|INFO: result n=5 "))
        target, kind = (lines[i].split(" target=")[1].split()[0], lines[i].split(" kind=")[1].split()[0])
        escape = "monitor|ERROR: escaped child=logger failures=1 n=5 target=" + target
        self.assertEqual(self.failing(lines[:i] + [escape] + lines[i:]), [(target, kind)])

    def test_failures_after_the_campaign_and_bad_read_backs_are_caught(self):
        _, summary = inject.tabulate(self.lines() + ["monitor|ERROR: failed child=crasher incarnation=9 cause=fault "
                                                     "fault=vm access=read addr=0x0 ip=0x1 at=1"])
        self.assertEqual(summary["escaped_after"], 1)
        _, summary = inject.tabulate(self.lines() + ["monitor|ERROR: escaped child=logger failures=2"])
        self.assertEqual(summary["escaped_outside"], 2)
        extra = ["client_b|INFO: read back after 5 rounds: counter 5, list of 5 items, 5 of them in order: nothing "
                 "lost, nothing applied twice", "client_a|INFO: shared counter: 9 after 4 rounds: MISMATCH"]
        _, summary = inject.tabulate(self.lines() + extra)
        self.assertEqual(summary["read_backs_exact"], {"client_a": 1, "client_b": 2})
        self.assertEqual(summary["mismatches"], 1)


class InjectMonitorTest(unittest.TestCase):
    """bench/inject.py on a recorded campaign with the monitor among the targets (release, seed 5, 20 injections, 5 of
    them into the monitor, which its parent, the root, restarts): each of the monitor's results is matched to the
    root's failure event by the incarnation that failed, whatever the order the two rings were printed in."""

    def lines(self):
        return data("inject-serial-monitor.log").splitlines()

    def test_recorded_campaign_is_clean(self):
        rows, summary = inject.tabulate(self.lines())
        monitor = [r for r in rows if r["target"] == "monitor" and r["injected"]]
        self.assertEqual(sum(r["injected"] for r in monitor), 5)
        self.assertTrue(all(inject.row_ok(r) for r in rows))
        self.assertEqual(sum(r["recovered"] for r in monitor), 5)
        self.assertEqual((summary["unattributed"], summary["unattributed_monitor_failures"], summary["pd_errors"]),
                         (0, 0, 0))
        self.assertEqual(summary["done"], (20, 5))
        self.assertEqual(summary["last"], "20: monitor readonly_write at middle: recovered_fault")

    def test_a_monitor_result_without_the_roots_failure_fails_its_row(self):
        failed = "root|ERROR: failed child=monitor incarnation=1 "
        lines = [line for line in self.lines() if not line.startswith(failed)]
        rows, _ = inject.tabulate(lines)
        self.assertEqual([(r["target"], r["kind"]) for r in rows if not inject.row_ok(r)], [("monitor", "null_read")])

    def test_a_failure_of_the_monitor_no_injection_explains_is_counted(self):
        extra = ("root|ERROR: failed child=monitor incarnation=6 cause=fault fault=vm access=read addr=0x0 ip=0x1 "
                 "ec=0x24 fsc=0x06 at=1")
        _, summary = inject.tabulate(self.lines() + [extra])
        self.assertEqual(summary["unattributed_monitor_failures"], 1)
        # Any other error of the root is a PD error; its reports of the monitor's failures are not.
        _, summary = inject.tabulate(self.lines() + ["root|ERROR: something else"])
        self.assertEqual(summary["pd_errors"], 1)


class InjectSeedsTest(unittest.TestCase):
    """bench/inject_seeds.py's summary across seeds: a seed that fails on either system shows, and is counted."""

    def verdict(self, seed, sel4_ok, linux_ok):
        rows, summary = inject.tabulate(data("inject-serial-monitor.log").splitlines())
        totals = {k: sum(r[k] for r in rows) for k in inject.COLUMNS}
        sel4 = {"ok": sel4_ok, "finished": True, "wall_seconds": 5, "virtual_seconds": 0.3, "failing": [] if sel4_ok
                else ["monitor/null_read"], "totals": totals, "rows": rows, "last": summary["last"],
                "escaped_outside": 0, "escaped_after": 0}
        linux = {"ok": linux_ok, "applicable": 1, "lost": 0, "doubled": 0, "escaped": 0, "margin": None,
                 "totals": {"recovered": 1}, "rows": []}
        return {"seed": seed, "sel4": sel4, "linux": linux}

    def test_summary(self):
        class Args:
            injections, config, jobs, linux_load, linux_only, linux_binary = 20, "release", 1, 2, False, "x"
        text = inject_seeds.summary_text(Args, [self.verdict(5, True, True), self.verdict(6, False, True)], "c0ffee",
                                         60, 3)
        self.assertIn("1 of 2 seeds passed; Linux", text)
        self.assertIn("2 of 2 seeds passed", text)
        self.assertIn("**Incomplete:** 2 of the 3 seeds planned", text)
        self.assertIn("| 6 | **FAILED** monitor/null_read |", text)
        self.assertIn("| monitor | null_read | 2 | 2 | 2 | 2 | 0 | 0 | 0 | 0 | 2 |", text)
        self.assertFalse(inject_seeds.passed(self.verdict(6, False, True), "sel4"))
        self.assertFalse(inject_seeds.passed({"seed": 7, "sel4": None}, "sel4"))


class InjectLinuxTabulateTest(unittest.TestCase):
    """bench/inject.py on a recorded Linux campaign (sel4ft-baseline inject, seed 1, 100 injections of which 19 apply
    on Linux): the supervisor's events."""

    def lines(self):
        return data("linux-inject.log").splitlines()

    def verdict(self, lines):
        rows, summary = inject.tabulate_linux(lines)
        total = {k: sum(r[k] for r in rows) for k in ("injected", "detected", "as_expected", "recovered")}
        return total, summary, inject.linux_ok(rows, summary, 0, 100, 1)

    def test_recorded_campaign_is_clean(self):
        total, summary, ok = self.verdict(self.lines())
        self.assertTrue(ok)
        self.assertEqual(total, {"injected": 19, "detected": 19, "as_expected": 19, "recovered": 19})
        self.assertEqual(summary["shared"], ("yes", "yes"))
        self.assertEqual((summary["lost"], summary["doubled"], summary["escaped"]), (0, 0, 0))
        self.assertFalse(inject.linux_ok(*inject.tabulate_linux(self.lines()), 1, 100, 1))  # the exit status counts

    def test_a_wrong_signal_or_too_few_missed_beats_is_not_as_expected(self):
        total, _, ok = self.verdict([line.replace(" signal=4 ", " signal=6 ") for line in self.lines()])
        self.assertEqual((total["detected"], total["as_expected"], ok), (19, 16, False))
        total, _, ok = self.verdict([line.replace(" missed=2 ", " missed=1 ") for line in self.lines()])
        self.assertEqual((total["as_expected"], ok), (14, False))

    def test_an_exit_is_not_a_detection(self):
        lines = self.lines()
        i = next(k for k, line in enumerate(lines) if " cause=signal signal=11 " in line)
        lines[i] = lines[i].replace(" cause=signal signal=11 ", " cause=exit status=3 ")
        total, _, ok = self.verdict(lines)
        self.assertEqual((total["detected"], total["recovered"], ok), (18, 18, False))

    def test_a_missing_or_second_recovery_is_not_a_recovery(self):
        lines = self.lines()
        i = next(k for k, line in enumerate(lines) if "|INFO: recovered child=crasher incarnation=5 " in line)
        total, _, ok = self.verdict(lines[:i] + lines[i + 1:])
        self.assertEqual((total["recovered"], ok), (18, False))
        total, _, ok = self.verdict(lines[:i] + [lines[i]] + lines[i:])
        self.assertEqual((total["recovered"], ok), (18, False))

    def test_failures_outside_the_injections_are_caught(self):
        extra = ["supervisor|ERROR: failed child=crasher incarnation=99 cause=signal signal=11 at=1",
                 "supervisor|ERROR: failed child=server incarnation=1 cause=signal signal=9 at=1"]
        total, summary, ok = self.verdict(self.lines() + extra)
        self.assertEqual((total["detected"], summary["unattributed"], ok), (19, 2, False))
        # A second failure of an injected incarnation: that injection is not counted detected either.
        lines = self.lines()
        i = next(k for k, line in enumerate(lines) if "|ERROR: failed child=crasher incarnation=3 " in line)
        total, _, ok = self.verdict(lines[:i] + [lines[i]] + lines[i:])
        self.assertEqual((total["detected"], ok), (18, False))

    def test_a_missing_injection_or_summary_is_caught(self):
        lines = self.lines()
        i = next(k for k, line in enumerate(lines) if "|INFO: inject n=3 " in line)
        total, summary, ok = self.verdict(lines[:i] + lines[i + 1:])
        self.assertEqual((total["injected"], summary["numbered"], summary["unattributed"], ok), (18, False, 1, False))
        for kind in ("outcome", "campaign_done", "campaign "):
            _, _, ok = self.verdict([line for line in self.lines() if f"|INFO: {kind}" not in line])
            self.assertFalse(ok, kind)


class EventPatternTest(unittest.TestCase):
    """tests/qemu/qemu.py: event lines and '@' patterns in expectation files."""

    LINE = ('monitor|WARN: restart child=server incarnation=2 in_window=1 delay_ticks=0 at=123456 '
            'reason="first failure: \\"at\\" once"')

    def test_parse_event(self):
        self.assertEqual(qemu.parse_log_event(self.LINE),
                         ("monitor", "WARN", "restart", {"child": "server", "incarnation": "2", "in_window": "1",
                                                         "delay_ticks": "0", "at": "123456",
                                                         "reason": 'first failure: "at" once'}))
        # Prose is not an event, nor is a line without the PD|LEVEL prefix.
        for line in ("monitor|INFO: supervising server, crasher (counter at 62500000 Hz)",
                     "server|INFO: ready: epoch 1, 4168-byte state", "restart child=server",
                     'monitor|INFO: x a="unterminated'):
            self.assertIsNone(qemu.parse_log_event(line), line)

    def test_patterns(self):
        def match(pattern, line=self.LINE):
            return qemu.matcher(pattern).search(line)
        self.assertTrue(match("@restart child=server incarnation=2"))
        self.assertTrue(match("@monitor|WARN: restart child=server"))
        self.assertTrue(match("@monitor: restart"))
        self.assertTrue(match('@restart reason="first failure: \\"at\\" once" at~\\d+'))
        self.assertFalse(match("@restart child=serve"))            # equal, not a prefix
        self.assertFalse(match("@restart at~12345"))               # the regex must match the whole value
        self.assertFalse(match("@restart child=server group=7"))   # a field the line lacks
        self.assertFalse(match("@recovered child=server"))
        self.assertFalse(match("@logger: restart child=server"))
        self.assertFalse(match("@monitor|ERROR: restart child=server"))
        self.assertTrue(match(r"^monitor\|WARN: restart"))        # without '@': a regex, as before
        with self.assertRaises(ValueError):
            qemu.matcher("@restart child")

    def test_expectations_with_events(self):
        with tempfile.NamedTemporaryFile("w", suffix=".expect", delete=False, encoding="utf-8") as f:
            path = f.name
            f.write("done: ^logger\\|INFO: done$\n"
                    "expect: @failed child=server cause=fault\n"
                    "expect: @monitor|WARN: restart child=server incarnation=2\n"
                    "count: 1 @restart child=server\n"
                    "forbid: @gave_up\n"
                    "present: @recovered child=server ticks~\\d+\n")
        try:
            expectations = qemu.load_expectations(path, "debug")
        finally:
            os.remove(path)
        lines = ["monitor|ERROR: failed child=server incarnation=1 cause=fault fault=vm at=1",
                 self.LINE, "monitor|INFO: recovered child=server incarnation=2 ticks=20 us=0.320 at=9",
                 "logger|INFO: done"]
        self.assertEqual(qemu.check(lines, expectations, True, 1), [])
        problems = qemu.check([lines[1], lines[1], lines[0], "monitor|ERROR: gave_up child=server"], expectations,
                              True, 1)
        self.assertEqual(problems, [
            "expected line '@monitor|WARN: restart child=server incarnation=2' appears, but out of order",
            "expected line '@recovered child=server ticks~\\d+' is missing",
            "forbidden line matched '@gave_up': monitor|ERROR: gave_up child=server",
            "expected 1 lines matching '@restart child=server', saw 2"])


class BuildProductsTest(unittest.TestCase):
    def test_library_share_counts_placed_sections_only(self):
        # 0x288 of rpc.o text and 0x43 of fmt.o strings were placed; the discarded ones must not count.
        self.assertEqual(analyse.library_code_from_map(data("client.map")), 0x288 + 0x43)

    def test_elf_sizes(self):
        code, data_bytes = analyse.elf_sizes(data("client-size.txt"))
        self.assertEqual(code, 8452 + 51 + 409 + 66 + 16 + 16 + 14 + 616 + 96 + 67)
        self.assertEqual(data_bytes, 0)

    def test_system_mappings(self):
        with open(os.path.join(TOP, "bench", "sel4", "bench.system"), encoding="utf-8") as f:
            mappings = analyse.system_mappings(f.read())
        self.assertEqual(mappings["raw_passive"], {"mapped": 0x2000, "stack": 0x1000, "image": "raw.elf"})
        self.assertEqual(mappings["client"]["image"], "client.elf")
        # The UART, four request regions, the crash record, the log ring (a whole sample's slots), the consumer's
        # progress.
        self.assertEqual(mappings["client"]["mapped"], 0x1000 + 4 * 0x2000 + 0x1000 + 0x81000 + 0x1000)


def main():
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    suite.addTests(unittest.defaultTestLoader.loadTestsFromModule(test_blk))  # bench/blk.py
    outcome = unittest.TextTestRunner(verbosity=1).run(suite)
    failed = len(outcome.failures) + len(outcome.errors)
    passed = outcome.testsRun - failed
    print(f"harness: {passed} passed, {failed} failed")
    results_dir = sys.argv[1] if len(sys.argv) > 1 else None
    results.record(results_dir, "harness", passed, failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
