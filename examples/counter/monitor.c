/* Copyright 2026, the sel4ft authors */
/* SPDX-License-Identifier: BSD-2-Clause */

/* The monitor: restarts the counter at once whenever it fails (sel4ft/monitor.h). */
#include <microkit.h>
#include <sel4ft/sel4ft.h>
#include "counter_config.h"

uintptr_t log_ring, log_ring_size;
uintptr_t timer_base; /* the timer's device, where the board's timer is one (riscv64); 0 elsewhere */

static sel4ft_monitor_t monitor;

void init(void)
{
    sel4ft_monitor_child_t counter = { MONITOR_CHILD_COUNTER, { .name = "counter", .channel = MONITOR_CH_COUNTER,
                                                                .on_fault = SEL4FT_FAULTMON_RESTART } };
    sel4ft_monitor_config_t config = {
        .children = &counter, .child_count = 1, .timer = SEL4FT_MONITOR_CHANNEL(MONITOR_IRQ_TIMER),
        .finish = SEL4FT_MONITOR_CHANNEL(MONITOR_CH_LOGGER_FINISH), .recovery_timeout_us = 1000000,
        .log = { (void *)log_ring, log_ring_size }, .log_channel = MONITOR_CH_LOGGER, .timer_device = timer_base,
    };
    sel4ft_monitor_start(&monitor, &config);
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    (void)reply_msginfo;
    return sel4ft_monitor_fault(&monitor, child, msginfo);
}

void notified(microkit_channel ch)
{
    if (ch == MONITOR_CH_CLIENT) {
        sel4ft_monitor_finish(&monitor, sel4ft_os_ticks()); /* the client is done: sum up */
    } else if (!sel4ft_monitor_notified(&monitor, ch)) {
        LOG_WARN("unexpected notification on channel %u", ch);
    }
}
