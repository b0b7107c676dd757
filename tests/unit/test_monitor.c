/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <sel4ft/error.h>
#include <sel4ft/fault.h>
#include <sel4ft/log.h>
#include <sel4ft/monitor.h>
#include <sel4ft/os_linux.h>

#include "console.h"

#define SERVER 1u
#define CRASHER 2u
#define SERVER_CHANNEL 1u
#define CRASHER_CHANNEL 2u
#define TIMER_CHANNEL 10u
#define FINISH_CHANNEL 7u
#define HZ 1000000u /* one tick a microsecond */

/* The fake kernel: a clock, the timer, child control; and the order of timer calls and acknowledgements. */
static struct {
    uint64_t now;
    uint64_t deadline;
    unsigned timer_sets;
    unsigned acks;
    char order[64];
    unsigned restarts_of[16];
    unsigned stops_of[16];
    unsigned notified[SEL4FT_OS_MAX_CHANNEL + 1];
    unsigned alarms, changes;
    int crash_in_restart;  /* the monitor "crashes" in its next child restart: longjmp to crash_point */
    int crash_in_change;   /* ... or in its next on_change (after the engine acted, before the commit) */
    jmp_buf crash_point;
} kernel;

static uint64_t on_ticks(void *context)
{
    (void)context;
    return kernel.now;
}

static int on_timer_set(void *context, uint64_t deadline)
{
    (void)context;
    kernel.deadline = deadline;
    kernel.timer_sets++;
    strncat(kernel.order, "s", sizeof(kernel.order) - strlen(kernel.order) - 1);
    return 0;
}

static void on_irq_ack(void *context, sel4ft_channel_t channel)
{
    (void)context;
    assert_int_equal(channel, TIMER_CHANNEL);
    kernel.acks++;
    strncat(kernel.order, "a", sizeof(kernel.order) - strlen(kernel.order) - 1);
}

static int on_restart(void *context, sel4ft_child_t child)
{
    (void)context;
    if (kernel.crash_in_restart) {
        kernel.crash_in_restart = 0;
        longjmp(kernel.crash_point, 1); /* the monitor faults before the restart is made */
    }
    kernel.restarts_of[child]++;
    return 0;
}

static int on_stop(void *context, sel4ft_child_t child)
{
    (void)context;
    kernel.stops_of[child]++;
    return 0;
}

static void on_notify(void *context, sel4ft_channel_t channel)
{
    (void)context;
    kernel.notified[channel]++;
}

static sel4ft_monitor_t monitor;
static sel4ft_supervisor_policy_t backing_off = {
    .max_restarts = 3, .escalation = SEL4FT_SUPERVISOR_ESCALATE_STOP, .window_ticks = 10 * HZ,
    .backoff_first_ticks = 1000, .backoff_max_ticks = 4000,
};
static sel4ft_supervisor_policy_t at_once = {
    .max_restarts = 5, .escalation = SEL4FT_SUPERVISOR_ESCALATE_STOP, .window_ticks = 10 * HZ,
};

static void on_alarm(sel4ft_monitor_t *m, uint64_t now)
{
    (void)m;
    (void)now;
    kernel.alarms++;
}

static void on_change(sel4ft_monitor_t *m, uint64_t now)
{
    (void)m;
    (void)now;
    kernel.changes++;
    if (kernel.crash_in_change) {
        kernel.crash_in_change = 0;
        longjmp(kernel.crash_point, 1); /* the monitor faults after acting, before it commits */
    }
}

static sel4ft_monitor_child_t children[2];

static sel4ft_monitor_config_t config(uint32_t timer)
{
    children[0] = (sel4ft_monitor_child_t){ SERVER, { .name = "server", .on_fault = SEL4FT_FAULTMON_RESTART,
                                                      .policy = &at_once, .channel = SERVER_CHANNEL } };
    children[1] = (sel4ft_monitor_child_t){ CRASHER, { .name = "crasher", .on_fault = SEL4FT_FAULTMON_RESTART,
                                                       .policy = &backing_off, .channel = CRASHER_CHANNEL } };
    return (sel4ft_monitor_config_t){ .children = children, .child_count = 2, .timer = timer,
                                      .recovery_timeout_us = 500000, .on_alarm = on_alarm, .on_change = on_change };
}

