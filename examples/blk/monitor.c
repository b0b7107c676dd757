/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The block system's monitor: the parent of sDDF's virtio-blk driver, which it supervises with libsel4ft's fault
 * monitor (restart with back-off, heartbeats for hangs; the virtualiser is told as a dependent), and the
 * driver's fault injector. Two ways to inject (build variables):
 * - INJECTIONS=N (the QEMU test, the campaign): injection n of the seeded schedule (blk_inject.h) goes into the
 *   campaign page; the driver's shim strikes at its point of I/O; the monitor waits until the driver failed and
 *   serves again ("recovered"), or INJECT_TIMEOUT_S passed ("timed out"), then issues the next. After the last it tells
 *   the client the injections are over.
 * - CRASH_PERIOD_MS=T (the overhead experiment): a NULL dereference at the next point of I/O every T ms of
 *   virtual time, while the client runs its passes. Virtual time is the system's instruction count (examples/blk
 *   pmu.h: the client counts it, and notifies on its period channel when another period has passed), not the
 *   counter: under QEMU -icount the counter jumps whenever the guest waits idle for the host's disk.
 * The monitor is sel4ft's monitor skeleton (sel4ft/monitor.h: the timer, heartbeats, recovery deadlines, the
 * summary) with the injections on top (its on_change and on_alarm hooks).
 * Events (doc/events.md): the engine's and the skeleton's, and campaign, result, campaign_done, crash. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "blk_config.h"
#include "blk_inject.h"
#include "blk_layout.h"

#ifndef INJECT_SEED
#define INJECT_SEED 1
#endif
#ifndef INJECTIONS
#define INJECTIONS 0
#endif
#ifndef CRASH_PERIOD_MS
#define CRASH_PERIOD_MS 0
#endif
/* 1: restart at once, every time (the campaign); 0: restart at once, then with a doubling back-off from 1 ms to
 * 10 ms, giving up after POLICY_MAX_RESTARTS restarts within POLICY_WINDOW_MS (an hour by default: under QEMU
 * -icount the clock jumps whenever the guest waits for the host's disk, so a short window would count failures
 * by the host's speed). */
#ifndef POLICY_ALWAYS
#define POLICY_ALWAYS 0
#endif
#ifndef POLICY_MAX_RESTARTS
#define POLICY_MAX_RESTARTS 16
#endif
#ifndef POLICY_WINDOW_MS
#define POLICY_WINDOW_MS 3600000
#endif
#ifndef HEARTBEAT_MS
#define HEARTBEAT_MS 100
#endif
/* An injection that has not struck within this many seconds times out. Generous: under QEMU -icount the clock
 * jumps to the next timer whenever the guest waits idle for the host's disk (a pass over the disk can take a
 * minute of that clock), and an injection waits for up to BLK_INJECT_SKIP_MAX points of I/O. */
#define INJECT_TIMEOUT_S 600u

#define DRIVER_ID MONITOR_CHILD_BLK_DRIVER

/* A variable, not the macro, in comparisons: INJECTIONS may be 0. */
static const uint64_t injections = INJECTIONS;

uintptr_t log_ring, log_ring_size;
uintptr_t campaign_page;
uintptr_t driver_heartbeat;
uintptr_t supervision_page;

static sel4ft_monitor_t monitor;
static bool started, given_up;
static uint32_t sequence;
static uint64_t issued, recovered, timed_out;
static uint32_t failures_seen;

static struct {
    bool active;
    bool failed; /* the driver failed since it was issued: the command is withdrawn */
    uint64_t number;
    uint32_t kind, point;
    uint32_t faults, hangs, restarts; /* the driver's tallies when it was issued */
} pending;

static volatile blk_campaign_page_t *page(void)
{
    return (volatile blk_campaign_page_t *)campaign_page;
}

static const sel4ft_faultmon_child_t *driver(void)
{
    return sel4ft_faultmon_child(&monitor.engine, DRIVER_ID);
}

typedef struct {
    char text[SEL4FT_LOGRING_TEXT_MAX + 1];
    sel4ft_logfmt_t line;
} event_t;

static sel4ft_logfmt_t *event(event_t *e, const char *kind)
{
    sel4ft_logfmt_begin(&e->line, e->text, sizeof(e->text), kind);
    return &e->line;
}

