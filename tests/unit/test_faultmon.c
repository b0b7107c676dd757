/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sel4ft/error.h>
#include <sel4ft/faultmon.h>
#include <sel4ft/os_linux.h>

#define CRASHER 1u
#define SERVER 2u
#define CRASHER_CHANNEL 5u
#define SERVER_CHANNEL 6u
#define CLIENT_CHANNEL 3u
#define LOGGER_CHANNEL 4u

/* What the fake kernel saw, and the fake clock. */
static struct {
    unsigned notified[SEL4FT_OS_MAX_CHANNEL + 1];
    int stops;
    sel4ft_child_t stopped;
    int restarts;
    int restarts_of[SEL4FT_FAULTMON_MAX_CHILDREN];
    sel4ft_child_t restarted;
    int restart_result;
    uint64_t now;
    char console[2048];
    size_t console_length;
} kernel;

static void on_notify(void *context, sel4ft_channel_t channel)
{
    (void)context;
    kernel.notified[channel]++;
}

static int on_stop(void *context, sel4ft_child_t child)
{
    (void)context;
    kernel.stops++;
    kernel.stopped = child;
    return 0;
}

static int on_restart(void *context, sel4ft_child_t child)
{
    (void)context;
    kernel.restarts++;
    kernel.restarts_of[child]++;
    kernel.restarted = child;
    return kernel.restart_result;
}

static uint64_t on_ticks(void *context)
{
    (void)context;
    return kernel.now;
}

static void on_console(void *context, const char *text, size_t length)
{
    (void)context;
    size_t room = sizeof(kernel.console) - 1 - kernel.console_length;
    if (length > room) {
        length = room;
    }
    memcpy(kernel.console + kernel.console_length, text, length);
    kernel.console_length += length;
    kernel.console[kernel.console_length] = '\0';
}

static _Alignas(64) uint8_t ring[65536];
static sel4ft_logring_producer_t producer;
static sel4ft_logring_consumer_t consumer;
static sel4ft_faultmon_t monitor;

static int setup(void **state)
{
    (void)state;
    memset(&kernel, 0, sizeof(kernel));
    memset(ring, 0, sizeof(ring));
    kernel.now = 1000000;
    sel4ft_os_linux_hooks_t hooks = {
        .notify = on_notify,
        .child_stop = on_stop,
        .child_restart = on_restart,
        .console = on_console,
        .ticks = on_ticks,
    };
    sel4ft_os_linux_set_hooks(&hooks);
    assert_int_equal(sel4ft_logring_producer_init(&producer, ring, sizeof(ring), LOGGER_CHANNEL), 0);
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, ring, sizeof(ring), "monitor"), 0);
    assert_int_equal(sel4ft_faultmon_init(&monitor, &producer), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sel4ft_os_linux_set_hooks(NULL);
    return 0;
}

static void watch(sel4ft_child_t child, const char *name, uint32_t action, const sel4ft_supervisor_policy_t *policy,
                  const sel4ft_heartbeat_t *heartbeat, sel4ft_channel_t channel, uint32_t group)
{
    const sel4ft_faultmon_child_config_t config = {
        .name = name,
        .on_fault = action,
        .group = group,
        .dependents = 1ull << CLIENT_CHANNEL,
        .policy = policy,
        .heartbeat = heartbeat,
        .channel = channel,
    };
    assert_int_equal(sel4ft_faultmon_add_child(&monitor, child, &config), 0);
}

/* Load the message registers the kernel sends for a write to NULL, and return the tag. */
static sel4ft_msginfo_t null_write_fault(void)
{
    sel4ft_os_mr_set(0, 0x2000a4);   /* IP */
    sel4ft_os_mr_set(1, 0);          /* address */
    sel4ft_os_mr_set(2, 0);          /* not a prefetch */
    sel4ft_os_mr_set(3, 0x92000046); /* ESR: EC 0x24, WnR, DFSC 0x06 */
    return (sel4ft_msginfo_t){ SEL4FT_FAULT_VM, 4 };
}

static void expect_log(const char *needle)
{
    sel4ft_log_record_t record;
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    if (strstr(record.text, needle) == NULL) {
        fail_msg("log line '%s' does not contain '%s'", record.text, needle);
    }
}

static void expect_no_more_log(void)
{
    sel4ft_log_record_t record;
    int err = sel4ft_logring_read(&consumer, &record);
    if (err == 0) {
        fail_msg("unexpected log line '%s'", record.text);
    }
    assert_int_equal(err, -SEL4FT_EAGAIN);
}

static const sel4ft_supervisor_policy_t three_in_a_second = {
    .max_restarts = 3,
    .escalation = SEL4FT_SUPERVISOR_ESCALATE_STOP,
    .window_ticks = 1000000000,
    .backoff_first_ticks = 1000,
    .backoff_max_ticks = 3000,
};

