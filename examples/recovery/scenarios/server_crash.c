/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* server_crash: the server crashes twice mid-request (after applying an update, after committing one) while two
 * clients keep sending non-idempotent updates. */

#include "recovery_protocol.h"
#include "scenario.h"

const recovery_scenario_t scenario = {
    .client_rounds = true,
    .crashes = { { 15, CRASH_AFTER_APPLY }, { 35, CRASH_AFTER_COMMIT } },
};
