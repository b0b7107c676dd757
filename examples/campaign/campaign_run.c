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
 * The monitor is a target too: it carries its own injection out as it takes its next event (INJECT_POINT_BEFORE) or
 * after it handled it, before it commits (INJECT_POINT_MIDDLE); its parent, the root, finds the failure and restarts
 * it, and the restarted monitor, its state taken back from its checkpoint, counts it recovered once it serves again.
 * A failure of any other supervised PD while an injection is under way, or a restart of the monitor that no injection
 * of its own explains, is an escaped fault. Every outcome is one event in the log, in the style of the fault
 * monitor's events (doc/events.md: `campaign`, `result`, `escaped`, `campaign_done`); bench/inject.py tabulates them.
 * INJECT_SEED and INJECTIONS, the schedule's seed and length, come from the build (the Makefile's defaults). */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "campaign.h"
#include "campaign_config.h"

/* The monitor is not a child of its own: it has no child id (and no injection channel). */
#define NOT_A_CHILD UINT32_MAX

static const uint32_t child_of_target[INJECT_TARGETS] = {
    [INJECT_TARGET_CRASHER] = MONITOR_CHILD_CRASHER, [INJECT_TARGET_SERVER] = MONITOR_CHILD_SERVER,
    [INJECT_TARGET_CLIENT] = MONITOR_CHILD_CLIENT_B, [INJECT_TARGET_LOGGER] = MONITOR_CHILD_LOGGER,
    [INJECT_TARGET_MONITOR] = NOT_A_CHILD,
};
static const uint32_t channel_of_target[INJECT_TARGETS] = {
    [INJECT_TARGET_CRASHER] = MONITOR_CH_CRASHER_INJECT, [INJECT_TARGET_SERVER] = MONITOR_CH_SERVER_INJECT,
    [INJECT_TARGET_CLIENT] = MONITOR_CH_CLIENT_B_INJECT, [INJECT_TARGET_LOGGER] = MONITOR_CH_LOGGER_INJECT,
    [INJECT_TARGET_MONITOR] = NOT_A_CHILD,
};

/* What each child had suffered when the current injection was issued. */
typedef struct {
    uint32_t faults, hangs, restarts;
} tally_t;

/* The runner's state: the monitor's own block, checkpointed with its children's records (fixed-width fields). */
static struct {
    uint32_t started, over;
    uint64_t issued, recovered, contained, not_faulted, timed_out, escaped;
    uint32_t sequence;
    uint32_t incarnation; /* the monitor's incarnation the runner last ran in */
    struct {
        uint32_t active;
        uint32_t failed;     /* the target failed since it was issued: the command is withdrawn */
        uint64_t number;
        uint32_t target, kind, point;
        uint32_t armed_in;   /* the monitor's own injection: the incarnation that carries it out (0: done) */
        uint64_t deadline;
        tally_t before[INJECT_TARGETS]; /* by target */
    } pending;
} state;

static sel4ft_monitor_t *monitor;
/* The monitor's own injection was issued in the handler under way: it is carried out in a later one, once the
 * issue is committed (so that a restart caused by it always finds it in the checkpoint). Not checkpointed. */
static bool issued_in_this_handler;

static tally_t tally(uint32_t target)
{
    if (child_of_target[target] == NOT_A_CHILD) {
        return (tally_t){ 0, 0, 0 };
    }
    const sel4ft_faultmon_child_t *c = sel4ft_faultmon_child(&monitor->engine, child_of_target[target]);
    return (tally_t){ c->faults, c->hangs, c->restarts };
}

static volatile inject_command_t *slot(uint32_t target)
{
    return &((volatile campaign_page_t *)campaign_page)->command[target];
}

