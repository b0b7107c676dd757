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
#define CLIENT_CHANNEL 3u
#define SERVER_CHANNEL 4u

/* What the fake kernel saw. */
static struct {
    unsigned notified[SEL4FT_OS_MAX_CHANNEL + 1];
    int stops;
    sel4ft_child_t stopped;
    int restarts;
    sel4ft_child_t restarted;
    uintptr_t entry;
    uintptr_t stack_top;
    int restart_result;
    char console[1024];
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

static int on_restart(void *context, sel4ft_child_t child, uintptr_t entry, uintptr_t stack_top)
{
    (void)context;
    kernel.restarts++;
    kernel.restarted = child;
    kernel.entry = entry;
    kernel.stack_top = stack_top;
    return kernel.restart_result;
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

static _Alignas(64) uint8_t ring[16384];
static sel4ft_logring_producer_t producer;
static sel4ft_logring_consumer_t consumer;
static sel4ft_faultmon_t monitor;

static int setup(void **state)
{
    (void)state;
    memset(&kernel, 0, sizeof(kernel));
    memset(ring, 0, sizeof(ring));
    sel4ft_os_linux_hooks_t hooks = {
        .notify = on_notify, .child_stop = on_stop, .child_restart = on_restart, .console = on_console
    };
    sel4ft_os_linux_set_hooks(&hooks);
    assert_int_equal(sel4ft_logring_producer_init(&producer, ring, sizeof(ring), 1), 0);
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

static void watch_crasher(uint32_t action)
{
    const sel4ft_faultmon_child_config_t config = {
        .name = "crasher",
        .on_fault = action,
        .dependents = (1ull << CLIENT_CHANNEL) | (1ull << SERVER_CHANNEL),
    };
    assert_int_equal(sel4ft_faultmon_add_child(&monitor, CRASHER, &config), 0);
}

/* Load the message registers the kernel sends for a write to NULL, and return the tag. */
static sel4ft_msginfo_t null_write_fault(void)
{
    sel4ft_os_mr_set(0, 0x2000a4);     /* IP */
    sel4ft_os_mr_set(1, 0);            /* address */
    sel4ft_os_mr_set(2, 0);            /* not a prefetch */
    sel4ft_os_mr_set(3, 0x92000046);   /* ESR: EC 0x24, WnR, DFSC 0x06 */
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

static void test_add_child_validates(void **state)
{
    (void)state;
    sel4ft_faultmon_child_config_t config = { .name = "x", .on_fault = SEL4FT_FAULTMON_STOP, .dependents = 0 };

    assert_int_equal(sel4ft_faultmon_init(NULL, NULL), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_faultmon_add_child(&monitor, SEL4FT_FAULTMON_MAX_CHILDREN, &config), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_faultmon_add_child(&monitor, 0, NULL), -SEL4FT_EINVAL);
    config.on_fault = SEL4FT_FAULTMON_ACTION_NUM;
    assert_int_equal(sel4ft_faultmon_add_child(&monitor, 0, &config), -SEL4FT_EINVAL);
    config.on_fault = SEL4FT_FAULTMON_STOP;
    config.dependents = 1ull << 62;
    assert_int_equal(sel4ft_faultmon_add_child(&monitor, 0, &config), -SEL4FT_EINVAL);
    config.dependents = 0;
    config.name = NULL;
    assert_int_equal(sel4ft_faultmon_add_child(&monitor, 0, &config), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_faultmon_child(&monitor, 0)->state, SEL4FT_FAULTMON_UNWATCHED);
    assert_null(sel4ft_faultmon_child(&monitor, SEL4FT_FAULTMON_MAX_CHILDREN));
}

static void test_decide_follows_policy(void **state)
{
    (void)state;
    sel4ft_fault_t fault = { .kind = SEL4FT_FAULT_VM };

    /* Unknown children are stopped. */
    assert_int_equal(sel4ft_faultmon_decide(&monitor, CRASHER, &fault), SEL4FT_FAULTMON_STOP);
    watch_crasher(SEL4FT_FAULTMON_RESTART);
    assert_int_equal(sel4ft_faultmon_decide(&monitor, CRASHER, &fault), SEL4FT_FAULTMON_RESTART);
    fault.kind = SEL4FT_FAULT_USER_EXCEPTION;
    assert_int_equal(sel4ft_faultmon_decide(&monitor, CRASHER, &fault), SEL4FT_FAULTMON_RESTART);
    /* A message that is no known fault: stop rather than guess. */
    fault.kind = 42;
    assert_int_equal(sel4ft_faultmon_decide(&monitor, CRASHER, &fault), SEL4FT_FAULTMON_STOP);
    fault.kind = SEL4FT_FAULT_NULL;
    assert_int_equal(sel4ft_faultmon_decide(&monitor, CRASHER, &fault), SEL4FT_FAULTMON_STOP);
    assert_int_equal(sel4ft_faultmon_decide(&monitor, 99, &fault), SEL4FT_FAULTMON_STOP);
    assert_string_equal(sel4ft_faultmon_action_str(SEL4FT_FAULTMON_STOP), "stop");
    assert_string_equal(sel4ft_faultmon_action_str(SEL4FT_FAULTMON_RESTART), "restart");
    assert_string_equal(sel4ft_faultmon_action_str(7), "?");
}

static void test_stop_policy_stops_logs_and_tells_dependents(void **state)
{
    (void)state;
    watch_crasher(SEL4FT_FAULTMON_STOP);

    assert_false(sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault()));

    assert_int_equal(kernel.stops, 1);
    assert_int_equal(kernel.stopped, CRASHER);
    assert_int_equal(kernel.restarts, 0);
    assert_int_equal(kernel.notified[CLIENT_CHANNEL], 1);
    assert_int_equal(kernel.notified[SERVER_CHANNEL], 1);
    assert_int_equal(kernel.notified[1], 0);

    expect_log("crasher: VM fault: write to 0x0 at ip 0x2000a4: translation fault, level 2 [EC 0x24");
    expect_log("crasher: stopped (fault 1), telling dependents");

    const sel4ft_faultmon_child_t *child = sel4ft_faultmon_child(&monitor, CRASHER);
    assert_int_equal(child->state, SEL4FT_FAULTMON_STOPPED);
    assert_int_equal(child->faults, 1);
    assert_int_equal(child->last_fault.address, 0);
    assert_true(child->last_fault.is_write);
    assert_int_equal(child->last_fault.child, CRASHER);
    assert_int_equal(monitor.faults, 1);
}

static void test_restart_policy_resets_pc_and_sp(void **state)
{
    (void)state;
    watch_crasher(SEL4FT_FAULTMON_RESTART);

    assert_false(sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault()));
    assert_int_equal(kernel.restarts, 1);
    assert_int_equal(kernel.restarted, CRASHER);
    assert_int_equal(kernel.entry, SEL4FT_OS_PD_ENTRY);
    assert_int_equal(kernel.stack_top, SEL4FT_OS_PD_STACK_TOP);
    assert_int_equal(kernel.stops, 0);
    expect_log("crasher: VM fault");
    expect_log("crasher: restarted (fault 1)");

    const sel4ft_faultmon_child_t *child = sel4ft_faultmon_child(&monitor, CRASHER);
    assert_int_equal(child->state, SEL4FT_FAULTMON_RUNNING);
    assert_int_equal(child->restarts, 1);

    /* A second fault is counted as such. */
    assert_false(sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault()));
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->faults, 2);
    assert_int_equal(kernel.notified[CLIENT_CHANNEL], 2);
}

