/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* hang: the hanger stops answering heartbeats (an endless loop) and is restarted like a crashed PD. */

#include "scenario.h"

const recovery_scenario_t scenario = { .hanger_hangs = true };