static int setup(void **state)
{
    (void)state;
    memset(&kernel, 0, sizeof(kernel));
    kernel.now = 1000;
    console_setup((sel4ft_os_linux_hooks_t){ .ticks = on_ticks, .tick_hz = HZ, .timer_set = on_timer_set,
                                      .irq_ack = on_irq_ack, .child_restart = on_restart, .child_stop = on_stop,
                                      .notify = on_notify }, "monitor");
    return 0;
}

static sel4ft_msginfo_t null_write_fault(void)
{
    sel4ft_os_mr_set(0, 0x2000a4);
    sel4ft_os_mr_set(1, 0);
    sel4ft_os_mr_set(2, 0);
    sel4ft_os_mr_set(3, 0x92000046);
    return (sel4ft_msginfo_t){ SEL4FT_FAULT_VM, 4 };
}

static void test_a_back_off_without_a_timer_is_refused(void **state)
{
    (void)state;
    sel4ft_monitor_config_t c = config(0);
    c.recovery_timeout_us = 0;
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), -SEL4FT_EINVAL);
    assert_non_null(strstr(console, "monitor|ERROR: refused child=crasher needs=timer reason=\"its restart "
                                           "policy backs off before restarting, which needs the timer"));
    assert_null(strstr(console, "watching"));
    /* Nobody is supervised: a fault stops the child, which is reported as unknown. */
    assert_false(sel4ft_monitor_fault(&monitor, CRASHER, null_write_fault()));
    assert_int_equal(kernel.stops_of[CRASHER], 1);
    assert_int_equal(kernel.restarts_of[CRASHER], 0);
}

static void test_heartbeats_and_deadlines_without_a_timer_are_refused(void **state)
{
    (void)state;
    sel4ft_monitor_config_t c = config(0);
    c.child_count = 1; /* the server alone: no back-off */
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), -SEL4FT_EINVAL);
    assert_non_null(strstr(console, "refused needs=timer reason=\"restarted children have a recovery "
                                           "deadline"));
    c.recovery_timeout_us = 0;
    c.heartbeat_period_us = 10000;
    console_clear();
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), -SEL4FT_EINVAL);
    assert_non_null(strstr(console, "refused needs=timer reason=\"heartbeats are checked"));
    /* Nothing that needs a timer: accepted without one. */
    c.heartbeat_period_us = 0;
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), 0);
    assert_int_equal(kernel.timer_sets, 0);
}

static void test_a_timer_whose_device_is_not_there_is_refused(void **state)
{
    (void)state;
    /* A port that cannot arm its timer (on riscv64: the Goldfish RTC not mapped, timer_device 0; here, no timer
     * hook) refuses a monitor given a timer, before anything is supervised. */
    console_setup((sel4ft_os_linux_hooks_t){ .ticks = on_ticks, .tick_hz = HZ, .child_restart = on_restart,
                                             .child_stop = on_stop }, "monitor");
    sel4ft_monitor_config_t c = config(SEL4FT_MONITOR_CHANNEL(TIMER_CHANNEL));
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), -SEL4FT_EINVAL);
    assert_non_null(strstr(console, "monitor|ERROR: refused needs=timer_device reason=\"the board's timer is a "
                                    "device that is not mapped"));
    assert_null(strstr(console, "watching"));
    assert_int_equal(kernel.timer_sets, 0);
}

static void test_start_reports_what_it_watches_and_arms_nothing_yet(void **state)
{
    (void)state;
    sel4ft_monitor_config_t c = config(SEL4FT_MONITOR_CHANNEL(TIMER_CHANNEL));
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), 0);
    assert_non_null(strstr(console, "monitor|INFO: watching child=server id=1 on_fault=restart\n"));
    assert_non_null(strstr(console, "monitor|INFO: watching child=crasher id=2 on_fault=restart\n"));
    assert_int_equal(kernel.deadline, 0);
}

