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

/* What the fake kernel saw. The engine must never read the clock: it is given the time. */
static struct {
    unsigned notified[SEL4FT_OS_MAX_CHANNEL + 1];
    int stops;
    sel4ft_child_t stopped;
    int restarts;
    int restarts_of[SEL4FT_FAULTMON_MAX_CHILDREN];
    sel4ft_child_t restarted;
    int restart_result;
    int clock_reads;
    uint64_t now;
    uint64_t waited[SEL4FT_FAULTMON_MAX_CHILDREN]; /* what sel4ft_os_child_waited() says, per child */
    int waited_result;                              /* and its return value (0, -SEL4FT_EAGAIN, ...) */
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

static int on_waited(void *context, sel4ft_child_t child, uint64_t *ticks)
{
    (void)context;
    *ticks = kernel.waited[child];
    return kernel.waited_result;
}

static uint64_t on_ticks(void *context)
{
    (void)context;
    kernel.clock_reads++;
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

/* The test sink: every event the monitor reports, in order. */
static struct {
    sel4ft_faultmon_event_t events[64];
    unsigned count;
    unsigned read;
} captured;

static void capture(void *context, const sel4ft_faultmon_event_t *event)
{
    assert_ptr_equal(context, &captured);
    assert_true(captured.count < sizeof(captured.events) / sizeof(captured.events[0]));
    captured.events[captured.count++] = *event;
}

/* The next event reported: it must be of @p kind. */
static const sel4ft_faultmon_event_t *next_event(uint32_t kind)
{
    if (captured.read >= captured.count) {
        fail_msg("no more events; expected '%s'", sel4ft_faultmon_event_kind_str(kind));
    }
    const sel4ft_faultmon_event_t *event = &captured.events[captured.read++];
    if (event->kind != kind) {
        fail_msg("event '%s' (child %s), expected '%s'", sel4ft_faultmon_event_kind_str(event->kind),
                 event->name != NULL ? event->name : "?", sel4ft_faultmon_event_kind_str(kind));
    }
    return event;
}

static void expect_no_more_events(void)
{
    if (captured.read < captured.count) {
        fail_msg("unexpected event '%s'", sel4ft_faultmon_event_kind_str(captured.events[captured.read].kind));
    }
}

static void skip_events(void)
{
    captured.read = captured.count;
}

/* A child's event: its name, incarnation and time. */
static const sel4ft_faultmon_event_t *expect_event(uint32_t kind, const char *name, uint32_t incarnation, uint64_t at)
{
    const sel4ft_faultmon_event_t *event = next_event(kind);
    assert_string_equal(event->name, name);
    assert_int_equal(event->incarnation, incarnation);
    assert_int_equal(event->at, at);
    return event;
}

static _Alignas(64) uint8_t ring[65536];
static sel4ft_logring_producer_t producer;
static sel4ft_logring_consumer_t consumer;
static sel4ft_faultmon_t monitor;

static int setup(void **state)
{
    (void)state;
    memset(&kernel, 0, sizeof(kernel));
    memset(&captured, 0, sizeof(captured));
    memset(ring, 0, sizeof(ring));
    kernel.now = 1000000;
    sel4ft_os_linux_hooks_t hooks = {
        .notify = on_notify,
        .child_stop = on_stop,
        .child_restart = on_restart,
        .console = on_console,
        .ticks = on_ticks,
        .child_waited = on_waited,
    };
    sel4ft_os_linux_set_hooks(&hooks);
    assert_int_equal(sel4ft_logring_producer_init(&producer, ring, sizeof(ring), LOGGER_CHANNEL), 0);
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, ring, sizeof(ring), "monitor"), 0);
    assert_int_equal(sel4ft_faultmon_init(&monitor, NULL, capture, &captured), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sel4ft_os_linux_set_hooks(NULL);
    sel4ft_os_linux_set_name(NULL);
    /* Every entry point was given the time; none read the clock. */
    assert_int_equal(kernel.clock_reads, 0);
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

/* A seL4 fault, as the kernel delivers it to fault(), at the fake clock's time. */
static bool fault_now(sel4ft_child_t child)
{
    return sel4ft_faultmon_fault(&monitor, child, null_write_fault(), kernel.now);
}

/* A Linux-style failure (a signal, an exit status) at the fake clock's time. */
static void fail_now(sel4ft_child_t child, uint32_t cause, int32_t code)
{
    const sel4ft_failure_t failure = { .cause = cause, .code = code };
    assert_int_equal(sel4ft_faultmon_failed(&monitor, child, &failure, kernel.now), 0);
}

/* The failure event of a write to NULL at 0x2000a4 (null_write_fault()). */
static void expect_null_write(const char *name, uint32_t incarnation, uint64_t at)
{
    const sel4ft_faultmon_event_t *event = expect_event(SEL4FT_FAULTMON_EVENT_FAILED, name, incarnation, at);
    assert_int_equal(event->failure.cause, SEL4FT_FAILURE_FAULT);
    assert_int_equal(event->failure.fault.kind, SEL4FT_FAULT_VM);
    assert_true(event->failure.fault.is_write);
    assert_int_equal(event->failure.fault.address, 0);
    assert_int_equal(event->failure.fault.ip, 0x2000a4);
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

    assert_int_equal(sel4ft_faultmon_init(NULL, NULL, NULL, NULL), -SEL4FT_EINVAL);
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
    sel4ft_failure_t failure = { .cause = SEL4FT_FAILURE_FAULT, .fault = { .kind = SEL4FT_FAULT_VM } };

    assert_int_equal(sel4ft_faultmon_decide(&monitor, CRASHER, &failure), SEL4FT_FAULTMON_STOP);
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, NULL, NULL, CRASHER_CHANNEL, 0);
    assert_int_equal(sel4ft_faultmon_decide(&monitor, CRASHER, &failure), SEL4FT_FAULTMON_RESTART);
    failure.fault.kind = 42;
    assert_int_equal(sel4ft_faultmon_decide(&monitor, CRASHER, &failure), SEL4FT_FAULTMON_STOP);
    failure.fault.kind = SEL4FT_FAULT_NULL;
    assert_int_equal(sel4ft_faultmon_decide(&monitor, CRASHER, &failure), SEL4FT_FAULTMON_STOP);
    assert_int_equal(sel4ft_faultmon_decide(&monitor, 99, &failure), SEL4FT_FAULTMON_STOP);
    /* Linux's causes carry no fault: the configured action. An unknown cause: stop. */
    for (uint32_t cause = SEL4FT_FAILURE_SIGNAL; cause < SEL4FT_FAILURE_CAUSE_NUM; cause++) {
        const sel4ft_failure_t other = { .cause = cause };
        assert_int_equal(sel4ft_faultmon_decide(&monitor, CRASHER, &other), SEL4FT_FAULTMON_RESTART);
    }
    const sel4ft_failure_t unknown = { .cause = SEL4FT_FAILURE_CAUSE_NUM };
    assert_int_equal(sel4ft_faultmon_decide(&monitor, CRASHER, &unknown), SEL4FT_FAULTMON_STOP);
    assert_int_equal(sel4ft_faultmon_decide(&monitor, CRASHER, NULL), SEL4FT_FAULTMON_STOP);
    assert_string_equal(sel4ft_faultmon_action_str(SEL4FT_FAULTMON_STOP), "stop");
    assert_string_equal(sel4ft_faultmon_action_str(SEL4FT_FAULTMON_RESTART), "restart");
    assert_string_equal(sel4ft_faultmon_action_str(7), "?");
    assert_string_equal(sel4ft_faultmon_state_str(SEL4FT_FAULTMON_WAITING), "waiting");
    assert_string_equal(sel4ft_faultmon_state_str(99), "?");
    assert_string_equal(sel4ft_failure_cause_str(SEL4FT_FAILURE_DEADLINE), "deadline");
    assert_string_equal(sel4ft_failure_cause_str(99), "?");
    assert_string_equal(sel4ft_faultmon_event_kind_str(SEL4FT_FAULTMON_EVENT_GROUP_RESTART), "group_restart");
    assert_string_equal(sel4ft_faultmon_event_kind_str(99), "?");
}

static void test_stop_policy_stops_logs_and_tells_dependents(void **state)
{
    (void)state;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_STOP, NULL, NULL, CRASHER_CHANNEL, 0);

    assert_false(fault_now(CRASHER));

    assert_int_equal(kernel.stops, 1);
    assert_int_equal(kernel.stopped, CRASHER);
    assert_int_equal(kernel.restarts, 0);
    assert_int_equal(kernel.notified[CLIENT_CHANNEL], 1);
    expect_null_write("crasher", 1, kernel.now);
    const sel4ft_faultmon_event_t *stopped = expect_event(SEL4FT_FAULTMON_EVENT_STOPPED, "crasher", 1, kernel.now);
    assert_int_equal(stopped->failures, 1);
    assert_string_equal(stopped->reason, "its action is stop");
    expect_no_more_events();

    const sel4ft_faultmon_child_t *child = sel4ft_faultmon_child(&monitor, CRASHER);
    assert_int_equal(child->state, SEL4FT_FAULTMON_STOPPED);
    assert_int_equal(child->faults, 1);
    assert_int_equal(child->last_failure.cause, SEL4FT_FAILURE_FAULT);
    assert_true(child->last_failure.fault.is_write);
    assert_int_equal(child->last_failure.fault.child, CRASHER);
    assert_int_equal(monitor.faults, 1);
}

