/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The crasher (scenario escalate): it crashes in every incarnation, each time in another
 * way, until its supervision policy gives up. Each incarnation first checks that its
 * .data and .bss are as at first start: the previous incarnation changed both. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "example_log.h"
#include "recovery_config.h"
#include "scenario.h"

uintptr_t log_ring, log_ring_size;
uintptr_t snapshot_region, snapshot_region_size;

static volatile uint32_t data_marker = 0x5eed;
static volatile uint32_t bss_marker;

void init(void)
{
    uint64_t incarnation =
        example_restart_begin(snapshot_region, snapshot_region_size, log_ring, log_ring_size, CRASHER_CH_LOGGER);
    if (!scenario.crasher_crashes) {
        return;
    }
    bool clean = data_marker == 0x5eed && bss_marker == 0;
    LOG_INFO("incarnation %lu: .data marker 0x%x, .bss marker %u: %s", (unsigned long)incarnation, data_marker,
             bss_marker, clean ? "clean start" : "STATE SURVIVED THE RESTART");
    data_marker = 0xdead;
    bss_marker = (uint32_t)incarnation;
    microkit_notify(CRASHER_CH_MONITOR); /* running (again) */

    switch (incarnation % 4) {
    case 1:
        LOG_INFO("writing to NULL");
        *(volatile uint32_t *)0 = 1;
        break;
    case 2:
        LOG_INFO("executing an undefined instruction");
        /* The all-zero word is undefined on both architectures: aarch64's UDF #0, and a
         * RISC-V encoding reserved as illegal. */
        __asm__ volatile(".4byte 0");
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

void notified(microkit_channel ch)
{
    LOG_WARN("unexpected notification on channel %u", ch);
}