static void test_refused_restart_is_reported(void **state)
{
    (void)state;
    watch_crasher(SEL4FT_FAULTMON_RESTART);
    kernel.restart_result = -SEL4FT_EIO;

    sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault());
    assert_int_equal(monitor.action_errors, 1);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->state, SEL4FT_FAULTMON_STOPPED);
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->restarts, 0);
    expect_log("crasher: VM fault");
    expect_log("crasher: restarted FAILED");
}

static void test_unknown_child_is_stopped_and_nobody_told(void **state)
{
    (void)state;
    watch_crasher(SEL4FT_FAULTMON_RESTART);

    sel4ft_faultmon_handle(&monitor, 9, null_write_fault());
    assert_int_equal(kernel.stops, 1);
    assert_int_equal(kernel.stopped, 9);
    assert_int_equal(kernel.restarts, 0);
    assert_int_equal(kernel.notified[CLIENT_CHANNEL], 0);
    assert_int_equal(monitor.unknown_children, 1);
    expect_log("unknown child: VM fault");
    expect_log("child 9, which this monitor does not watch");
    /* The watched child's record is untouched. */
    assert_int_equal(sel4ft_faultmon_child(&monitor, CRASHER)->faults, 0);
}

static void test_garbage_fault_message_is_handled(void **state)
{
    (void)state;
    watch_crasher(SEL4FT_FAULTMON_RESTART);

    /* An unknown label with more registers than any fault has. */
    for (uint32_t i = 0; i < SEL4FT_OS_MAX_MRS; i++) {
        sel4ft_os_mr_set(i, 0xffffffffffffffffull);
    }
    assert_false(sel4ft_faultmon_handle(&monitor, CRASHER, (sel4ft_msginfo_t){ 0xfffff, SEL4FT_OS_MAX_MRS }));
    assert_int_equal(kernel.stops, 1);
    assert_int_equal(kernel.restarts, 0);
    expect_log("crasher: unknown fault");
    expect_log("crasher: stopped (fault 1)");
}

static void test_without_a_ring_lines_go_to_the_console(void **state)
{
    (void)state;
    assert_int_equal(sel4ft_faultmon_init(&monitor, NULL), 0);
    watch_crasher(SEL4FT_FAULTMON_STOP);
    sel4ft_faultmon_handle(&monitor, CRASHER, null_write_fault());
    assert_non_null(strstr(kernel.console, "crasher: VM fault: write to 0x0"));
    assert_non_null(strstr(kernel.console, "crasher: stopped (fault 1)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_child_validates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decide_follows_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_policy_stops_logs_and_tells_dependents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart_policy_resets_pc_and_sp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_restart_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_child_is_stopped_and_nobody_told, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_fault_message_is_handled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_without_a_ring_lines_go_to_the_console, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