static void test_add_child_validates(void **state)
{
    (void)state;
    sel4ft_faultmon_child_config_t config = { .name = "x", .on_fault = SEL4FT_FAULTMON_STOP };
    sel4ft_supervisor_policy_t bad = three_in_a_second;

    assert_int_equal(sel4ft_faultmon_init(NULL, NULL), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_faultmon_add_child(&monitor, SEL4FT_FAULTMON_MAX_CHILDREN, &config), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_faultmon_add_child(&monitor, 0, NULL), -SEL4FT_EINVAL);
    config.on_fault = SEL4FT_FAULTMON_ACTION_NUM;
    assert_int_equal(sel4ft_faultmon_add_child(&monitor, 0, &config), -SEL4FT_EINVAL);
    config.on_fault = SEL4FT_FAULTMON_STOP;
    config.dependents = 1ull << 62;
    assert_int_equal(sel4ft_faultmon_add_child(&monitor, 0, &config), -SEL4FT_EINVAL);
    config.dependents = 0;
    config.channel = 62;
    assert_int_equal(sel4ft_faultmon_add_child(&monitor, 0, &config), -SEL4FT_EINVAL);
    config.channel = 0;
    bad.window_ticks = 0;
    config.policy = &bad;
    assert_int_equal(sel4ft_faultmon_add_child(&monitor, 0, &config), -SEL4FT_EINVAL);
    config.policy = NULL;
    config.name = NULL;
    assert_int_equal(sel4ft_faultmon_add_child(&monitor, 0, &config), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_faultmon_child(&monitor, 0)->state, SEL4FT_FAULTMON_UNWATCHED);
    assert_null(sel4ft_faultmon_child(&monitor, SEL4FT_FAULTMON_MAX_CHILDREN));
}

static void test_decide_follows_configuration(void **state)
{
    (void)state;
    sel4ft_fault_t fault = { .kind = SEL4FT_FAULT_VM };

    assert_int_equal(sel4ft_faultmon_decide(&monitor, CRASHER, &fault), SEL4FT_FAULTMON_STOP);
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, NULL, NULL, CRASHER_CHANNEL, 0);
    assert_int_equal(sel4ft_faultmon_decide(&monitor, CRASHER, &fault), SEL4FT_FAULTMON_RESTART);
    fault.kind = 42;
    assert_int_equal(sel4ft_faultmon_decide(&monitor, CRASHER, &fault), SEL4FT_FAULTMON_STOP);
    fault.kind = SEL4FT_FAULT_NULL;
    assert_int_equal(sel4ft_faultmon_decide(&monitor, CRASHER, &fault), SEL4FT_FAULTMON_STOP);
    assert_int_equal(sel4ft_faultmon_decide(&monitor, 99, &fault), SEL4FT_FAULTMON_STOP);
    assert_string_equal(sel4ft_faultmon_action_str(SEL4FT_FAULTMON_STOP), "stop");
    assert_string_equal(sel4ft_faultmon_action_str(SEL4FT_FAULTMON_RESTART), "restart");
    assert_string_equal(sel4ft_faultmon_action_str(7), "?");
    assert_string_equal(sel4ft_faultmon_state_str(SEL4FT_FAULTMON_WAITING), "waiting to restart");
    assert_string_equal(sel4ft_faultmon_state_str(99), "?");
}

static void test_stop_policy_stops_logs_and_tells_dependents(void **state)
{
    (void)state;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_STOP, NULL, NULL, CRASHER_CHANNEL, 0);

    assert_false(sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault()));

    assert_int_equal(kernel.stops, 1);
    assert_int_equal(kernel.stopped, CRASHER);
    assert_int_equal(kernel.restarts, 0);
    assert_int_equal(kernel.notified[CLIENT_CHANNEL], 1);
    expect_log("crasher: VM fault: write to 0x0 at ip 0x2000a4: translation fault, level 2 [EC 0x24");
    expect_log("crasher: stopped (failure 1, incarnation 1), telling dependents");
    expect_no_more_log();

    const sel4ft_faultmon_child_t *child = sel4ft_faultmon_child(&monitor, CRASHER);
    assert_int_equal(child->state, SEL4FT_FAULTMON_STOPPED);
    assert_int_equal(child->faults, 1);
    assert_true(child->last_fault.is_write);
    assert_int_equal(child->last_fault.child, CRASHER);
    assert_int_equal(monitor.faults, 1);
}

