/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The hanger (scenario hang) answers the monitor's heartbeat requests by counting
 * in a shared word. Its first incarnation stops answering after three (an endless
 * loop); the monitor notices two missed periods and restarts it. */

#include <microkit.h>

#include <sel4ft/faultmon.h>
#include <sel4ft/sel4ft.h>

#include "example_log.h"
#include "recovery_config.h"
#include "scenario.h"

enum { HEALTHY_BEATS = 5 };

uintptr_t log_ring, log_ring_size;
uintptr_t snapshot_region, snapshot_region_size;
uintptr_t heartbeat_region;

static uint64_t incarnation;
static uint32_t beats;

void init(void)
{
    incarnation =
        example_restart_begin(snapshot_region, snapshot_region_size, log_ring, log_ring_size, HANGER_CH_LOGGER);
    if (scenario.hanger_hangs) {
        LOG_INFO("incarnation %lu: answering heartbeats", (unsigned long)incarnation);
        microkit_notify(HANGER_CH_MONITOR);
    }
}

void notified(microkit_channel ch)
{
    if (ch != HANGER_CH_MONITOR) { /* heartbeat requests */
        LOG_WARN("unexpected notification on channel %u", ch);
        return;
    }
    sel4ft_heartbeat_beat((sel4ft_heartbeat_t *)heartbeat_region);
    beats++;
    if (incarnation == 1 && beats == 3) {
        LOG_WARN("incarnation 1: stopping after %u heartbeats (an endless loop)", beats);
        for (;;) {
            __asm__ volatile("" ::: "memory");
        }
    }
    if (incarnation > 1 && beats == HEALTHY_BEATS) {
        LOG_INFO("incarnation %lu: %u heartbeats answered, healthy", (unsigned long)incarnation, beats);
        microkit_notify(HANGER_CH_MONITOR_FINISHED);
    }
}
