/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The tree's monitor: supervised by the root, it takes its children back from its checkpoint; its script: script.c */

#include <microkit.h>
#include <sel4ft/sel4ft.h>
#include "script.h"
#include "system_config.h"

uintptr_t log_ring, log_ring_size, checkpoint_region, checkpoint_region_size, snapshot_region, snapshot_region_size;
uintptr_t heartbeat_region /* the link with the root */, commands_page, crasher_a_heartbeat, crasher_b_heartbeat,
    crasher_c_heartbeat;

static sel4ft_monitor_t monitor;

void init(void)
{
    /* crasher_a: a second failure within a second waits out 100 ms; crasher_b: stopped; the others: restarted. */
    static sel4ft_supervisor_policy_t back_off;
    back_off = (sel4ft_supervisor_policy_t){ .max_restarts = 8, .window_ticks = sel4ft_os_tick_hz(),
        .backoff_first_ticks = sel4ft_os_tick_hz() / 10, .backoff_max_ticks = sel4ft_os_tick_hz() / 10 };
    sel4ft_monitor_child_t children[] = {
        { MONITOR_CHILD_SERVER, { .name = "server", .on_fault = SEL4FT_FAULTMON_RESTART, .channel = MONITOR_CH_SERVER,
                                  .priority = SERVER_PRIORITY } },
        { MONITOR_CHILD_CRASHER_A, { .name = "crasher_a", .on_fault = SEL4FT_FAULTMON_RESTART, .policy = &back_off,
          .channel = MONITOR_CH_CRASHER_A, .priority = CRASHER_A_PRIORITY, .heartbeat = (void *)crasher_a_heartbeat } },
        { MONITOR_CHILD_CRASHER_B, { .name = "crasher_b", .on_fault = SEL4FT_FAULTMON_STOP,
          .channel = MONITOR_CH_CRASHER_B, .priority = CRASHER_B_PRIORITY, .heartbeat = (void *)crasher_b_heartbeat } },
        { MONITOR_CHILD_CRASHER_C, { .name = "crasher_c", .on_fault = SEL4FT_FAULTMON_RESTART,
          .channel = MONITOR_CH_CRASHER_C, .priority = CRASHER_C_PRIORITY, .heartbeat = (void *)crasher_c_heartbeat } },
    };
    sel4ft_monitor_config_t config = {
        .children = children, .child_count = 4, .finish = SEL4FT_MONITOR_CHANNEL(MONITOR_CH_LOGGER_FINISH),
        .heartbeat_period_us = 100000, .recovery_timeout_us = 1000000, .on_change = tree_script_changed,
        .on_alarm = tree_script_alarm, .on_notified = tree_script_notified, .at = tree_script_at,
        .log = { (void *)log_ring, log_ring_size }, .log_channel = MONITOR_CH_LOGGER,
        .snapshot = { (void *)snapshot_region, snapshot_region_size },
        .state = { (void *)checkpoint_region, checkpoint_region_size }, .user_state = &tree_script,
        .user_state_size = sizeof(tree_script), .parent_link = (sel4ft_monitor_link_t *)heartbeat_region,
        .parent_channel = MONITOR_CH_ROOT_SUPERVISE, .parent_timer = MONITOR_CH_ROOT_TIMER,
    };
    sel4ft_monitor_start(&monitor, &config);
}

seL4_Bool fault(microkit_child child_id, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    (void)reply_msginfo;
    return sel4ft_monitor_fault(&monitor, child_id, msginfo);
}

void notified(microkit_channel ch)
{
    if (!sel4ft_monitor_notified(&monitor, ch)) {
        LOG_WARN("unexpected notification on channel %u", ch);
    }
}
