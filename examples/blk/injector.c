/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* The block system's fault injector, in its monitor (monitor.c), on top of the monitor skeleton's hooks (on_change,
 * on_alarm). Two ways to inject (build variables):
 * - INJECTIONS=N (the QEMU test, the campaign): injection n of the seeded schedule (blk_inject.h) goes into the
 *   campaign page; the driver's shim strikes at its point of I/O; the monitor waits until the driver failed and
 *   serves again ("recovered"), or INJECT_TIMEOUT_S passed ("timed out"), then issues the next. After the last it tells
 *   the client the injections are over.
 * - CRASH_PERIOD_MS=T (the overhead experiment): a NULL dereference at the next point of I/O every T ms of
 *   virtual time, while the client runs its passes. Virtual time is the system's instruction count (examples/blk
 *   pmu.h: the client counts it, and notifies on its period channel when another period has passed), not the
 *   counter: under QEMU -icount the counter jumps whenever the guest waits idle for the host's disk.
 * It also publishes the driver's state for the virtualiser. Events (doc/events.md): campaign, result,
 * campaign_done, crash. */

#include <microkit.h>

#include <sel4ft/sel4ft.h>

#include "blk_config.h"
#include "blk_inject.h"
#include "blk_layout.h"
#include "injector.h"

#ifndef INJECT_SEED
#define INJECT_SEED 1
#endif
#ifndef INJECTIONS
#define INJECTIONS 0
#endif
#ifndef CRASH_PERIOD_MS
#define CRASH_PERIOD_MS 0
#endif
/* An injection that has not struck within this many seconds times out. Generous: under QEMU -icount the clock
 * jumps to the next timer whenever the guest waits idle for the host's disk (a pass over the disk can take a
 * minute of that clock), and an injection waits for up to BLK_INJECT_SKIP_MAX points of I/O. */
#define INJECT_TIMEOUT_S 600u

#define DRIVER_ID MONITOR_CHILD_BLK_DRIVER

/* A variable, not the macro, in comparisons: INJECTIONS may be 0. */
static const uint64_t injections = INJECTIONS;

uintptr_t campaign_page;
uintptr_t supervision_page;

/* The monitor the hooks were called for (there is one). */
static sel4ft_monitor_t *mon;
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
    return sel4ft_faultmon_child(&mon->engine, DRIVER_ID);
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

void blk_injector_withdraw(void)
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
    sel4ft_monitor_alarm(mon, now + sel4ft_monitor_ticks(mon, (uint64_t)INJECT_TIMEOUT_S * 1000000u));
}

static void next(uint64_t now)
{
    pending.active = false;
    sel4ft_monitor_alarm(mon, 0);
    if (pending.number < injections && !given_up) {
        issue(pending.number + 1, now);
        return;
    }
    over();
    sel4ft_log_line_t e;
    sel4ft_logfmt_t *line = sel4ft_log_line_begin(&e, "campaign_done");
    sel4ft_logfmt_u64(line, "injections", issued);
    sel4ft_logfmt_u64(line, "seed", INJECT_SEED);
    sel4ft_logfmt_u64(line, "recovered", recovered);
    sel4ft_logfmt_u64(line, "timed_out", timed_out);
    sel4ft_logfmt_u64(line, "given_up", given_up);
    sel4ft_log_event(SEL4FT_LOG_INFO, line);
}

static void resolve(const char *outcome, uint64_t now)
{
    sel4ft_log_line_t e;
    sel4ft_logfmt_t *line = sel4ft_log_line_begin(&e, "result");
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
    sel4ft_log_line_t e;
    sel4ft_logfmt_t *line = sel4ft_log_line_begin(&e, "campaign");
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
void blk_injector_changed(sel4ft_monitor_t *m, uint64_t now)
{
    mon = m;
    const sel4ft_faultmon_child_t *d = driver();
    if (d->faults + d->hangs != failures_seen) {
        failures_seen = d->faults + d->hangs;
        blk_injector_withdraw();
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
void blk_injector_timed_out(sel4ft_monitor_t *m, uint64_t now)
{
    mon = m;
    if (pending.active) {
        timed_out++;
        blk_injector_withdraw();
        resolve("timed_out", now);
    }
}

/* The overhead experiment: the client says another period passed; a NULL dereference at the next point of I/O
 * (of a seeded kind of point). */
void blk_injector_period(sel4ft_monitor_t *m, uint64_t now)
{
    mon = m;
    if (CRASH_PERIOD_MS == 0 || !started || mon->finished) {
        return;
    }
    uint64_t n = issued + 1;
    uint32_t point = blk_inject_point_of(INJECT_SEED, n);
    command(n, INJECT_NULL_READ, point, 0);
    sel4ft_log_line_t e;
    sel4ft_logfmt_t *line = sel4ft_log_line_begin(&e, "crash");
    sel4ft_logfmt_u64(line, "n", n);
    sel4ft_logfmt_str(line, "point", blk_inject_point_names[point]);
    sel4ft_logfmt_u64(line, "at", now);
    sel4ft_log_event(SEL4FT_LOG_INFO, line);
}

void blk_injector_publish(sel4ft_monitor_t *m)
{
    mon = m;
    publish();
}
