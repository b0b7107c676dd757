/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
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
    unsigned restarts_of[4];
    unsigned stops_of[4];
    unsigned notified[SEL4FT_OS_MAX_CHANNEL + 1];
    unsigned alarms, changes;
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
