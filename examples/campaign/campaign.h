/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#pragma once

/* The campaign: the monitor holds the schedule (services/inject_schedule.h), writes one command at a time into
 * the campaign page (mapped read-write in the monitor, read-only in every target) and waits until the target
 * has failed and been restarted, or has reported the injection contained. Targets take a command by copying and
 * checking it (inject_take) and carry it out (inject_perform, target.c). The page is also the targets' read-only
 * mapping that readonly_write writes to. */

#include <stdbool.h>
#include <stdint.h>

#include <sel4ft/faultmon.h>
#include <sel4ft/logring.h>

#include "inject_schedule.h"

/* The page's address in this PD (setvar_vaddr="campaign_page"; for the targets, defined in target.c). */
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

/* A target PD as it takes part in the campaign (one per PD). */
typedef struct {
    uint32_t target;                /* enum inject_target */
    sel4ft_channel_t channel;       /* its channel to the monitor for injections: commands come in on it (the
                                     * crasher, the logger), "contained" goes out on it */
    bool logs;                      /* it has a log ring (sel4ft_log_ring(): ring garbage and floods write to it);
                                     * false: the logger, which writes its lines to the console */
    sel4ft_heartbeat_t *heartbeat;  /* beaten while a flood runs, so that a PD busy logging is not taken for
                                     * hung; NULL: none */
} campaign_target_t;

/* Take a new command for the target at @p point from the page, copied and checked. The last sequence taken is
 * remembered (in .bss: after a restart the monitor has already withdrawn the command that caused it). */
bool inject_take(const campaign_target_t *target, uint32_t point, inject_command_t *command);

/* Whether the campaign is over. */
bool inject_over(void);

/* Carry out an injection. Faulting kinds do not return (if one does, it is logged as an error). The
 * contained kinds a generic PD can do (ring garbage, log flood) return after logging what happened; request
 * garbage is the client's own. */
void inject_perform(const campaign_target_t *target, const inject_command_t *command);

/* Tell the monitor that an injection was contained (the PD keeps running). */
void inject_contained(const campaign_target_t *target);

/* The monitor's injection for @p point, if there is one: taken, carried out and (if the PD is still running)
 * reported contained. */
void inject_at(const campaign_target_t *target, uint32_t point);

/* The campaign runner, in the monitor (campaign_run.c), beside the monitor skeleton (sel4ft/monitor.h). Its state is
 * the monitor's own block, checkpointed with the children's records: a restarted monitor carries on with the
 * injection under way. */
#include <sel4ft/monitor.h>

/* Give the monitor's configuration the runner: its state (user_state) and hooks (on_change, on_notified, at). */
void campaign_configure(sel4ft_monitor_config_t *config);

/* After sel4ft_monitor_start(). (A restarted monitor judges the injection under way, its own or an escape, in its
 * first handler.) */
void campaign_started(sel4ft_monitor_t *monitor);
