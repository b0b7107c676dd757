# Copyright 2026, the sel4ft authors
#
# SPDX-License-Identifier: BSD-2-Clause
"""Tests of bench/blk.py (make blk-inject, make blk-bench): how the driver campaign's serial log is tabulated and
how a crash's cost is found among the client's passes. Run by tests/bench/test_analyse.py (make harness-test).
The log lines are in the block system's event format (doc/events.md), as its PDs print them."""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "bench"))

import blk  # noqa: E402

START = [
    "logger|INFO: ready: 4 log rings, console on the PL011 UART",
    "blk_driver|INFO: driver_start incarnation=1",
    "blk_virt|INFO: driver_handover incarnation=1 completed_before=0 in_flight=0 held_by_driver=0 resubmitted=0 "
    "dropped_completions=0 total_resubmitted=0",
    "monitor|INFO: campaign injections=2 seed=1 crash_period_ms=0 targets=blk_driver",
]
# A NULL write before an interrupt, with 32 requests in the device: detected, decoded, recovered, handed over.
NULL_WRITE = [
    "blk_driver|INFO: inject n=1 kind=null_write point=before_irq",
    "monitor|ERROR: failed child=blk_driver incarnation=1 cause=fault fault=vm access=write addr=0x0 ip=0x2001ec "
    "ec=0x24 fsc=0x06 at=100 text=\"VM fault\"",
    "monitor|WARN: restart child=blk_driver incarnation=2 in_window=1 delay_ticks=0 at=100 reason=\"at once\"",
    "monitor|INFO: recovered child=blk_driver incarnation=2 ticks=5192 us=83.072 at=5292",
    "monitor|INFO: result n=1 target=blk_driver kind=null_write point=before_irq outcome=recovered_fault",
    "blk_virt|WARN: driver_handover incarnation=2 completed_before=3 in_flight=32 held_by_driver=32 resubmitted=32 "
    "dropped_completions=0 total_resubmitted=32",
]
# A hang after taking requests: found by two missed heartbeats; the dead driver held nothing.
HANG = [
    "blk_driver|INFO: inject n=2 kind=hang point=after_request",
    "monitor|ERROR: failed child=blk_driver incarnation=2 cause=hang missed=2 at=900",
    "monitor|INFO: recovered child=blk_driver incarnation=3 ticks=6000 us=96.000 at=6900",
    "monitor|INFO: result n=2 target=blk_driver kind=hang point=after_request outcome=recovered_hang",
    "blk_virt|WARN: driver_handover incarnation=3 completed_before=0 in_flight=5 held_by_driver=0 resubmitted=5 "
    "dropped_completions=0 total_resubmitted=37",
]
DONE = [
    "monitor|INFO: campaign_done injections=2 seed=1 recovered=2 timed_out=0 given_up=0",
    "client|INFO: client_done passes=3 blocks=1792 verified=5376 unverified=0 mismatches=0 errors=0 unexpected=0 "
    "requests=2688 bytes=44040192 ticks=1 instructions=0 user_instructions=0",
    "logger|INFO: done",
]


def row(rows, kind, point):
    return next(r for r in rows if (r["kind"], r["point"]) == (kind, point))