static void test_first_failure_restarts_at_once(void **state)
{
    (void)state;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, &three_in_a_second, NULL, CRASHER_CHANNEL, 0);

    sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault());
    assert_int_equal(kernel.restarts, 1);
    assert_int_equal(kernel.restarted, CRASHER);
    assert_int_equal(kernel.stops, 0);
    assert_int_equal(kernel.notified[CLIENT_CHANNEL], 1);
    expect_log("crasher: VM fault");
    expect_log("crasher: restarting now as incarnation 2 (restart 1 in the window): first failure");
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_RESTARTING);

    /* The child says it serves again 320 ticks later: the recovery time is logged. */
    kernel.now += 320;
    assert_true(sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now));
    expect_log("crasher: serving again as incarnation 2, 320 ticks");
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_RUNNING);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->last_recovery_ticks, 320);
    /* A second notification is just a notification. */
    assert_true(sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now + 5));
    expect_no_more_log();
    assert_false(sel4ft_faultmon_notified(&monitor, 40, kernel.now));
}

static void test_repeated_failures_back_off_then_escalate(void **state)
{
    (void)state;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, &three_in_a_second, NULL, CRASHER_CHANNEL, 0);

    /* Failure 1: at once. */
    sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault());
    assert_int_equal(kernel.restarts, 1);
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), 0);
    sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now);

    /* Failure 2: stopped, restart scheduled 1000 ticks later. */
    kernel.now += 10;
    sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault());
    assert_int_equal(kernel.restarts, 1);
    assert_int_equal(kernel.stops, 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_WAITING);
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), kernel.now + 1000);
    sel4ft_faultmon_tick(&monitor, kernel.now + 999);
    assert_int_equal(kernel.restarts, 1);
    sel4ft_faultmon_tick(&monitor, kernel.now + 1000);
    assert_int_equal(kernel.restarts, 2);
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), 0);

    /* Failure 3: back-off doubled. */
    kernel.now += 2000;
    sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault());
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), kernel.now + 2000);
    sel4ft_faultmon_tick(&monitor, kernel.now + 2000);
    assert_int_equal(kernel.restarts, 3);

    /* Failure 4: three restarts already in the window: give up, stop, tell dependents. */
    kernel.now += 5000;
    unsigned told = kernel.notified[CLIENT_CHANNEL];
    sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault());
    assert_int_equal(kernel.restarts, 3);
    assert_int_equal(kernel.stops, 3);
    assert_int_equal(kernel.notified[CLIENT_CHANNEL], told + 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_STOPPED);

    expect_log("VM fault");
    expect_log("restarting now as incarnation 2 (restart 1 in the window)");
    expect_log("serving again as incarnation 2");
    expect_log("VM fault");
    expect_log("restarting in 1000 ticks (1.000 us) as incarnation 3 (restart 2 in the window)");
    expect_log("back-off over, restarting as incarnation 3");
    expect_log("VM fault");
    expect_log("restarting in 2000 ticks (2.000 us) as incarnation 4 (restart 3 in the window)");
    expect_log("back-off over, restarting as incarnation 4");
    expect_log("VM fault");
    expect_log("crasher: restart limit within the window reached (3 restarts in the window, incarnation 4): "
               "stopped for good");
    expect_no_more_log();
}

static void test_group_escalation_restarts_the_group(void **state)
{
    (void)state;
    sel4ft_supervisor_policy_t once = three_in_a_second;
    once.max_restarts = 0;
    once.escalation = SEL4FT_SUPERVISOR_ESCALATE_GROUP;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, &once, NULL, CRASHER_CHANNEL, 7);
    watch(SERVER, "server", SEL4FT_FAULTMON_RESTART, NULL, NULL, SERVER_CHANNEL, 7);
    watch(9, "bystander", SEL4FT_FAULTMON_RESTART, NULL, NULL, 9, 0);

    /* The server failed earlier and waits for its restart; the bystander is in no group. */
    sel4ft_supervisor_policy_t slow = three_in_a_second;
    slow.backoff_first_ticks = 1000000;
    slow.backoff_max_ticks = 1000000;
    watch(SERVER, "server", SEL4FT_FAULTMON_RESTART, &slow, NULL, SERVER_CHANNEL, 7);
    sel4ft_faultmon_handle(&monitor, SERVER, null_write_fault());
    sel4ft_faultmon_notified(&monitor, SERVER_CHANNEL, kernel.now);
    sel4ft_faultmon_handle(&monitor, SERVER, null_write_fault());
    assert_int_equal(sel4ft_faultmon_child(&monitor, SERVER)->state, SEL4FT_FAULTMON_WAITING);
    assert_int_equal(kernel.restarts_of[SERVER], 1);
    while (sel4ft_logring_read(&consumer, &(sel4ft_log_record_t){ 0 }) == 0) {
    }

    sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault());
    assert_int_equal(kernel.restarts_of[CRASHER], 1);
    assert_int_equal(kernel.restarts_of[SERVER], 2);
    assert_int_equal(kernel.restarts_of[9], 0);
    expect_log("VM fault");
    expect_log("crasher: restart limit within the window reached (0 restarts in the window, incarnation 1): "
               "restarting group 7");
    /* Incarnations 2 and 3 came from its own failures; the group restart starts incarnation 4. */
    assert_int_equal(sel4ft_faultmon_child(&monitor, SERVER)->supervision.incarnation, 4);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_RESTARTING);
}

