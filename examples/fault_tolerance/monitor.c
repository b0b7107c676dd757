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
    sel4ft_faultmon_init(&monitor, &example_log, NULL, NULL);
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
    /* What it watches, as an event of this monitor's own (doc/events.md). */
    char text[SEL4FT_LOGRING_TEXT_MAX + 1];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), "watching");
    sel4ft_logfmt_str(&line, "child", crasher.name);
    sel4ft_logfmt_u64(&line, "id", CRASHER_ID);
    sel4ft_logfmt_str(&line, "on_fault", sel4ft_faultmon_action_str(crasher.on_fault));
    sel4ft_logfmt_str(&line, "tell", "client server");
    example_log_event(SEL4FT_LOG_INFO, &line);
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

    switch (ch) {
    case CLIENT_CHANNEL:
        sel4ft_faultmon_report(&monitor, now);
        microkit_notify(LOGGER_FINISH_CHANNEL);
        break;
    default:
        LOG_WARN("unexpected notification on channel %u", ch);
        break;
    }
}
