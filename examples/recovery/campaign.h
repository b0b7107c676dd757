/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* SCENARIO=inject: the monitor runs the campaign. It holds the schedule (inject_schedule.h), writes one command
 * at a time into the campaign page (mapped read-write in the monitor, read-only in every target) and waits
 * until the target has failed and been restarted, or has reported the injection contained. Targets take a
 * command by copying and checking it (inject_take). The page is also the targets' read-only mapping that
 * readonly_write writes to. */

#include <stdbool.h>
#include <stdint.h>

#include <sel4ft/logring.h>

#include "inject_schedule.h"

/* Every target maps the page at this address (read-only); see inject.system. */
#define CAMPAIGN_PAGE_VADDR 0x8000000ul
/* Each target's channel to the monitor for injections: commands come in on it (crasher, logger), and
 * "contained" goes out on it. */
#define INJECT_CHANNEL 10

/* The page's address in this PD (setvar_vaddr="campaign_page"; defined in inject.c for the targets). */
extern uintptr_t campaign_page;

typedef struct {
    uint32_t sequence; /* Non-zero and new: a command to take. 0: none. */
    uint32_t kind;     /* enum inject_kind */
    uint32_t point;    /* enum inject_point */
    uint32_t arg;      /* Random bits for the kind (which channel, which garbage). */
    uint64_t number;   /* The injection's number in the campaign (1-based). */
} inject_command_t;

typedef struct {
    inject_command_t command[INJECT_TARGETS];
    uint32_t over; /* Non-zero: the campaign is over; the clients finish their round and read back. */
} campaign_page_t;

/* Take a new command for @p target at @p point from the page, copied and checked. The last sequence taken is
 * remembered (in .bss: after a restart the monitor has already withdrawn the command that caused it). */
bool inject_take(uintptr_t page, uint32_t target, uint32_t point, inject_command_t *command);

/* Whether the campaign is over. */
bool inject_over(uintptr_t page);

/* Carry out an injection. Faulting kinds do not return (if one does, it is logged as an error). The
 * contained kinds a generic PD can do (ring garbage, log flood) return after logging what happened; request
 * garbage is the client's own. @p log is the PD's ring (ring garbage and floods write to it); NULL for the
 * logger, which writes its lines to the console. */
void inject_perform(const inject_command_t *command, uint32_t target, sel4ft_logring_producer_t *log,
                    uintptr_t log_region, uintptr_t log_region_size);

/* Scribble on this PD's own log ring as a buggy or hostile producer would: publish a record with @p length and
 * @p level, then a head @p head_jump records beyond that, notifying the logger after each; then attach again
 * (the producer repairs its side). */
void logring_scribble(sel4ft_logring_producer_t *log, uintptr_t region, uintptr_t size, uint16_t length,
                      uint16_t level, uint32_t head_jump);

/* Called during a flood; a PD may define it to beat its heartbeat (the default does nothing). */
void inject_progress(void);

/* Tell the monitor that an injection was contained (the PD keeps running). */
void inject_contained(void);
