/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The benchmark's fault monitor (sel4ft/monitor.h): restarts the recovery server at once, every time, logging
 * into a ring as a real monitor would (nobody drains it here, and nobody is notified: its channel is not in
 * bench.system, and a producer notifies only a consumer that asked). */
#include <microkit.h>
#include <sel4ft/sel4ft.h>

#include "bench_config.h"

uintptr_t log_ring, log_ring_size;

static sel4ft_monitor_t monitor;

void init(void)
{
    sel4ft_monitor_child_t server = { MONITOR_CHILD_RECOVERY_SERVER, { .name = "server",
                                      .on_fault = SEL4FT_FAULTMON_RESTART, .channel = MONITOR_CH_RECOVERY_SERVER } };
    sel4ft_monitor_config_t config = { .children = &server, .child_count = 1,
                                       .log = { (void *)log_ring, log_ring_size } };
    sel4ft_monitor_start(&monitor, &config);
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    (void)reply_msginfo;
    return sel4ft_monitor_fault(&monitor, child, msginfo);
}

void notified(microkit_channel ch)
{
    sel4ft_monitor_notified(&monitor, ch);
}
