/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The fault monitor: parent of the crasher, built from libsel4ft's faultmon template.
 * Policy here: stop the crasher on its first fault and tell its dependents. */

#include <microkit.h>

#include <sel4ft/faultmon.h>
#include <sel4ft/sel4ft.h>

#include "example_log.h"

#define CRASHER_ID 1
#define LOG_CHANNEL 1
#define LOGGER_FINISH_CHANNEL 2
#define CLIENT_CHANNEL 3
#define SERVER_CHANNEL 4

uintptr_t log_ring, log_ring_size;

static sel4ft_faultmon_t monitor;

void init(void)
{
    example_log_init(log_ring, log_ring_size, LOG_CHANNEL);
    sel4ft_faultmon_init(&monitor, &example_log);
    const sel4ft_faultmon_child_config_t crasher = {
        .name = "crasher",
        .on_fault = SEL4FT_FAULTMON_STOP,
        .dependents = (1ull << CLIENT_CHANNEL) | (1ull << SERVER_CHANNEL),
    };
    int err = sel4ft_faultmon_add_child(&monitor, CRASHER_ID, &crasher);
    if (err != 0) {
        LOG_ERROR("cannot watch the crasher: %s", sel4ft_strerror(err));
        return;
    }
    LOG_INFO("watching crasher (child %d): on a fault, stop it and tell client and server", CRASHER_ID);
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    (void)reply_msginfo;
    return sel4ft_faultmon_handle(&monitor, child, msginfo);
}

void notified(microkit_channel ch)
{
    switch (ch) {
    case CLIENT_CHANNEL: {
        const sel4ft_faultmon_child_t *crasher = sel4ft_faultmon_child(&monitor, CRASHER_ID);
        LOG_INFO("summary: faults seen %lu; crasher: faults %u, %s", (unsigned long)monitor.faults,
                 crasher->faults, crasher->state == SEL4FT_FAULTMON_STOPPED ? "stopped" : "running");
        microkit_notify(LOGGER_FINISH_CHANNEL);
        break;
    }
    default:
        LOG_WARN("unexpected notification on channel %u", ch);
        break;
    }
}
