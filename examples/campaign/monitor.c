/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The campaign's monitor: supervises its four targets and runs the campaign (campaign_run.c); supervised itself by the
 * root (../common/root.c), its children's records and the campaign's state back from its checkpoint after a restart. */

#include <microkit.h>
#include <sel4ft/sel4ft.h>
#include "campaign.h"
#include "campaign_config.h"

uintptr_t log_ring, log_ring_size, crasher_heartbeat, client_b_heartbeat, logger_heartbeat, snapshot_region;
uintptr_t heartbeat_region /* the root's link */, checkpoint_region, checkpoint_region_size, snapshot_region_size;

static sel4ft_monitor_t monitor;

void init(void)
{
    /* Every failure is restarted (no policy: no limit) and nobody is told: the clients carry on by themselves.
     * Priorities as in campaign.system: a spinning logger starves the others. */
    sel4ft_monitor_child_t children[] = {
        { MONITOR_CHILD_SERVER, { .name = "server", .on_fault = SEL4FT_FAULTMON_RESTART,
                                  .channel = MONITOR_CH_SERVER, .priority = SERVER_PRIORITY } },
        { MONITOR_CHILD_CRASHER, { .name = "crasher", .on_fault = SEL4FT_FAULTMON_RESTART, .priority = CRASHER_PRIORITY,
                                   .channel = MONITOR_CH_CRASHER, .heartbeat = (void *)crasher_heartbeat } },
        { MONITOR_CHILD_CLIENT_B, { .name = "client_b", .on_fault = SEL4FT_FAULTMON_RESTART,
                                    .priority = CLIENT_B_PRIORITY, .channel = MONITOR_CH_CLIENT_B,
                                    .heartbeat = (void *)client_b_heartbeat } },
        { MONITOR_CHILD_LOGGER, { .name = "logger", .on_fault = SEL4FT_FAULTMON_RESTART, .priority = LOGGER_PRIORITY,
                                  .channel = MONITOR_CH_LOGGER_SUPERVISE, .heartbeat = (void *)logger_heartbeat } },
    };
    /* Heartbeats every 100 ms, long enough that a starved target is not taken for hung (doc/fault-injection.md:
     * 20 ms was not); a second to serve again after a restart. The timer is the root's, lent. */
    sel4ft_monitor_config_t config = {
        .children = children, .child_count = 4, .finish = SEL4FT_MONITOR_CHANNEL(MONITOR_CH_LOGGER_FINISH),
        .recovery_timeout_us = 1000000, .heartbeat_period_us = 100000, .log = { (void *)log_ring, log_ring_size },
        .log_channel = MONITOR_CH_LOGGER, .snapshot = { (void *)snapshot_region, snapshot_region_size },
        .state = { (void *)checkpoint_region, checkpoint_region_size }, .parent_timer = MONITOR_CH_ROOT_TIMER,
        .parent_link = (sel4ft_monitor_link_t *)heartbeat_region, .parent_channel = MONITOR_CH_ROOT_SUPERVISE,
    };
    campaign_configure(&config);
    sel4ft_monitor_start(&monitor, &config);
    campaign_started(&monitor);
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    (void)reply_msginfo;
    return sel4ft_monitor_fault(&monitor, child, msginfo);
}

void notified(microkit_channel ch)
{
    if (!sel4ft_monitor_notified(&monitor, ch)) {
        LOG_WARN("unexpected notification on channel %u", ch);
    }
}