static void test_first_failure_restarts_at_once(void **state)
{
    (void)state;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, &three_in_a_second, NULL, CRASHER_CHANNEL, 0);

    fault_now(CRASHER);
    assert_int_equal(kernel.restarts, 1);
    assert_int_equal(kernel.restarted, CRASHER);
    assert_int_equal(kernel.stops, 0);
    assert_int_equal(kernel.notified[CLIENT_CHANNEL], 1);
    expect_null_write("crasher", 1, kernel.now);
    const sel4ft_faultmon_event_t *restart = expect_event(SEL4FT_FAULTMON_EVENT_RESTART, "crasher", 2, kernel.now);
    assert_int_equal(restart->restarts_in_window, 1);
    assert_int_equal(restart->delay_ticks, 0);
    assert_int_equal(restart->group, 0);
    assert_string_equal(restart->reason, "first failure: restart at once");
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_RESTARTING);

    /* The child says it serves again 320 ticks later: the recovery time is reported. */
    kernel.now += 320;
    assert_true(sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now));
    const sel4ft_faultmon_event_t *recovered = expect_event(SEL4FT_FAULTMON_EVENT_RECOVERED, "crasher", 2, kernel.now);
    assert_int_equal(recovered->recovery_ticks, 320);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_RUNNING);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->last_recovery_ticks, 320);
    /* A second notification is just a notification. */
    assert_true(sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now + 5));
    expect_no_more_events();
    assert_false(sel4ft_faultmon_notified(&monitor, 40, kernel.now));
}

static void test_repeated_failures_back_off_then_escalate(void **state)
{
    (void)state;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, &three_in_a_second, NULL, CRASHER_CHANNEL, 0);

    /* Failure 1: at once. */
    fault_now(CRASHER);
    assert_int_equal(kernel.restarts, 1);
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), 0);
    sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now);
    expect_null_write("crasher", 1, kernel.now);
    assert_int_equal(expect_event(SEL4FT_FAULTMON_EVENT_RESTART, "crasher", 2, kernel.now)->restarts_in_window, 1);
    expect_event(SEL4FT_FAULTMON_EVENT_RECOVERED, "crasher", 2, kernel.now);

    /* Failure 2: stopped, restart scheduled 1000 ticks later. */
    kernel.now += 10;
    fault_now(CRASHER);
    assert_int_equal(kernel.restarts, 1);
    assert_int_equal(kernel.stops, 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_WAITING);
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), kernel.now + 1000);
    expect_null_write("crasher", 2, kernel.now);
    const sel4ft_faultmon_event_t *backoff = expect_event(SEL4FT_FAULTMON_EVENT_BACKOFF, "crasher", 3, kernel.now);
    assert_int_equal(backoff->delay_ticks, 1000);
    assert_int_equal(backoff->restarts_in_window, 2);
    assert_string_equal(backoff->reason, "failed again within the window: restart after a back-off");
    sel4ft_faultmon_tick(&monitor, kernel.now + 999);
    assert_int_equal(kernel.restarts, 1);
    expect_no_more_events();
    sel4ft_faultmon_tick(&monitor, kernel.now + 1000);
    assert_int_equal(kernel.restarts, 2);
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), 0);
    const sel4ft_faultmon_event_t *restart = expect_event(SEL4FT_FAULTMON_EVENT_RESTART, "crasher", 3,
                                                          kernel.now + 1000);
    assert_int_equal(restart->delay_ticks, 1000);
    assert_int_equal(restart->restarts_in_window, 2);
    assert_string_equal(restart->reason, "back-off over");

    /* Failure 3: back-off doubled. */
    kernel.now += 2000;
    fault_now(CRASHER);
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), kernel.now + 2000);
    sel4ft_faultmon_tick(&monitor, kernel.now + 2000);
    assert_int_equal(kernel.restarts, 3);
    expect_null_write("crasher", 3, kernel.now);
    backoff = expect_event(SEL4FT_FAULTMON_EVENT_BACKOFF, "crasher", 4, kernel.now);
    assert_int_equal(backoff->delay_ticks, 2000);
    assert_int_equal(backoff->restarts_in_window, 3);
    assert_int_equal(expect_event(SEL4FT_FAULTMON_EVENT_RESTART, "crasher", 4, kernel.now + 2000)->delay_ticks, 2000);

    /* Failure 4: three restarts already in the window: give up, stop, tell dependents. */
    kernel.now += 5000;
    unsigned told = kernel.notified[CLIENT_CHANNEL];
    fault_now(CRASHER);
    assert_int_equal(kernel.restarts, 3);
    assert_int_equal(kernel.stops, 3);
    assert_int_equal(kernel.notified[CLIENT_CHANNEL], told + 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_STOPPED);
    expect_null_write("crasher", 4, kernel.now);
    const sel4ft_faultmon_event_t *gave_up = expect_event(SEL4FT_FAULTMON_EVENT_GAVE_UP, "crasher", 4, kernel.now);
    assert_int_equal(gave_up->restarts_in_window, 3);
    assert_string_equal(gave_up->reason, "restart limit within the window reached");
    expect_no_more_events();
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
    fault_now(SERVER);
    sel4ft_faultmon_notified(&monitor, SERVER_CHANNEL, kernel.now);
    fault_now(SERVER);
    assert_int_equal(sel4ft_faultmon_child(&monitor, SERVER)->state, SEL4FT_FAULTMON_WAITING);
    assert_int_equal(kernel.restarts_of[SERVER], 1);
    skip_events();

    fault_now(CRASHER);
    assert_int_equal(kernel.restarts_of[CRASHER], 1);
    assert_int_equal(kernel.restarts_of[SERVER], 2);
    assert_int_equal(kernel.restarts_of[9], 0);
    expect_null_write("crasher", 1, kernel.now);
    const sel4ft_faultmon_event_t *group = expect_event(SEL4FT_FAULTMON_EVENT_GROUP_RESTART, "crasher", 1, kernel.now);
    assert_int_equal(group->group, 7);
    assert_int_equal(group->restarts_in_window, 0);
    assert_string_equal(group->reason, "restart limit within the window reached");
    /* Each member restarted, in id order. Incarnations 2 and 3 of the server came from its own failures; the
     * group restart starts incarnation 4. */
    const sel4ft_faultmon_event_t *restart = expect_event(SEL4FT_FAULTMON_EVENT_RESTART, "crasher", 2, kernel.now);
    assert_int_equal(restart->group, 7);
    assert_string_equal(restart->reason, "restarted with its group");
    assert_int_equal(expect_event(SEL4FT_FAULTMON_EVENT_RESTART, "server", 4, kernel.now)->group, 7);
    expect_no_more_events();
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
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->faults, 0);
    const sel4ft_faultmon_event_t *hung = expect_event(SEL4FT_FAULTMON_EVENT_FAILED, "hanger", 1, kernel.now);
    assert_int_equal(hung->failure.cause, SEL4FT_FAILURE_HANG);
    assert_int_equal(hung->failure.code, 2);
    assert_int_equal(hung->failure.detail, 3);
    expect_event(SEL4FT_FAULTMON_EVENT_RESTART, "hanger", 2, kernel.now);

    /* While restarting it is not checked; once it says it serves, checks resume from its counter. */
    kernel.now += 500;
    sel4ft_faultmon_tick(&monitor, kernel.now);
    assert_int_equal(kernel.restarts, 1);
    sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now);
    expect_event(SEL4FT_FAULTMON_EVENT_RECOVERED, "hanger", 2, kernel.now);
    heartbeat.beats++;
    tick_periods(1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->missed_beats, 0);
}

/* Linux: a child that waited for a processor (the machine's load, not its own fault) has not had the periods it
 * did not beat in: it is not counted as missing them. The same child, once it has had the time, is hung. */
static void test_child_waiting_for_a_processor_is_not_hung(void **state)
{
    (void)state;
    sel4ft_heartbeat_t heartbeat = { 0 };
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, NULL, &heartbeat, CRASHER_CHANNEL, 0);
    sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now);
    sel4ft_faultmon_set_heartbeat_period(&monitor, 100, kernel.now);

    /* Three periods without a beat, of which it waited 250 ticks for a processor: it could run for 50. */
    for (int i = 0; i < 3; i++) {
        kernel.waited[CRASHER] += i == 2 ? 50 : 100;
        tick_periods(1);
    }
    assert_int_equal(kernel.restarts, 0);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->missed_beats, 0);
    expect_no_more_events();

    /* It runs (waits no more) and still does not beat: a period it could use (150 ticks) is one miss, two
     * (250) are a hang. */
    tick_periods(1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->missed_beats, 1);
    assert_int_equal(kernel.restarts, 0);
    tick_periods(1);
    assert_int_equal(kernel.restarts, 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->hangs, 1);
    expect_event(SEL4FT_FAULTMON_EVENT_FAILED, "crasher", 1, kernel.now);
    expect_event(SEL4FT_FAULTMON_EVENT_RESTART, "crasher", 2, kernel.now);
    expect_no_more_events();
}

/* Linux: a child that has ended, its end not yet handed to the engine, is not judged by its heartbeat: the end
 * comes first, with its cause (a signal), however long the supervisor took to see it. */
