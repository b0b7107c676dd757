/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The reasons the supervision policy and the engine give for their decisions, each one object: a binary event
 * record names a reason by its index here instead of carrying its text (faultmon_event.c). */

#include "internal.h"

const char *const sel4ft_reasons_[SEL4FT_REASON_NUM_] = {
    [SEL4FT_REASON_INVALID_POLICY_] = "invalid policy",
    [SEL4FT_REASON_AFTER_GIVING_UP_] = "failed again after the policy gave up",
    [SEL4FT_REASON_LIMIT_REACHED_] = "restart limit within the window reached",
    [SEL4FT_REASON_FIRST_AFTER_QUIET_] = "first failure after a quiet window: restart at once",
    [SEL4FT_REASON_FIRST_] = "first failure: restart at once",
    [SEL4FT_REASON_AGAIN_BACKOFF_] = "failed again within the window: restart after a back-off",
    [SEL4FT_REASON_AGAIN_AT_ONCE_] = "failed again within the window: restart at once (no back-off)",
    [SEL4FT_REASON_ACTION_STOP_] = "its action is stop",
    [SEL4FT_REASON_UNREASONABLE_] = "a failure the monitor cannot reason about: stopped, not guessed at",
    [SEL4FT_REASON_WITH_GROUP_] = "restarted with its group",
    [SEL4FT_REASON_BACKOFF_OVER_] = "back-off over",
};
