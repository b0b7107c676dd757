/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The root of a supervision tree: the parent of the system's monitor, which it restarts when it faults or stops
 * answering heartbeats (the monitor skeleton, sel4ft/monitor.h, with one child). It owns the timer and lends it to
 * the monitor. Nothing else: it holds no state worth keeping, so it is the one PD here that is not supervised.
 *
 * The system description gives it (names as sel4ft-sdf's header spells them):
 *   ROOT_CHILD_MONITOR         the monitor, a child of the root (its id)
 *   ROOT_CH_MONITOR_SUPERVISE  "serving" from the monitor; heartbeat requests to it
 *   ROOT_CH_MONITOR_TIMER      the monitor's deadline moved / its deadline passed
 *   ROOT_IRQ_TIMER             the timer's interrupt
 *   ROOT_CH_LOGGER             its log ring's channel; setvars log_ring, monitor_heartbeat (the monitor's link,
 *                              read-only)
 * ROOT_MONITOR_BACKOFF_US (a build flag, default 0): the back-off before a second restart of the monitor within ten
 * seconds, doubling up to eight times that (0: restart it at once, every time). */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "system_config.h"

#ifndef ROOT_MONITOR_BACKOFF_US
#define ROOT_MONITOR_BACKOFF_US 0
#endif

uintptr_t log_ring, log_ring_size, timer_base; /* timer_base: riscv64's timer device; 0 elsewhere */
uintptr_t monitor_heartbeat; /* the monitor's link: its heartbeat and the deadline it wants (sel4ft_monitor_link_t) */

static sel4ft_monitor_t root;
static sel4ft_supervisor_policy_t policy;

void init(void)
{
    const sel4ft_monitor_link_t *link = (const sel4ft_monitor_link_t *)monitor_heartbeat;
    uint64_t hz = sel4ft_os_tick_hz(), backoff = hz / 1000 * ROOT_MONITOR_BACKOFF_US / 1000;
    policy = (sel4ft_supervisor_policy_t){ .max_restarts = SEL4FT_SUPERVISOR_HISTORY,
                                           .escalation = SEL4FT_SUPERVISOR_ESCALATE_STOP, .window_ticks = 10 * hz,
                                           .backoff_first_ticks = backoff, .backoff_max_ticks = 8 * backoff };
    /* A monitor that restarts too often within the window is given up: nobody is left to restart it. */
    sel4ft_monitor_child_t monitor = {
        ROOT_CHILD_MONITOR, { .name = "monitor", .on_fault = SEL4FT_FAULTMON_RESTART,
                              .policy = backoff != 0 ? &policy : NULL, .heartbeat = &link->heartbeat,
                              .channel = ROOT_CH_MONITOR_SUPERVISE, .priority = MONITOR_PRIORITY }
    };
    sel4ft_monitor_lend_t lend = { ROOT_CHILD_MONITOR, link, ROOT_CH_MONITOR_TIMER };
    /* Heartbeats every 100 ms (a hung monitor is found 200 to 300 ms after it stopped); a second to serve again. */
    sel4ft_monitor_config_t config = {
        .children = &monitor, .child_count = 1, .lend = &lend, .lend_count = 1,
        .timer = SEL4FT_MONITOR_CHANNEL(ROOT_IRQ_TIMER), .heartbeat_period_us = 100000,
        .recovery_timeout_us = 1000000, .log = { (void *)log_ring, log_ring_size }, .log_channel = ROOT_CH_LOGGER,
        .timer_device = timer_base,
    };
    sel4ft_monitor_start(&root, &config);
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    (void)reply_msginfo;
    return sel4ft_monitor_fault(&root, child, msginfo);
}

void notified(microkit_channel ch)
{
    if (!sel4ft_monitor_notified(&root, ch)) {
        LOG_WARN("unexpected notification on channel %u", ch);
    }
}
