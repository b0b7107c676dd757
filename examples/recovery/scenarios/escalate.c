/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* escalate: the crasher crashes in every incarnation, each time in another way, until its policy gives up. */

#include "scenario.h"

const recovery_scenario_t scenario = { .crasher_crashes = true };
