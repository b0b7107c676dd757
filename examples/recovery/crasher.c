/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The crasher crashes in every incarnation, each time in another way, until its
 * supervision policy gives up. Each incarnation first checks that its .data and
 * .bss are as at first start: the previous incarnation changed both. */

#include <microkit.h>

#include <sel4ft/faultmon.h>
#include <sel4ft/sel4ft.h>

#include "example_log.h"
#include "scenario.h"

#define LOG_CHANNEL 8
#define FINISHED_CHANNEL 7

uintptr_t log_ring, log_ring_size;
uintptr_t snapshot_region, snapshot_region_size;
uintptr_t heartbeat_region;
uintptr_t readonly_region;

/* The campaign's fault kinds (SCENARIO=inject); the names are what the log and bench/inject.py use. */
static const char *const kinds[] = {
    "null_read", "null_write", "unmapped_write", "readonly_write", "undefined_instruction", "stack_overflow", "hang",
};
#define KINDS (sizeof(kinds) / sizeof(kinds[0]))

/* Deep enough to run off the 4 KiB stack into the unmapped page below it. */
__attribute__((noinline)) static uint64_t recurse(volatile uint64_t depth)
{
    volatile uint64_t frame[64];
    frame[0] = depth;
    /* A limit no 4 KiB stack reaches; it keeps the recursion finite in the compiler's eyes. */
    if (depth > (1u << 30)) {
        return frame[0];
    }
    return recurse(depth + 1) + frame[0];
}

/* The kind for injection n: a splitmix64 of the seed and n, so a seed names a whole schedule. */
static uint32_t kind_for(uint64_t n)
{
    uint64_t z = (uint64_t)INJECT_SEED * 0x9e3779b97f4a7c15ull + n * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (uint32_t)((z ^ (z >> 31)) % KINDS);
}

__attribute__((unused)) static void inject(uint64_t n)
{
    uint32_t kind = kind_for(n);
    LOG_INFO("INJECT %lu %s", (unsigned long)n, kinds[kind]);
    switch (kind) {
    case 0:
        (void)*(volatile uint32_t *)0;
        break;
    case 1:
        *(volatile uint32_t *)0 = 1;
        break;
    case 2:
        *(volatile uint32_t *)0x10000000 = 1;
        break;
    case 3:
        *(volatile uint32_t *)readonly_region = 1;
        break;
    case 4:
        __asm__ volatile("udf #0");
        break;
    case 5:
        (void)recurse(0);
        break;
    default:
        for (;;) {
            __asm__ volatile("" ::: "memory");
        }
    }
    LOG_ERROR("INJECT %lu %s did not fault", (unsigned long)n, kinds[kind]);
}

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
    if (readonly_region == 0 || heartbeat_region == 0) {
        LOG_WARN("unexpected: a region is not mapped");
    }
#if SCENARIO == SCENARIO_INJECT
    microkit_notify(MONITOR_UP_CHANNEL);
    if (incarnation > INJECTIONS) {
        LOG_INFO("campaign done: %d injections, seed %d", INJECTIONS, INJECT_SEED);
        microkit_notify(FINISHED_CHANNEL);
        return;
    }
    inject(incarnation);
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

void notified(microkit_channel ch)
{
    if (ch == MONITOR_UP_CHANNEL) {
        /* A heartbeat request (campaign only). */
        sel4ft_heartbeat_t *heartbeat = (sel4ft_heartbeat_t *)heartbeat_region;
        __atomic_store_n(&heartbeat->beats, heartbeat->beats + 1, __ATOMIC_RELAXED);
        return;
    }
    LOG_WARN("unexpected notification on channel %u", ch);
}