static void issue(uint64_t n, uint64_t now)
{
    uint32_t target = inject_target_of(INJECT_SEED, n);
    state.pending.active = 1;
    state.pending.failed = 0;
    state.pending.number = n;
    state.pending.target = target;
    state.pending.kind = inject_kind_of(INJECT_SEED, n);
    state.pending.point = inject_point_of(INJECT_SEED, n);
    state.pending.deadline = now + sel4ft_monitor_ticks(monitor, 1000000); /* before: next() took them just now */
    sel4ft_monitor_alarm(monitor, state.pending.deadline);
    state.issued++;
    if (target == INJECT_TARGET_MONITOR) {
        /* Its own: carried out by this incarnation, at the point, in a handler still to come. The timer brings
         * that handler in 2 ms (at() sets the alarm back to the deadline), rather than at the next heartbeat; not at
         * once: the logger, below the monitor, must have drained the monitor's ring first, or a run of injections
         * into the monitor, each restart logging its adopted children, overflows it (records were dropped). */
        state.pending.armed_in = (uint32_t)monitor->incarnation;
        issued_in_this_handler = true;
        sel4ft_monitor_alarm(monitor, now + sel4ft_monitor_ticks(monitor, 2000));
        return;
    }
    state.pending.armed_in = 0;
    volatile inject_command_t *command = slot(target);
    command->kind = state.pending.kind;
    command->point = state.pending.point;
    command->arg = (uint32_t)inject_draw(INJECT_SEED, n, 3);
    command->number = n;
    if (++state.sequence == 0) {
        state.sequence = 1;
    }
    __atomic_store_n(&command->sequence, state.sequence, __ATOMIC_RELEASE);
    if (target == INJECT_TARGET_CRASHER || target == INJECT_TARGET_LOGGER) {
        sel4ft_os_notify(channel_of_target[target]);
    }
}

static void withdraw(void)
{
    if (state.pending.target != INJECT_TARGET_MONITOR) {
        __atomic_store_n(&slot(state.pending.target)->sequence, 0, __ATOMIC_RELEASE);
    }
    state.pending.armed_in = 0;
}

/* The next injection, or the end of the campaign. */
static void next(uint64_t now)
{
    state.pending.active = 0;
    for (uint32_t t = 0; t < INJECT_TARGETS; t++) {
        state.pending.before[t] = tally(t);
    }
    if (state.pending.number < INJECTIONS) {
        issue(state.pending.number + 1, now);
        return;
    }
    state.over = 1;
    __atomic_store_n(&((campaign_page_t *)campaign_page)->over, 1, __ATOMIC_RELEASE);
    sel4ft_log_line_t event;
    sel4ft_logfmt_t *line = sel4ft_log_line_begin(&event, "campaign_done");
    sel4ft_logfmt_u64(line, "injections", state.issued);
    sel4ft_logfmt_u64(line, "seed", INJECT_SEED);
    sel4ft_logfmt_u64(line, "recovered", state.recovered);
    sel4ft_logfmt_u64(line, "contained", state.contained);
    sel4ft_logfmt_u64(line, "not_faulted", state.not_faulted);
    sel4ft_logfmt_u64(line, "timed_out", state.timed_out);
    sel4ft_logfmt_u64(line, "escaped", state.escaped);
    sel4ft_log_event(SEL4FT_LOG_INFO, line);
}

/* outcome: recovered_fault, recovered_hang, contained, not_faulted or timed_out. @p failed_incarnation: the
 * monitor's own incarnation that the injection made fail (0: not the monitor's), which the root's failure event
 * names. */
static void resolve_monitor(const char *outcome, uint64_t now, uint32_t failed_incarnation)
{
    sel4ft_log_line_t event;
    sel4ft_logfmt_t *line = sel4ft_log_line_begin(&event, "result");
    sel4ft_logfmt_u64(line, "n", state.pending.number);
    sel4ft_logfmt_str(line, "target", inject_target_names[state.pending.target]);
    sel4ft_logfmt_str(line, "kind", inject_kind_names[state.pending.kind]);
    sel4ft_logfmt_str(line, "outcome", outcome);
    if (failed_incarnation != 0) {
        sel4ft_logfmt_u64(line, "incarnation", failed_incarnation);
    }
    sel4ft_log_event(SEL4FT_LOG_INFO, line);
    next(now);
}

