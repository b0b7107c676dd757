/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* Time. The clock is the library's Linux port's (sel4ft_os_ticks() at sel4ft_os_tick_hz()): the generic timer's
 * virtual count on aarch64, which FORMAT.md's ticks count in the measurement VM; CLOCK_MONOTONIC nanoseconds
 * elsewhere (development only). */

#include <stdint.h>

#include <sel4ft/os.h>

/* Ticks as nanoseconds, at the port's rate. */
static inline uint64_t baseline_ticks_to_ns(uint64_t ticks)
{
    uint64_t hz = sel4ft_os_tick_hz();
    return ticks / hz * 1000000000ull + ticks % hz * 1000000000ull / hz;
}

/* A poll() timeout until `deadline` (0: none, -1 returned): whole milliseconds rounded up, at most a minute. */
static inline int baseline_poll_timeout_ms(uint64_t deadline, uint64_t now)
{
    if (deadline == 0) {
        return -1;
    }
    if (deadline <= now) {
        return 0;
    }
    uint64_t ms = (baseline_ticks_to_ns(deadline - now) + 999999) / 1000000;
    return ms > 60000 ? 60000 : (int)ms;
}
