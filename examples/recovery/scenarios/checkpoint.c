/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* checkpoint: the server corrupts the checkpoint slot it has just written, then crashes; the corrupted slot must
 * be rejected and the older one used. */

#include "recovery_protocol.h"
#include "scenario.h"

const recovery_scenario_t scenario = {
    .client_rounds = true,
    .crashes = { { 25, CRASH_CORRUPT_COMMIT } },
};
