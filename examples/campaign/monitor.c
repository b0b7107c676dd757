/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The campaign's monitor supervises the campaign's four targets with libsel4ft's faultmon template and
 * runs the campaign. For each injection of the seeded schedule it writes a command into the campaign page for
 * the target, wakes it if it waits for commands, and waits until either
 * - the target failed (a fault, or a hang found by its heartbeat), was restarted and says it serves again:
 *   "recovered", or
 * - the target reports that it carried the injection out and runs on: "contained" for the kinds that are
 *   meant to be contained, "not faulted" for the others, or
 * - a second passed: "timed out".
 * A failure of any other supervised PD while an injection is under way is an escaped fault. Every outcome is
 * one event in the log, in the style of the fault monitor's events (doc/events.md: `campaign`, `result`,
 * `escaped`, `campaign_done`); bench/inject.py tabulates them. */

#include <microkit.h>

#include <sel4ft/faultmon.h>
#include <sel4ft/sel4ft.h>

#include "campaign.h"
#include "example_log.h"

/* INJECT_SEED and INJECTIONS: the schedule's seed and length, from the build (the Makefile's defaults). */

/* Child ids (see campaign.system). */
#define SERVER_ID 1
#define CRASHER_ID 2
#define CLIENT_ID 3
#define LOGGER_ID 4
#define CHILDREN 5

/* Channels. */
#define CLIENT_A_CHANNEL 5 /* client_a says when its final check is done */
#define LOG_CHANNEL 6
#define LOGGER_FINISH_CHANNEL 7
#define TIMER_CHANNEL 10
#define INJECT_CHANNEL_BASE 11 /* + target: the server, the crasher, client_b, the logger */

/* 100 ms: long enough that a target starved while a PD of higher priority floods the log (the server's flood
 * runs at 200, above the crasher and client_b, and the server answers no heartbeats), or blocked while the
 * server restarts, is not taken for hung in QEMU. A hang is found 100 to 200 ms after it began. */
#define HEARTBEAT_PERIOD(hz) ((hz) / 10)

uintptr_t log_ring, log_ring_size;
uintptr_t campaign_page;
uintptr_t crasher_heartbeat, client_b_heartbeat, logger_heartbeat;

static const uint32_t child_of_target[INJECT_TARGETS] = {
    [INJECT_TARGET_CRASHER] = CRASHER_ID, [INJECT_TARGET_SERVER] = SERVER_ID,
    [INJECT_TARGET_CLIENT] = CLIENT_ID, [INJECT_TARGET_LOGGER] = LOGGER_ID,
};
static const uint32_t channel_of_target[INJECT_TARGETS] = {
    [INJECT_TARGET_CRASHER] = INJECT_CHANNEL_BASE + 1, [INJECT_TARGET_SERVER] = INJECT_CHANNEL_BASE,
    [INJECT_TARGET_CLIENT] = INJECT_CHANNEL_BASE + 2, [INJECT_TARGET_LOGGER] = INJECT_CHANNEL_BASE + 3,
};

/* What each child had suffered when the current injection was issued. */
typedef struct {
    uint32_t faults, hangs, restarts;
} tally_t;

static sel4ft_faultmon_t monitor;
static uint64_t hz;
static bool started, over, finished;
static uint64_t issued, recovered, contained, not_faulted, timed_out, escaped;
static uint32_t sequence;

static struct {
    bool active;
    bool failed; /* the target failed since it was issued: the command is withdrawn */
    uint64_t number;
    uint32_t target, kind, point;
    uint64_t deadline;
    tally_t before[CHILDREN];
} pending;

static tally_t tally(uint32_t child)
{
    const sel4ft_faultmon_child_t *c = sel4ft_faultmon_child(&monitor, child);
    return (tally_t){ c->faults, c->hangs, c->restarts };
}

static volatile inject_command_t *slot(uint32_t target)
{
    return &((volatile campaign_page_t *)campaign_page)->command[target];
}

static void rearm_timer(void)
{
    uint64_t next = sel4ft_faultmon_next_deadline(&monitor);
    if (pending.active && (next == 0 || pending.deadline < next)) {
        next = pending.deadline;
    }
    sel4ft_os_timer_set(next);
}

