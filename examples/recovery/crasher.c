/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* SCENARIO=escalate: the crasher crashes in every incarnation, each time in another
 * way, until its supervision policy gives up. Each incarnation first checks that its
 * .data and .bss are as at first start: the previous incarnation changed both.
 * SCENARIO=inject: it waits for the monitor's injections and carries them out. */

#include <microkit.h>

#include <sel4ft/faultmon.h>
#include <sel4ft/sel4ft.h>

#include "campaign.h"
#include "example_log.h"
#include "scenario.h"

#define LOG_CHANNEL 8

uintptr_t log_ring, log_ring_size;
uintptr_t snapshot_region, snapshot_region_size;
/* SCENARIO=inject (inject.system) only. */
uintptr_t heartbeat_region;

static volatile uint32_t data_marker = 0x5eed;
static volatile uint32_t bss_marker;

void init(void)
{
    uint64_t incarnation = 0;
    int err = sel4ft_restart_begin((void *)snapshot_region, snapshot_region_size, &incarnation);
    example_log_init(log_ring, log_ring_size, LOG_CHANNEL);
    if (err != 0) {
        LOG_ERROR("cannot restore a clean image: %s", sel4ft_strerror(err));
        __builtin_trap();
    }
#if SCENARIO == SCENARIO_INJECT
    /* Serving: injections come in as notifications from the monitor. */
    microkit_notify(MONITOR_UP_CHANNEL);
    return;
#endif
#if SCENARIO != SCENARIO_ESCALATE
    return;
#endif
    bool clean = data_marker == 0x5eed && bss_marker == 0;
    LOG_INFO("incarnation %lu: .data marker 0x%x, .bss marker %u: %s", (unsigned long)incarnation, data_marker,
             bss_marker, clean ? "clean start" : "STATE SURVIVED THE RESTART");
    data_marker = 0xdead;
    bss_marker = (uint32_t)incarnation;
    microkit_notify(MONITOR_UP_CHANNEL);

    switch (incarnation % 4) {
    case 1:
        LOG_INFO("writing to NULL");
        *(volatile uint32_t *)0 = 1;
        break;
    case 2:
        LOG_INFO("executing an undefined instruction");
        __asm__ volatile("udf #0");
        break;
    case 3:
        LOG_INFO("reading unmapped memory at 0x10000000");
        (void)*(volatile uint32_t *)0x10000000;
        break;
    default:
        LOG_INFO("jumping to address 0");
        ((void (*)(void))0)();
        break;
    }
    LOG_ERROR("survived a crash that should have stopped it");
}

#if SCENARIO == SCENARIO_INJECT
/* The crasher answers heartbeats as notifications; while it floods its log it cannot, so it beats here. */
void inject_progress(void)
{
    sel4ft_heartbeat_beat((sel4ft_heartbeat_t *)heartbeat_region);
}
#endif

void notified(microkit_channel ch)
{
#if SCENARIO == SCENARIO_INJECT
    inject_command_t command;
    switch (ch) {
    case MONITOR_UP_CHANNEL:
        /* A heartbeat request. */
        inject_progress();
        return;
    case INJECT_CHANNEL:
        if (inject_take(campaign_page, INJECT_TARGET_CRASHER, INJECT_POINT_BEFORE, &command)) {
            inject_perform(&command, INJECT_TARGET_CRASHER, &example_log, log_ring, log_ring_size);
            inject_contained();
        }
        return;
    default:
        break;
    }
#endif
    LOG_WARN("unexpected notification on channel %u", ch);
}
