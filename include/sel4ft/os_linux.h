/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

#include <sel4ft/os.h>

/**
 * @defgroup os_linux Linux port controls
 * @brief Host-only hooks that stand in for the kernel in tests and in the Linux baseline.
 *
 * Without hooks, notifications are counted and dropped, calls return label 0,
 * console output goes to standard error and child control returns
 * -SEL4FT_ENOTSUP. Message registers are per thread, so a PPC hook that runs
 * the server in the caller's thread sees the caller's registers, as a seL4
 * passive server would.
 * @{
 */

/** Callbacks that play the kernel's part. Any of them may be NULL. */
typedef struct sel4ft_os_linux_hooks {
    /** Deliver a notification. */
    void (*notify)(void *context, sel4ft_channel_t channel);
    /** Carry a PPC to its server and return the reply tag. */
    sel4ft_msginfo_t (*ppcall)(void *context, sel4ft_channel_t channel, sel4ft_msginfo_t message);
    /** Receive console output. */
    void (*console)(void *context, const char *text, size_t length);
    /** Restart a child. */
    int (*child_restart)(void *context, sel4ft_child_t child, uintptr_t entry, uintptr_t stack_top);
    /** Stop a child. */
    int (*child_stop)(void *context, sel4ft_child_t child);
    /** Replace the clock (ticks at 1 GHz), for deterministic tests. */
    uint64_t (*ticks)(void *context);
    /** Passed to every hook. */
    void *context;
} sel4ft_os_linux_hooks_t;

/**
 * @brief Install hooks (copied), replacing any earlier ones. Not thread-safe: call before starting threads.
 * @param hooks The hooks, or NULL for the defaults.
 */
void sel4ft_os_linux_set_hooks(const sel4ft_os_linux_hooks_t *hooks);

/**
 * @brief Set the name sel4ft_os_name() returns.
 * @param name The name (kept by pointer), or NULL for "host".
 */
void sel4ft_os_linux_set_name(const char *name);

/** @} */