static void test_a_back_off_arms_the_timer_and_the_tick_moves_it_before_the_ack(void **state)
{
    (void)state;
    sel4ft_monitor_config_t c = config(SEL4FT_MONITOR_CHANNEL(TIMER_CHANNEL));
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), 0);
    /* First fault: restarted at once; the recovery deadline is armed. */
    sel4ft_monitor_fault(&monitor, CRASHER, null_write_fault());
    assert_int_equal(kernel.restarts_of[CRASHER], 1);
    assert_int_equal(kernel.deadline, kernel.now + 500000);
    assert_int_equal(kernel.changes, 1);
    assert_true(sel4ft_monitor_notified(&monitor, CRASHER_CHANNEL));
    /* Second fault within the window: a back-off of 1000 ticks. */
    kernel.now += 100;
    sel4ft_monitor_fault(&monitor, CRASHER, null_write_fault());
    assert_int_equal(kernel.restarts_of[CRASHER], 1);
    assert_int_equal(kernel.deadline, kernel.now + 1000);
    /* The timer fires: the restart is made, the deadline moved, and only then the interrupt acknowledged. */
    kernel.now += 1000;
    kernel.order[0] = '\0';
    assert_true(sel4ft_monitor_notified(&monitor, TIMER_CHANNEL));
    assert_int_equal(kernel.restarts_of[CRASHER], 2);
    assert_string_equal(kernel.order, "sa");
    assert_int_equal(kernel.deadline, kernel.now + 500000); /* the recovery deadline, from the restart */
    assert_int_equal(kernel.acks, 1);
}

static void test_the_alarm_is_the_monitors_own_deadline(void **state)
{
    (void)state;
    sel4ft_monitor_config_t c = config(SEL4FT_MONITOR_CHANNEL(TIMER_CHANNEL));
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), 0);
    sel4ft_monitor_alarm(&monitor, kernel.now + sel4ft_monitor_ticks(&monitor, 20000));
    assert_int_equal(kernel.deadline, kernel.now + 20000);
    /* Early: nothing is due. */
    kernel.now += 100;
    sel4ft_monitor_notified(&monitor, TIMER_CHANNEL);
    assert_int_equal(kernel.alarms, 0);
    kernel.now += 20000;
    sel4ft_monitor_notified(&monitor, TIMER_CHANNEL);
    assert_int_equal(kernel.alarms, 1);
    assert_int_equal(kernel.deadline, 0);
    sel4ft_monitor_notified(&monitor, TIMER_CHANNEL);
    assert_int_equal(kernel.alarms, 1);
}

static void test_notifications(void **state)
{
    (void)state;
    sel4ft_monitor_config_t c = config(SEL4FT_MONITOR_CHANNEL(TIMER_CHANNEL));
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), 0);
    sel4ft_monitor_fault(&monitor, SERVER, null_write_fault());
    kernel.now += 42;
    assert_true(sel4ft_monitor_notified(&monitor, SERVER_CHANNEL));
    assert_non_null(strstr(console, "monitor|INFO: recovered child=server incarnation=2 ticks=42"));
    /* Not the skeleton's: the monitor's own to handle. */
    assert_false(sel4ft_monitor_notified(&monitor, 30));
    assert_int_equal(sel4ft_monitor_ticks(&monitor, 1500000), 1500000);
}

static void test_finish_reports_once(void **state)
{
    (void)state;
    sel4ft_monitor_config_t c = config(SEL4FT_MONITOR_CHANNEL(TIMER_CHANNEL));
    c.finish = SEL4FT_MONITOR_CHANNEL(FINISH_CHANNEL);
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), 0);
    sel4ft_monitor_finish(&monitor, kernel.now);
    sel4ft_monitor_finish(&monitor, kernel.now);
    assert_int_equal(kernel.notified[FINISH_CHANNEL], 1);
    const char *first = strstr(console, "summary child=server");
    assert_non_null(first);
    assert_null(strstr(first + 1, "summary child=server"));
    assert_non_null(strstr(console, "summary child=crasher incarnation=1 faults=0"));
}

