/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* Fault injection into the block driver. The monitor holds the seeded schedule and writes one command at a time
 * into the campaign page (read-write in the monitor, read-only in the driver and the client); the driver's shim
 * hook (driver.c) takes it and strikes at the command's point of I/O, after letting `skip` such points pass.
 * Kinds and names are the campaign's (services/inject_schedule.h); the driver gets the ones that apply to a
 * driver written by someone else: a bad pointer, an undefined instruction, an endless loop. */

#include <stdint.h>

#include <sel4ft/driver.h>

#include "inject_schedule.h"

typedef struct {
    uint32_t sequence; /* non-zero and new: a command to take; 0: none (withdrawn) */
    uint32_t kind;     /* enum inject_kind: one of BLK_INJECT_KINDS */
    uint32_t point;    /* sel4ft_driver_point_t */
    uint32_t skip;     /* points of that kind to let pass first */
    uint64_t number;   /* the injection's number (1-based) */
} blk_inject_command_t;

typedef struct {
    blk_inject_command_t command;
    uint32_t over; /* non-zero: no more injections; the client finishes its pass and reads back */
    uint32_t reserved;
} blk_campaign_page_t;

#define BLK_INJECT_KINDS                                                                                          \
    (INJECT_BIT(INJECT_NULL_READ) | INJECT_BIT(INJECT_NULL_WRITE) | INJECT_BIT(INJECT_UNMAPPED_WRITE) |         \
     INJECT_BIT(INJECT_UNDEFINED_INSTRUCTION) | INJECT_BIT(INJECT_HANG))

/* The most points of one kind an injection lets pass before it strikes. */
#define BLK_INJECT_SKIP_MAX 64u

__attribute__((unused)) static const char *const blk_inject_point_names[SEL4FT_DRIVER_POINT_NUM] = {
    "before_irq", "after_irq", "before_request", "after_request",
};

/* Injection n of the schedule named by seed: its kind, its point and how many points of that kind pass first
 * (independent draws, as in inject_schedule.h). */
static inline uint32_t blk_inject_kind_of(uint64_t seed, uint64_t n)
{
    uint32_t pick = (uint32_t)(inject_draw(seed, n, 11) % (uint32_t)__builtin_popcount(BLK_INJECT_KINDS));
    for (uint32_t kind = 0; kind < INJECT_KINDS; kind++) {
        if ((BLK_INJECT_KINDS & INJECT_BIT(kind)) != 0 && pick-- == 0) {
            return kind;
        }
    }
    return INJECT_NULL_READ; /* not reached */
}

static inline uint32_t blk_inject_point_of(uint64_t seed, uint64_t n)
{
    return (uint32_t)(inject_draw(seed, n, 12) % SEL4FT_DRIVER_POINT_NUM);
}

static inline uint32_t blk_inject_skip_of(uint64_t seed, uint64_t n)
{
    return (uint32_t)(inject_draw(seed, n, 13) % BLK_INJECT_SKIP_MAX);
}