static void command(uint64_t n, uint32_t kind, uint32_t point, uint32_t skip)
{
    volatile blk_inject_command_t *c = &page()->command;
    c->kind = kind;
    c->point = point;
    c->skip = skip;
    c->number = n;
    if (++sequence == 0) {
        sequence = 1;
    }
    /* Release: the fields before the sequence that makes them a command (the driver's acquire pairs with it). */
    __atomic_store_n(&c->sequence, sequence, __ATOMIC_RELEASE);
    issued++;
}

static void withdraw(void)
{
    if (campaign_page != 0) {
        __atomic_store_n(&page()->command.sequence, 0, __ATOMIC_RELEASE);
    }
}

static void over(void)
{
    __atomic_store_n(&page()->over, 1, __ATOMIC_RELEASE);
}

/* What the virtualiser reads when it is told something happened to the driver. */
static void publish(void)
{
    if (supervision_page == 0) {
        return;
    }
    blk_supervision_t *s = (blk_supervision_t *)supervision_page;
    __atomic_store_n(&s->incarnation, driver()->supervision.incarnation, __ATOMIC_RELAXED);
    /* Release: pairs with the virtualiser's acquire of the state. */
    __atomic_store_n(&s->state, driver()->state, __ATOMIC_RELEASE);
}

static void issue(uint64_t n, uint64_t now)
{
    const sel4ft_faultmon_child_t *d = driver();
    pending.active = true;
    pending.failed = false;
    pending.number = n;
    pending.kind = blk_inject_kind_of(INJECT_SEED, n);
    pending.point = blk_inject_point_of(INJECT_SEED, n);
    pending.faults = d->faults;
    pending.hangs = d->hangs;
    pending.restarts = d->restarts;
    command(n, pending.kind, pending.point, blk_inject_skip_of(INJECT_SEED, n));
    sel4ft_monitor_alarm(&monitor, now + sel4ft_monitor_ticks(&monitor, (uint64_t)INJECT_TIMEOUT_S * 1000000u));
}

static void next(uint64_t now)
{
    pending.active = false;
    sel4ft_monitor_alarm(&monitor, 0);
    if (pending.number < injections && !given_up) {
        issue(pending.number + 1, now);
        return;
    }
    over();
    event_t e;
    sel4ft_logfmt_t *line = event(&e, "campaign_done");
    sel4ft_logfmt_u64(line, "injections", issued);
    sel4ft_logfmt_u64(line, "seed", INJECT_SEED);
    sel4ft_logfmt_u64(line, "recovered", recovered);
    sel4ft_logfmt_u64(line, "timed_out", timed_out);
    sel4ft_logfmt_u64(line, "given_up", given_up);
    sel4ft_log_event(SEL4FT_LOG_INFO, line);
}

static void resolve(const char *outcome, uint64_t now)
{
    event_t e;
    sel4ft_logfmt_t *line = event(&e, "result");
    sel4ft_logfmt_u64(line, "n", pending.number);
    sel4ft_logfmt_str(line, "target", "blk_driver");
    sel4ft_logfmt_str(line, "kind", inject_kind_names[pending.kind]);
    sel4ft_logfmt_str(line, "point", blk_inject_point_names[pending.point]);
    sel4ft_logfmt_str(line, "outcome", outcome);
    sel4ft_log_event(SEL4FT_LOG_INFO, line);
    next(now);
}

/* The injections start once the driver serves (its first incarnation admitted by the virtualiser). */
static void maybe_start(uint64_t now)
{
    if (started || !driver()->serving) {
        return;
    }
    started = true;
    event_t e;
    sel4ft_logfmt_t *line = event(&e, "campaign");
    sel4ft_logfmt_u64(line, "injections", INJECTIONS);
    sel4ft_logfmt_u64(line, "seed", INJECT_SEED);
    sel4ft_logfmt_u64(line, "crash_period_ms", CRASH_PERIOD_MS);
    sel4ft_logfmt_str(line, "targets", "blk_driver");
    sel4ft_log_event(SEL4FT_LOG_INFO, line);
    if (CRASH_PERIOD_MS > 0) {
        over(); /* the client runs its passes; it asks for a crash every period until it is done */
        return;
    }
    pending.number = 0;
    next(now);
}

/* After every fault, timer tick and notification from the driver (the skeleton's on_change): withdraw a command
 * that made the driver fail before its next incarnation runs (the monitor runs before it), publish the driver's
 * state, and see whether the injection under way was carried out and recovered from. */