static void test_a_child_the_engine_refuses_is_refused(void **state)
{
    (void)state;
    sel4ft_monitor_config_t c = config(SEL4FT_MONITOR_CHANNEL(TIMER_CHANNEL));
    children[1].id = 64;
    c.children = children;
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), -SEL4FT_EINVAL);
    assert_non_null(strstr(console, "refused child=crasher"));
    c = config(SEL4FT_MONITOR_CHANNEL(62));
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_monitor_start(NULL, &c), -SEL4FT_EINVAL);
}

/* A supervised monitor ---------------------------------------------------------------------------------------- */

/* The monitor's state region (private to it in a real system; it outlives the monitor's restarts) and its own
 * block (a campaign's, say). */
static _Alignas(8) uint8_t state_region[0x4000];
static struct {
    uint64_t injections;
    uint64_t last;
} own;

static sel4ft_monitor_config_t supervised(void)
{
    sel4ft_monitor_config_t c = config(SEL4FT_MONITOR_CHANNEL(TIMER_CHANNEL));
    c.state = (sel4ft_region_t){ state_region, sizeof(state_region) };
    c.user_state = &own;
    c.user_state_size = sizeof(own);
    return c;
}

/* What a restart does to a monitor: its .data and .bss as at first start (sel4ft_restart_begin() on seL4), its state
 * region as it was; then init() runs again. */
static void restart_monitor(void)
{
    memset(&monitor, 0xa5, sizeof(monitor)); /* whatever the crash left: start must not trust it */
    memset(&own, 0, sizeof(own));
    sel4ft_monitor_config_t c = supervised();
    console_clear();
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), 0);
}

static int supervised_setup(void **state)
{
    memset(state_region, 0, sizeof(state_region));
    memset(&own, 0, sizeof(own));
    return setup(state);
}

static void test_a_state_region_too_small_is_refused(void **state)
{
    (void)state;
    sel4ft_monitor_config_t c = supervised();
    c.state.size = 0x800;
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), -SEL4FT_EINVAL);
    assert_non_null(strstr(console, "refused needs=state_region"));
    assert_non_null(strstr(console, "of the monitor's own need 4096 (size="));
    assert_int_equal(SEL4FT_MONITOR_STATE_SIZE(2, sizeof(own)), 0x1000);
    assert_int_equal(SEL4FT_MONITOR_STATE_SIZE(64, 0), 0x10000);
}

/* Re-adoption: running children stay running (nobody restarted), a waiting one keeps its back-off's deadline, a
 * restarting one gets a whole recovery deadline; counters, incarnations and the policy's memory carry on, and so does
 * the monitor's own block. */