class InjectTableTest(unittest.TestCase):
    def test_a_clean_campaign(self):
        rows, s = blk.tabulate_inject(START + NULL_WRITE + HANG + DONE)
        self.assertEqual(len(rows), 2)  # only the (kind, point) pairs that were injected
        for kind, point in (("null_write", "before_irq"), ("hang", "after_request")):
            r = row(rows, kind, point)
            self.assertEqual((r["injected"], r["struck"], r["detected"], r["as_expected"], r["recovered"]),
                             (1, 1, 1, 1, 1), kind)
        # The first incarnation's admission is no handover after a restart.
        self.assertEqual((s["handovers"], s["resubmitted"], s["held"], s["completed_before"], s["dropped"]),
                         (2, 37, 1, 3, 0))
        self.assertEqual((s["timed_out"], s["unexpected_failures"], s["gave_up"], s["pd_errors"]), (0, 0, 0, 0))
        self.assertEqual(s["done"]["recovered"], 2)
        self.assertTrue(blk.client_clean(s["client"]))

    def test_a_failure_decoded_otherwise_is_detected_but_not_as_expected(self):
        wrong = [line.replace("access=write addr=0x0", "access=read addr=0x8") for line in NULL_WRITE]
        rows, _ = blk.tabulate_inject(START + wrong + DONE)
        r = row(rows, "null_write", "before_irq")
        self.assertEqual((r["detected"], r["as_expected"], r["recovered"]), (1, 0, 1))

    def test_an_injection_that_never_struck_or_failed(self):
        quiet = [NULL_WRITE[4].replace("outcome=recovered_fault", "outcome=timed_out")]
        rows, s = blk.tabulate_inject(START + quiet + DONE)
        r = row(rows, "null_write", "before_irq")
        self.assertEqual((r["injected"], r["struck"], r["detected"], r["recovered"]), (1, 0, 0, 0))
        self.assertEqual(s["timed_out"], 1)

    def test_failures_outside_an_injection_and_problems_above_the_driver_are_counted(self):
        stray = "monitor|ERROR: failed child=blk_driver incarnation=3 cause=hang missed=2 at=9000"
        deadline = "monitor|ERROR: failed child=blk_driver incarnation=3 cause=deadline at=9000"
        virt_error = "blk_virt|ERROR: driver_given_up incarnation=3 failed_requests=4"
        dropped = HANG[-1].replace("dropped_completions=0", "dropped_completions=2")
        _, s = blk.tabulate_inject(START + NULL_WRITE + HANG[:-1] + [dropped, stray, deadline, virt_error] + DONE)
        self.assertEqual(s["unexpected_failures"], 1)  # the deadline is the recovery's own, not a failure
        self.assertEqual(s["pd_errors"], 1)
        self.assertEqual(s["dropped"], 2)

    def test_a_client_that_saw_anything_is_not_clean(self):
        _, s = blk.tabulate_inject(START + NULL_WRITE + DONE)
        self.assertTrue(blk.client_clean(s["client"]))
        for field in ("unverified", "mismatches", "errors", "unexpected"):
            self.assertFalse(blk.client_clean(dict(s["client"], **{field: 1})), field)
        self.assertFalse(blk.client_clean(dict(s["client"], verified=0)))

    def test_no_client_done_is_an_error(self):
        with self.assertRaises(SystemExit):
            blk.tabulate_inject(START + NULL_WRITE)


class CrashCostTest(unittest.TestCase):
    def test_the_passes_holding_a_crash_against_the_others(self):
        # The first pass (the client's start) is left out; two passes hold a crash of 100000 and 60000.
        quiet = [10_000_000, 10_000_100, 9_999_900, 10_000_000]
        values = [25_000_000] + quiet[:2] + [10_100_000] + quiet[2:] + [10_060_000]
        extra, total = blk.extra_work(values)
        self.assertAlmostEqual(extra, 160_000)
        self.assertEqual(total, sum(values[1:]))

    def test_noise_below_the_threshold_is_no_crash(self):
        extra, _ = blk.extra_work([1, 10_000_000, 10_000_000 + blk.CRASH_PASS_THRESHOLD, 10_000_000])
        self.assertEqual(extra, 0)
        self.assertEqual(blk.extra_work([5]), (0, 0))

    def test_passes_are_read_from_the_client_lines(self):
        lines = ["client|INFO: pass n=1 verified=1792 mismatches=0 errors=0 ticks=5 instructions=300 "
                 "user_instructions=200", "monitor|INFO: crash n=1 point=before_irq at=7",
                 "client|INFO: pass n=2 verified=3584 mismatches=0 errors=0 ticks=5 instructions=310 "
                 "user_instructions=210"]
        self.assertEqual(blk.passes(lines), [(200, 300), (210, 310)])


if __name__ == "__main__":
    unittest.main()