static void test_ended_child_is_not_judged_by_its_heartbeat(void **state)
{
    (void)state;
    sel4ft_heartbeat_t heartbeat = { 0 };
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, NULL, &heartbeat, CRASHER_CHANNEL, 0);
    sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now);
    sel4ft_faultmon_set_heartbeat_period(&monitor, 100, kernel.now);

    kernel.waited_result = -SEL4FT_EAGAIN;
    tick_periods(5);
    assert_int_equal(kernel.restarts, 0);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->hangs, 0);
    expect_no_more_events();
    const sel4ft_failure_t segv = { .cause = SEL4FT_FAILURE_SIGNAL, .code = 11 };
    assert_int_equal(sel4ft_faultmon_failed(&monitor, CRASHER, &segv, kernel.now), 0);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->faults, 1);
    assert_int_equal(expect_event(SEL4FT_FAULTMON_EVENT_FAILED, "crasher", 1, kernel.now)->failure.cause,
                     SEL4FT_FAILURE_SIGNAL);
}

/* A supervised monitor's saved state: what sel4ft_faultmon_save() writes, sel4ft_faultmon_adopt() takes back
 * into a monitor restarted from scratch, field for field; a form that cannot be used changes nothing. */
static void test_saved_state_is_adopted_field_for_field(void **state)
{
    (void)state;
    static _Alignas(8) uint8_t saved[SEL4FT_FAULTMON_SAVED_SIZE(2)];
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, &three_in_a_second, NULL, CRASHER_CHANNEL, 0);
    watch(SERVER, "server", SEL4FT_FAULTMON_STOP, NULL, NULL, SERVER_CHANNEL, 0);
    fault_now(CRASHER);
    sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now);
    kernel.now += 10;
    fault_now(CRASHER); /* a back-off */
    fault_now(SERVER);  /* stopped for good */
    assert_int_equal(sel4ft_faultmon_save(&monitor, saved, sizeof(saved) - 1), -SEL4FT_ENOSPC);
    assert_int_equal(sel4ft_faultmon_save(&monitor, saved, sizeof(saved)), (int)sizeof(saved));
    const sel4ft_faultmon_child_t before = *sel4ft_faultmon_child(&monitor, CRASHER);
    assert_int_equal(before.state, SEL4FT_FAULTMON_WAITING);

    /* The restarted monitor: its children added again, nothing else. */
    assert_int_equal(sel4ft_faultmon_init(&monitor, NULL, capture, &captured), 0);
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, &three_in_a_second, NULL, CRASHER_CHANNEL, 0);
    skip_events();
    /* The server is not watched now: its record refuses the whole form. */
    assert_int_equal(sel4ft_faultmon_adopt(&monitor, saved, sizeof(saved), kernel.now), -SEL4FT_EBADMSG);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_RUNNING);
    expect_no_more_events();
    watch(SERVER, "server", SEL4FT_FAULTMON_STOP, NULL, NULL, SERVER_CHANNEL, 0);
    uint8_t broken[sizeof(saved)];
    memcpy(broken, saved, sizeof(saved));
    broken[0] ^= 1;
    assert_int_equal(sel4ft_faultmon_adopt(&monitor, broken, sizeof(broken), kernel.now), -SEL4FT_EBADMSG);
    assert_int_equal(sel4ft_faultmon_adopt(&monitor, saved, sizeof(saved) - 8, kernel.now), -SEL4FT_EBADMSG);

    unsigned restarts = kernel.restarts, stops = kernel.stops;
    kernel.now += 5;
    assert_int_equal(sel4ft_faultmon_adopt(&monitor, saved, sizeof(saved), kernel.now), 2);
    assert_int_equal(kernel.restarts, restarts);
    assert_int_equal(kernel.stops, stops);
    const sel4ft_faultmon_child_t *after = sel4ft_faultmon_child(&monitor, CRASHER);
    assert_int_equal(after->state, SEL4FT_FAULTMON_WAITING);
    assert_int_equal(after->restart_at, before.restart_at);
    assert_int_equal(after->backoff_ticks, before.backoff_ticks);
    assert_int_equal(after->faults, 2);
    assert_int_equal(after->restarts, 1);
    assert_memory_equal(&after->supervision, &before.supervision, sizeof(before.supervision));
    assert_memory_equal(&after->last_failure, &before.last_failure, sizeof(before.last_failure));
    assert_int_equal(sel4ft_faultmon_child(&monitor, SERVER)->state, SEL4FT_FAULTMON_STOPPED);
    assert_int_equal(monitor.faults, 3);
    const sel4ft_faultmon_event_t *adopted = expect_event(SEL4FT_FAULTMON_EVENT_ADOPTED, "crasher", 3, kernel.now);
    assert_int_equal(adopted->state, SEL4FT_FAULTMON_WAITING);
    assert_int_equal(adopted->delay_ticks, before.restart_at - kernel.now);
    assert_int_equal(expect_event(SEL4FT_FAULTMON_EVENT_ADOPTED, "server", 1, kernel.now)->name_length, 6);
    expect_no_more_events();
    char line[SEL4FT_LOGRING_TEXT_MAX + 1];
    sel4ft_faultmon_event_format(adopted, 0, line, sizeof(line));
    assert_non_null(strstr(line, "adopted child=crasher incarnation=3 state=waiting restart_in_ticks="));
    /* The back-off ends when it was due to. */
    kernel.now = before.restart_at;
    sel4ft_faultmon_tick(&monitor, kernel.now);
    assert_int_equal(kernel.restarts, restarts + 1);
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
    const sel4ft_faultmon_event_t *spared = expect_event(SEL4FT_FAULTMON_EVENT_SPARED, "crasher", 1, kernel.now);
    assert_int_equal(spared->missed, 2);
    assert_int_equal(spared->spares, 1);
    expect_no_more_events();

    /* Period 3: the high one is hung and restarted; the low one, still starved, is not blamed. */
    tick_periods(1);
    assert_int_equal(kernel.restarts, 1);
    assert_int_equal(kernel.restarted, SERVER);
    assert_int_equal(sel4ft_faultmon_child(&monitor, SERVER)->hangs, 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->hangs, 0);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->missed_beats, 1);
    const sel4ft_faultmon_event_t *hung = expect_event(SEL4FT_FAULTMON_EVENT_FAILED, "logger", 1, kernel.now);
    assert_int_equal(hung->failure.cause, SEL4FT_FAILURE_HANG);
    assert_int_equal(hung->failure.detail, 1);
    expect_event(SEL4FT_FAULTMON_EVENT_RESTART, "logger", 2, kernel.now);
    expect_no_more_events();

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

    fault_now(CRASHER);
    assert_int_equal(monitor.action_errors, 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_STOPPED);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->restarts, 0);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->restart_error, -SEL4FT_EIO);
    expect_null_write("crasher", 1, kernel.now);
    const sel4ft_faultmon_event_t *refused = expect_event(SEL4FT_FAULTMON_EVENT_RESTART_FAILED, "crasher", 2,
                                                          kernel.now);
    assert_int_equal(refused->error, -SEL4FT_EIO);
    expect_no_more_events();
}

static void test_unknown_child_is_stopped_and_nobody_told(void **state)
{
    (void)state;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, NULL, NULL, CRASHER_CHANNEL, 0);

    fault_now(9);
    assert_int_equal(kernel.stops, 1);
    assert_int_equal(kernel.stopped, 9);
    assert_int_equal(kernel.restarts, 0);
    assert_int_equal(kernel.notified[CLIENT_CHANNEL], 0);
    assert_int_equal(monitor.unknown_children, 1);
    assert_int_equal(monitor.faults, 1);
    const sel4ft_faultmon_event_t *unknown = next_event(SEL4FT_FAULTMON_EVENT_UNKNOWN_CHILD);
    assert_int_equal(unknown->child, 9);
    assert_null(unknown->name);
    assert_int_equal(unknown->at, kernel.now);
    assert_int_equal(unknown->failure.fault.kind, SEL4FT_FAULT_VM);
    expect_no_more_events();
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->faults, 0);
    /* Out of range too: stopped through the port (which refuses ids it does not have), never indexed. */
    fail_now(SEL4FT_FAULTMON_MAX_CHILDREN + 5, SEL4FT_FAILURE_SIGNAL, 11);
    assert_int_equal(monitor.unknown_children, 2);
    assert_int_equal(next_event(SEL4FT_FAULTMON_EVENT_UNKNOWN_CHILD)->child, SEL4FT_FAULTMON_MAX_CHILDREN + 5);
}

static void test_garbage_fault_message_stops_the_child(void **state)
{
    (void)state;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, NULL, NULL, CRASHER_CHANNEL, 0);

    /* An unknown label with more registers than any fault has: stop rather than guess. */
    for (uint32_t i = 0; i < SEL4FT_OS_MAX_MRS; i++) {
        sel4ft_os_mr_set(i, 0xffffffffffffffffull);
    }
    assert_false(sel4ft_faultmon_fault(&monitor, CRASHER, (sel4ft_msginfo_t){ 0xfffff, SEL4FT_OS_MAX_MRS },
                                       kernel.now));
    assert_int_equal(kernel.stops, 1);
    assert_int_equal(kernel.restarts, 0);
    const sel4ft_faultmon_event_t *failed = expect_event(SEL4FT_FAULTMON_EVENT_FAILED, "crasher", 1, kernel.now);
    assert_int_equal(failed->failure.fault.kind, 0xfffff);
    const sel4ft_faultmon_event_t *stopped = expect_event(SEL4FT_FAULTMON_EVENT_STOPPED, "crasher", 1, kernel.now);
    assert_string_equal(stopped->reason, "a failure the monitor cannot reason about: stopped, not guessed at");
    assert_int_equal(stopped->failures, 1);
}