/* Let @p periods heartbeat periods of 100 ticks pass, with a tick at the end of each. */
static void tick_periods(int periods)
{
    for (int i = 0; i < periods; i++) {
        kernel.now += 100;
        sel4ft_faultmon_tick(&monitor, kernel.now);
    }
}

static void test_hung_child_is_restarted_after_two_missed_periods(void **state)
{
    (void)state;
    sel4ft_heartbeat_t heartbeat = { 0 };
    watch(CRASHER, "hanger", SEL4FT_FAULTMON_RESTART, &three_in_a_second, &heartbeat, CRASHER_CHANNEL, 0);
    sel4ft_faultmon_set_heartbeat_period(&monitor, 100, kernel.now);
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), kernel.now + 100);

    /* Until it says it serves, a child that never beats is not hung (it may not have run yet). */
    tick_periods(5);
    assert_int_equal(kernel.restarts, 0);
    assert_int_equal(kernel.notified[CRASHER_CHANNEL], 0);
    sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now);
    sel4ft_faultmon_set_heartbeat_period(&monitor, 100, kernel.now);

    /* Beating: each check asks for the next beat. */
    for (int i = 0; i < 3; i++) {
        heartbeat.beats++;
        kernel.now += 100;
        sel4ft_faultmon_tick(&monitor, kernel.now);
    }
    assert_int_equal(kernel.notified[CRASHER_CHANNEL], 3);
    assert_int_equal(kernel.restarts, 0);

    /* Stops beating: one missed period is tolerated, the second is a hang. */
    tick_periods(1);
    assert_int_equal(kernel.restarts, 0);
    tick_periods(1);
    assert_int_equal(kernel.restarts, 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->hangs, 1);
    expect_log("hanger: no heartbeat for 2 periods (counter stuck at 3): hung");
    expect_log("hanger: restarting now as incarnation 2");

    /* While restarting it is not checked; once it says it serves, checks resume from its counter. */
    kernel.now += 500;
    sel4ft_faultmon_tick(&monitor, kernel.now);
    assert_int_equal(kernel.restarts, 1);
    sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now);
    expect_log("hanger: serving again as incarnation 2");
    heartbeat.beats++;
    tick_periods(1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->missed_beats, 0);
}

/* "logger" (id SERVER, priority 250) and a child named @p low_name (id CRASHER, priority 150), both serving,
 * with heartbeats checked every 100 ticks. */
static void watch_by_priority(sel4ft_heartbeat_t *high_beats, sel4ft_heartbeat_t *low_beats, const char *low_name)
{
    const sel4ft_faultmon_child_config_t high = { .name = "logger", .on_fault = SEL4FT_FAULTMON_RESTART,
                                                  .heartbeat = high_beats, .channel = SERVER_CHANNEL,
                                                  .priority = 250 };
    const sel4ft_faultmon_child_config_t low = { .name = low_name, .on_fault = SEL4FT_FAULTMON_RESTART,
                                                 .heartbeat = low_beats, .channel = CRASHER_CHANNEL,
                                                 .priority = 150 };
    assert_int_equal(sel4ft_faultmon_add_child(&monitor, SERVER, &high), 0);
    assert_int_equal(sel4ft_faultmon_add_child(&monitor, CRASHER, &low), 0);
    sel4ft_faultmon_notified(&monitor, SERVER_CHANNEL, kernel.now);
    sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now);
    sel4ft_faultmon_set_heartbeat_period(&monitor, 100, kernel.now);
}

/* A spinning child starves the children below it: a child is not hung while one of higher priority is missing
 * its beats too. Here the starved child misses a period before the spinning one does (it was due to beat just
 * as the other began to spin), which is what happens on seL4 when the logger hangs. */
