/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The monitor supervises the server, the crasher and the hanger with libsel4ft's
 * faultmon template: restart policies with back-off and escalation, heartbeats
 * for the hanger, the recovery time of every restart. */

#include <microkit.h>

#include <sel4ft/faultmon.h>
#include <sel4ft/sel4ft.h>

#include "example_log.h"
#include "policies.h"
#include "scenario.h"

/* Child ids (see recovery.system). */
#define SERVER_ID 1
#define CRASHER_ID 2
#define HANGER_ID 3

/* Channels. */
#define SERVER_CHANNEL 1         /* the server says it serves (again) */
#define CRASHER_CHANNEL 2        /* the crasher says it runs (again) */
#define HANGER_CHANNEL 3         /* heartbeat requests to the hanger; it says it runs (again) */
#define HANGER_FINISHED_CHANNEL 4
#define CLIENT_CHANNEL 5         /* client_a: told about the crasher's failures; says when its check is done */
#define LOG_CHANNEL 6
#define LOGGER_FINISH_CHANNEL 7
#define TIMER_CHANNEL 10         /* the EL1 physical timer's interrupt */

uintptr_t log_ring, log_ring_size;
uintptr_t hanger_heartbeat;

static sel4ft_faultmon_t monitor;
static uint64_t hz;
static uint64_t finish_at;
static bool finished;

static void rearm_timer(void)
{
    uint64_t next = sel4ft_faultmon_next_deadline(&monitor);
    if (finish_at != 0 && (next == 0 || finish_at < next)) {
        next = finish_at;
    }
    sel4ft_os_timer_set(next);
}

static void finish(uint64_t now)
{
    if (finished) {
        return;
    }
    finished = true;
    sel4ft_faultmon_report(&monitor, now);
    microkit_notify(LOGGER_FINISH_CHANNEL);
}

void init(void)
{
    example_log_init(log_ring, log_ring_size, LOG_CHANNEL);
    sel4ft_faultmon_init(&monitor, &example_log, NULL, NULL);
    hz = sel4ft_os_tick_hz();

    /* The same policies as the Linux baseline's supervisor (services/policies.h). */
    const sel4ft_supervisor_policy_t server_policy = policy_server(hz);
    const sel4ft_supervisor_policy_t crasher_policy = policy_crasher(hz);
    const sel4ft_supervisor_policy_t hanger_policy = policy_crasher(hz);
    const sel4ft_faultmon_child_config_t children[] = {
        [SERVER_ID] = { .name = "server", .on_fault = SEL4FT_FAULTMON_RESTART, .policy = &server_policy,
                        .channel = SERVER_CHANNEL },
        [CRASHER_ID] = { .name = "crasher", .on_fault = SEL4FT_FAULTMON_RESTART, .policy = &crasher_policy,
                         .channel = CRASHER_CHANNEL, .dependents = 1ull << CLIENT_CHANNEL },
        /* Heartbeats only where the hanger is the subject. */
        [HANGER_ID] = { .name = "hanger", .on_fault = SEL4FT_FAULTMON_RESTART, .policy = &hanger_policy,
                        .channel = HANGER_CHANNEL,
                        .heartbeat = scenario.hanger_hangs ? (const sel4ft_heartbeat_t *)hanger_heartbeat : NULL },
    };
    for (uint32_t id = SERVER_ID; id <= HANGER_ID; id++) {
        int err = sel4ft_faultmon_add_child(&monitor, id, &children[id]);
        if (err != 0) {
            LOG_ERROR("cannot watch %s: %s", children[id].name, sel4ft_strerror(err));
        }
    }
    /* A restarted child that has not said it serves within a second failed again. */
    sel4ft_faultmon_set_recovery_timeout(&monitor, hz);
    if (scenario.hanger_hangs) {
        /* Heartbeats every 10 ms; two missed periods make a hang. */
        sel4ft_faultmon_set_heartbeat_period(&monitor, hz / 100, sel4ft_os_ticks());
    }
    LOG_INFO("supervising server, crasher, hanger (counter at %lu Hz)", (unsigned long)hz);
    rearm_timer();
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    uint64_t now = sel4ft_os_ticks();

    (void)reply_msginfo;
    seL4_Bool resume = sel4ft_faultmon_fault(&monitor, child, msginfo, now);
    /* Once the crasher is given up (it crashes only in scenario escalate), let the last lines drain for 20 ms,
     * then sum up. */
    if (sel4ft_faultmon_child(&monitor, CRASHER_ID)->state == SEL4FT_FAULTMON_STOPPED && finish_at == 0) {
        finish_at = now + hz / 50;
    }
    rearm_timer();
    return resume;
}

void notified(microkit_channel ch)
{
    uint64_t now = sel4ft_os_ticks();

    switch (ch) {
    case TIMER_CHANNEL:
        sel4ft_faultmon_tick(&monitor, now);
        if (finish_at != 0 && now >= finish_at) {
            finish_at = 0;
            finish(now);
        }
        /* Move the deadline before acknowledging: the timer's interrupt is level-triggered. */
        rearm_timer();
        sel4ft_os_irq_ack(TIMER_CHANNEL);
        return;
    case HANGER_FINISHED_CHANNEL:
        finish(now);
        return;
    case CLIENT_CHANNEL:
        finish(now);
        return;
    default:
        break;
    }
    if (!sel4ft_faultmon_notified(&monitor, ch, now)) {
        LOG_WARN("unexpected notification on channel %u", ch);
    }
    rearm_timer();
}