static void resolve(const char *outcome, uint64_t now)
{
    resolve_monitor(outcome, now, 0);
}

static void report_escape(const char *child, uint32_t failures)
{
    state.escaped += failures;
    /* Without an injection under way the event names none. */
    sel4ft_log_line_t event;
    sel4ft_logfmt_t *line = sel4ft_log_line_begin(&event, "escaped");
    sel4ft_logfmt_str(line, "child", child);
    sel4ft_logfmt_u64(line, "failures", failures);
    if (state.pending.active) {
        sel4ft_logfmt_u64(line, "n", state.pending.number);
        sel4ft_logfmt_str(line, "target", inject_target_names[state.pending.target]);
    }
    sel4ft_log_event(SEL4FT_LOG_ERROR, line);
}

/* The monitor's own restarts: each is the injection into it under way (carried out by the incarnation it was armed
 * for, now gone), or an escape. The root, its parent, counted and reported the failure. */
static void review_monitor(uint64_t now)
{
    uint32_t incarnation = (uint32_t)monitor->incarnation;
    if (state.incarnation == 0 || incarnation <= state.incarnation) {
        state.incarnation = incarnation;
        return;
    }
    uint32_t restarts = incarnation - state.incarnation;
    state.incarnation = incarnation;
    if (state.pending.active && state.pending.target == INJECT_TARGET_MONITOR && state.pending.armed_in != 0 &&
        incarnation > state.pending.armed_in) {
        /* It failed as its injection made it fail, and serves again (it is running this). */
        if (restarts > 1) {
            report_escape("monitor", restarts - 1);
        }
        uint32_t failed = state.pending.armed_in;
        state.recovered++;
        state.pending.armed_in = 0;
        resolve_monitor(state.pending.kind == INJECT_HANG ? "recovered_hang" : "recovered_fault", now, failed);
        return;
    }
    report_escape("monitor", restarts);
}

/* After every event: what the children suffered since the current injection was issued. */
static void review(uint64_t now)
{
    review_monitor(now);
    /* Between injections (before the first, after the last) no child may fail at all. */
    for (uint32_t target = 0; target < INJECT_TARGETS; target++) {
        tally_t t = tally(target);
        const tally_t *b = &state.pending.before[target];
        uint32_t failures = (t.faults - b->faults) + (t.hangs - b->hangs);
        if ((!state.pending.active || target != state.pending.target) && failures != 0) {
            const sel4ft_faultmon_child_t *child = sel4ft_faultmon_child(&monitor->engine, child_of_target[target]);
            report_escape(child->config.name, failures);
            state.pending.before[target] = t;
        }
    }
    if (!state.pending.active || state.pending.target == INJECT_TARGET_MONITOR) {
        if (state.pending.active && now >= state.pending.deadline) {
            state.timed_out++;
            withdraw();
            resolve("timed_out", now);
        }
        return;
    }
    uint32_t target_child = child_of_target[state.pending.target];
    tally_t t = tally(state.pending.target);
    const tally_t *b = &state.pending.before[state.pending.target];
    if (!state.pending.failed && (t.faults != b->faults || t.hangs != b->hangs)) {
        /* The monitor runs before any child: the restarted target cannot see the command again. */
        state.pending.failed = 1;
        withdraw();
    }
    const sel4ft_faultmon_child_t *c = sel4ft_faultmon_child(&monitor->engine, target_child);
    if (state.pending.failed && t.restarts != b->restarts && c->state == SEL4FT_FAULTMON_RUNNING) {
        state.recovered++;
        resolve(t.hangs != b->hangs ? "recovered_hang" : "recovered_fault", now);
    } else if (now >= state.pending.deadline) {
        state.timed_out++;
        withdraw();
        resolve("timed_out", now);
    }
}