static void changed(sel4ft_monitor_t *m, uint64_t now)
{
    (void)m;
    const sel4ft_faultmon_child_t *d = driver();
    if (d->faults + d->hangs != failures_seen) {
        failures_seen = d->faults + d->hangs;
        withdraw();
    }
    publish();
    maybe_start(now);
    if (!pending.active) {
        return;
    }
    if (!pending.failed && (d->faults != pending.faults || d->hangs != pending.hangs)) {
        pending.failed = true;
    }
    if (pending.failed && d->state == SEL4FT_FAULTMON_STOPPED) {
        /* The restart policy gave up on the driver: nothing more to inject into. */
        given_up = true;
        resolve("given_up", now);
    } else if (pending.failed && d->restarts != pending.restarts && d->state == SEL4FT_FAULTMON_RUNNING) {
        recovered++;
        resolve(d->hangs != pending.hangs ? "recovered_hang" : "recovered_fault", now);
    }
}

/* The injection under way did not strike in time (the skeleton's on_alarm). */
static void injection_timed_out(sel4ft_monitor_t *m, uint64_t now)
{
    (void)m;
    if (pending.active) {
        timed_out++;
        withdraw();
        resolve("timed_out", now);
    }
}

/* The overhead experiment: the client says another period passed; a NULL dereference at the next point of I/O
 * (of a seeded kind of point). */
static void periodic_crash(uint64_t now)
{
    if (CRASH_PERIOD_MS == 0 || !started || monitor.finished) {
        return;
    }
    uint64_t n = issued + 1;
    uint32_t point = blk_inject_point_of(INJECT_SEED, n);
    command(n, INJECT_NULL_READ, point, 0);
    event_t e;
    sel4ft_logfmt_t *line = event(&e, "crash");
    sel4ft_logfmt_u64(line, "n", n);
    sel4ft_logfmt_str(line, "point", blk_inject_point_names[point]);
    sel4ft_logfmt_u64(line, "at", now);
    sel4ft_log_event(SEL4FT_LOG_INFO, line);
}

void init(void)
{
    uint64_t hz = sel4ft_os_tick_hz();
    const sel4ft_supervisor_policy_t policy = {
        .max_restarts = POLICY_MAX_RESTARTS,
        .escalation = SEL4FT_SUPERVISOR_ESCALATE_STOP,
        .window_ticks = (uint64_t)POLICY_WINDOW_MS * hz / 1000,
        .backoff_first_ticks = hz / 1000,
        .backoff_max_ticks = hz / 100,
    };
    const sel4ft_supervisor_policy_t always = sel4ft_supervisor_policy_always();
    sel4ft_monitor_child_t child = {
        DRIVER_ID,
        {
            .name = "blk_driver",
            .on_fault = SEL4FT_FAULTMON_RESTART,
            .dependents = 1ull << MONITOR_CH_BLK_VIRT,
            .policy = POLICY_ALWAYS ? &always : &policy,
            .heartbeat = (const sel4ft_heartbeat_t *)driver_heartbeat, /* checked only if HEARTBEAT_MS > 0 */
            .channel = MONITOR_CH_BLK_DRIVER_SUPERVISE,
            .priority = BLK_DRIVER_PRIORITY,
        },
    };
    /* A restarted driver not admitted and serving within a second failed again. */
    sel4ft_monitor_config_t config = {
        .children = &child, .child_count = 1, .timer = SEL4FT_MONITOR_CHANNEL(MONITOR_IRQ_TIMER),
        .finish = SEL4FT_MONITOR_CHANNEL(MONITOR_CH_LOGGER_FINISH), .recovery_timeout_us = 1000000,
        .heartbeat_period_us = (uint64_t)HEARTBEAT_MS * 1000u, .on_change = changed,
        .on_alarm = injection_timed_out, .log = { (void *)log_ring, log_ring_size }, .log_channel = MONITOR_CH_LOGGER,
    };
    sel4ft_monitor_start(&monitor, &config);
    publish();
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    (void)reply_msginfo;
    return sel4ft_monitor_fault(&monitor, child, msginfo);
}

void notified(microkit_channel ch)
{
    uint64_t now = sel4ft_os_ticks();
    if (ch == MONITOR_CH_CLIENT) {
        withdraw();
        sel4ft_monitor_finish(&monitor, now); /* the client is done: sum up */
    } else if (ch == MONITOR_CH_CLIENT_PERIOD) {
        periodic_crash(now);
    } else if (!sel4ft_monitor_notified(&monitor, ch)) {
        LOG_WARN("unexpected notification on channel %u", ch);
    }
}
