/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The supervision engine. OS-neutral: failures come in with their time, actions go out through the port, and
 * what happened goes out as events. Nothing here reads the clock or knows how a failure was detected. */

#include <sel4ft/error.h>
#include <sel4ft/faultmon.h>
#include <sel4ft/fmt.h>

#include "internal.h"

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

int sel4ft_faultmon_init(sel4ft_faultmon_t *monitor, sel4ft_logring_producer_t *log, sel4ft_faultmon_sink_t sink,
                         void *context)
{
    if (monitor == NULL) {
        return -SEL4FT_EINVAL;
    }
    sel4ft_zero_(monitor, sizeof(*monitor));
    monitor->log = log;
    monitor->sink = sink;
    monitor->sink_context = context;
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
    /* Measured once: every event about the child carries it, so a binary record copies the name, not scans it. */
    while (record->name_length < SEL4FT_LOGRING_TEXT_MAX && config->name[record->name_length] != '\0') {
        record->name_length++;
    }
    return 0;
}

void sel4ft_faultmon_set_heartbeat_period(sel4ft_faultmon_t *monitor, uint64_t period, uint64_t now)
{
    if (period != monitor->heartbeat_period) {
        /* Failures while checking was off did not reset the spares (fail()): checking starts afresh. */
        for (sel4ft_child_t i = 0; i < SEL4FT_FAULTMON_MAX_CHILDREN; i++) {
            monitor->children[i].starved_spares = 0;
        }
    }
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
    static const char *const names[] = { "unwatched", "running", "stopped", "waiting", "restarting" };
    return state < SEL4FT_ARRAY_SIZE_(names) ? names[state] : "?";
}

static bool watched(const sel4ft_faultmon_t *monitor, sel4ft_child_t child)
{
    return child < SEL4FT_FAULTMON_MAX_CHILDREN && monitor->children[child].state != SEL4FT_FAULTMON_UNWATCHED;
}

sel4ft_faultmon_action_t sel4ft_faultmon_decide(const sel4ft_faultmon_t *monitor, sel4ft_child_t child,
                                                const sel4ft_failure_t *failure)
{
    if (monitor == NULL || failure == NULL || !watched(monitor, child) || failure->cause >= SEL4FT_FAILURE_CAUSE_NUM) {
        return SEL4FT_FAULTMON_STOP;
    }
    /* A message that is not a fault we know cannot be reasoned about: stop rather than guess. */
    if (failure->cause == SEL4FT_FAILURE_FAULT && !sel4ft_fault_kind_known(failure->fault.arch, failure->fault.kind)) {
        return SEL4FT_FAULTMON_STOP;
    }
    return (sel4ft_faultmon_action_t)monitor->children[child].config.on_fault;
}

/* Events ------------------------------------------------------------------------------------------------------ */

/* The default sink: to the log ring, a binary record at the kind's level, which the logger formats as it drains
 * (so a monitor formats nothing between a child's fault and its restart); to the console, the line with the prefix
 * the logger gives ring records. */