static void test_hang_blames_the_highest_priority_child_only(void **state)
{
    (void)state;
    sel4ft_heartbeat_t high_beats = { 0 }, low_beats = { 0 };
    watch_by_priority(&high_beats, &low_beats, "crasher");

    /* Period 1: the high one still beat, the low one did not. Period 2: neither did. */
    high_beats.beats++;
    tick_periods(2);
    assert_int_equal(kernel.restarts, 0);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->hangs, 0);
    expect_log("crasher: no heartbeat for 2 periods, but a child of higher priority is not beating either");

    /* Period 3: the high one is hung and restarted; the low one, still starved, is not blamed. */
    tick_periods(1);
    assert_int_equal(kernel.restarts, 1);
    assert_int_equal(kernel.restarted, SERVER);
    assert_int_equal(sel4ft_faultmon_child(&monitor, SERVER)->hangs, 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->hangs, 0);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->missed_beats, 1);
    expect_log("logger: no heartbeat for 2 periods (counter stuck at 1): hung");
    expect_log("logger: restarting now as incarnation 2");

    /* The hung one serves again and beats; the starved one beats again: nothing more happens. */
    sel4ft_faultmon_notified(&monitor, SERVER_CHANNEL, kernel.now);
    high_beats.beats++;
    low_beats.beats++;
    tick_periods(1);
    assert_int_equal(kernel.restarts, 1);

    /* With nothing above it missing beats, a child that stops beating is hung as usual. */
    for (int i = 0; i < 2; i++) {
        high_beats.beats++;
        kernel.now += 100;
        sel4ft_faultmon_tick(&monitor, kernel.now);
    }
    assert_int_equal(kernel.restarts, 2);
    assert_int_equal(kernel.restarted, CRASHER);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->hangs, 1);
}

/* A restarted child may beat once more (a heartbeat request left pending from before its restart) and then
 * hang again: the child it starves must not be blamed in the period where only it missed its beat. */
static void test_hang_after_a_stale_beat_blames_the_higher_child(void **state)
{
    (void)state;
    sel4ft_heartbeat_t high_beats = { 0 }, low_beats = { 0 };
    watch_by_priority(&high_beats, &low_beats, "client");

    /* The high one hangs: two periods, restarted. The low one is starved all along. */
    tick_periods(2);
    assert_int_equal(kernel.restarts, 1);
    assert_int_equal(kernel.restarted, SERVER);
    sel4ft_faultmon_notified(&monitor, SERVER_CHANNEL, kernel.now);
    /* It answers a stale request, then hangs again; the low one is still starved. */
    high_beats.beats++;
    tick_periods(3);
    assert_int_equal(kernel.restarts, 2);
    assert_int_equal(kernel.restarted, SERVER);
    assert_int_equal(sel4ft_faultmon_child(&monitor, SERVER)->hangs, 2);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->hangs, 0);
}

/* A child above that misses every other beat (never hung itself) must not hide a hung child below it for
 * ever: the starved child is spared a bounded number of times. */
static void test_starved_child_is_spared_a_bounded_number_of_times(void **state)
{
    (void)state;
    sel4ft_heartbeat_t high_beats = { 0 }, low_beats = { 0 };
    watch_by_priority(&high_beats, &low_beats, "crasher");
    for (int period = 0; period < 40 && kernel.restarts == 0; period++) {
        if (period % 2 == 0) {
            high_beats.beats++;
        }
        kernel.now += 100;
        sel4ft_faultmon_tick(&monitor, kernel.now);
    }
    assert_int_equal(kernel.restarts, 1);
    assert_int_equal(kernel.restarted, CRASHER);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->hangs, 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, SERVER)->hangs, 0);
}

/* A child above that hangs again and again (back to back, as the campaign's logger did) starves the one below
 * it for many periods: each of its failures starts a new episode, so the starved child is never blamed. */
static void test_back_to_back_hangs_above_do_not_blame_the_starved_child(void **state)
{
    (void)state;
    sel4ft_heartbeat_t high_beats = { 0 }, low_beats = { 0 };
    watch_by_priority(&high_beats, &low_beats, "crasher");
    for (int hang = 0; hang < 5; hang++) {
        int restarts = kernel.restarts;
        for (int period = 0; period < 100 && kernel.restarts == restarts; period++) {
            kernel.now += 100;
            sel4ft_faultmon_tick(&monitor, kernel.now);
        }
        assert_int_equal(kernel.restarted, SERVER);
        /* Serving again, and hung again at once. */
        sel4ft_faultmon_notified(&monitor, SERVER_CHANNEL, kernel.now);
    }
    assert_int_equal(sel4ft_faultmon_child(&monitor, SERVER)->hangs, 5);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->hangs, 0);
}

/* Children of equal (or unknown) priority that all miss their beats are all hung. */
static void test_hang_of_equal_priorities_blames_all(void **state)
{
    (void)state;
    sel4ft_heartbeat_t a = { 0 }, b = { 0 };
    watch(SERVER, "a", SEL4FT_FAULTMON_RESTART, NULL, &a, SERVER_CHANNEL, 0);
    watch(CRASHER, "b", SEL4FT_FAULTMON_RESTART, NULL, &b, CRASHER_CHANNEL, 0);
    sel4ft_faultmon_notified(&monitor, SERVER_CHANNEL, kernel.now);
    sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now);
    sel4ft_faultmon_set_heartbeat_period(&monitor, 100, kernel.now);
    tick_periods(2);
    assert_int_equal(kernel.restarts, 2);
    assert_int_equal(sel4ft_faultmon_child(&monitor, SERVER)->hangs, 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->hangs, 1);
}

