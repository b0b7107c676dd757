/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <sel4ft/error.h>
#include <sel4ft/faultmon.h>
#include <sel4ft/fence.h>
#include <sel4ft/fmt.h>

#include "internal.h"

/* The most message registers a fault message carries (unknown syscall: 13). */
#define FAULT_MRS_MAX 16u

/* A deadline that is never due. Deadlines saturate at it rather than wrap: a period, back-off or timeout that
 * would reach past 2^64 ticks (far beyond any uptime) means "never", not "a moment ago". */
#define NEVER UINT64_MAX

static uint64_t deadline_after(uint64_t start, uint64_t ticks)
{
    return ticks >= NEVER - start ? NEVER : start + ticks;
}

static bool is_due(uint64_t deadline, uint64_t now)
{
    return deadline != NEVER && now >= deadline;
}

int sel4ft_faultmon_init(sel4ft_faultmon_t *monitor, sel4ft_logring_producer_t *log)
{
    if (monitor == NULL) {
        return -SEL4FT_EINVAL;
    }
    sel4ft_zero_(monitor, sizeof(*monitor));
    monitor->log = log;
    monitor->tick_hz = sel4ft_os_tick_hz();
    return 0;
}

int sel4ft_faultmon_add_child(sel4ft_faultmon_t *monitor, sel4ft_child_t child,
                              const sel4ft_faultmon_child_config_t *config)
{
    if (monitor == NULL || config == NULL || config->name == NULL || child >= SEL4FT_FAULTMON_MAX_CHILDREN ||
        config->on_fault >= SEL4FT_FAULTMON_ACTION_NUM || config->channel > SEL4FT_OS_MAX_CHANNEL ||
        (config->dependents >> (SEL4FT_OS_MAX_CHANNEL + 1)) != 0 ||
        (config->policy != NULL && sel4ft_supervisor_policy_check(config->policy) != 0)) {
        return -SEL4FT_EINVAL;
    }
    sel4ft_faultmon_child_t *record = &monitor->children[child];
    sel4ft_zero_(record, sizeof(*record));
    record->config = *config;
    /* With no policy: restart at once, every time, without limit. */
    record->policy = config->policy != NULL ? *config->policy : sel4ft_supervisor_policy_always();
    record->config.policy = &record->policy;
    sel4ft_supervisor_state_init(&record->supervision);
    record->state = SEL4FT_FAULTMON_RUNNING;
    return 0;
}

void sel4ft_faultmon_set_heartbeat_period(sel4ft_faultmon_t *monitor, uint64_t period, uint64_t now)
{
    monitor->heartbeat_period = period;
    monitor->next_heartbeat = period != 0 ? deadline_after(now, period) : 0;
}

void sel4ft_faultmon_set_recovery_timeout(sel4ft_faultmon_t *monitor, uint64_t timeout)
{
    monitor->recovery_timeout = timeout;
}

const sel4ft_faultmon_child_t *sel4ft_faultmon_child(const sel4ft_faultmon_t *monitor, sel4ft_child_t child)
{
    if (monitor == NULL || child >= SEL4FT_FAULTMON_MAX_CHILDREN) {
        return NULL;
    }
    return &monitor->children[child];
}

const char *sel4ft_faultmon_action_str(uint32_t action)
{
    switch (action) {
    case SEL4FT_FAULTMON_STOP:
        return "stop";
    case SEL4FT_FAULTMON_RESTART:
        return "restart";
    default:
        return "?";
    }
}

const char *sel4ft_faultmon_state_str(uint32_t state)
{
    static const char *const names[] = { "unwatched", "running", "stopped", "waiting to restart", "restarting" };
    return state < SEL4FT_ARRAY_SIZE_(names) ? names[state] : "?";
}

sel4ft_faultmon_action_t sel4ft_faultmon_decide(const sel4ft_faultmon_t *monitor, sel4ft_child_t child,
                                                const sel4ft_fault_t *fault)
{
    if (monitor == NULL || fault == NULL || child >= SEL4FT_FAULTMON_MAX_CHILDREN ||
        monitor->children[child].state == SEL4FT_FAULTMON_UNWATCHED) {
        return SEL4FT_FAULTMON_STOP;
    }
    /* A message that is not a fault we know cannot be reasoned about: stop rather than guess. */
    if (fault->kind == SEL4FT_FAULT_NULL || fault->kind >= SEL4FT_FAULT_KIND_NUM) {
        return SEL4FT_FAULTMON_STOP;
    }
    return (sel4ft_faultmon_action_t)monitor->children[child].config.on_fault;
}

