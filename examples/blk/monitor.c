/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The block system's monitor: the parent of sDDF's virtio-blk driver (the Makefile's POLICY_* choose the restart
 * policy; heartbeats unless HEARTBEAT_MS=0; a restart not serving within a second failed again; the virtualiser is
 * told as a dependent), and home of the driver's fault injector (injector.c). POLICY_WINDOW_MS is long: under QEMU
 * -icount the clock jumps when the guest waits for the host's disk. */

#include <microkit.h>
#include <sel4ft/sel4ft.h>
#include "blk_config.h"
#include "injector.h"

uintptr_t log_ring, log_ring_size, driver_heartbeat;

static sel4ft_monitor_t monitor;

void init(void)
{
    uint64_t hz = sel4ft_os_tick_hz();
    const sel4ft_supervisor_policy_t policy = { .max_restarts = POLICY_MAX_RESTARTS,
                                                .window_ticks = (uint64_t)POLICY_WINDOW_MS * hz / 1000,
                                                .backoff_first_ticks = hz / 1000, .backoff_max_ticks = hz / 100 };
    const sel4ft_supervisor_policy_t always = sel4ft_supervisor_policy_always();
    sel4ft_monitor_child_t child = { MONITOR_CHILD_BLK_DRIVER,
        { .name = "blk_driver", .on_fault = SEL4FT_FAULTMON_RESTART, .dependents = 1ull << MONITOR_CH_BLK_VIRT,
          .policy = POLICY_ALWAYS ? &always : &policy, .channel = MONITOR_CH_BLK_DRIVER_SUPERVISE,
          .heartbeat = (const sel4ft_heartbeat_t *)driver_heartbeat, .priority = BLK_DRIVER_PRIORITY } };
    sel4ft_monitor_config_t config = {
        .children = &child, .child_count = 1, .timer = SEL4FT_MONITOR_CHANNEL(MONITOR_IRQ_TIMER),
        .finish = SEL4FT_MONITOR_CHANNEL(MONITOR_CH_LOGGER_FINISH), .recovery_timeout_us = 1000000,
        .heartbeat_period_us = (uint64_t)HEARTBEAT_MS * 1000u, .on_change = blk_injector_changed,
        .on_alarm = blk_injector_timed_out, .log = { (void *)log_ring, log_ring_size },
        .log_channel = MONITOR_CH_LOGGER,
    };
    sel4ft_monitor_start(&monitor, &config);
    blk_injector_publish(&monitor);
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    (void)reply_msginfo;
    return sel4ft_monitor_fault(&monitor, child, msginfo);
}

void notified(microkit_channel ch)
{
    uint64_t now = sel4ft_os_ticks();
    if (ch == MONITOR_CH_CLIENT) {
        blk_injector_withdraw();
        sel4ft_monitor_finish(&monitor, now); /* the client is done: sum up */
    } else if (ch == MONITOR_CH_CLIENT_PERIOD) {
        blk_injector_period(&monitor, now);
    } else if (!sel4ft_monitor_notified(&monitor, ch)) {
        LOG_WARN("unexpected notification on channel %u", ch);
    }
}
