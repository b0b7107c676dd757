/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* One of the recovery example's scenarios: what happens in it, as data. The build links exactly one of
 * scenarios/<name>.c (make SCENARIO=<name>), which defines `scenario`; each PD reads what concerns it at run
 * time. A PD a scenario does not use stays idle. */

#include <stdbool.h>
#include <stdint.h>

/* A crash client_a arms in the server (OP_INJECT) just before one of its rounds. */
typedef struct {
    uint32_t round; /* 1-based; 0: none */
    uint32_t point; /* enum crash_point */
} recovery_crash_t;

typedef struct {
    bool client_rounds;          /* client_a and client_b run their rounds of updates against the server */
    bool client_b_hostile;       /* first, client_b sends garbage requests and scribbles on its log ring */
    recovery_crash_t crashes[2]; /* the server crashes client_a arms during the rounds */
    bool crasher_crashes;        /* the crasher crashes in every incarnation until its policy gives up */
    bool hanger_hangs;           /* the hanger answers heartbeats, then stops; the monitor watches them */
} recovery_scenario_t;

extern const recovery_scenario_t scenario;
