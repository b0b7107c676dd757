/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* Supervises the server, crasher and hanger (sel4ft/monitor.h) with the Linux baseline's policies (policies.h). */
#include <microkit.h>
#include <sel4ft/sel4ft.h>
#include "policies.h"
#include "recovery_config.h"
#include "scenario.h"

uintptr_t log_ring, log_ring_size, hanger_heartbeat;
/* The timer's device, on boards whose timer is one (riscv64: the Goldfish RTC; recovery.system); 0 elsewhere. */
uintptr_t timer_base;

static sel4ft_monitor_t monitor;

/* Once the crasher is given up (scenario escalate), the last lines drain for 20 ms; then the summary (on_alarm). */
static void changed(sel4ft_monitor_t *m, uint64_t now)
{
    if (sel4ft_faultmon_child(&m->engine, MONITOR_CHILD_CRASHER)->state == SEL4FT_FAULTMON_STOPPED && !m->alarm) {
        sel4ft_monitor_alarm(m, now + sel4ft_monitor_ticks(m, 20000));
    }
}

void init(void)
{
    sel4ft_supervisor_policy_t server = policy_server(sel4ft_os_tick_hz()), other = policy_crasher(sel4ft_os_tick_hz());
    const sel4ft_heartbeat_t *beat = scenario.hanger_hangs ? (const sel4ft_heartbeat_t *)hanger_heartbeat : NULL;
    sel4ft_monitor_child_t children[] = {
        { MONITOR_CHILD_SERVER, { .name = "server", .on_fault = SEL4FT_FAULTMON_RESTART, .policy = &server,
                                  .channel = MONITOR_CH_SERVER } },
        { MONITOR_CHILD_CRASHER, { .name = "crasher", .on_fault = SEL4FT_FAULTMON_RESTART, .policy = &other,
                                   .channel = MONITOR_CH_CRASHER, .dependents = 1ull << MONITOR_CH_CLIENT_A } },
        { MONITOR_CHILD_HANGER, { .name = "hanger", .on_fault = SEL4FT_FAULTMON_RESTART, .policy = &other,
                                  .channel = MONITOR_CH_HANGER, .heartbeat = beat } },
    };
    sel4ft_monitor_config_t config = {
        .children = children, .child_count = 3, .timer = SEL4FT_MONITOR_CHANNEL(MONITOR_IRQ_TIMER),
        .finish = SEL4FT_MONITOR_CHANNEL(MONITOR_CH_LOGGER_FINISH), .recovery_timeout_us = 1000000,
        .heartbeat_period_us = beat != NULL ? 10000 : 0, .on_change = changed, .on_alarm = sel4ft_monitor_finish,
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
    if (ch == MONITOR_CH_HANGER_FINISHED || ch == MONITOR_CH_CLIENT_A) { /* the hanger is healthy, client_a done */
        sel4ft_monitor_finish(&monitor, sel4ft_os_ticks());
    } else if (!sel4ft_monitor_notified(&monitor, ch)) {
        LOG_WARN("unexpected notification on channel %u", ch);
    }
}