/* A riscv64 kernel's messages (the port's fault_arch, here the Linux hooks'): the recorded ones restart the child
 * as an aarch64 fault would; a label that kernel never sends is stopped, not guessed at. */
static void test_riscv64_fault_messages_take_the_same_path(void **state)
{
    (void)state;
    sel4ft_os_linux_hooks_t hooks = { .notify = on_notify, .child_stop = on_stop, .child_restart = on_restart,
                                      .console = on_console, .ticks = on_ticks,
                                      .fault_arch = SEL4FT_FAULT_ARCH_RISCV64 };
    sel4ft_os_linux_set_hooks(&hooks);
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, NULL, NULL, CRASHER_CHANNEL, 0);

    /* A store to NULL, as seL4 on qemu_virt_riscv64 reported it (recorded_faults.h). */
    sel4ft_os_mr_set(0, 0x2001d0);
    sel4ft_os_mr_set(1, 0);
    sel4ft_os_mr_set(2, 0);
    sel4ft_os_mr_set(3, 7);
    assert_false(sel4ft_faultmon_fault(&monitor, CRASHER, (sel4ft_msginfo_t){ SEL4FT_FAULT_VM, 4 }, kernel.now));
    assert_int_equal(kernel.restarts, 1);
    const sel4ft_faultmon_event_t *failed = expect_event(SEL4FT_FAULTMON_EVENT_FAILED, "crasher", 1, kernel.now);
    assert_int_equal(failed->failure.fault.arch, SEL4FT_FAULT_ARCH_RISCV64);
    assert_int_equal(failed->failure.fault.kind, SEL4FT_FAULT_VM);
    assert_true(failed->failure.fault.is_write);
    assert_int_equal(failed->failure.fault.syndrome, 7);
    assert_int_equal(failed->failure.fault.ip, 0x2001d0);
    char line[512];
    sel4ft_faultmon_event_format(failed, 10000000, line, sizeof(line));
    assert_string_equal(line, "failed child=crasher incarnation=1 cause=fault fault=vm access=write addr=0x0 "
                              "ip=0x2001d0 scause=0x7 at=1000000 text=\"VM fault: write to 0x0 at ip 0x2001d0: "
                              "store/AMO page or access fault [scause 0x7]\"");
    expect_event(SEL4FT_FAULTMON_EVENT_RESTART, "crasher", 2, kernel.now);

    /* A supervised monitor's saved state keeps the riscv64 fault as it was: arch, scause, no ESR. */
    static _Alignas(8) uint8_t saved[SEL4FT_FAULTMON_SAVED_SIZE(1)];
    assert_int_equal(sel4ft_faultmon_save(&monitor, saved, sizeof(saved)), (int)sizeof(saved));
    const sel4ft_fault_t before = sel4ft_faultmon_child(&monitor, CRASHER)->last_failure.fault;
    assert_int_equal(sel4ft_faultmon_init(&monitor, NULL, capture, &captured), 0);
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, NULL, NULL, CRASHER_CHANNEL, 0);
    skip_events();
    assert_int_equal(sel4ft_faultmon_adopt(&monitor, saved, sizeof(saved), kernel.now), 1);
    skip_events();
    const sel4ft_fault_t *adopted = &sel4ft_faultmon_child(&monitor, CRASHER)->last_failure.fault;
    assert_memory_equal(adopted, &before, sizeof(before));
    assert_int_equal(adopted->arch, SEL4FT_FAULT_ARCH_RISCV64);
    assert_int_equal(adopted->syndrome, 7);
    assert_true(adopted->has_syndrome);
    assert_false(adopted->has_esr);

    /* Label 8 is a VCPU fault on aarch64 only. */
    kernel.now += 100;
    assert_true(sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now));
    expect_event(SEL4FT_FAULTMON_EVENT_RECOVERED, "crasher", 2, kernel.now);
    sel4ft_os_mr_set(0, 0x6232c041);
    assert_false(sel4ft_faultmon_fault(&monitor, CRASHER, (sel4ft_msginfo_t){ SEL4FT_FAULT_VCPU, 1 }, kernel.now));
    assert_int_equal(kernel.stops, 1);
    assert_int_equal(kernel.restarts, 1);
    expect_event(SEL4FT_FAULTMON_EVENT_FAILED, "crasher", 2, kernel.now);
    const sel4ft_faultmon_event_t *stopped = expect_event(SEL4FT_FAULTMON_EVENT_STOPPED, "crasher", 2, kernel.now);
    assert_string_equal(stopped->reason, "a failure the monitor cannot reason about: stopped, not guessed at");
    expect_no_more_events();
}

/* The default sink without a ring: one line per event on the console, with the prefix the logger gives records,
 * each cut as a record would be (the description goes first: see test_event_line_truncation_and_quoting). */
static void test_default_sink_writes_prefixed_lines_to_the_console(void **state)
{
    (void)state;
    sel4ft_os_linux_set_name("monitor");
    assert_int_equal(sel4ft_faultmon_init(&monitor, NULL, NULL, NULL), 0);
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_STOP, NULL, NULL, CRASHER_CHANNEL, 0);
    fault_now(CRASHER);
    assert_string_equal(kernel.console,
                        "monitor|ERROR: failed child=crasher incarnation=1 cause=fault fault=vm access=write addr=0x0 "
                        "ip=0x2000a4 ec=0x24 fsc=0x06 at=1000000 text=\"VM fault: write to 0x0 at ip 0x2000a4: "
                        "translation fault, level 2 [EC 0x24 data abort from a lower exception lev...\"\n"
                        "monitor|WARN: stopped child=crasher incarnation=1 failures=1 at=1000000 "
                        "reason=\"its action is stop\"\n");
}

/* The default sink with a ring: one binary record per event, at the kind's level, which the logger's decoder turns
 * into the same line as on the console (cut to a record's size); a consumer without the decoder counts them
 * malformed. */
static void test_default_sink_writes_records_to_the_ring(void **state)
{
    (void)state;
    sel4ft_logring_consumer_set_decoder(&consumer, sel4ft_faultmon_record_format);
    assert_int_equal(sel4ft_faultmon_init(&monitor, &producer, NULL, NULL), 0);
    watch(CRASHER, "client_b", SEL4FT_FAULTMON_RESTART, NULL, NULL, CRASHER_CHANNEL, 0);
    kernel.now = 12345678901ull;
    sel4ft_os_mr_set(0, 0x200f34);       /* IP */
    sel4ft_os_mr_set(1, 0xffffffeec0);   /* a write below the stack */
    sel4ft_os_mr_set(2, 0);
    sel4ft_os_mr_set(3, 0x92000047);     /* EC 0x24, WnR, DFSC 0x07 */
    sel4ft_faultmon_fault(&monitor, CRASHER, (sel4ft_msginfo_t){ SEL4FT_FAULT_VM, 4 }, kernel.now);
    sel4ft_faultmon_serving(&monitor, CRASHER, kernel.now + 1997);
    /* The restart's reason is one of the library's: named by its index, its text not carried (the fields, the
     * name, an empty reason); the decoder gives it back below. */
    assert_int_equal(producer.slots[1].length, 96 + sizeof("client_b") + 1);

    sel4ft_log_record_t record;
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_int_equal(record.level, SEL4FT_LOG_ERROR);
    /* Every field whole; the description cut to fit the record. */
    const char *head = "failed child=client_b incarnation=1 cause=fault fault=vm access=write addr=0xffffffeec0 "
                       "ip=0x200f34 ec=0x24 fsc=0x07 at=12345678901 text=\"VM fault: write to 0xffffffeec0 at ip "
                       "0x200f34: translation fault, level 3 [EC 0x24 ";
    assert_memory_equal(record.text, head, strlen(head));
    assert_int_equal(record.length, SEL4FT_LOGRING_TEXT_MAX);
    assert_memory_equal(record.text + record.length - 4, "...\"", 4);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_int_equal(record.level, SEL4FT_LOG_WARN);
    assert_string_equal(record.text, "restart child=client_b incarnation=2 in_window=1 delay_ticks=0 at=12345678901 "
                                     "reason=\"first failure: restart at once\"");
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_int_equal(record.level, SEL4FT_LOG_INFO);
    /* The microseconds at the port's own rate (the hooks set none): formatted apart in the formatter's test. */
    assert_memory_equal(record.text, "recovered child=client_b incarnation=2 ticks=1997 ", 50);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EAGAIN);
    assert_int_equal(consumer.malformed, 0);
    /* The ring stamps each record with the counter itself; the engine read nothing. */
    assert_int_equal(kernel.clock_reads, 3);
    kernel.clock_reads = 0;

    sel4ft_logring_consumer_set_decoder(&consumer, NULL);
    sel4ft_faultmon_report(&monitor, kernel.now + 2000);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EBADMSG);
    assert_int_equal(consumer.malformed, 1);
    kernel.clock_reads = 0;
}

