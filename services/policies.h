/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The restart policies of the recovery example. The Linux baseline's supervisor uses the same ones, so
 * both systems apply the same rules. hz: counter ticks per second. */

#include <stdint.h>

#include <sel4ft/supervisor.h>

/* A server: restart at once; more than 5 restarts in 10 s means something is deeply wrong. */
static inline sel4ft_supervisor_policy_t policy_server(uint64_t hz)
{
    return (sel4ft_supervisor_policy_t){
        .max_restarts = 5,
        .escalation = SEL4FT_SUPERVISOR_ESCALATE_STOP,
        .window_ticks = 10 * hz,
        .backoff_first_ticks = 0,
        .backoff_max_ticks = 0,
    };
}

/* A PD that keeps failing: at once, then after 1 ms, 2 ms (doubling, capped at 4 ms); a 4th failure
 * within 10 s escalates. */
static inline sel4ft_supervisor_policy_t policy_crasher(uint64_t hz)
{
    return (sel4ft_supervisor_policy_t){
        .max_restarts = 3,
        .escalation = SEL4FT_SUPERVISOR_ESCALATE_STOP,
        .window_ticks = 10 * hz,
        .backoff_first_ticks = hz / 1000,
        .backoff_max_ticks = 4 * hz / 1000,
    };
}
