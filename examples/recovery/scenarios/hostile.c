/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* hostile: client_b sends garbage requests and scribbles on its log ring, then runs its rounds like client_a. */

#include "scenario.h"

const recovery_scenario_t scenario = { .client_rounds = true, .client_b_hostile = true };