static void test_refused_restart_is_reported(void **state)
{
    (void)state;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, NULL, NULL, CRASHER_CHANNEL, 0);
    kernel.restart_result = -SEL4FT_EIO;

    sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault());
    assert_int_equal(monitor.action_errors, 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_STOPPED);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->restarts, 0);
    expect_log("crasher: VM fault");
    expect_log("crasher: restarting now");
    expect_log("crasher: restart FAILED");
}

static void test_unknown_child_is_stopped_and_nobody_told(void **state)
{
    (void)state;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, NULL, NULL, CRASHER_CHANNEL, 0);

    sel4ft_faultmon_handle(&monitor, 9, null_write_fault());
    assert_int_equal(kernel.stops, 1);
    assert_int_equal(kernel.stopped, 9);
    assert_int_equal(kernel.restarts, 0);
    assert_int_equal(kernel.notified[CLIENT_CHANNEL], 0);
    assert_int_equal(monitor.unknown_children, 1);
    expect_log("unknown child: VM fault");
    expect_log("child 9, which this monitor does not watch");
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->faults, 0);
}

static void test_garbage_fault_message_stops_the_child(void **state)
{
    (void)state;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, NULL, NULL, CRASHER_CHANNEL, 0);

    /* An unknown label with more registers than any fault has: stop rather than guess. */
    for (uint32_t i = 0; i < SEL4FT_OS_MAX_MRS; i++) {
        sel4ft_os_mr_set(i, 0xffffffffffffffffull);
    }
    assert_false(sel4ft_faultmon_handle(&monitor, CRASHER, (sel4ft_msginfo_t){ 0xfffff, SEL4FT_OS_MAX_MRS }));
    assert_int_equal(kernel.stops, 1);
    assert_int_equal(kernel.restarts, 0);
    expect_log("crasher: unknown fault");
    expect_log("crasher: stopped (failure 1");
}

static void test_without_a_ring_lines_go_to_the_console(void **state)
{
    (void)state;
    assert_int_equal(sel4ft_faultmon_init(&monitor, NULL), 0);
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_STOP, NULL, NULL, CRASHER_CHANNEL, 0);
    sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault());
    assert_non_null(strstr(kernel.console, "crasher: VM fault: write to 0x0"));
    assert_non_null(strstr(kernel.console, "crasher: stopped (failure 1"));
}

static void test_restarted_child_that_never_serves_fails_again(void **state)
{
    (void)state;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, &three_in_a_second, NULL, CRASHER_CHANNEL, 0);
    sel4ft_faultmon_set_recovery_timeout(&monitor, 500);

    sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault());
    assert_int_equal(kernel.restarts, 1);
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), kernel.now + 500);
    sel4ft_faultmon_tick(&monitor, kernel.now + 499);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_RESTARTING);

    /* No "serving" notification by the deadline: a second failure, so the policy backs off. */
    kernel.now += 500;
    sel4ft_faultmon_tick(&monitor, kernel.now);
    assert_int_equal(kernel.stops, 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_WAITING);
    expect_log("crasher: VM fault");
    expect_log("restarting now as incarnation 2");
    expect_log("crasher: not serving 500 ticks after its restart as incarnation 2");
    expect_log("restarting in 1000 ticks");

    /* A child that says it serves in time is not touched. */
    sel4ft_faultmon_tick(&monitor, kernel.now + 1000);
    assert_int_equal(kernel.restarts, 2);
    sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now + 1100);
    sel4ft_faultmon_tick(&monitor, kernel.now + 5000);
    assert_int_equal(kernel.restarts, 2);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_RUNNING);
}

static void test_group_restart_leaves_running_members_running(void **state)
{
    (void)state;
    sel4ft_supervisor_policy_t once = three_in_a_second;
    once.max_restarts = 0;
    once.escalation = SEL4FT_SUPERVISOR_ESCALATE_GROUP;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, &once, NULL, CRASHER_CHANNEL, 7);
    watch(SERVER, "server", SEL4FT_FAULTMON_RESTART, NULL, NULL, SERVER_CHANNEL, 7);

    sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault());
    /* The running server may hold no scheduling context: it is told, not restarted. */
    assert_int_equal(kernel.restarts_of[SERVER], 0);
    assert_int_equal(kernel.notified[SERVER_CHANNEL], 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, SERVER)->state, SEL4FT_FAULTMON_RUNNING);
    assert_int_equal(kernel.restarts_of[CRASHER], 1);
}