static void test_restarted_child_that_never_serves_fails_again(void **state)
{
    (void)state;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, &three_in_a_second, NULL, CRASHER_CHANNEL, 0);
    sel4ft_faultmon_set_recovery_timeout(&monitor, 500);

    fault_now(CRASHER);
    assert_int_equal(kernel.restarts, 1);
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), kernel.now + 500);
    sel4ft_faultmon_tick(&monitor, kernel.now + 499);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_RESTARTING);

    /* No "serving" notification by the deadline: a second failure, so the policy backs off. */
    kernel.now += 500;
    sel4ft_faultmon_tick(&monitor, kernel.now);
    assert_int_equal(kernel.stops, 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_WAITING);
    expect_null_write("crasher", 1, kernel.now - 500);
    expect_event(SEL4FT_FAULTMON_EVENT_RESTART, "crasher", 2, kernel.now - 500);
    const sel4ft_faultmon_event_t *late = expect_event(SEL4FT_FAULTMON_EVENT_FAILED, "crasher", 2, kernel.now);
    assert_int_equal(late->failure.cause, SEL4FT_FAILURE_DEADLINE);
    assert_int_equal(late->failure.detail, 500);
    assert_int_equal(expect_event(SEL4FT_FAULTMON_EVENT_BACKOFF, "crasher", 3, kernel.now)->delay_ticks, 1000);
    /* A missed deadline is neither a fault nor a hang. */
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->faults, 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->hangs, 0);

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

    fault_now(CRASHER);
    /* The running server may hold no scheduling context: it is told, not restarted. */
    assert_int_equal(kernel.restarts_of[SERVER], 0);
    assert_int_equal(kernel.notified[SERVER_CHANNEL], 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, SERVER)->state, SEL4FT_FAULTMON_RUNNING);
    assert_int_equal(kernel.restarts_of[CRASHER], 1);
    expect_null_write("crasher", 1, kernel.now);
    expect_event(SEL4FT_FAULTMON_EVENT_GROUP_RESTART, "crasher", 1, kernel.now);
    expect_event(SEL4FT_FAULTMON_EVENT_RESTART, "crasher", 2, kernel.now);
    expect_no_more_events();
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
    fault_now(SERVER);
    sel4ft_faultmon_notified(&monitor, SERVER_CHANNEL, kernel.now);
    fault_now(SERVER);
    assert_int_equal(sel4ft_faultmon_child(&monitor, SERVER)->state, SEL4FT_FAULTMON_WAITING);
    /* a fails and is restarted; then it never says it serves. */
    fault_now(CRASHER);
    assert_int_equal(kernel.restarts_of[CRASHER], 1);

    /* The deadline passes; the fake clock moves on while the monitor works (the engine must not read it): a's
     * policy escalates to the group. */
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

/* The same engine, driven as the Linux baseline drives it: a process killed by a signal or exiting with a status,
 * restarted through the port's hooks, saying it serves by id. */
static void test_linux_failures_take_the_same_path(void **state)
{
    (void)state;
    watch(SERVER, "server", SEL4FT_FAULTMON_RESTART, &three_in_a_second, NULL, SERVER_CHANNEL, 0);
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_STOP, NULL, NULL, CRASHER_CHANNEL, 0);

    fail_now(SERVER, SEL4FT_FAILURE_SIGNAL, 11);
    assert_int_equal(kernel.restarts_of[SERVER], 1);
    const sel4ft_faultmon_event_t *failed = expect_event(SEL4FT_FAULTMON_EVENT_FAILED, "server", 1, kernel.now);
    assert_int_equal(failed->name_length, strlen("server")); /* measured once, when it was added */
    assert_int_equal(failed->failure.cause, SEL4FT_FAILURE_SIGNAL);
    assert_int_equal(failed->failure.code, 11);
    expect_event(SEL4FT_FAULTMON_EVENT_RESTART, "server", 2, kernel.now);
    kernel.now += 70;
    assert_int_equal(sel4ft_faultmon_serving(&monitor, SERVER, kernel.now), 0);
    assert_int_equal(expect_event(SEL4FT_FAULTMON_EVENT_RECOVERED, "server", 2, kernel.now)->recovery_ticks, 70);

    /* Exits again within the window: the policy backs off, as for a seL4 fault. */
    kernel.now += 5;
    fail_now(SERVER, SEL4FT_FAILURE_EXIT, 3);
    failed = expect_event(SEL4FT_FAULTMON_EVENT_FAILED, "server", 2, kernel.now);
    assert_int_equal(failed->failure.cause, SEL4FT_FAILURE_EXIT);
    assert_int_equal(failed->failure.code, 3);
    assert_int_equal(expect_event(SEL4FT_FAULTMON_EVENT_BACKOFF, "server", 3, kernel.now)->delay_ticks, 1000);
    assert_int_equal(kernel.stops, 1);

    /* A hang its supervisor found by itself; a child whose action is stop. */
    fail_now(CRASHER, SEL4FT_FAILURE_HANG, 2);
    assert_int_equal(expect_event(SEL4FT_FAULTMON_EVENT_FAILED, "crasher", 1, kernel.now)->failure.cause,
                     SEL4FT_FAILURE_HANG);
    expect_event(SEL4FT_FAULTMON_EVENT_STOPPED, "crasher", 1, kernel.now);
    expect_no_more_events();
    assert_int_equal(kernel.stops, 2);
    assert_int_equal(kernel.stopped, CRASHER);
    assert_int_equal(kernel.notified[CLIENT_CHANNEL], 3);

    /* Signals and exits count as faults; hangs as hangs. */
    assert_int_equal(sel4ft_faultmon_child(&monitor, SERVER)->faults, 2);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->faults, 0);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->hangs, 1);
    assert_int_equal(monitor.faults, 2);

    assert_int_equal(sel4ft_faultmon_serving(&monitor, 9, kernel.now), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_faultmon_serving(&monitor, SEL4FT_FAULTMON_MAX_CHILDREN, kernel.now), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_faultmon_failed(&monitor, SERVER, NULL, kernel.now), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_faultmon_failed(NULL, SERVER, &(sel4ft_failure_t){ 0 }, kernel.now), -SEL4FT_EINVAL);
    expect_no_more_events();
}

static void test_report_sums_up_every_watched_child(void **state)
{
    (void)state;
    watch(SERVER, "server", SEL4FT_FAULTMON_RESTART, NULL, NULL, SERVER_CHANNEL, 0);
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_STOP, NULL, NULL, CRASHER_CHANNEL, 0);
    fault_now(SERVER);
    sel4ft_faultmon_serving(&monitor, SERVER, kernel.now + 40);
    fault_now(CRASHER);
    skip_events();

    sel4ft_faultmon_report(&monitor, kernel.now + 100);
    const sel4ft_faultmon_event_t *crasher = expect_event(SEL4FT_FAULTMON_EVENT_SUMMARY, "crasher", 1,
                                                          kernel.now + 100);
    assert_int_equal(crasher->faults, 1);
    assert_int_equal(crasher->restarts, 0);
    assert_int_equal(crasher->state, SEL4FT_FAULTMON_STOPPED);
    const sel4ft_faultmon_event_t *server = expect_event(SEL4FT_FAULTMON_EVENT_SUMMARY, "server", 2, kernel.now + 100);
    assert_int_equal(server->faults, 1);
    assert_int_equal(server->hangs, 0);
    assert_int_equal(server->restarts, 1);
    assert_int_equal(server->state, SEL4FT_FAULTMON_RUNNING);
    assert_int_equal(server->recovery_ticks, 40);
    assert_int_equal(server->longest_recovery_ticks, 40);
    expect_no_more_events();
}

/* A fault failure in @p event, decoded from a label and the first four message registers. */
static void fault_of(sel4ft_faultmon_event_t *event, uint64_t label, uint64_t mr0, uint64_t mr1, uint64_t mr2,
                     uint64_t mr3)
{
    const uint64_t mrs[] = { mr0, mr1, mr2, mr3 };
    event->failure.cause = SEL4FT_FAILURE_FAULT;
    sel4ft_fault_decode(label, mrs, 4, &event->failure.fault);
}

/* The same, for a riscv64 message. */
static void riscv64_fault_of(sel4ft_faultmon_event_t *event, uint64_t label, uint64_t mr0, uint64_t mr1,
                             uint64_t mr2, uint64_t mr3)
{
    const uint64_t mrs[] = { mr0, mr1, mr2, mr3 };
    event->failure.cause = SEL4FT_FAILURE_FAULT;
    sel4ft_fault_decode_arch(SEL4FT_FAULT_ARCH_RISCV64, label, mrs, 4, &event->failure.fault);
}

/* The one formatter: the exact line of every kind (doc/events.md documents these). */
/* The event through the ring as a binary record, decoded by the logger's decoder: the same line, cut to a record. */
static void assert_record_reads_as(const sel4ft_faultmon_event_t *event, uint32_t level, const char *expected)
{
    sel4ft_log_record_t record;
    sel4ft_logring_consumer_set_decoder(&consumer, sel4ft_faultmon_record_format);
    assert_int_equal(sel4ft_faultmon_record_write(&producer, event, 62500000), 0);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_int_equal(record.level, level);
    size_t length = strlen(expected) < SEL4FT_LOGRING_TEXT_MAX ? strlen(expected) : SEL4FT_LOGRING_TEXT_MAX;
    assert_int_equal(record.length, length);
    assert_memory_equal(record.text, expected, length < SEL4FT_LOGRING_TEXT_MAX ? length : length - 4);
    kernel.clock_reads = 0; /* the ring stamps each record */
}