static void test_a_restarted_monitor_adopts_its_children_as_they_were(void **state)
{
    (void)state;
    sel4ft_monitor_config_t c = supervised();
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), 0);
    assert_false(monitor.resumed);
    assert_non_null(strstr(console, "watching child=crasher"));
    /* The crasher fails twice: restarted at once, then a back-off of 1000 ticks. The server fails once and has not
     * said it serves again. */
    sel4ft_monitor_fault(&monitor, CRASHER, null_write_fault());
    sel4ft_monitor_notified(&monitor, CRASHER_CHANNEL);
    kernel.now += 100;
    sel4ft_monitor_fault(&monitor, CRASHER, null_write_fault());
    uint64_t backoff_over = kernel.now + 1000;
    assert_int_equal(kernel.deadline, backoff_over);
    kernel.now += 10;
    sel4ft_monitor_fault(&monitor, SERVER, null_write_fault());
    own.injections = 7; /* the monitor's own state changed in a handler */
    sel4ft_monitor_notified(&monitor, SERVER_CHANNEL + 40); /* nobody's: no commit of its own... */
    sel4ft_monitor_alarm(&monitor, kernel.now + 5000);
    kernel.now += 1;
    sel4ft_monitor_fault(&monitor, 9, null_write_fault()); /* an unknown child: a handler that commits */
    unsigned restarts = kernel.restarts_of[CRASHER] + kernel.restarts_of[SERVER];

    kernel.now += 200; /* the monitor was down for 200 ticks */
    restart_monitor();
    assert_true(monitor.resumed);
    assert_int_equal(monitor.incarnation, 2);
    assert_int_equal(monitor.replayed, 0);
    assert_int_equal(kernel.restarts_of[CRASHER] + kernel.restarts_of[SERVER], restarts); /* none restarted */
    assert_non_null(strstr(console, "monitor|INFO: adopted child=server incarnation=2 state=restarting faults=1 "
                                    "hangs=0 restarts=1 at="));
    char expected[160];
    snprintf(expected, sizeof(expected), "monitor|INFO: adopted child=crasher incarnation=3 state=waiting "
             "restart_in_ticks=%lu faults=2 hangs=0 restarts=1", (unsigned long)(backoff_over - kernel.now));
    assert_non_null(strstr(console, expected));
    assert_non_null(strstr(console, "monitor|INFO: resumed incarnation=2 adopted=2 replayed=none"));
    assert_null(strstr(console, "watching"));
    assert_int_equal(own.injections, 7);
    assert_int_equal(monitor.alarm, kernel.now - 201 + 5000 + 1 - 1);
    /* The timer is armed for the back-off's own deadline, not a new one. */
    assert_int_equal(kernel.deadline, backoff_over);
    const sel4ft_faultmon_child_t *crasher = sel4ft_faultmon_child(&monitor.engine, CRASHER);
    assert_int_equal(crasher->supervision.restart_count, 2);
    assert_int_equal(crasher->supervision.consecutive, 2);

    /* The back-off ends on time; the restarting server, its serving notification still to come, is not failed
     * for a deadline that ran while the monitor was down. */
    kernel.now = backoff_over;
    sel4ft_monitor_notified(&monitor, TIMER_CHANNEL);
    assert_int_equal(kernel.restarts_of[CRASHER], 2);
    assert_non_null(strstr(console, "restart child=crasher incarnation=3 in_window=2 delay_ticks=1000"));
    sel4ft_monitor_notified(&monitor, SERVER_CHANNEL);
    assert_non_null(strstr(console, "recovered child=server incarnation=2"));
    assert_int_equal(sel4ft_faultmon_child(&monitor.engine, SERVER)->state, SEL4FT_FAULTMON_RUNNING);
}

/* A stopped child stays stopped; a running one is not restarted and its heartbeat is judged afresh. */
static void test_a_stopped_child_stays_stopped_and_a_running_one_runs_on(void **state)
{
    (void)state;
    static sel4ft_heartbeat_t beats;
    sel4ft_monitor_config_t c = supervised();
    children[0].config.on_fault = SEL4FT_FAULTMON_STOP;
    children[1].config.heartbeat = &beats;
    c.heartbeat_period_us = 100;
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), 0);
    sel4ft_monitor_notified(&monitor, CRASHER_CHANNEL); /* the crasher serves: its heartbeat is checked */
    sel4ft_monitor_fault(&monitor, SERVER, null_write_fault());
    assert_int_equal(kernel.stops_of[SERVER], 1);
    /* The monitor is down for ten heartbeat periods, in which nobody asked the crasher for a beat. */
    kernel.now += 1000;
    memset(&monitor, 0, sizeof(monitor));
    c = supervised();
    children[0].config.on_fault = SEL4FT_FAULTMON_STOP;
    children[1].config.heartbeat = &beats;
    c.heartbeat_period_us = 100;
    console_clear();
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), 0);
    assert_non_null(strstr(console, "adopted child=server incarnation=1 state=stopped"));
    assert_non_null(strstr(console, "adopted child=crasher incarnation=1 state=running"));
    assert_int_equal(kernel.stops_of[SERVER], 1);
    /* Asked for a beat at once; it answers. */
    assert_int_equal(kernel.notified[CRASHER_CHANNEL], 1);
    beats.beats++;
    kernel.now += 100;
    sel4ft_monitor_notified(&monitor, TIMER_CHANNEL);
    assert_int_equal(sel4ft_faultmon_child(&monitor.engine, CRASHER)->missed_beats, 0); /* a whole period first */
    assert_int_equal(kernel.restarts_of[CRASHER], 0);
}

/* The monitor crashes in fault() before it acted (the child is blocked on the monitor's reply): the restarted
 * monitor handles that fault again before it waits for anything, and reports it once. */