static void finish(uint64_t now)
{
    if (finished) {
        return;
    }
    finished = true;
    sel4ft_faultmon_report(&monitor, now);
    microkit_notify(LOGGER_FINISH_CHANNEL);
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
    pending.deadline = now + hz; /* pending.before: next() took the tallies just now */
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
        microkit_notify(channel_of_target[target]);
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
    for (uint32_t id = SERVER_ID; id < CHILDREN; id++) {
        pending.before[id] = tally(id);
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
    example_log_event(SEL4FT_LOG_INFO, line);
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
    example_log_event(SEL4FT_LOG_INFO, line);
    next(now);
}

/* After every event: what the children suffered since the current injection was issued. */
static void review(uint64_t now)
{
    /* Between injections (before the first, after the last) no child may fail at all. */
    uint32_t target_child = pending.active ? child_of_target[pending.target] : CHILDREN;
    for (uint32_t id = SERVER_ID; id < CHILDREN; id++) {
        tally_t t = tally(id);
        uint32_t failures = (t.faults - pending.before[id].faults) + (t.hangs - pending.before[id].hangs);
        if (id != target_child && failures != 0) {
            escaped += failures;
            /* Without an injection under way the event names none. */
            campaign_event_t event;
            sel4ft_logfmt_t *line = campaign_event(&event, "escaped");
            sel4ft_logfmt_str(line, "child", sel4ft_faultmon_child(&monitor, id)->config.name);
            sel4ft_logfmt_u64(line, "failures", failures);
            if (pending.active) {
                sel4ft_logfmt_u64(line, "n", pending.number);
                sel4ft_logfmt_str(line, "target", inject_target_names[pending.target]);
            }
            example_log_event(SEL4FT_LOG_ERROR, line);
            pending.before[id] = t;
        }
    }
    if (!pending.active) {
        return;
    }
    tally_t t = tally(target_child);
    const tally_t *b = &pending.before[target_child];
    if (!pending.failed && (t.faults != b->faults || t.hangs != b->hangs)) {
        /* The monitor runs before any child: the restarted target cannot see the command again. */
        pending.failed = true;
        withdraw();
    }
    const sel4ft_faultmon_child_t *c = sel4ft_faultmon_child(&monitor, target_child);
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
    for (uint32_t id = CRASHER_ID; id < CHILDREN; id++) {
        if (!sel4ft_faultmon_child(&monitor, id)->serving) {
            return;
        }
    }
    started = true;
    campaign_event_t event;
    sel4ft_logfmt_t *line = campaign_event(&event, "campaign");
    sel4ft_logfmt_u64(line, "injections", INJECTIONS);
    sel4ft_logfmt_u64(line, "seed", INJECT_SEED);
    sel4ft_logfmt_str(line, "targets", "server crasher client_b logger");
    example_log_event(SEL4FT_LOG_INFO, line);
    pending.number = 0;
    next(now);
}

void init(void)
{
    example_log_init(log_ring, log_ring_size, LOG_CHANNEL);
    sel4ft_faultmon_init(&monitor, &example_log, NULL, NULL);
    hz = sel4ft_os_tick_hz();

    /* Every injection is restarted: no policy limit, and nobody to tell (the clients' workload carries on
     * through restarts by itself). Priorities as in campaign.system: a spinning logger starves the others. */
    const sel4ft_faultmon_child_config_t children[CHILDREN] = {
        [SERVER_ID] = { .name = "server", .on_fault = SEL4FT_FAULTMON_RESTART, .channel = 1, .priority = 200 },
        [CRASHER_ID] = { .name = "crasher", .on_fault = SEL4FT_FAULTMON_RESTART, .channel = 2, .priority = 150,
                         .heartbeat = (const sel4ft_heartbeat_t *)crasher_heartbeat },
        [CLIENT_ID] = { .name = "client_b", .on_fault = SEL4FT_FAULTMON_RESTART, .channel = 3, .priority = 150,
                        .heartbeat = (const sel4ft_heartbeat_t *)client_b_heartbeat },
        [LOGGER_ID] = { .name = "logger", .on_fault = SEL4FT_FAULTMON_RESTART, .channel = 4, .priority = 250,
                        .heartbeat = (const sel4ft_heartbeat_t *)logger_heartbeat },
    };
    for (uint32_t id = SERVER_ID; id < CHILDREN; id++) {
        int err = sel4ft_faultmon_add_child(&monitor, id, &children[id]);
        if (err != 0) {
            LOG_ERROR("cannot watch %s: %s", children[id].name, sel4ft_strerror(err));
        }
    }
    /* A restarted child that has not said it serves within a second failed again; two missed heartbeat
     * periods make a hang. */
    sel4ft_faultmon_set_recovery_timeout(&monitor, hz);
    sel4ft_faultmon_set_heartbeat_period(&monitor, HEARTBEAT_PERIOD(hz), sel4ft_os_ticks());
    LOG_INFO("supervising server, crasher, client_b, logger (counter at %lu Hz)", (unsigned long)hz);
    rearm_timer();
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    uint64_t now = sel4ft_os_ticks();

    (void)reply_msginfo;
    seL4_Bool resume = sel4ft_faultmon_fault(&monitor, child, msginfo, now);
    review(now);
    rearm_timer();
    return resume;
}

void notified(microkit_channel ch)
{
    uint64_t now = sel4ft_os_ticks();

    if (ch == TIMER_CHANNEL) {
        sel4ft_faultmon_tick(&monitor, now);
        review(now);
        /* Move the deadline before acknowledging: the timer's interrupt is level-triggered. */
        rearm_timer();
        sel4ft_os_irq_ack(TIMER_CHANNEL);
        return;
    }
    if (ch == CLIENT_A_CHANNEL) {
        review(now);
        if (over) {
            finish(now);
        } else {
            LOG_WARN("client_a finished before the campaign was over");
        }
        return;
    }
    if (ch >= INJECT_CHANNEL_BASE && ch < INJECT_CHANNEL_BASE + INJECT_TARGETS) {
        for (uint32_t target = 0; target < INJECT_TARGETS; target++) {
            if (channel_of_target[target] == ch) {
                review(now);
                reported(target, now);
            }
        }
    } else if (!sel4ft_faultmon_notified(&monitor, ch, now)) {
        LOG_WARN("unexpected notification on channel %u", ch);
    } else {
        maybe_start(now);
        review(now);
    }
    rearm_timer();
}
