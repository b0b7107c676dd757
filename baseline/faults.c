/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

#include <signal.h>
#include <stdlib.h>

#include "faults.h"

/* The asm hides each pointer's value, so the compiler can neither see a NULL access nor drop it. */
__attribute__((no_sanitize("address", "undefined"), noinline)) void baseline_fault_write(volatile uint32_t *target)
{
    __asm__ volatile("" : "+r"(target));
    *target = 0xdead;
}

__attribute__((no_sanitize("address", "undefined"), noinline)) void baseline_fault_read(const volatile uint32_t *target)
{
    __asm__ volatile("" : "+r"(target));
    (void)*target;
}

static volatile uint64_t recursion_limit = UINT64_MAX;

__attribute__((no_sanitize("address", "undefined"), noinline)) static uint64_t recurse(uint64_t depth)
{
    volatile uint8_t frame[16384];
    frame[0] = (uint8_t)depth;
    frame[sizeof(frame) - 1] = (uint8_t)depth;
    if (depth < recursion_limit) {
        return recurse(depth + 1) + frame[0] + frame[sizeof(frame) - 1];
    }
    return frame[0];
}

void baseline_fault_stack_overflow(void)
{
    (void)recurse(0);
}

void baseline_crash_now(void)
{
    baseline_fault_write(NULL);
    /* Not reached; if it were, stop the same way a fault would. */
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
    abort();
}