static void test_event_lines(void **state)
{
    (void)state;
    const sel4ft_faultmon_event_t base = { .name = "server", .child = SERVER, .incarnation = 2, .at = 123456 };
    sel4ft_faultmon_event_t e;
    char line[512];

#define CASE(kind_, level_, expected_, ...)                                                                    \
    do {                                                                                                       \
        e = base;                                                                                              \
        e.kind = (kind_);                                                                                      \
        __VA_ARGS__;                                                                                           \
        assert_int_equal(sel4ft_faultmon_event_format(&e, 62500000, line, sizeof(line)), strlen(expected_)); \
        assert_string_equal(line, (expected_));                                                                \
        assert_int_equal(sel4ft_faultmon_event_level(kind_), (level_));                                        \
        assert_record_reads_as(&e, (level_), (expected_));                                                     \
    } while (0)

    CASE(SEL4FT_FAULTMON_EVENT_FAILED, SEL4FT_LOG_ERROR,
         "failed child=server incarnation=2 cause=fault fault=user_exception ip=0x200dbc sp=0xfffffffcc0 ec=0x00 "
         "esr=0x2000000 at=123456 text=\"user exception: unknown reason (undefined instruction) at ip 0x200dbc, "
         "sp 0xfffffffcc0 [EC 0x00, ESR 0x2000000]\"",
         fault_of(&e, SEL4FT_FAULT_USER_EXCEPTION, 0x200dbc, 0xfffffffcc0, 0, 0x2000000));
    CASE(SEL4FT_FAULTMON_EVENT_FAILED, SEL4FT_LOG_ERROR,
         "failed child=server incarnation=2 cause=fault fault=vm access=read addr=0x0 ip=0x2009c8 ec=0x24 fsc=0x06 "
         "at=123456 text=\"VM fault: read of 0x0 at ip 0x2009c8: translation fault, level 2 [EC 0x24 data abort "
         "from a lower exception level, FSC 0x06]\"",
         fault_of(&e, SEL4FT_FAULT_VM, 0x2009c8, 0, 0, 0x92000006));
    CASE(SEL4FT_FAULTMON_EVENT_FAILED, SEL4FT_LOG_ERROR,
         "failed child=server incarnation=2 cause=fault fault=vm access=fetch addr=0x0 ip=0x0 ec=0x20 fsc=0x06 "
         "at=123456 text=\"VM fault: instruction fetch from 0x0 at ip 0x0: translation fault, level 2 [EC 0x20 "
         "instruction abort from a lower exception level, FSC 0x06]\"",
         fault_of(&e, SEL4FT_FAULT_VM, 0, 0, 1, 0x82000006));
    /* riscv64: the exception code as scause, in words in text (seL4 reports a store page fault as 7). */
    CASE(SEL4FT_FAULTMON_EVENT_FAILED, SEL4FT_LOG_ERROR,
         "failed child=server incarnation=2 cause=fault fault=vm access=write addr=0x0 ip=0x2001d0 scause=0x7 "
         "at=123456 text=\"VM fault: write to 0x0 at ip 0x2001d0: store/AMO page or access fault [scause 0x7]\"",
         riscv64_fault_of(&e, SEL4FT_FAULT_VM, 0x2001d0, 0, 0, 7));
    CASE(SEL4FT_FAULTMON_EVENT_FAILED, SEL4FT_LOG_ERROR,
         "failed child=server incarnation=2 cause=fault fault=vm access=fetch addr=0x0 ip=0x0 scause=0x1 "
         "at=123456 text=\"VM fault: instruction fetch from 0x0 at ip 0x0: instruction page or access fault "
         "[scause 0x1]\"",
         riscv64_fault_of(&e, SEL4FT_FAULT_VM, 0, 0, 1, 1));
    CASE(SEL4FT_FAULTMON_EVENT_FAILED, SEL4FT_LOG_ERROR,
         "failed child=server incarnation=2 cause=fault fault=user_exception ip=0x2001b2 sp=0x3fffffef30 "
         "scause=0x2 at=123456 text=\"user exception: illegal instruction at ip 0x2001b2, sp 0x3fffffef30 "
         "[scause 0x2]\"",
         riscv64_fault_of(&e, SEL4FT_FAULT_USER_EXCEPTION, 0x2001b2, 0x3fffffef30, 2, 0));
    CASE(SEL4FT_FAULTMON_EVENT_FAILED, SEL4FT_LOG_ERROR,
         "failed child=server incarnation=2 cause=fault fault=cap ip=0x20017c addr=0x4000000000000000 lookup=1 "
         "at=123456 text=\"cap fault: invoked capability 0x4000000000000000 at ip 0x20017c (lookup failure type "
         "1)\"",
         riscv64_fault_of(&e, SEL4FT_FAULT_CAP, 0x20017c, 0x4000000000000000, 0, 1));
    /* A label the riscv64 kernels never send is an unknown fault there, whatever it means on aarch64. */
    CASE(SEL4FT_FAULTMON_EVENT_FAILED, SEL4FT_LOG_ERROR,
         "failed child=server incarnation=2 cause=fault fault=unknown label=8 detail=0x0 at=123456 "
         "text=\"unknown fault (label 8) at ip 0x0, detail 0x0\"",
         riscv64_fault_of(&e, SEL4FT_FAULT_VCPU, 0x6232c041, 0, 0, 0));
    CASE(SEL4FT_FAULTMON_EVENT_FAILED, SEL4FT_LOG_ERROR,
         "failed child=server incarnation=2 cause=fault fault=unknown label=1048575 detail=0x0 at=123456 "
         "text=\"unknown fault (label 1048575) at ip 0x0, detail 0x0\"",
         fault_of(&e, 0xfffff, 0, 0, 0, 0));
    CASE(SEL4FT_FAULTMON_EVENT_FAILED, SEL4FT_LOG_ERROR,
         "failed child=server incarnation=2 cause=signal signal=11 at=123456",
         e.failure = (sel4ft_failure_t){ .cause = SEL4FT_FAILURE_SIGNAL, .code = 11 });
    CASE(SEL4FT_FAULTMON_EVENT_FAILED, SEL4FT_LOG_ERROR,
         "failed child=server incarnation=2 cause=exit status=1 at=123456",
         e.failure = (sel4ft_failure_t){ .cause = SEL4FT_FAILURE_EXIT, .code = 1 });
    CASE(SEL4FT_FAULTMON_EVENT_FAILED, SEL4FT_LOG_ERROR,
         "failed child=server incarnation=2 cause=hang missed=2 beats=3 at=123456",
         e.failure = (sel4ft_failure_t){ .cause = SEL4FT_FAILURE_HANG, .code = 2, .detail = 3 });
    CASE(SEL4FT_FAULTMON_EVENT_FAILED, SEL4FT_LOG_ERROR,
         "failed child=server incarnation=2 cause=deadline waited_ticks=62500000 at=123456",
         e.failure = (sel4ft_failure_t){ .cause = SEL4FT_FAILURE_DEADLINE, .detail = 62500000 });
    CASE(SEL4FT_FAULTMON_EVENT_UNKNOWN_CHILD, SEL4FT_LOG_ERROR,
         "unknown_child id=9 cause=signal signal=6 at=123456",
         e.name = NULL; e.child = 9; e.failure = (sel4ft_failure_t){ .cause = SEL4FT_FAILURE_SIGNAL, .code = 6 });
    CASE(SEL4FT_FAULTMON_EVENT_RESTART, SEL4FT_LOG_WARN,
         "restart child=server incarnation=2 in_window=1 delay_ticks=0 at=123456 "
         "reason=\"first failure: restart at once\"",
         e.restarts_in_window = 1; e.reason = "first failure: restart at once");
    CASE(SEL4FT_FAULTMON_EVENT_RESTART, SEL4FT_LOG_WARN,
         "restart child=server incarnation=2 in_window=0 delay_ticks=0 group=7 at=123456 "
         "reason=\"restarted with its group\"",
         e.group = 7; e.reason = "restarted with its group");
    CASE(SEL4FT_FAULTMON_EVENT_BACKOFF, SEL4FT_LOG_WARN,
         "backoff child=server incarnation=2 in_window=2 delay_ticks=62500 delay_us=1000.000 at=123456 "
         "reason=\"failed again within the window: restart after a back-off\"",
         e.restarts_in_window = 2; e.delay_ticks = 62500;
         e.reason = "failed again within the window: restart after a back-off");
    CASE(SEL4FT_FAULTMON_EVENT_RESTART_FAILED, SEL4FT_LOG_ERROR,
         "restart_failed child=server incarnation=2 at=123456 error=\"SEL4FT_EIO: operating system call failed\"",
         e.error = -SEL4FT_EIO);
    CASE(SEL4FT_FAULTMON_EVENT_STOPPED, SEL4FT_LOG_WARN,
         "stopped child=server incarnation=2 failures=1 at=123456 reason=\"its action is stop\"",
         e.failures = 1; e.reason = "its action is stop");
    CASE(SEL4FT_FAULTMON_EVENT_GAVE_UP, SEL4FT_LOG_ERROR,
         "gave_up child=server incarnation=2 in_window=3 at=123456 "
         "reason=\"restart limit within the window reached\"",
         e.restarts_in_window = 3; e.reason = "restart limit within the window reached");
    CASE(SEL4FT_FAULTMON_EVENT_GROUP_RESTART, SEL4FT_LOG_WARN,
         "group_restart child=server incarnation=2 group=7 in_window=0 at=123456 "
         "reason=\"restart limit within the window reached\"",
         e.group = 7; e.reason = "restart limit within the window reached");
    CASE(SEL4FT_FAULTMON_EVENT_SPARED, SEL4FT_LOG_WARN,
         "spared child=server incarnation=2 missed=2 spares=1 at=123456", e.missed = 2; e.spares = 1);
    CASE(SEL4FT_FAULTMON_EVENT_RECOVERED, SEL4FT_LOG_INFO,
         "recovered child=server incarnation=2 ticks=1997 us=31.952 at=123456", e.recovery_ticks = 1997);
    CASE(SEL4FT_FAULTMON_EVENT_SUMMARY, SEL4FT_LOG_INFO,
         "summary child=server incarnation=2 faults=2 hangs=1 restarts=3 state=running last_recovery_ticks=54239 "
         "longest_recovery_ticks=276005 at=123456",
         e.faults = 2; e.hangs = 1; e.restarts = 3; e.state = SEL4FT_FAULTMON_RUNNING; e.recovery_ticks = 54239;
         e.longest_recovery_ticks = 276005);
#undef CASE

    /* Without a counter rate the microseconds are left out; a NULL name is written as '?'. */
    e = base;
    e.kind = SEL4FT_FAULTMON_EVENT_RECOVERED;
    e.recovery_ticks = 5;
    e.name = NULL;
    sel4ft_faultmon_event_format(&e, 0, line, sizeof(line));
    assert_string_equal(line, "recovered child=? incarnation=2 ticks=5 at=123456");
    assert_int_equal(sel4ft_faultmon_event_level(SEL4FT_FAULTMON_EVENT_KIND_NUM), SEL4FT_LOG_ERROR);
    assert_int_equal(sel4ft_faultmon_event_format(NULL, 0, line, sizeof(line)), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_faultmon_event_format(&e, 0, NULL, 1), -SEL4FT_EINVAL);
}

