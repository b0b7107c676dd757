/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The benchmark's fault monitor: restarts the recovery server at once, every time,
 * logging into a ring as a real monitor would (nobody drains it here). */

#include <microkit.h>

#include <sel4ft/faultmon.h>
#include <sel4ft/sel4ft.h>

#define SERVER_ID 1
#define SERVER_CHANNEL 1
#define LOG_CHANNEL 2

uintptr_t log_ring, log_ring_size;

static sel4ft_faultmon_t monitor;
static sel4ft_logring_producer_t log_producer;

void init(void)
{
    sel4ft_logring_producer_init(&log_producer, (void *)log_ring, log_ring_size, LOG_CHANNEL);
    sel4ft_faultmon_init(&monitor, &log_producer, NULL, NULL);
    const sel4ft_faultmon_child_config_t server = {
        .name = "server", .on_fault = SEL4FT_FAULTMON_RESTART, .channel = SERVER_CHANNEL,
    };
    sel4ft_faultmon_add_child(&monitor, SERVER_ID, &server);
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    uint64_t now = sel4ft_os_ticks();

    (void)reply_msginfo;
    return sel4ft_faultmon_fault(&monitor, child, msginfo, now);
}

void notified(microkit_channel ch)
{
    uint64_t now = sel4ft_os_ticks();

    sel4ft_faultmon_notified(&monitor, ch, now);
}