static void log_line(sel4ft_faultmon_t *monitor, uint32_t level, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void log_line(sel4ft_faultmon_t *monitor, uint32_t level, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    if (monitor->log != NULL) {
        sel4ft_logring_vprintf(monitor->log, level, format, args);
    } else {
        char line[SEL4FT_LOGRING_TEXT_MAX];
        int n = sel4ft_vfmt(line, sizeof(line), format, args);
        if (n > 0) {
            size_t length = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
            sel4ft_os_console_write(line, length);
            sel4ft_os_console_write("\n", 1);
        }
    }
    va_end(args);
}

/* Ticks as microseconds with three decimals, for the log. */
typedef struct {
    unsigned long whole;
    unsigned long thousandths;
} micros_t;

static micros_t to_micros(const sel4ft_faultmon_t *monitor, uint64_t ticks)
{
    uint64_t hz = monitor->tick_hz != 0 ? monitor->tick_hz : 1;
    /* ticks * 1e9 / hz would overflow for ticks above ~1.8e10; such delays are printed in whole microseconds. */
    uint64_t nanos = ticks < (UINT64_MAX / 1000000000u) ? ticks * 1000000000u / hz : ticks / hz * 1000000000u;
    return (micros_t){ (unsigned long)(nanos / 1000), (unsigned long)(nanos % 1000) };
}

static void tell_dependents(uint64_t dependents)
{
    for (uint32_t ch = 0; dependents != 0; ch++, dependents >>= 1) {
        if (dependents & 1) {
            sel4ft_os_notify(ch);
        }
    }
}

static void stop_child(sel4ft_faultmon_t *monitor, sel4ft_child_t child)
{
    if (sel4ft_os_child_stop(child) != 0) {
        monitor->action_errors++;
    }
}

/* Restart now; the child counts as recovering until it says it serves again. */
static void restart_child(sel4ft_faultmon_t *monitor, sel4ft_child_t child, uint64_t now)
{
    sel4ft_faultmon_child_t *record = &monitor->children[child];
    int err = sel4ft_os_child_restart(child);
    if (err != 0) {
        monitor->action_errors++;
        record->state = SEL4FT_FAULTMON_STOPPED;
        log_line(monitor, SEL4FT_LOG_ERROR, "%s: restart FAILED (%s): left stopped", record->config.name,
                 sel4ft_strerror(err));
        return;
    }
    record->restarts++;
    record->restart_at = 0;
    /* The recovery deadline runs from the restart, not from the failure (a back-off may lie between). The
     * caller's now, not a fresh reading: a later reading would be newer than the now a tick compares with. */
    record->restarted_at = now;
    record->missed_beats = 0;
    record->state = SEL4FT_FAULTMON_RESTARTING;
}

static void escalate(sel4ft_faultmon_t *monitor, sel4ft_child_t child, const sel4ft_supervisor_decision_t *decision,
                     uint64_t now)
{
    sel4ft_faultmon_child_t *record = &monitor->children[child];
    uint32_t group = record->config.group;

    if (decision->escalation == SEL4FT_SUPERVISOR_ESCALATE_GROUP && group != 0) {
        log_line(monitor, SEL4FT_LOG_ERROR, "%s: %s (%u restarts in the window, incarnation %u): restarting group %u",
                 record->config.name, decision->reason, decision->restarts_in_window, decision->incarnation, group);
        for (sel4ft_child_t i = 0; i < SEL4FT_FAULTMON_MAX_CHILDREN; i++) {
            sel4ft_faultmon_child_t *member = &monitor->children[i];
            if (member->state == SEL4FT_FAULTMON_UNWATCHED || member->config.group != group) {
                continue;
            }
            if (i != child && member->state == SEL4FT_FAULTMON_RUNNING) {
                /* A running member may hold no scheduling context of its own (idle and passive, or blocked
                 * in a call): restarting it could leave it unable to run. Tell it instead. */
                sel4ft_os_notify(member->config.channel);
                continue;
            }
            /* A fresh start for the failed members: their histories start over too. */
            sel4ft_supervisor_reset(&member->supervision);
            member->supervision.incarnation++;
            member->failure_ticks = record->failure_ticks;
            restart_child(monitor, i, now);
            tell_dependents(member->config.dependents);
        }
        return;
    }
    stop_child(monitor, child);
    record->state = SEL4FT_FAULTMON_STOPPED;
    log_line(monitor, SEL4FT_LOG_ERROR, "%s: %s (%u restarts in the window, incarnation %u): stopped for good, "
             "telling dependents", record->config.name, decision->reason, decision->restarts_in_window,
             decision->incarnation);
    tell_dependents(record->config.dependents);
}

/* A child failed (fault, hang, or no recovery in time): apply its action and policy. A child that missed its
 * recovery deadline keeps the time of the failure it was recovering from, so the recovery time counts it. */
static void on_failure(sel4ft_faultmon_t *monitor, sel4ft_child_t child, uint64_t now, bool known_fault)
{
    sel4ft_faultmon_child_t *record = &monitor->children[child];
    /* Every failure of a child starts a new episode of starvation for the children below it: they may be
     * spared afresh (a child above that hangs in every incarnation starves them for as long as it does). */
    for (sel4ft_child_t i = 0; i < SEL4FT_FAULTMON_MAX_CHILDREN; i++) {
        if (monitor->children[i].config.priority < record->config.priority) {
            monitor->children[i].starved_spares = 0;
        }
    }
    if (record->state != SEL4FT_FAULTMON_RESTARTING) {
        record->failure_ticks = now;
    }

    if (record->config.on_fault == SEL4FT_FAULTMON_STOP || !known_fault) {
        stop_child(monitor, child);
        record->state = SEL4FT_FAULTMON_STOPPED;
        log_line(monitor, SEL4FT_LOG_WARN, "%s: stopped (failure %lu, incarnation %u), telling dependents",
                 record->config.name, (unsigned long)record->supervision.failures + 1,
                 record->supervision.incarnation);
        record->supervision.failures++;
        tell_dependents(record->config.dependents);
        return;
    }

    sel4ft_supervisor_decision_t decision = sel4ft_supervisor_on_failure(&record->policy, &record->supervision, now);
    if (decision.action == SEL4FT_SUPERVISOR_ESCALATE) {
        escalate(monitor, child, &decision, now);
        return;
    }
    if (decision.delay_ticks == 0) {
        log_line(monitor, SEL4FT_LOG_WARN, "%s: restarting now as incarnation %u (restart %u in the window): %s",
                 record->config.name, decision.incarnation, decision.restarts_in_window, decision.reason);
        restart_child(monitor, child, now);
    } else {
        /* Stop it while it waits, so the kernel does not hold an unanswered fault or a spinning thread. */
        stop_child(monitor, child);
        record->state = SEL4FT_FAULTMON_WAITING;
        record->restart_at = deadline_after(now, decision.delay_ticks);
        micros_t delay = to_micros(monitor, decision.delay_ticks);
        log_line(monitor, SEL4FT_LOG_WARN,
                 "%s: restarting in %lu ticks (%lu.%03lu us) as incarnation %u (restart %u in the window): %s",
                 record->config.name, (unsigned long)decision.delay_ticks, delay.whole, delay.thousandths,
                 decision.incarnation, decision.restarts_in_window, decision.reason);
    }
    tell_dependents(record->config.dependents);
}

bool sel4ft_faultmon_handle(sel4ft_faultmon_t *monitor, sel4ft_child_t child, sel4ft_msginfo_t message)
{
    uint64_t now = sel4ft_os_ticks();
    uint64_t mrs[FAULT_MRS_MAX];
    uint32_t count = sel4ft_msginfo_count(message) < FAULT_MRS_MAX ? sel4ft_msginfo_count(message) : FAULT_MRS_MAX;
    sel4ft_fault_t fault;
    char line[SEL4FT_LOGRING_TEXT_MAX];

    for (uint32_t i = 0; i < count; i++) {
        mrs[i] = sel4ft_os_mr_get(i);
    }
    sel4ft_fault_decode(sel4ft_msginfo_label(message), mrs, count, &fault);
    fault.child = child;
    monitor->faults++;

    bool known = child < SEL4FT_FAULTMON_MAX_CHILDREN && monitor->children[child].state != SEL4FT_FAULTMON_UNWATCHED;
    const char *name = known ? monitor->children[child].config.name : "unknown child";
    sel4ft_fault_format(&fault, name, line, sizeof(line));
    log_line(monitor, SEL4FT_LOG_ERROR, "%s", line);

    if (!known) {
        monitor->unknown_children++;
        stop_child(monitor, child);
        log_line(monitor, SEL4FT_LOG_ERROR, "fault from child %u, which this monitor does not watch: stopped",
                 (unsigned)child);
        return false;
    }
    sel4ft_faultmon_child_t *record = &monitor->children[child];
    record->faults++;
    record->last_fault = fault;
    bool known_fault = sel4ft_faultmon_decide(monitor, child, &fault) == (sel4ft_faultmon_action_t)record->config.on_fault;
    on_failure(monitor, child, now, known_fault);
    return false;
}

/* A watched child that is not beating: running with its counter where it was at the last check, or being
 * restarted (a child that spins on its way up starves the ones below it too). */
static bool missing_beat(const sel4ft_faultmon_child_t *record)
{
    if (record->config.heartbeat == NULL || !record->serving) {
        return false;
    }
    return record->state == SEL4FT_FAULTMON_RESTARTING ||
           (record->state == SEL4FT_FAULTMON_RUNNING &&
            __atomic_load_n(&record->config.heartbeat->beats, __ATOMIC_RELAXED) == record->last_beats);
}

static void check_heartbeats(sel4ft_faultmon_t *monitor, uint64_t now)
{
    /* A spinning child starves every child below it. So a child is not counted as hung while a child of
     * higher priority is missing its beat too, in this check or the one before: it gets its grace periods
     * afresh. (The one before counts because a restarted child may beat once, on a heartbeat request left
     * pending from before its restart, and then hang again: it misses a period after the ones below it.) */
    uint32_t missing_now = 0;
    for (sel4ft_child_t i = 0; i < SEL4FT_FAULTMON_MAX_CHILDREN; i++) {
        const sel4ft_faultmon_child_t *record = &monitor->children[i];
        if (missing_beat(record) && record->config.priority > missing_now) {
            missing_now = record->config.priority;
        }
    }
    uint32_t missing_priority = missing_now > monitor->missing_priority ? missing_now : monitor->missing_priority;
    monitor->missing_priority = missing_now;
    for (sel4ft_child_t i = 0; i < SEL4FT_FAULTMON_MAX_CHILDREN; i++) {
        sel4ft_faultmon_child_t *record = &monitor->children[i];
        if (record->config.heartbeat == NULL || record->state != SEL4FT_FAULTMON_RUNNING || !record->serving) {
            continue;
        }
        /* One untorn read of a counter the child writes; its value is only compared, never trusted further. */
        uint64_t beats = __atomic_load_n(&record->config.heartbeat->beats, __ATOMIC_RELAXED);
        if (beats != record->last_beats) {
            record->last_beats = beats;
            record->missed_beats = 0;
            record->starved_spares = 0;
        } else if (record->missed_beats + 1 >= SEL4FT_FAULTMON_MISSED_BEATS_HUNG &&
                   record->config.priority < missing_priority &&
                   record->starved_spares < SEL4FT_FAULTMON_STARVED_SPARES) {
            /* Bounded: a child above that keeps missing beats without ever failing must not hide a hung child
             * below it for ever. */
            record->missed_beats = 0;
            record->starved_spares++;
            log_line(monitor, SEL4FT_LOG_WARN, "%s: no heartbeat for %u periods, but a child of higher priority "
                     "is not beating either and may starve it: not counted as hung yet", record->config.name,
                     SEL4FT_FAULTMON_MISSED_BEATS_HUNG);
        } else if (++record->missed_beats >= SEL4FT_FAULTMON_MISSED_BEATS_HUNG) {
            record->hangs++;
            log_line(monitor, SEL4FT_LOG_ERROR, "%s: no heartbeat for %u periods (counter stuck at %lu): hung",
                     record->config.name, record->missed_beats, (unsigned long)beats);
            on_failure(monitor, i, now, true);
            continue;
        }
        sel4ft_os_notify(record->config.channel);
    }
}

void sel4ft_faultmon_tick(sel4ft_faultmon_t *monitor, uint64_t now)
{
    for (sel4ft_child_t i = 0; i < SEL4FT_FAULTMON_MAX_CHILDREN; i++) {
        sel4ft_faultmon_child_t *record = &monitor->children[i];
        if (record->state == SEL4FT_FAULTMON_WAITING && is_due(record->restart_at, now)) {
            log_line(monitor, SEL4FT_LOG_INFO, "%s: back-off over, restarting as incarnation %u",
                     record->config.name, record->supervision.incarnation);
            restart_child(monitor, i, now);
        } else if (record->state == SEL4FT_FAULTMON_RESTARTING && monitor->recovery_timeout != 0 &&
                   is_due(deadline_after(record->restarted_at, monitor->recovery_timeout), now)) {
            log_line(monitor, SEL4FT_LOG_ERROR, "%s: not serving %lu ticks after its restart as incarnation %u",
                     record->config.name, (unsigned long)(now - record->restarted_at),
                     record->supervision.incarnation);
            on_failure(monitor, i, now, true);
        }
    }
    if (monitor->heartbeat_period != 0 && is_due(monitor->next_heartbeat, now)) {
        check_heartbeats(monitor, now);
        /* The next check is a whole period from now, however late this one ran. */
        monitor->next_heartbeat = deadline_after(now, monitor->heartbeat_period);
    }
}

uint64_t sel4ft_faultmon_next_deadline(const sel4ft_faultmon_t *monitor)
{
    /* A deadline of NEVER is not reported: there is nothing to arm a timer for. */
    uint64_t next = monitor->heartbeat_period != 0 && monitor->next_heartbeat != NEVER ? monitor->next_heartbeat : 0;
    for (sel4ft_child_t i = 0; i < SEL4FT_FAULTMON_MAX_CHILDREN; i++) {
        const sel4ft_faultmon_child_t *record = &monitor->children[i];
        uint64_t due = 0;
        if (record->state == SEL4FT_FAULTMON_WAITING) {
            due = record->restart_at;
        } else if (record->state == SEL4FT_FAULTMON_RESTARTING && monitor->recovery_timeout != 0) {
            due = deadline_after(record->restarted_at, monitor->recovery_timeout);
        }
        if (due != 0 && due != NEVER && (next == 0 || due < next)) {
            next = due;
        }
    }
    return next;
}

bool sel4ft_faultmon_notified(sel4ft_faultmon_t *monitor, sel4ft_channel_t channel, uint64_t now)
{
    for (sel4ft_child_t i = 0; i < SEL4FT_FAULTMON_MAX_CHILDREN; i++) {
        sel4ft_faultmon_child_t *record = &monitor->children[i];
        if (record->state == SEL4FT_FAULTMON_UNWATCHED || record->config.channel != channel) {
            continue;
        }
        if (!record->serving && record->config.heartbeat != NULL) {
            /* Heartbeat checks start now, from the counter as it stands. */
            record->last_beats = __atomic_load_n(&record->config.heartbeat->beats, __ATOMIC_RELAXED);
            record->missed_beats = 0;
        }
        record->serving = 1;
        if (record->state == SEL4FT_FAULTMON_RESTARTING) {
            uint64_t took = now - record->failure_ticks;
            record->last_recovery_ticks = took;
            if (took > record->max_recovery_ticks) {
                record->max_recovery_ticks = took;
            }
            record->state = SEL4FT_FAULTMON_RUNNING;
            if (record->config.heartbeat != NULL) {
                record->last_beats = __atomic_load_n(&record->config.heartbeat->beats, __ATOMIC_RELAXED);
            }
            micros_t micros = to_micros(monitor, took);
            log_line(monitor, SEL4FT_LOG_INFO, "%s: serving again as incarnation %u, %lu ticks (%lu.%03lu us) "
                     "after the failure", record->config.name, record->supervision.incarnation,
                     (unsigned long)took, micros.whole, micros.thousandths);
        }
        return true;
    }
    return false;
}