/* Cut to a record: every field but the description whole, the description cut with '...', the length the full
 * line's; and a quoted name escaped. */
static void test_event_line_truncation_and_quoting(void **state)
{
    (void)state;
    sel4ft_faultmon_event_t e = { .kind = SEL4FT_FAULTMON_EVENT_FAILED, .name = "client b", .incarnation = 12,
                                  .at = 12345678901ull };
    fault_of(&e, SEL4FT_FAULT_VM, 0x200f34, 0xffffffeec0, 0, 0x92000047);
    const char *full = "failed child=\"client b\" incarnation=12 cause=fault fault=vm access=write addr=0xffffffeec0 "
                       "ip=0x200f34 ec=0x24 fsc=0x07 at=12345678901 text=\"VM fault: write to 0xffffffeec0 at ip "
                       "0x200f34: translation fault, level 3 [EC 0x24 data abort from a lower exception level, FSC "
                       "0x07]\"";
    char big[512], line[SEL4FT_LOGRING_TEXT_MAX + 1];
    assert_int_equal(sel4ft_faultmon_event_format(&e, 62500000, big, sizeof(big)), strlen(full));
    assert_string_equal(big, full);
    assert_int_equal(sel4ft_faultmon_event_format(&e, 62500000, line, sizeof(line)), strlen(full));
    assert_int_equal(strlen(line), SEL4FT_LOGRING_TEXT_MAX);
    assert_memory_equal(line, full, SEL4FT_LOGRING_TEXT_MAX - 4);
    assert_string_equal(line + SEL4FT_LOGRING_TEXT_MAX - 4, "...\"");
    /* Too small for the description's frame: it is left out, the rest stays whole. */
    const char *upto_at = strstr(full, " text=");
    assert_int_equal(sel4ft_faultmon_event_format(&e, 62500000, line, (size_t)(upto_at - full) + 8), strlen(full));
    assert_int_equal(strlen(line), (size_t)(upto_at - full));
}

/* The last record written into the test's ring: its bytes and length, as the logger copies them out. */
static size_t last_record(uint8_t *bytes)
{
    const sel4ft_logring_slot_t *slot = &producer.slots[(producer.head - 1) & producer.mask];
    memcpy(bytes, slot->text, slot->length);
    assert_true((slot->level & SEL4FT_LOGRING_BINARY) != 0);
    return slot->length;
}

