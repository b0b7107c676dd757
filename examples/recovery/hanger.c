/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The hanger answers the monitor's heartbeat requests by counting in a shared
 * word. Its first incarnation stops answering after three (an endless loop);
 * the monitor notices two missed periods and restarts it. */

#include <microkit.h>

#include <sel4ft/faultmon.h>
#include <sel4ft/sel4ft.h>

#include "example_log.h"
#include "scenario.h"

#define LOG_CHANNEL 8
#define FINISHED_CHANNEL 7
#define HEALTHY_BEATS 5

uintptr_t log_ring, log_ring_size;
uintptr_t snapshot_region, snapshot_region_size;
uintptr_t heartbeat_region;

static uint64_t incarnation;
static uint32_t beats;

void init(void)
{
    int err = sel4ft_restart_begin((void *)snapshot_region, snapshot_region_size, &incarnation);
    example_log_init(log_ring, log_ring_size, LOG_CHANNEL);
    if (err != 0) {
        LOG_ERROR("cannot restore a clean image: %s", sel4ft_strerror(err));
        __builtin_trap();
    }
#if SCENARIO == SCENARIO_HANG
    LOG_INFO("incarnation %lu: answering heartbeats", (unsigned long)incarnation);
    microkit_notify(MONITOR_UP_CHANNEL);
#endif
}

void notified(microkit_channel ch)
{
    if (ch != MONITOR_UP_CHANNEL) {
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
        microkit_notify(FINISHED_CHANNEL);
    }
}