/* The target said it carried the injection out and runs on (the monitor says so of itself). */
static void reported(uint32_t target, uint64_t now)
{
    if (!state.pending.active || target != state.pending.target || state.pending.failed) {
        LOG_WARN("unexpected report from %s", inject_target_names[target]);
        return;
    }
    withdraw();
    if ((INJECT_CONTAINED_KINDS & INJECT_BIT(state.pending.kind)) != 0) {
        state.contained++;
        resolve("contained", now);
    } else {
        state.not_faulted++;
        resolve("not_faulted", now);
    }
}

/* The campaign starts once every target that answers heartbeats has said it serves. */
static void maybe_start(uint64_t now)
{
    if (state.started) {
        return;
    }
    for (uint32_t target = 0; target < INJECT_TARGETS; target++) {
        if (child_of_target[target] == NOT_A_CHILD || target == INJECT_TARGET_SERVER) {
            continue;
        }
        if (!sel4ft_faultmon_child(&monitor->engine, child_of_target[target])->serving) {
            return;
        }
    }
    state.started = 1;
    state.incarnation = (uint32_t)monitor->incarnation;
    sel4ft_log_line_t event;
    sel4ft_logfmt_t *line = sel4ft_log_line_begin(&event, "campaign");
    sel4ft_logfmt_u64(line, "injections", INJECTIONS);
    sel4ft_logfmt_u64(line, "seed", INJECT_SEED);
    sel4ft_logfmt_str(line, "targets", "server crasher client_b logger monitor");
    sel4ft_log_event(SEL4FT_LOG_INFO, line);
    state.pending.number = 0;
    next(now);
}

static void changed(sel4ft_monitor_t *m, uint64_t now)
{
    monitor = m;
    maybe_start(now);
    if (state.started) {
        review(now);
    }
}

static bool own_notification(sel4ft_monitor_t *m, sel4ft_channel_t channel, uint64_t now)
{
    monitor = m;
    if (channel == MONITOR_CH_CLIENT_A) {
        review(now);
        if (state.over) {
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

/* The monitor's own injection, at its point of the event it is handling, by the incarnation it was armed for. A
 * faulting kind does not return: the root restarts the monitor, which counts it recovered (review_monitor()). */
static void at(sel4ft_monitor_t *m, sel4ft_monitor_point_t point)
{
    monitor = m;
    if (point == SEL4FT_MONITOR_EVENT_TAKEN) {
        issued_in_this_handler = false; /* a new handler */
    }
    if (issued_in_this_handler || !state.pending.active || state.pending.target != INJECT_TARGET_MONITOR ||
        state.pending.armed_in != m->incarnation || (uint32_t)point != state.pending.point) {
        return;
    }
    const inject_command_t command = { .sequence = 1, .kind = state.pending.kind, .point = state.pending.point,
                                       .arg = (uint32_t)inject_draw(INJECT_SEED, state.pending.number, 3),
                                       .number = state.pending.number };
    const campaign_target_t self = { .target = INJECT_TARGET_MONITOR, .logs = true,
                                     .heartbeat = &m->config.parent_link->heartbeat };
    state.pending.armed_in = 0; /* carried out (if it returns, it was contained, or it did not fault) */
    sel4ft_monitor_alarm(m, state.pending.deadline);
    inject_perform(&self, &command);
    reported(INJECT_TARGET_MONITOR, sel4ft_os_ticks());
}

void campaign_configure(sel4ft_monitor_config_t *config)
{
    config->user_state = &state;
    config->user_state_size = sizeof(state);
    config->on_change = changed;
    config->on_notified = own_notification;
    config->at = at;
}

void campaign_started(sel4ft_monitor_t *m)
{
    /* A restarted monitor judges the injection under way in its first handler (the replayed event, or the next
     * one), so that whatever it decides is committed with the event. */
    monitor = m;
}