/* A binary record comes from another PD: what the engine never writes is refused, and any bytes are safe. */
static void test_binary_records_refused(void **state)
{
    (void)state;
    sel4ft_faultmon_event_t e = { .kind = SEL4FT_FAULTMON_EVENT_FAILED, .name = "server", .incarnation = 1 };
    fault_of(&e, SEL4FT_FAULT_VM, 0x2009c8, 0, 0, 0x92000006);
    uint8_t good[SEL4FT_LOGRING_TEXT_MAX], bad[SEL4FT_LOGRING_TEXT_MAX + 8];
    char line[SEL4FT_LOGRING_TEXT_MAX + 1];
    assert_int_equal(sel4ft_faultmon_record_write(&producer, &e, 62500000), 0);
    size_t length = last_record(good);
    /* head 96 + failure 80 + "server" and an empty reason */
    assert_int_equal(length, 96 + 80 + 7 + 1);
    assert_true(sel4ft_faultmon_record_format(good, length, line, sizeof(line)) > 0);
    assert_memory_equal(line, "failed child=server incarnation=1 cause=fault fault=vm access=read", 65);

    assert_int_equal(sel4ft_faultmon_record_format(NULL, length, line, sizeof(line)), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_faultmon_record_format(good, length, NULL, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_faultmon_record_format(good, 95, line, sizeof(line)), -SEL4FT_EBADMSG);
    assert_int_equal(sel4ft_faultmon_record_format(good, 96 + 79, line, sizeof(line)), -SEL4FT_EBADMSG);
    assert_int_equal(sel4ft_faultmon_record_format(good, SEL4FT_LOGRING_TEXT_MAX + 1, line, sizeof(line)),
                     -SEL4FT_EBADMSG);
    /* The reason's NUL missing, then the name's. */
    assert_int_equal(sel4ft_faultmon_record_format(good, length - 1, line, sizeof(line)), -SEL4FT_EBADMSG);
    assert_int_equal(sel4ft_faultmon_record_format(good, length - 2, line, sizeof(line)), -SEL4FT_EBADMSG);
    struct {
        size_t at;
        uint32_t value;
    } corrupt[] = {
        { 0, 2 },                              /* version */
        { 2, SEL4FT_FAULTMON_EVENT_KIND_NUM }, /* kind (8 bits), no reason */
        { 2, 0xff00 },                         /* a reason index past the library's */
        { 96, SEL4FT_FAILURE_CAUSE_NUM },      /* cause */
        { 96 + 64, 64 },                       /* exception class */
        { 96 + 68, 64 },                       /* status code */
        { 96 + 72, 16 },                       /* flags */
        { 96 + 76, SEL4FT_FAULT_ARCH_NUM },    /* architecture */
    };
    for (size_t i = 0; i < sizeof(corrupt) / sizeof(corrupt[0]); i++) {
        memcpy(bad, good, length);
        if (corrupt[i].at < 4) {
            uint16_t v = (uint16_t)corrupt[i].value;
            memcpy(bad + corrupt[i].at, &v, sizeof(v));
        } else {
            memcpy(bad + corrupt[i].at, &corrupt[i].value, sizeof(corrupt[i].value));
        }
        assert_int_equal(sel4ft_faultmon_record_format(bad, length, line, sizeof(line)), -SEL4FT_EBADMSG);
    }
    /* Any bytes: refused, or a line within the buffer. */
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(seed >> 40) % (SEL4FT_LOGRING_TEXT_MAX + 1);
        memcpy(bad, good, length);
        for (int k = 0; k < 1 + round % 8; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            bad[(seed >> 33) % SEL4FT_LOGRING_TEXT_MAX] = (uint8_t)(seed >> 20);
        }
        bad[0] = 1; /* mostly valid versions and kinds: the deeper checks are reached */
        bad[2] = (uint8_t)(round % (SEL4FT_FAULTMON_EVENT_KIND_NUM + 1));
        bad[3] = 0;
        int r = sel4ft_faultmon_record_format(bad, n, line, sizeof(line));
        assert_true(r == -SEL4FT_EBADMSG || (r >= 0 && strlen(line) < sizeof(line)));
    }
    /* A record that names a reason by its index and carries a text for it as well. */
    e.kind = SEL4FT_FAULTMON_EVENT_STOPPED;
    e.reason = "x";
    assert_int_equal(sel4ft_faultmon_record_write(&producer, &e, 62500000), 0);
    length = last_record(bad);
    assert_true(sel4ft_faultmon_record_format(bad, length, line, sizeof(line)) > 0);
    assert_non_null(strstr(line, "reason=x"));
    bad[3] = 1;
    assert_int_equal(sel4ft_faultmon_record_format(bad, length, line, sizeof(line)), -SEL4FT_EBADMSG);
    bad[length - 2] = '\0'; /* its text emptied: the library's first reason */
    assert_true(sel4ft_faultmon_record_format(bad, length - 1, line, sizeof(line)) > 0);
    assert_non_null(strstr(line, "reason=\"invalid policy\""));
    e.kind = SEL4FT_FAULTMON_EVENT_FAILED;

    /* A long name is cut to fit a failure's record; a reason to fit the rest. */
    char name[100];
    memset(name, 'n', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    e.name = name;
    assert_int_equal(sel4ft_faultmon_record_write(&producer, &e, 62500000), 0);
    assert_int_equal(last_record(good), SEL4FT_LOGRING_TEXT_MAX - 1 + 1);
    assert_true(sel4ft_faultmon_record_format(good, SEL4FT_LOGRING_TEXT_MAX, line, sizeof(line)) > 0);
    assert_memory_equal(line + strlen("failed child="), name, 62);
    assert_int_equal(line[strlen("failed child=") + 62], ' ');
    /* A length the engine measured gives the same bytes as a scan, cut alike where it does not fit. */
    uint8_t measured[SEL4FT_LOGRING_TEXT_MAX];
    e.name_length = (uint32_t)strlen(name);
    assert_int_equal(sel4ft_faultmon_record_write(&producer, &e, 62500000), 0);
    assert_int_equal(last_record(measured), SEL4FT_LOGRING_TEXT_MAX);
    assert_memory_equal(measured, good, SEL4FT_LOGRING_TEXT_MAX);
    e.name = "server";
    e.name_length = 0;
    assert_int_equal(sel4ft_faultmon_record_write(&producer, &e, 62500000), 0);
    size_t scanned = last_record(good);
    e.name_length = 6;
    assert_int_equal(sel4ft_faultmon_record_write(&producer, &e, 62500000), 0);
    assert_int_equal(last_record(measured), scanned);
    assert_memory_equal(measured, good, scanned);
    /* Where the name only just fits, or only just does not, the copy and the scan agree. */
    for (size_t fit = SEL4FT_LOGRING_TEXT_MAX - 96 - 80 - 3; fit <= SEL4FT_LOGRING_TEXT_MAX - 96 - 80; fit++) {
        name[fit] = '\0';
        e.name = name;
        e.name_length = 0;
        assert_int_equal(sel4ft_faultmon_record_write(&producer, &e, 62500000), 0);
        scanned = last_record(good);
        e.name_length = (uint32_t)fit;
        assert_int_equal(sel4ft_faultmon_record_write(&producer, &e, 62500000), 0);
        assert_int_equal(last_record(measured), scanned);
        assert_memory_equal(measured, good, scanned);
        name[fit] = 'n';
    }
    e.name = name;
    e.name_length = 0;
    assert_int_equal(sel4ft_faultmon_record_write(NULL, &e, 1), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_faultmon_record_write(&producer, NULL, 1), -SEL4FT_EINVAL);
    kernel.clock_reads = 0;
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
    expect_no_more_events();
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
    expect_no_more_events();
}

static void test_backoff_past_the_end_of_time_never_ends(void **state)
{
    (void)state;
    sel4ft_supervisor_policy_t forever = three_in_a_second;
    forever.backoff_first_ticks = UINT64_MAX - 10;
    forever.backoff_max_ticks = UINT64_MAX - 10;
    watch(CRASHER, "crasher", SEL4FT_FAULTMON_RESTART, &forever, NULL, CRASHER_CHANNEL, 0);

    fault_now(CRASHER);
    sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, kernel.now);
    assert_int_equal(kernel.restarts, 1);
    /* The second failure backs off for (nearly) ever: now + delay wrapped to now - 11, over at once. */
    kernel.now += 10;
    fault_now(CRASHER);
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
    fault_now(SERVER);
    sel4ft_faultmon_notified(&monitor, SERVER_CHANNEL, kernel.now);
    fault_now(SERVER);
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
    fault_now(CRASHER);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_RESTARTING);
    expect_null_write("crasher", 1, kernel.now);
    expect_event(SEL4FT_FAULTMON_EVENT_RESTART, "crasher", 2, kernel.now);

    /* restarted_at + timeout wrapped to restarted_at - 1: the timer was armed for a moment already past. */
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), 0);
    sel4ft_faultmon_tick(&monitor, kernel.now + 1000000000);

    /* A deadline that saturates exactly at the end of time is never due either, even then. */
    sel4ft_faultmon_set_recovery_timeout(&monitor, UINT64_MAX - kernel.now);
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), 0);
    sel4ft_faultmon_tick(&monitor, UINT64_MAX);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_RESTARTING);
    assert_int_equal(kernel.stops, 0);
    expect_no_more_events();

    /* One tick earlier, it is an ordinary deadline. */
    sel4ft_faultmon_set_recovery_timeout(&monitor, UINT64_MAX - kernel.now - 1);
    assert_int_equal(sel4ft_faultmon_next_deadline(&monitor), UINT64_MAX - 1);
    sel4ft_faultmon_tick(&monitor, UINT64_MAX - 1);
    /* Failed again; long after the first failure, so restarted at once. */
    assert_int_equal(kernel.restarts, 2);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->restarted_at, UINT64_MAX - 1);
    const sel4ft_faultmon_event_t *late = expect_event(SEL4FT_FAULTMON_EVENT_FAILED, "crasher", 2, UINT64_MAX - 1);
    assert_int_equal(late->failure.cause, SEL4FT_FAILURE_DEADLINE);
    expect_event(SEL4FT_FAULTMON_EVENT_RESTART, "crasher", 3, UINT64_MAX - 1);
}

/* Checks fall on the monitor's schedule: a child that says it serves just before one must not be counted as
 * missing a period it never had. A hang is two whole periods without a beat after "serving". */
static void test_first_check_after_serving_counts_no_miss(void **state)
{
    (void)state;
    sel4ft_heartbeat_t heartbeat = { 0 };
    watch(CRASHER, "hanger", SEL4FT_FAULTMON_RESTART, &three_in_a_second, &heartbeat, CRASHER_CHANNEL, 0);
    sel4ft_faultmon_set_heartbeat_period(&monitor, 100, kernel.now);
    const uint64_t first_check = kernel.now + 100;

    /* Serving 1 tick before the first check, then never a beat. */
    sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, first_check - 1);
    sel4ft_faultmon_tick(&monitor, first_check);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->missed_beats, 0);
    /* It is still asked for a beat. */
    assert_int_equal(kernel.notified[CRASHER_CHANNEL], 1);
    sel4ft_faultmon_tick(&monitor, first_check + 100);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->missed_beats, 1);
    assert_int_equal(kernel.restarts, 0);
    sel4ft_faultmon_tick(&monitor, first_check + 200);
    assert_int_equal(kernel.restarts, 1);
    const sel4ft_faultmon_event_t *hung = expect_event(SEL4FT_FAULTMON_EVENT_FAILED, "hanger", 1, first_check + 200);
    assert_int_equal(hung->failure.cause, SEL4FT_FAILURE_HANG);
    expect_event(SEL4FT_FAULTMON_EVENT_RESTART, "hanger", 2, first_check + 200);

    /* The same after a restart: "serving again" just before a check gives it a whole period afresh. */
    const uint64_t again = first_check + 399;
    sel4ft_faultmon_tick(&monitor, first_check + 300);
    sel4ft_faultmon_notified(&monitor, CRASHER_CHANNEL, again);
    expect_event(SEL4FT_FAULTMON_EVENT_RECOVERED, "hanger", 2, again);
    sel4ft_faultmon_tick(&monitor, first_check + 400);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->missed_beats, 0);
    sel4ft_faultmon_tick(&monitor, first_check + 500);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->hangs, 1);
    sel4ft_faultmon_tick(&monitor, first_check + 600);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->hangs, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_child_validates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decide_follows_configuration, setup, teardown),
        cmocka_unit_test_setup_teardown(test_riscv64_fault_messages_take_the_same_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_policy_stops_logs_and_tells_dependents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_failure_restarts_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeated_failures_back_off_then_escalate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_escalation_restarts_the_group, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hung_child_is_restarted_after_two_missed_periods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_check_after_serving_counts_no_miss, setup, teardown),
        cmocka_unit_test_setup_teardown(test_child_waiting_for_a_processor_is_not_hung, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ended_child_is_not_judged_by_its_heartbeat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_saved_state_is_adopted_field_for_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hang_blames_the_highest_priority_child_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hang_after_a_stale_beat_blames_the_higher_child, setup, teardown),
        cmocka_unit_test_setup_teardown(test_starved_child_is_spared_a_bounded_number_of_times, setup, teardown),
        cmocka_unit_test_setup_teardown(test_back_to_back_hangs_above_do_not_blame_the_starved_child, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hang_of_equal_priorities_blames_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_restart_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_child_is_stopped_and_nobody_told, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_fault_message_stops_the_child, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_sink_writes_prefixed_lines_to_the_console, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_sink_writes_records_to_the_ring, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restarted_child_that_never_serves_fails_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_restart_leaves_running_members_running, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_restart_from_a_timeout_does_not_time_out_members, setup, teardown),
        cmocka_unit_test_setup_teardown(test_linux_failures_take_the_same_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_sums_up_every_watched_child, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_line_truncation_and_quoting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_binary_records_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heartbeat_period_past_the_end_of_time_never_fires, setup, teardown),
        cmocka_unit_test_setup_teardown(test_next_heartbeat_past_the_end_of_time_never_fires, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backoff_past_the_end_of_time_never_ends, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recovery_timeout_past_the_end_of_time_never_fires, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