static void write_event(const sel4ft_faultmon_t *monitor, const sel4ft_faultmon_event_t *event)
{
    if (monitor->log != NULL) {
        sel4ft_faultmon_record_write(monitor->log, event, monitor->tick_hz);
        return;
    }
    char line[SEL4FT_LOGRING_TEXT_MAX + 1];
    int n = sel4ft_faultmon_event_format(event, monitor->tick_hz, line, sizeof(line));
    size_t length = n <= 0 ? 0 : (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
    uint32_t level = sel4ft_faultmon_event_level(event->kind);

    char prefix[64];
    int p = sel4ft_fmt(prefix, sizeof(prefix), "%s|%s: ", sel4ft_os_name(), sel4ft_log_level_str(level));
    sel4ft_os_console_write(prefix, p <= 0 ? 0 : (size_t)p < sizeof(prefix) ? (size_t)p : sizeof(prefix) - 1);
    sel4ft_os_console_write(line, length);
    sel4ft_os_console_write("\n", 1);
}

void sel4ft_faultmon_deliver_(const sel4ft_faultmon_t *monitor, const sel4ft_faultmon_event_t *event)
{
    if (monitor->sink != NULL) {
        monitor->sink(monitor->sink_context, event);
    } else {
        write_event(monitor, event);
    }
}

/* An event about a watched child, at its current incarnation. */
static sel4ft_faultmon_event_t event_about(const sel4ft_faultmon_t *monitor, sel4ft_child_t child, uint32_t kind,
                                           uint64_t now)
{
    const sel4ft_faultmon_child_t *record = &monitor->children[child];
    sel4ft_faultmon_event_t event;
    sel4ft_zero_(&event, sizeof(event));
    event.kind = kind;
    event.child = child;
    event.name = record->config.name;
    event.name_length = record->name_length;
    event.incarnation = record->supervision.incarnation;
    event.at = now;
    return event;
}

/* Report a restart just made through the port, or refused by it. */
static void report_restart(const sel4ft_faultmon_t *monitor, sel4ft_child_t child, uint64_t delay_ticks,
                           uint32_t group, const char *reason, uint64_t now)
{
    const sel4ft_faultmon_child_t *record = &monitor->children[child];
    uint32_t kind = record->restart_error == 0 ? SEL4FT_FAULTMON_EVENT_RESTART : SEL4FT_FAULTMON_EVENT_RESTART_FAILED;
    sel4ft_faultmon_event_t event = event_about(monitor, child, kind, now);
    event.delay_ticks = delay_ticks;
    event.restarts_in_window = record->supervision.restart_count;
    event.group = group;
    event.reason = reason;
    event.error = record->restart_error;
    sel4ft_faultmon_deliver_(monitor, &event);
}

void sel4ft_faultmon_report(sel4ft_faultmon_t *monitor, uint64_t now)
{
    for (sel4ft_child_t i = 0; i < SEL4FT_FAULTMON_MAX_CHILDREN; i++) {
        const sel4ft_faultmon_child_t *record = &monitor->children[i];
        if (record->state == SEL4FT_FAULTMON_UNWATCHED) {
            continue;
        }
        sel4ft_faultmon_event_t event = event_about(monitor, i, SEL4FT_FAULTMON_EVENT_SUMMARY, now);
        event.faults = record->faults;
        event.hangs = record->hangs;
        event.restarts = record->restarts;
        event.state = record->state;
        event.recovery_ticks = record->last_recovery_ticks;
        event.longest_recovery_ticks = record->max_recovery_ticks;
        sel4ft_faultmon_deliver_(monitor, &event);
    }
}

/* Actions: through the port only, and nothing else on the way (no formatting) ------------------------------------ */

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

/* Restart now; the child counts as recovering until it says it serves again. If the port refuses, the child is
 * left stopped and the error kept in its record. */
static void restart_child(sel4ft_faultmon_t *monitor, sel4ft_child_t child, uint64_t now)
{
    sel4ft_faultmon_child_t *record = &monitor->children[child];
    int err = sel4ft_os_child_restart(child);
    record->restart_error = err;
    record->restart_at = 0;
    if (err != 0) {
        monitor->action_errors++;
        record->state = SEL4FT_FAULTMON_STOPPED;
        return;
    }
    record->restarts++;
    /* The recovery deadline runs from the restart, not from the failure (a back-off may lie between). The
     * caller's now, not a fresh reading: a later reading would be newer than the now a tick compares with. */
    record->restarted_at = now;
    record->missed_beats = 0;
    record->state = SEL4FT_FAULTMON_RESTARTING;
}

/* Restart the failed members of a group (their histories start over); tell the running ones instead. Returns
 * the members restarted (or refused), one bit per child id. */
static uint64_t restart_group(sel4ft_faultmon_t *monitor, sel4ft_child_t child, uint64_t now)
{
    const sel4ft_faultmon_child_t *record = &monitor->children[child];
    uint64_t restarted = 0;
    for (sel4ft_child_t i = 0; i < SEL4FT_FAULTMON_MAX_CHILDREN; i++) {
        sel4ft_faultmon_child_t *member = &monitor->children[i];
        if (member->state == SEL4FT_FAULTMON_UNWATCHED || member->config.group != record->config.group) {
            continue;
        }
        if (i != child && member->state == SEL4FT_FAULTMON_RUNNING) {
            /* A running member may hold no scheduling context of its own (idle and passive, or blocked in a
             * call): restarting it could leave it unable to run. Tell it instead. */
            sel4ft_os_notify(member->config.channel);
            continue;
        }
        sel4ft_supervisor_reset(&member->supervision);
        member->supervision.incarnation++;
        member->failure_ticks = record->failure_ticks;
        restart_child(monitor, i, now);
        tell_dependents(member->config.dependents);
        restarted |= 1ull << i;
    }
    return restarted;
}

/* Apply the child's action and policy to a failure; fill in the event that reports the decision. Returns the
 * members a group restart restarted. */
static uint64_t act(sel4ft_faultmon_t *monitor, sel4ft_child_t child, const sel4ft_failure_t *failure, uint64_t now,
                    sel4ft_faultmon_event_t *decision)
{
    sel4ft_faultmon_child_t *record = &monitor->children[child];

    if (sel4ft_faultmon_decide(monitor, child, failure) == SEL4FT_FAULTMON_STOP) {
        stop_child(monitor, child);
        record->state = SEL4FT_FAULTMON_STOPPED;
        record->supervision.failures++;
        tell_dependents(record->config.dependents);
        decision->kind = SEL4FT_FAULTMON_EVENT_STOPPED;
        decision->failures = record->supervision.failures;
        decision->reason = record->config.on_fault == SEL4FT_FAULTMON_STOP
                               ? sel4ft_reasons_[SEL4FT_REASON_ACTION_STOP_]
                               : sel4ft_reasons_[SEL4FT_REASON_UNREASONABLE_];
        return 0;
    }

    sel4ft_supervisor_decision_t d = sel4ft_supervisor_on_failure(&record->policy, &record->supervision, now);
    decision->restarts_in_window = d.restarts_in_window;
    decision->reason = d.reason;
    if (d.action == SEL4FT_SUPERVISOR_ESCALATE) {
        if (d.escalation == SEL4FT_SUPERVISOR_ESCALATE_GROUP && record->config.group != 0) {
            decision->kind = SEL4FT_FAULTMON_EVENT_GROUP_RESTART;
            decision->group = record->config.group;
            return restart_group(monitor, child, now);
        }
        stop_child(monitor, child);
        record->state = SEL4FT_FAULTMON_STOPPED;
        tell_dependents(record->config.dependents);
        decision->kind = SEL4FT_FAULTMON_EVENT_GAVE_UP;
        return 0;
    }
    decision->incarnation = d.incarnation;
    decision->delay_ticks = d.delay_ticks;
    if (d.delay_ticks == 0) {
        restart_child(monitor, child, now);
        decision->kind = record->restart_error == 0 ? SEL4FT_FAULTMON_EVENT_RESTART
                                                    : SEL4FT_FAULTMON_EVENT_RESTART_FAILED;
        decision->error = record->restart_error;
    } else {
        /* Stop it while it waits, so the kernel does not hold an unanswered fault or a spinning thread. */
        stop_child(monitor, child);
        record->state = SEL4FT_FAULTMON_WAITING;
        record->restart_at = deadline_after(now, d.delay_ticks);
        record->backoff_ticks = d.delay_ticks;
        decision->kind = SEL4FT_FAULTMON_EVENT_BACKOFF;
    }
    tell_dependents(record->config.dependents);
    return 0;
}

/* A watched child failed (told, or found hung or late by a tick): act first, then report the failure and the
 * decision. A child that missed its recovery deadline keeps the time of the failure it was recovering from, so
 * the recovery time counts it. */
static void fail(sel4ft_faultmon_t *monitor, sel4ft_child_t child, const sel4ft_failure_t *failure, uint64_t now)
{
    sel4ft_faultmon_child_t *record = &monitor->children[child];
    sel4ft_faultmon_event_t failed = event_about(monitor, child, SEL4FT_FAULTMON_EVENT_FAILED, now);
    sel4ft_faultmon_event_t decision = failed;

    failed.failure = *failure;
    record->last_failure = *failure;
    if (failure->cause == SEL4FT_FAILURE_HANG) {
        record->hangs++;
    } else if (failure->cause != SEL4FT_FAILURE_DEADLINE) {
        record->faults++;
    }
    /* Every failure of a child starts a new episode of starvation for the children below it: they may be
     * spared afresh (a child above that hangs in every incarnation starves them for as long as it does). Spares
     * are counted only by heartbeat checks (and forgotten when checking starts again). */
    for (sel4ft_child_t i = 0; monitor->heartbeat_period != 0 && i < SEL4FT_FAULTMON_MAX_CHILDREN; i++) {
        if (monitor->children[i].config.priority < record->config.priority) {
            monitor->children[i].starved_spares = 0;
        }
    }
    if (record->state != SEL4FT_FAULTMON_RESTARTING) {
        record->failure_ticks = now;
    }

    uint64_t group = act(monitor, child, failure, now, &decision);

    sel4ft_faultmon_deliver_(monitor, &failed);
    sel4ft_faultmon_deliver_(monitor, &decision);
    for (sel4ft_child_t i = 0; group != 0; i++, group >>= 1) {
        if (group & 1) {
            report_restart(monitor, i, 0, record->config.group, sel4ft_reasons_[SEL4FT_REASON_WITH_GROUP_], now);
        }
    }
}

int sel4ft_faultmon_failed(sel4ft_faultmon_t *monitor, sel4ft_child_t child, const sel4ft_failure_t *failure,
                           uint64_t now)
{
    if (monitor == NULL || failure == NULL) {
        return -SEL4FT_EINVAL;
    }
    if (failure->cause != SEL4FT_FAILURE_HANG && failure->cause != SEL4FT_FAILURE_DEADLINE) {
        monitor->faults++;
    }
    if (!watched(monitor, child)) {
        monitor->unknown_children++;
        stop_child(monitor, child);
        sel4ft_faultmon_event_t event;
        sel4ft_zero_(&event, sizeof(event));
        event.kind = SEL4FT_FAULTMON_EVENT_UNKNOWN_CHILD;
        event.child = child;
        event.at = now;
        event.failure = *failure;
        sel4ft_faultmon_deliver_(monitor, &event);
        return 0;
    }
    fail(monitor, child, failure, now);
    return 0;
}

/* Heartbeats and deadlines --------------------------------------------------------------------------------------- */

/* Whether the child could have run for `periods` whole heartbeat periods since its counter last moved (or it said
 * it serves): the wall time since then, less the time it waited for a processor where the port can tell. Checks
 * fall on the monitor's schedule, not the child's: the first one after "serving" may come a moment later, and a
 * child must not lose a period it never had. A child starved by the machine's load (Linux) has not had the
 * periods, so it is not counted as missing them; one that has ended and whose end is not yet handled is not
 * judged at all. */
static bool had_periods(const sel4ft_faultmon_t *monitor, const sel4ft_faultmon_child_t *record, sel4ft_child_t child,
                        uint32_t periods, uint64_t now)
{
    uint64_t could_run = now - record->beats_since;
    uint64_t waited;
    int err = sel4ft_os_child_waited(child, &waited);
    if (err == -SEL4FT_EAGAIN) {
        return false;
    }
    if (err == 0 && waited >= record->waited_since) {
        could_run -= waited - record->waited_since < could_run ? waited - record->waited_since : could_run;
    }
    uint64_t needed = 0;
    for (uint32_t i = 0; i < periods; i++) {
        needed = deadline_after(needed, monitor->heartbeat_period);
    }
    return could_run >= needed;
}

/* Start judging the child's heartbeat afresh from its counter as it stands now. */
static void sample_beats(sel4ft_faultmon_child_t *record, sel4ft_child_t child, uint64_t beats, uint64_t now)
{
    uint64_t waited;
    record->last_beats = beats;
    record->beats_since = now;
    record->waited_since = sel4ft_os_child_waited(child, &waited) == 0 ? waited : 0;
}

/* A watched child that is not beating: running with its counter where it was at the last check (a whole
 * period after it said it serves, or after its counter last moved), or being restarted (a child that spins on
 * its way up starves the ones below it too). */
static bool missing_beat(const sel4ft_faultmon_t *monitor, const sel4ft_faultmon_child_t *record, sel4ft_child_t child,
                         uint64_t now)
{
    if (record->config.heartbeat == NULL || !record->serving) {
        return false;
    }
    return record->state == SEL4FT_FAULTMON_RESTARTING ||
           (record->state == SEL4FT_FAULTMON_RUNNING &&
            __atomic_load_n(&record->config.heartbeat->beats, __ATOMIC_RELAXED) == record->last_beats &&
            had_periods(monitor, record, child, 1, now));
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
        if (missing_beat(monitor, record, i, now) && record->config.priority > missing_now) {
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
            sample_beats(record, i, beats, now);
            record->missed_beats = 0;
            record->starved_spares = 0;
        } else if (!had_periods(monitor, record, i, record->missed_beats + 1, now)) {
            /* It could not have beaten yet: it said it serves, or last beat, less than the periods it has missed
             * ago, or it was waiting for a processor (it is asked for a beat below). */
        } else if (record->missed_beats + 1 >= SEL4FT_FAULTMON_MISSED_BEATS_HUNG &&
                   record->config.priority < missing_priority &&
                   record->starved_spares < SEL4FT_FAULTMON_STARVED_SPARES) {
            /* Bounded: a child above that keeps missing beats without ever failing must not hide a hung child
             * below it for ever. */
            record->missed_beats = 0;
            record->starved_spares++;
            sel4ft_faultmon_event_t event = event_about(monitor, i, SEL4FT_FAULTMON_EVENT_SPARED, now);
            event.missed = SEL4FT_FAULTMON_MISSED_BEATS_HUNG;
            event.spares = record->starved_spares;
            sel4ft_faultmon_deliver_(monitor, &event);
        } else if (++record->missed_beats >= SEL4FT_FAULTMON_MISSED_BEATS_HUNG) {
            sel4ft_failure_t hang = { .cause = SEL4FT_FAILURE_HANG };
            hang.code = (int32_t)record->missed_beats;
            hang.detail = beats;
            fail(monitor, i, &hang, now);
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
            restart_child(monitor, i, now);
            report_restart(monitor, i, record->backoff_ticks, 0, sel4ft_reasons_[SEL4FT_REASON_BACKOFF_OVER_], now);
        } else if (record->state == SEL4FT_FAULTMON_RESTARTING && monitor->recovery_timeout != 0 &&
                   is_due(deadline_after(record->restarted_at, monitor->recovery_timeout), now)) {
            sel4ft_failure_t late = { .cause = SEL4FT_FAILURE_DEADLINE };
            late.detail = now - record->restarted_at;
            fail(monitor, i, &late, now);
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

/* Serving ------------------------------------------------------------------------------------------------------- */

int sel4ft_faultmon_serving(sel4ft_faultmon_t *monitor, sel4ft_child_t child, uint64_t now)
{
    if (monitor == NULL || !watched(monitor, child)) {
        return -SEL4FT_EINVAL;
    }
    sel4ft_faultmon_child_t *record = &monitor->children[child];
    if (!record->serving && record->config.heartbeat != NULL) {
        /* Heartbeat checks start now, from the counter as it stands. */
        sample_beats(record, child, __atomic_load_n(&record->config.heartbeat->beats, __ATOMIC_RELAXED), now);
        record->missed_beats = 0;
    }
    record->serving = 1;
    if (record->state != SEL4FT_FAULTMON_RESTARTING) {
        return 0;
    }
    uint64_t took = now - record->failure_ticks;
    record->last_recovery_ticks = took;
    if (took > record->max_recovery_ticks) {
        record->max_recovery_ticks = took;
    }
    record->state = SEL4FT_FAULTMON_RUNNING;
    if (record->config.heartbeat != NULL) {
        sample_beats(record, child, __atomic_load_n(&record->config.heartbeat->beats, __ATOMIC_RELAXED), now);
    }
    sel4ft_faultmon_event_t event = event_about(monitor, child, SEL4FT_FAULTMON_EVENT_RECOVERED, now);
    event.recovery_ticks = took;
    sel4ft_faultmon_deliver_(monitor, &event);
    return 0;
}

bool sel4ft_faultmon_notified(sel4ft_faultmon_t *monitor, sel4ft_channel_t channel, uint64_t now)
{
    for (sel4ft_child_t i = 0; i < SEL4FT_FAULTMON_MAX_CHILDREN; i++) {
        if (watched(monitor, i) && monitor->children[i].config.channel == channel) {
            sel4ft_faultmon_serving(monitor, i, now);
            return true;
        }
    }
    return false;
}