static void test_a_fault_the_monitor_was_handling_is_handled_again(void **state)
{
    (void)state;
    sel4ft_monitor_config_t c = supervised();
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), 0);
    kernel.crash_in_restart = 1;
    if (setjmp(kernel.crash_point) == 0) {
        sel4ft_monitor_fault(&monitor, CRASHER, null_write_fault());
        fail_msg("the monitor did not crash");
    }
    assert_int_equal(kernel.restarts_of[CRASHER], 0);
    assert_null(strstr(console, "failed child=crasher"));
    restart_monitor();
    assert_int_equal(monitor.replayed, 1);
    assert_int_equal(kernel.restarts_of[CRASHER], 1);
    assert_non_null(strstr(console, "monitor|ERROR: failed child=crasher incarnation=1 cause=fault fault=vm "
                                    "access=write addr=0x0"));
    assert_non_null(strstr(console, "restart child=crasher incarnation=2"));
    assert_non_null(strstr(console, "resumed incarnation=2 adopted=2 replayed=fault"));
    /* Done: a second restart replays nothing. */
    restart_monitor();
    assert_int_equal(monitor.replayed, 0);
    assert_int_equal(kernel.restarts_of[CRASHER], 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor.engine, CRASHER)->supervision.incarnation, 2);
}

/* The monitor crashes after it took a child's "serving" notification, before it committed: the notification is
 * taken again, and the child recovers without another restart. */
static void test_a_notification_the_monitor_took_is_taken_again(void **state)
{
    (void)state;
    sel4ft_monitor_config_t c = supervised();
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), 0);
    sel4ft_monitor_fault(&monitor, SERVER, null_write_fault());
    kernel.now += 50;
    kernel.crash_in_change = 1;
    if (setjmp(kernel.crash_point) == 0) {
        sel4ft_monitor_notified(&monitor, SERVER_CHANNEL);
        fail_msg("the monitor did not crash");
    }
    kernel.now += 10;
    restart_monitor();
    assert_int_equal(monitor.replayed, 2);
    assert_int_equal(sel4ft_faultmon_child(&monitor.engine, SERVER)->state, SEL4FT_FAULTMON_RUNNING);
    assert_non_null(strstr(console, "recovered child=server incarnation=2 ticks=60"));
    assert_int_equal(kernel.restarts_of[SERVER], 1);
}

/* A checkpoint that cannot be used: said loudly, the children taken as running; nothing else breaks. */
static void test_a_corrupted_checkpoint_is_reported(void **state)
{
    (void)state;
    sel4ft_monitor_config_t c = supervised();
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), 0);
    sel4ft_monitor_fault(&monitor, SERVER, null_write_fault());
    for (size_t i = SEL4FT_MONITOR_INTENT_AREA; i < sizeof(state_region); i += 64) {
        state_region[i] ^= 0x5a;
    }
    restart_monitor();
    assert_non_null(strstr(console, "monitor|ERROR: monitor restarted without a usable checkpoint"));
    assert_non_null(strstr(console, "resumed incarnation=1 adopted=-1"));
    assert_int_equal(sel4ft_faultmon_child(&monitor.engine, SERVER)->state, SEL4FT_FAULTMON_RUNNING);
}

/* A child monitor borrows its parent's timer through its link; the parent lends it. */
static void test_a_child_monitor_borrows_the_timer(void **state)
{
    (void)state;
    static sel4ft_monitor_link_t link;
    memset(&link, 0, sizeof(link));
    sel4ft_monitor_config_t c = supervised();
    c.timer = 0;
    c.parent_link = &link;
    c.parent_channel = 20;
    c.parent_timer = 21;
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), 0);
    assert_int_equal(kernel.notified[20], 1); /* serving */
    assert_int_equal(kernel.timer_sets, 0);   /* it never touches the timer */
    sel4ft_monitor_fault(&monitor, CRASHER, null_write_fault());
    assert_int_equal(link.deadline, kernel.now + 500000); /* the recovery deadline, asked of the parent */
    uint64_t sequence = link.sequence;
    assert_true(sequence != 0);
    assert_int_equal(kernel.notified[21], 2);
    /* Asked again only when it moves. */
    sel4ft_monitor_notified(&monitor, 30);
    assert_int_equal(link.sequence, sequence);
    /* The parent asks for a heartbeat: it beats. */
    assert_true(sel4ft_monitor_notified(&monitor, 20));
    assert_int_equal(link.heartbeat.beats, 1);
    /* The parent says the deadline passed: a tick (the crasher missed its recovery deadline). */
    kernel.now += 500000;
    assert_true(sel4ft_monitor_notified(&monitor, 21));
    assert_non_null(strstr(console, "failed child=crasher incarnation=2 cause=deadline"));
    assert_int_equal(kernel.acks, 0);
    /* Restarted, it asks again under a sequence its parent has not fired. */
    uint64_t before = link.sequence;
    memset(&monitor, 0, sizeof(monitor));
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), 0);
    assert_true(link.sequence > before);
}

