/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* Deliberate faults. Each runs outside every sanitizer's instrumentation and hides its pointer from the
 * compiler, so the process dies of a genuine signal rather than a sanitizer's report and exit. */

#include <stdint.h>

/* A store of 0xdead to target (NULL, unmapped or read-only: SIGSEGV). Returns only if the store did not fault. */
void baseline_fault_write(volatile uint32_t *target);

/* A load from target. Returns only if the load did not fault. */
void baseline_fault_read(const volatile uint32_t *target);

/* Recursion in 16 KiB frames until the stack's guard page is hit. */
void baseline_fault_stack_overflow(void);

/* A store to address 0 (should it not fault, SIGSEGV is raised all the same). */
void baseline_crash_now(void) __attribute__((noreturn));
