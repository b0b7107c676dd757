/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The campaign's crasher: a target that does nothing but wait for the monitor's injections and carry them out.
 * It answers heartbeat requests, so a hang shows. */

#include <microkit.h>

#include <sel4ft/faultmon.h>
#include <sel4ft/sel4ft.h>

#include "campaign.h"
#include "campaign_config.h"
#include "example_log.h"

uintptr_t log_ring, log_ring_size;
uintptr_t snapshot_region, snapshot_region_size;
uintptr_t heartbeat_region;

static campaign_target_t crasher;

void init(void)
{
    example_restart_begin(snapshot_region, snapshot_region_size, log_ring, log_ring_size, CRASHER_CH_LOGGER);
    crasher = (campaign_target_t){ .target = INJECT_TARGET_CRASHER, .channel = CRASHER_CH_MONITOR_INJECT, .logs = true,
                                   .heartbeat = (sel4ft_heartbeat_t *)heartbeat_region };
    /* Serving: injections come in as notifications from the monitor. */
    microkit_notify(CRASHER_CH_MONITOR);
}

void notified(microkit_channel ch)
{
    switch (ch) {
    case CRASHER_CH_MONITOR:
        /* A heartbeat request. */
        sel4ft_heartbeat_beat(crasher.heartbeat);
        break;
    case CRASHER_CH_MONITOR_INJECT:
        inject_at(&crasher, INJECT_POINT_BEFORE);
        break;
    default:
        LOG_WARN("unexpected notification on channel %u", ch);
        break;
    }
}