static void test_a_parent_lends_its_timer(void **state)
{
    (void)state;
    static sel4ft_monitor_link_t link;
    memset(&link, 0, sizeof(link));
    static sel4ft_monitor_child_t child[1];
    child[0] = (sel4ft_monitor_child_t){ 3, { .name = "monitor", .on_fault = SEL4FT_FAULTMON_RESTART, .channel = 4,
                                              .heartbeat = &link.heartbeat } };
    const sel4ft_monitor_lend_t lend[] = { { 3, &link, 5 } };
    sel4ft_monitor_config_t c = { .children = child, .child_count = 1, .lend = lend, .lend_count = 1,
                                  .timer = SEL4FT_MONITOR_CHANNEL(TIMER_CHANNEL), .heartbeat_period_us = 100000 };
    assert_int_equal(sel4ft_monitor_start(&monitor, &c), 0);
    assert_int_equal(kernel.deadline, kernel.now + 100000);
    /* The child monitor asks for a deadline before the parent's own. */
    link.deadline = kernel.now + 300;
    link.sequence = 1;
    assert_true(sel4ft_monitor_notified(&monitor, 5));
    assert_int_equal(kernel.deadline, kernel.now + 300);
    kernel.now += 300;
    assert_true(sel4ft_monitor_notified(&monitor, TIMER_CHANNEL));
    assert_int_equal(kernel.notified[5], 1);
    assert_int_equal(kernel.deadline, kernel.now - 300 + 100000); /* its own again */
    /* Once per deadline asked for. */
    kernel.now += 10;
    sel4ft_monitor_notified(&monitor, TIMER_CHANNEL);
    assert_int_equal(kernel.notified[5], 1);
    /* A child monitor is watched like any child: its heartbeat, once it serves. */
    sel4ft_monitor_notified(&monitor, 4);
    kernel.now += 200000;
    sel4ft_monitor_notified(&monitor, TIMER_CHANNEL);
    kernel.now += 100000;
    sel4ft_monitor_notified(&monitor, TIMER_CHANNEL);
    assert_int_equal(kernel.restarts_of[3], 1);
    assert_non_null(strstr(console, "failed child=monitor incarnation=1 cause=hang"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, console_teardown)
    const struct CMUnitTest tests[] = {
        T(test_a_back_off_without_a_timer_is_refused),
        T(test_heartbeats_and_deadlines_without_a_timer_are_refused),
        T(test_a_timer_whose_device_is_not_there_is_refused),
        T(test_start_reports_what_it_watches_and_arms_nothing_yet),
        T(test_a_back_off_arms_the_timer_and_the_tick_moves_it_before_the_ack),
        T(test_the_alarm_is_the_monitors_own_deadline),
        T(test_notifications),
        T(test_finish_reports_once),
        T(test_a_child_the_engine_refuses_is_refused),
#define S(name) cmocka_unit_test_setup_teardown(name, supervised_setup, console_teardown)
        S(test_a_state_region_too_small_is_refused),
        S(test_a_restarted_monitor_adopts_its_children_as_they_were),
        S(test_a_stopped_child_stays_stopped_and_a_running_one_runs_on),
        S(test_a_fault_the_monitor_was_handling_is_handled_again),
        S(test_a_notification_the_monitor_took_is_taken_again),
        S(test_a_corrupted_checkpoint_is_reported),
        S(test_a_child_monitor_borrows_the_timer),
        S(test_a_parent_lends_its_timer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
