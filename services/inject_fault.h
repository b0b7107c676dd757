/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The campaign's faults (inject_schedule.h's memory and instruction kinds) as the seL4 targets (examples/campaign)
 * and the Linux baseline's crashers carry them out. Each access hides its pointer from the compiler (an asm) and
 * runs outside the sanitizers' instrumentation (the baseline's ASan + UBSan build), so it really happens and its
 * PD or process dies of a genuine fault, not of a sanitizer's report. Freestanding: no libc. */

#include <stdint.h>

#include "inject_schedule.h"

#define INJECT_UNINSTRUMENTED __attribute__((no_sanitize("address", "undefined"), noinline, unused))

/* A store of 0xdead to target (NULL, unmapped or read-only: a fault). Returns only if the store did not fault. */
INJECT_UNINSTRUMENTED static void inject_write(volatile uint32_t *target)
{
    __asm__ volatile("" : "+r"(target));
    *target = 0xdead;
}

/* A load from target. Returns only if the load did not fault. */
INJECT_UNINSTRUMENTED static void inject_read(const volatile uint32_t *target)
{
    __asm__ volatile("" : "+r"(target));
    (void)*target;
}

/* A limit no stack reaches; it keeps the recursion finite in the compiler's eyes. */
static volatile uint64_t inject_recursion_limit __attribute__((unused)) = UINT64_MAX;

/* Recursion in frames of frame_bytes until the stack runs into the unmapped page below it (frames smaller than the
 * guard: 4 KiB on a PD's stack, the kernel's guard gap on Linux). */
INJECT_UNINSTRUMENTED static uint64_t inject_recurse(uint64_t depth, uint32_t frame_bytes)
{
    volatile uint8_t frame[frame_bytes];
    frame[0] = (uint8_t)depth;
    frame[frame_bytes - 1] = (uint8_t)depth;
    if (depth < inject_recursion_limit) {
        return inject_recurse(depth + 1, frame_bytes) + frame[0] + frame[frame_bytes - 1];
    }
    return frame[0];
}

/* Carry out a fault kind: INJECT_NULL_READ, INJECT_NULL_WRITE, INJECT_UNMAPPED_WRITE (to @p unmapped),
 * INJECT_READONLY_WRITE (to @p readonly), INJECT_UNDEFINED_INSTRUCTION, INJECT_STACK_OVERFLOW (in frames of
 * @p frame_bytes). Returns only if it did not fault, or for any other kind. */
__attribute__((unused)) static void inject_fault(uint32_t kind, volatile uint32_t *unmapped,
                                                 volatile uint32_t *readonly, uint32_t frame_bytes)
{
    switch (kind) {
    case INJECT_NULL_READ:
        inject_read((volatile uint32_t *)0);
        break;
    case INJECT_NULL_WRITE:
        inject_write((volatile uint32_t *)0);
        break;
    case INJECT_UNMAPPED_WRITE:
        inject_write(unmapped);
        break;
    case INJECT_READONLY_WRITE:
        inject_write(readonly);
        break;
    case INJECT_UNDEFINED_INSTRUCTION:
#if defined(__aarch64__)
        __asm__ volatile("udf #0");
#elif defined(__riscv)
        __asm__ volatile("unimp");
#else
        __builtin_trap();
#endif
        break;
    case INJECT_STACK_OVERFLOW:
        (void)inject_recurse(0, frame_bytes);
        break;
    default:
        break;
    }
}