/* A group restart inside a tick stamps members with the tick's own time: none of them times out at once. */
static void test_group_restart_from_a_timeout_does_not_time_out_members(void **state)
{
    (void)state;
    sel4ft_supervisor_policy_t group_policy = three_in_a_second;
    group_policy.max_restarts = 1;
    group_policy.escalation = SEL4FT_SUPERVISOR_ESCALATE_GROUP;
    sel4ft_supervisor_policy_t slow = three_in_a_second;
    slow.backoff_first_ticks = 1000000;
    slow.backoff_max_ticks = 1000000;
    watch(CRASHER, "a", SEL4FT_FAULTMON_RESTART, &group_policy, NULL, CRASHER_CHANNEL, 7);
    watch(SERVER, "b", SEL4FT_FAULTMON_RESTART, &slow, NULL, SERVER_CHANNEL, 7);
    sel4ft_faultmon_set_recovery_timeout(&monitor, 500);

    /* b fails twice and waits in its back-off. */
    sel4ft_faultmon_handle(&monitor, SERVER, null_write_fault());
    sel4ft_faultmon_notified(&monitor, SERVER_CHANNEL, kernel.now);
    sel4ft_faultmon_handle(&monitor, SERVER, null_write_fault());
    assert_int_equal(sel4ft_faultmon_child(&monitor, SERVER)->state, SEL4FT_FAULTMON_WAITING);
    /* a fails and is restarted; then it never says it serves. */
    sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault());
    assert_int_equal(kernel.restarts_of[CRASHER], 1);

    /* The deadline passes, the clock keeps moving while the monitor works: a's policy escalates to the group. */
    uint64_t tick = kernel.now + 600;
    kernel.now = tick + 50;
    sel4ft_faultmon_tick(&monitor, tick);
    assert_int_equal(kernel.restarts_of[CRASHER], 2);
    assert_int_equal(kernel.restarts_of[SERVER], 2);
    assert_int_equal(sel4ft_faultmon_child(&monitor, SERVER)->state, SEL4FT_FAULTMON_RESTARTING);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_RESTARTING);
    /* Its recovery time still counts from the original failure. */
    sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, tick + 10);
    assert_true(sel4ft_faultmon_child(&monitor, CRASHER)->last_recovery_ticks >= 610);
}

/* Deadlines saturate: one that would pass 2^64 ticks is never due, where a wrapped sum fell in the past and
 * fired at once. One test per deadline. */

/* A serving, beating child with a heartbeat, checked every @p period ticks from now. */
static void watch_beating(sel4ft_heartbeat_t *heartbeat, uint64_t period)
{
    watch(CRASHER, "beater", SEL4FT_FAULTMON_RESTART, NULL, heartbeat, CRASHER_CHANNEL, 0);
    sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now);
    sel4ft_faultmon_set_heartbeat_period(&monitor, period, kernel.now);
}

static void test_heartbeat_period_past_the_end_of_time_never_fires(void **state)
{
    (void)state;
    sel4ft_heartbeat_t heartbeat = { 0 };
    watch_beating(&heartbeat, UINT64_MAX - 10);

    /* now + period wrapped to now - 11: the check was due at once, and at every tick after. */
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), 0);
    heartbeat.beats++;
    sel4ft_faultmon_tick(&monitor, kernel.now);
    sel4ft_faultmon_tick(&monitor, kernel.now + 1000000);
    assert_int_equal(kernel.notified[CRASHER_CHANNEL], 0);

    /* Exactly UINT64_MAX too, and at the last tick there is. */
    sel4ft_faultmon_set_heartbeat_period(&monitor, UINT64_MAX, kernel.now);
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), 0);
    sel4ft_faultmon_tick(&monitor, UINT64_MAX);
    assert_int_equal(kernel.notified[CRASHER_CHANNEL], 0);
    expect_no_more_log();
}

static void test_next_heartbeat_past_the_end_of_time_never_fires(void **state)
{
    (void)state;
    sel4ft_heartbeat_t heartbeat = { 0 };
    /* The first check is due in time; the one after it would fall past 2^64. */
    const uint64_t first = UINT64_MAX - 500000;
    watch_beating(&heartbeat, first - kernel.now);
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), first);
    heartbeat.beats++;
    sel4ft_faultmon_tick(&monitor, first);
    assert_int_equal(kernel.notified[CRASHER_CHANNEL], 1);

    /* first + period wrapped to before first: the next tick checked again, and each one after. */
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), 0);
    heartbeat.beats++;
    sel4ft_faultmon_tick(&monitor, first + 1);
    sel4ft_faultmon_tick(&monitor, UINT64_MAX);
    assert_int_equal(kernel.notified[CRASHER_CHANNEL], 1);
}

