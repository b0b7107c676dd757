/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The campaign, as the monitor runs it beside its supervision (monitor.c). For each injection of the seeded schedule
 * it writes a command into the campaign page for the target, wakes it if it waits for commands, and waits until
 * either
 * - the target failed (a fault, or a hang found by its heartbeat), was restarted and says it serves again:
 *   "recovered", or
 * - the target reports that it carried the injection out and runs on: "contained" for the kinds that are
 *   meant to be contained, "not faulted" for the others, or
 * - a second passed: "timed out".
 * A failure of any other supervised PD while an injection is under way is an escaped fault. Every outcome is
 * one event in the log, in the style of the fault monitor's events (doc/events.md: `campaign`, `result`,
 * `escaped`, `campaign_done`); bench/inject.py tabulates them. INJECT_SEED and INJECTIONS, the schedule's seed
 * and length, come from the build (the Makefile's defaults). */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "campaign.h"
#include "campaign_config.h"

static const uint32_t child_of_target[INJECT_TARGETS] = {
    [INJECT_TARGET_CRASHER] = MONITOR_CHILD_CRASHER, [INJECT_TARGET_SERVER] = MONITOR_CHILD_SERVER,
    [INJECT_TARGET_CLIENT] = MONITOR_CHILD_CLIENT_B, [INJECT_TARGET_LOGGER] = MONITOR_CHILD_LOGGER,
};
static const uint32_t channel_of_target[INJECT_TARGETS] = {
    [INJECT_TARGET_CRASHER] = MONITOR_CH_CRASHER_INJECT, [INJECT_TARGET_SERVER] = MONITOR_CH_SERVER_INJECT,
    [INJECT_TARGET_CLIENT] = MONITOR_CH_CLIENT_B_INJECT, [INJECT_TARGET_LOGGER] = MONITOR_CH_LOGGER_INJECT,
};

/* What each child had suffered when the current injection was issued. */
typedef struct {
    uint32_t faults, hangs, restarts;
} tally_t;

static sel4ft_monitor_t *monitor;
static bool started, over;
static uint64_t issued, recovered, contained, not_faulted, timed_out, escaped;
static uint32_t sequence;

static struct {
    bool active;
    bool failed; /* the target failed since it was issued: the command is withdrawn */
    uint64_t number;
    uint32_t target, kind, point;
    uint64_t deadline;
    tally_t before[INJECT_TARGETS]; /* by target */
} pending;

static tally_t tally(uint32_t child)
{
    const sel4ft_faultmon_child_t *c = sel4ft_faultmon_child(&monitor->engine, child);
    return (tally_t){ c->faults, c->hangs, c->restarts };
}

static volatile inject_command_t *slot(uint32_t target)
{
    return &((volatile campaign_page_t *)campaign_page)->command[target];
}

/* The campaign's events: a line, filled in by the caller, logged at a level. */
typedef struct {
    char text[SEL4FT_LOGRING_TEXT_MAX + 1];
    sel4ft_logfmt_t line;
} campaign_event_t;

static sel4ft_logfmt_t *campaign_event(campaign_event_t *event, const char *kind)
{
    sel4ft_logfmt_begin(&event->line, event->text, sizeof(event->text), kind);
    return &event->line;
}

static void issue(uint64_t n, uint64_t now)
{
    uint32_t target = inject_target_of(INJECT_SEED, n);
    pending.active = true;
    pending.failed = false;
    pending.number = n;
    pending.target = target;
    pending.kind = inject_kind_of(INJECT_SEED, n);
    pending.point = inject_point_of(INJECT_SEED, n);
    pending.deadline = now + sel4ft_monitor_ticks(monitor, 1000000); /* pending.before: next() took them just now */
    sel4ft_monitor_alarm(monitor, pending.deadline);
    volatile inject_command_t *command = slot(target);
    command->kind = pending.kind;
    command->point = pending.point;
    command->arg = (uint32_t)inject_draw(INJECT_SEED, n, 3);
    command->number = n;
    if (++sequence == 0) {
        sequence = 1;
    }
    __atomic_store_n(&command->sequence, sequence, __ATOMIC_RELEASE);
    issued++;
    if (target == INJECT_TARGET_CRASHER || target == INJECT_TARGET_LOGGER) {
        sel4ft_os_notify(channel_of_target[target]);
    }
}

static void withdraw(void)
{
    __atomic_store_n(&slot(pending.target)->sequence, 0, __ATOMIC_RELEASE);
}

/* The next injection, or the end of the campaign. */
static void next(uint64_t now)
{
    pending.active = false;
    for (uint32_t t = 0; t < INJECT_TARGETS; t++) {
        pending.before[t] = tally(child_of_target[t]);
    }
    if (pending.number < INJECTIONS) {
        issue(pending.number + 1, now);
        return;
    }
    over = true;
    __atomic_store_n(&((campaign_page_t *)campaign_page)->over, 1, __ATOMIC_RELEASE);
    campaign_event_t event;
    sel4ft_logfmt_t *line = campaign_event(&event, "campaign_done");
    sel4ft_logfmt_u64(line, "injections", issued);
    sel4ft_logfmt_u64(line, "seed", INJECT_SEED);
    sel4ft_logfmt_u64(line, "recovered", recovered);
    sel4ft_logfmt_u64(line, "contained", contained);
    sel4ft_logfmt_u64(line, "not_faulted", not_faulted);
    sel4ft_logfmt_u64(line, "timed_out", timed_out);
    sel4ft_logfmt_u64(line, "escaped", escaped);
    sel4ft_log_event(SEL4FT_LOG_INFO, line);
}

/* outcome: recovered_fault, recovered_hang, contained, not_faulted or timed_out. */
static void resolve(const char *outcome, uint64_t now)
{
    campaign_event_t event;
    sel4ft_logfmt_t *line = campaign_event(&event, "result");
    sel4ft_logfmt_u64(line, "n", pending.number);
    sel4ft_logfmt_str(line, "target", inject_target_names[pending.target]);
    sel4ft_logfmt_str(line, "kind", inject_kind_names[pending.kind]);
    sel4ft_logfmt_str(line, "outcome", outcome);
    sel4ft_log_event(SEL4FT_LOG_INFO, line);
    next(now);
}

/* After every event: what the children suffered since the current injection was issued. */
static void review(uint64_t now)
{
    /* Between injections (before the first, after the last) no child may fail at all. */
    for (uint32_t target = 0; target < INJECT_TARGETS; target++) {
        tally_t t = tally(child_of_target[target]);
        const tally_t *b = &pending.before[target];
        uint32_t failures = (t.faults - b->faults) + (t.hangs - b->hangs);
        if ((!pending.active || target != pending.target) && failures != 0) {
            escaped += failures;
            /* Without an injection under way the event names none. */
            campaign_event_t event;
            sel4ft_logfmt_t *line = campaign_event(&event, "escaped");
            const sel4ft_faultmon_child_t *child = sel4ft_faultmon_child(&monitor->engine, child_of_target[target]);
            sel4ft_logfmt_str(line, "child", child->config.name);
            sel4ft_logfmt_u64(line, "failures", failures);
            if (pending.active) {
                sel4ft_logfmt_u64(line, "n", pending.number);
                sel4ft_logfmt_str(line, "target", inject_target_names[pending.target]);
            }
            sel4ft_log_event(SEL4FT_LOG_ERROR, line);
            pending.before[target] = t;
        }
    }
    if (!pending.active) {
        return;
    }
    uint32_t target_child = child_of_target[pending.target];
    tally_t t = tally(target_child);
    const tally_t *b = &pending.before[pending.target];
    if (!pending.failed && (t.faults != b->faults || t.hangs != b->hangs)) {
        /* The monitor runs before any child: the restarted target cannot see the command again. */
        pending.failed = true;
        withdraw();
    }
    const sel4ft_faultmon_child_t *c = sel4ft_faultmon_child(&monitor->engine, target_child);
    if (pending.failed && t.restarts != b->restarts && c->state == SEL4FT_FAULTMON_RUNNING) {
        recovered++;
        resolve(t.hangs != b->hangs ? "recovered_hang" : "recovered_fault", now);
    } else if (now >= pending.deadline) {
        timed_out++;
        withdraw();
        resolve("timed_out", now);
    }
}

/* The target said it carried the injection out and runs on. */
static void reported(uint32_t target, uint64_t now)
{
    if (!pending.active || target != pending.target || pending.failed) {
        LOG_WARN("unexpected report from %s", inject_target_names[target]);
        return;
    }
    withdraw();
    if ((INJECT_CONTAINED_KINDS & INJECT_BIT(pending.kind)) != 0) {
        contained++;
        resolve("contained", now);
    } else {
        not_faulted++;
        resolve("not_faulted", now);
    }
}

/* The campaign starts once every target that answers heartbeats has said it serves. */
static void maybe_start(uint64_t now)
{
    if (started) {
        return;
    }
    for (uint32_t target = 0; target < INJECT_TARGETS; target++) {
        const sel4ft_faultmon_child_t *child = sel4ft_faultmon_child(&monitor->engine, child_of_target[target]);
        if (target != INJECT_TARGET_SERVER && !child->serving) {
            return;
        }
    }
    started = true;
    campaign_event_t event;
    sel4ft_logfmt_t *line = campaign_event(&event, "campaign");
    sel4ft_logfmt_u64(line, "injections", INJECTIONS);
    sel4ft_logfmt_u64(line, "seed", INJECT_SEED);
    sel4ft_logfmt_str(line, "targets", "server crasher client_b logger");
    sel4ft_log_event(SEL4FT_LOG_INFO, line);
    pending.number = 0;
    next(now);
}

void campaign_init(sel4ft_monitor_t *supervisor)
{
    monitor = supervisor;
}

void campaign_changed(sel4ft_monitor_t *supervisor, uint64_t now)
{
    (void)supervisor;
    maybe_start(now);
    review(now);
}

bool campaign_notified(sel4ft_channel_t channel, uint64_t now)
{
    if (channel == MONITOR_CH_CLIENT_A) {
        review(now);
        if (over) {
            sel4ft_monitor_finish(monitor, now);
        } else {
            LOG_WARN("client_a finished before the campaign was over");
        }
        return true;
    }
    for (uint32_t target = 0; target < INJECT_TARGETS; target++) {
        if (channel_of_target[target] == channel) {
            review(now);
            reported(target, now);
            return true;
        }
    }
    return false;
}
