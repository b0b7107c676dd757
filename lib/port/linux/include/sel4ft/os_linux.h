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
 * Without hooks, notifications are dropped, calls return label 0, console
 * output goes to standard error, child control returns -SEL4FT_ENOTSUP, and
 * the clock is the machine's: the generic timer's virtual count at its own
 * frequency on aarch64 (the counter a Linux guest reads beside seL4 in the
 * benchmark's QEMU), CLOCK_MONOTONIC nanoseconds elsewhere. Message registers
 * are per thread, so a PPC hook that runs the server in the caller's thread
 * sees the caller's registers, as a seL4 passive server would.
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
    int (*child_restart)(void *context, sel4ft_child_t child);
    /** Stop a child. */
    int (*child_stop)(void *context, sel4ft_child_t child);
    /** Replace the clock, for deterministic tests: its ticks are then the port's ticks. */
    uint64_t (*ticks)(void *context);
    /** With @c ticks: the rate of its ticks (0: the port's own rate). */
    uint64_t tick_hz;
    /** The architecture of the seL4 fault messages a test feeds the fault monitor (sel4ft_os_fault_arch()): a
     *  sel4ft_fault_arch_t; 0, SEL4FT_FAULT_ARCH_AARCH64, unless set. */
    uint32_t fault_arch;
    /** Passed to every hook. */
    void *context;
    /** Arm the one-shot timer (sel4ft_os_timer_set()); without it the port has no timer (-SEL4FT_ENOTSUP). */
    int (*timer_set)(void *context, uint64_t deadline_ticks);
    /** Acknowledge an interrupt. */
    void (*irq_ack)(void *context, sel4ft_channel_t channel);
    /** How long a child has waited for a processor (sel4ft_os_child_waited()); NULL: -SEL4FT_ENOTSUP. */
    int (*child_waited)(void *context, sel4ft_child_t child, uint64_t *ticks);
} sel4ft_os_linux_hooks_t;

/**
 * @brief Install hooks (copied), replacing any earlier ones. Not thread-safe: call before starting threads.
 * @param hooks The hooks, or NULL for the defaults.
 */
void sel4ft_os_linux_set_hooks(const sel4ft_os_linux_hooks_t *hooks);

/**
 * @brief The hooks in force, to change one or two of them in place (the others stay as they are).
 * @return The port's own copy.
 */
sel4ft_os_linux_hooks_t *sel4ft_os_linux_hooks(void);

/**
 * @brief Set the name sel4ft_os_name() returns.
 * @param name The name (kept by pointer), or NULL for "host".
 */
void sel4ft_os_linux_set_name(const char *name);

/** A handler of the notifications sent on one channel. */
typedef void (*sel4ft_os_linux_route_t)(void *context, sel4ft_channel_t channel);

/**
 * @brief Send sel4ft_os_notify(@p channel) to @p handler, as a system description connects a channel to one peer.
 *
 * Routes replace the notify hook (they install their own); channels without a route drop their notifications;
 * sel4ft_os_linux_set_hooks() clears every route.
 * @param channel The channel (at most SEL4FT_OS_MAX_CHANNEL; others are ignored).
 * @param handler The handler, or NULL to drop the channel's notifications again.
 * @param context Passed to @p handler.
 */
void sel4ft_os_linux_route(sel4ft_channel_t channel, sel4ft_os_linux_route_t handler, void *context);

/** @} */