static void test_backoff_past_the_end_of_time_never_ends(void **state)
{
    (void)state;
    sel4ft_supervisor_policy_t forever = three_in_a_second;
    forever.backoff_first_ticks = UINT64_MAX - 10;
    forever.backoff_max_ticks = UINT64_MAX - 10;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, &forever, NULL, CRASHER_CHANNEL, 0);

    sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault());
    sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now);
    assert_int_equal(kernel.restarts, 1);
    /* The second failure backs off for (nearly) ever: now + delay wrapped to now - 11, over at once. */
    kernel.now += 10;
    sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault());
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_WAITING);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->restart_at, UINT64_MAX);
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), 0);
    sel4ft_faultmon_tick(&monitor, kernel.now);
    sel4ft_faultmon_tick(&monitor, kernel.now + 1000000000);
    sel4ft_faultmon_tick(&monitor, UINT64_MAX);
    assert_int_equal(kernel.restarts, 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_WAITING);

    /* A back-off that ends in time still ends, and is reported as the deadline. */
    sel4ft_supervisor_policy_t finite = three_in_a_second;
    watch(SERVER, "server", SEL4FT_FAULTMON_RESTART, &finite, NULL, SERVER_CHANNEL, 0);
    sel4ft_faultmon_handle(&monitor, SERVER, null_write_fault());
    sel4ft_faultmon_notified(&monitor, SERVER_CHANNEL, kernel.now);
    sel4ft_faultmon_handle(&monitor, SERVER, null_write_fault());
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), kernel.now + 1000);
    sel4ft_faultmon_tick(&monitor, kernel.now + 1000);
    assert_int_equal(kernel.restarts_of[SERVER], 2);
    assert_int_equal(kernel.restarts_of[CRASHER], 1);
}

static void test_recovery_timeout_past_the_end_of_time_never_fires(void **state)
{
    (void)state;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, &three_in_a_second, NULL, CRASHER_CHANNEL, 0);
    sel4ft_faultmon_set_recovery_timeout(&monitor, UINT64_MAX);
    sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault());
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_RESTARTING);

    /* restarted_at + timeout wrapped to restarted_at - 1: the timer was armed for a moment already past. */
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), 0);
    sel4ft_faultmon_tick(&monitor, kernel.now + 1000000000);

    /* A deadline that saturates exactly at the end of time is never due either, even then. */
    sel4ft_faultmon_set_recovery_timeout(&monitor, UINT64_MAX - kernel.now);
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), 0);
    sel4ft_faultmon_tick(&monitor, UINT64_MAX);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_RESTARTING);
    assert_int_equal(kernel.stops, 0);

    /* One tick earlier, it is an ordinary deadline. */
    sel4ft_faultmon_set_recovery_timeout(&monitor, UINT64_MAX - kernel.now - 1);
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), UINT64_MAX - 1);
    sel4ft_faultmon_tick(&monitor, UINT64_MAX - 1);
    /* Failed again; long after the first failure, so restarted at once. */
    assert_int_equal(kernel.restarts, 2);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->restarted_at, UINT64_MAX - 1);
    expect_log("crasher: VM fault");
    expect_log("crasher: restarting now as incarnation 2");
    expect_log("crasher: not serving");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_child_validates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decide_follows_configuration, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_policy_stops_logs_and_tells_dependents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_failure_restarts_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeated_failures_back_off_then_escalate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_escalation_restarts_the_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hung_child_is_restarted_after_two_missed_periods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hang_blames_the_highest_priority_child_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hang_after_a_stale_beat_blames_the_higher_child, setup, teardown),
        cmocka_unit_test_setup_teardown(test_starved_child_is_spared_a_bounded_number_of_times, setup, teardown),
        cmocka_unit_test_setup_teardown(test_back_to_back_hangs_above_do_not_blame_the_starved_child, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hang_of_equal_priorities_blames_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_restart_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_child_is_stopped_and_nobody_told, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_fault_message_stops_the_child, setup, teardown),
        cmocka_unit_test_setup_teardown(test_without_a_ring_lines_go_to_the_console, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restarted_child_that_never_serves_fails_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_restart_leaves_running_members_running, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_restart_from_a_timeout_does_not_time_out_members, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heartbeat_period_past_the_end_of_time_never_fires, setup, teardown),
        cmocka_unit_test_setup_teardown(test_next_heartbeat_past_the_end_of_time_never_fires, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backoff_past_the_end_of_time_never_ends, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recovery_timeout_past_the_end_of_time_never_fires, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
