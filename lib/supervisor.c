/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdbool.h>

#include <sel4ft/error.h>
#include <sel4ft/supervisor.h>

#include "internal.h"

int sel4ft_supervisor_policy_check(const sel4ft_supervisor_policy_t *policy)
{
    if (policy == NULL || policy->max_restarts > SEL4FT_SUPERVISOR_HISTORY || policy->window_ticks == 0 ||
        policy->backoff_max_ticks < policy->backoff_first_ticks ||
        policy->escalation >= SEL4FT_SUPERVISOR_ESCALATION_NUM) {
        return -SEL4FT_EINVAL;
    }
    return 0;
}

sel4ft_supervisor_policy_t sel4ft_supervisor_policy_always(void)
{
    /* A window of one tick forgets every restart at once, so the limit is never reached. */
    return (sel4ft_supervisor_policy_t){
        .max_restarts = SEL4FT_SUPERVISOR_HISTORY,
        .escalation = SEL4FT_SUPERVISOR_ESCALATE_STOP,
        .window_ticks = 1,
        .backoff_first_ticks = 0,
        .backoff_max_ticks = 0,
    };
}

void sel4ft_supervisor_state_init(sel4ft_supervisor_state_t *state)
{
    sel4ft_zero_(state, sizeof(*state));
    state->incarnation = 1;
}

void sel4ft_supervisor_reset(sel4ft_supervisor_state_t *state)
{
    uint32_t incarnation = state->incarnation;
    uint64_t failures = state->failures;
    sel4ft_supervisor_state_init(state);
    state->incarnation = incarnation;
    state->failures = failures;
}

/* Drop restarts that fell out of the window ending at now. */
static void forget_old_restarts(sel4ft_supervisor_state_t *state, uint64_t now, uint64_t window)
{
    uint32_t keep = 0;
    for (uint32_t i = 0; i < state->restart_count; i++) {
        if (now - state->restarts[i] < window) {
            state->restarts[keep++] = state->restarts[i];
        }
    }
    state->restart_count = keep;
}

sel4ft_supervisor_decision_t sel4ft_supervisor_on_failure(const sel4ft_supervisor_policy_t *policy,
                                                          sel4ft_supervisor_state_t *state, uint64_t now)
{
    sel4ft_supervisor_decision_t decision = { 0 };

    if (sel4ft_supervisor_policy_check(policy) != 0 || state == NULL) {
        decision.action = SEL4FT_SUPERVISOR_ESCALATE;
        decision.escalation = SEL4FT_SUPERVISOR_ESCALATE_STOP;
        decision.reason = sel4ft_reasons_[SEL4FT_REASON_INVALID_POLICY_];
        return decision;
    }
    /* A clock that went backwards is treated as no time passing. */
    if (now < state->last_failure_ticks) {
        now = state->last_failure_ticks;
    }
    bool quiet = state->failures == 0 || now - state->last_failure_ticks >= policy->window_ticks;
    state->failures++;
    state->last_failure_ticks = now;
    forget_old_restarts(state, now, policy->window_ticks);
    decision.incarnation = state->incarnation;

    if (state->escalated) {
        decision.action = SEL4FT_SUPERVISOR_ESCALATE;
        decision.escalation = policy->escalation;
        decision.restarts_in_window = state->restart_count;
        decision.reason = sel4ft_reasons_[SEL4FT_REASON_AFTER_GIVING_UP_];
        return decision;
    }
    if (state->restart_count >= policy->max_restarts) {
        state->escalated = 1;
        decision.action = SEL4FT_SUPERVISOR_ESCALATE;
        decision.escalation = policy->escalation;
        decision.restarts_in_window = state->restart_count;
        decision.reason = sel4ft_reasons_[SEL4FT_REASON_LIMIT_REACHED_];
        return decision;
    }

    if (quiet) {
        state->consecutive = 0;
    }
    if (state->consecutive == 0) {
        decision.delay_ticks = 0;
        decision.reason = quiet && state->failures > 1 ? sel4ft_reasons_[SEL4FT_REASON_FIRST_AFTER_QUIET_]
                                                       : sel4ft_reasons_[SEL4FT_REASON_FIRST_];
    } else {
        /* Double per failure in a row, without overflowing the shift or the cap. */
        uint64_t delay = policy->backoff_first_ticks;
        for (uint32_t i = 1; i < state->consecutive && delay != 0 && delay < policy->backoff_max_ticks; i++) {
            delay = delay > policy->backoff_max_ticks / 2 ? policy->backoff_max_ticks : delay * 2;
        }
        decision.delay_ticks = delay < policy->backoff_max_ticks ? delay : policy->backoff_max_ticks;
        decision.reason = decision.delay_ticks != 0 ? sel4ft_reasons_[SEL4FT_REASON_AGAIN_BACKOFF_]
                                                    : sel4ft_reasons_[SEL4FT_REASON_AGAIN_AT_ONCE_];
    }
    state->consecutive++;
    state->restarts[state->restart_count++] = now;
    state->incarnation++;
    decision.action = SEL4FT_SUPERVISOR_RESTART;
    decision.incarnation = state->incarnation;
    decision.restarts_in_window = state->restart_count;
    return decision;
}
