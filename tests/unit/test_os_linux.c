/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */

/* Unit tests for the Linux port of sel4ft/os.h and its hooks. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sel4ft/error.h>
#include <sel4ft/os.h>
#include <sel4ft/fault.h>
#include <sel4ft/os_linux.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* What the hooks saw. */
static struct {
    unsigned notify_calls;
    sel4ft_channel_t notified[16];
    unsigned ppcall_calls;
    sel4ft_channel_t ppcall_channel;
    sel4ft_msginfo_t ppcall_message;
    uint64_t ppcall_mr0_seen;
    unsigned console_calls;
    char console[256];
    size_t console_length;
    unsigned restart_calls;
    sel4ft_child_t restart_child;
    unsigned stop_calls;
    sel4ft_child_t stop_child;
    int result; /* what the child-control hooks return */
    void *context_seen;
} record;

static void hook_notify(void *context, sel4ft_channel_t channel)
{
    record.context_seen = context;
    if (record.notify_calls < ARRAY_SIZE(record.notified)) {
        record.notified[record.notify_calls] = channel;
    }
    record.notify_calls++;
}

static sel4ft_msginfo_t hook_ppcall(void *context, sel4ft_channel_t channel, sel4ft_msginfo_t message)
{
    record.context_seen = context;
    record.ppcall_calls++;
    record.ppcall_channel = channel;
    record.ppcall_message = message;
    /* The callee sees the caller's registers and answers in them. */
    record.ppcall_mr0_seen = sel4ft_os_mr_get(0);
    sel4ft_os_mr_set(0, record.ppcall_mr0_seen + 1);
    sel4ft_os_mr_set(1, 0xfeed);
    return (sel4ft_msginfo_t) { message.label + 1, 2 };
}

static void hook_console(void *context, const char *text, size_t length)
{
    record.context_seen = context;
    record.console_calls++;
    assert_true(record.console_length + length <= sizeof(record.console));
    memcpy(record.console + record.console_length, text, length);
    record.console_length += length;
}

static int hook_child_restart(void *context, sel4ft_child_t child)
{
    record.context_seen = context;
    record.restart_calls++;
    record.restart_child = child;
    return record.result;
}

static int hook_child_stop(void *context, sel4ft_child_t child)
{
    record.context_seen = context;
    record.stop_calls++;
    record.stop_child = child;
    return record.result;
}

static int hook_child_waited(void *context, sel4ft_child_t child, uint64_t *ticks)
{
    record.context_seen = context;
    *ticks = 1000u + child;
    return record.result;
}

static const sel4ft_os_linux_hooks_t all_hooks = {
    .notify = hook_notify,
    .ppcall = hook_ppcall,
    .console = hook_console,
    .child_restart = hook_child_restart,
    .child_stop = hook_child_stop,
    .child_waited = hook_child_waited,
    .context = &record,
};

static void clear_registers(void)
{
    for (uint32_t i = 0; i < SEL4FT_OS_MAX_MRS; i++) {
        sel4ft_os_mr_set(i, 0);
    }
}

static int setup(void **state)
{
    (void)state;
    memset(&record, 0, sizeof(record));
    sel4ft_os_linux_set_hooks(NULL);
    sel4ft_os_linux_set_name(NULL);
    clear_registers();
    return 0;
}

static int setup_with_hooks(void **state)
{
    setup(state);
    sel4ft_os_linux_set_hooks(&all_hooks);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sel4ft_os_linux_set_hooks(NULL);
    sel4ft_os_linux_set_name(NULL);
    return 0;
}

/* Message registers */

static void test_message_registers(void **state)
{
    (void)state;
    for (uint32_t i = 0; i < SEL4FT_OS_MAX_MRS; i++) {
        sel4ft_os_mr_set(i, 0x1000000000000000ull + i * 0x0101);
    }
    for (uint32_t i = 0; i < SEL4FT_OS_MAX_MRS; i++) {
        assert_int_equal(sel4ft_os_mr_get(i), 0x1000000000000000ull + i * 0x0101);
    }
    sel4ft_os_mr_set(5, UINT64_MAX);
    assert_int_equal(sel4ft_os_mr_get(5), UINT64_MAX);
    assert_int_equal(sel4ft_os_mr_get(4), 0x1000000000000000ull + 4 * 0x0101);
    assert_int_equal(sel4ft_os_mr_get(6), 0x1000000000000000ull + 6 * 0x0101);
}

static void test_message_registers_out_of_range(void **state)
{
    (void)state;
    for (uint32_t i = 0; i < SEL4FT_OS_MAX_MRS; i++) {
        sel4ft_os_mr_set(i, i);
    }
    static const uint32_t beyond[] = { SEL4FT_OS_MAX_MRS, SEL4FT_OS_MAX_MRS + 1, 1000, UINT32_MAX };
    for (size_t i = 0; i < ARRAY_SIZE(beyond); i++) {
        sel4ft_os_mr_set(beyond[i], 0xbad);
        assert_int_equal(sel4ft_os_mr_get(beyond[i]), 0);
    }
    /* The ignored writes landed nowhere. */
    for (uint32_t i = 0; i < SEL4FT_OS_MAX_MRS; i++) {
        assert_int_equal(sel4ft_os_mr_get(i), i);
    }
}

typedef struct {
    uint64_t initial[SEL4FT_OS_MAX_MRS];
    uint64_t after[SEL4FT_OS_MAX_MRS];
} thread_registers_t;

static void *register_thread(void *argument)
{
    thread_registers_t *result = argument;
    for (uint32_t i = 0; i < SEL4FT_OS_MAX_MRS; i++) {
        result->initial[i] = sel4ft_os_mr_get(i);
    }
    for (uint32_t i = 0; i < SEL4FT_OS_MAX_MRS; i++) {
        sel4ft_os_mr_set(i, 0xb000 + i);
    }
    for (uint32_t i = 0; i < SEL4FT_OS_MAX_MRS; i++) {
        result->after[i] = sel4ft_os_mr_get(i);
    }
    return NULL;
}

static void test_message_registers_per_thread(void **state)
{
    (void)state;
    for (uint32_t i = 0; i < SEL4FT_OS_MAX_MRS; i++) {
        sel4ft_os_mr_set(i, 0xa000 + i);
    }

    thread_registers_t result;
    memset(&result, 0xff, sizeof(result));
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, register_thread, &result), 0);
    assert_int_equal(pthread_join(thread, NULL), 0);

    for (uint32_t i = 0; i < SEL4FT_OS_MAX_MRS; i++) {
        /* A new thread starts with its own, zeroed registers... */
        assert_int_equal(result.initial[i], 0);
        /* ...sees its own writes... */
        assert_int_equal(result.after[i], 0xb000 + i);
        /* ...and leaves this thread's alone. */
        assert_int_equal(sel4ft_os_mr_get(i), 0xa000 + i);
    }
}

/* Time */

static uint64_t monotonic_ns(void)
{
    struct timespec now;
    assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &now), 0);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static void test_tick_hz(void **state)
{
    (void)state;
#if defined(__aarch64__)
    uint64_t hz;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
    assert_int_equal(sel4ft_os_tick_hz(), hz);
#else
    assert_int_equal(sel4ft_os_tick_hz(), 1000000000u);
#endif
}

static uint64_t fixed_ticks(void *context)
{
    (void)context;
    return 4242;
}

static void test_tick_hook_and_its_rate(void **state)
{
    (void)state;
    uint64_t own_hz = sel4ft_os_tick_hz();

    /* A clock hook without a rate keeps the port's rate. */
    sel4ft_os_linux_hooks_t hooks = { .ticks = fixed_ticks };
    sel4ft_os_linux_set_hooks(&hooks);
    assert_int_equal(sel4ft_os_ticks(), 4242);
    assert_int_equal(sel4ft_os_tick_hz(), own_hz);

    /* With a rate, the rate is the hook's: every tick value and the rate stay one pair. */
    hooks.tick_hz = 62500000;
    sel4ft_os_linux_set_hooks(&hooks);
    assert_int_equal(sel4ft_os_ticks(), 4242);
    assert_int_equal(sel4ft_os_tick_hz(), 62500000);

    /* A rate without a clock hook is ignored: the machine's clock goes with the machine's rate. */
    hooks.ticks = NULL;
    sel4ft_os_linux_set_hooks(&hooks);
    assert_int_equal(sel4ft_os_tick_hz(), own_hz);
}

static void test_ticks_monotonic(void **state)
{
    (void)state;
    uint64_t previous = sel4ft_os_ticks();
    for (int i = 0; i < 10000; i++) {
        uint64_t now = sel4ft_os_ticks();
        assert_true(now >= previous);
        previous = now;
    }

#if !defined(__aarch64__)
    /* The ticks are CLOCK_MONOTONIC nanoseconds: they fall between two readings of it. */
    uint64_t before = monotonic_ns();
    uint64_t ticks = sel4ft_os_ticks();
    uint64_t after = monotonic_ns();
    assert_in_range(ticks, before, after);
#endif

    /* 2 ms of sleep is at least 2 ms of ticks. */
    uint64_t start = sel4ft_os_ticks();
    struct timespec pause = { 0, 2000000 };
    while (nanosleep(&pause, &pause) != 0) { }
    uint64_t elapsed = sel4ft_os_ticks() - start;
    assert_true(elapsed >= 2 * sel4ft_os_tick_hz() / 1000);
    assert_true(elapsed < 10 * sel4ft_os_tick_hz());
}

/* Notifications */

static void test_notify_hook(void **state)
{
    (void)state;
    sel4ft_os_notify(0);
    sel4ft_os_notify(7);
    sel4ft_os_notify(SEL4FT_OS_MAX_CHANNEL);
    assert_int_equal(record.notify_calls, 3);
    assert_int_equal(record.notified[0], 0);
    assert_int_equal(record.notified[1], 7);
    assert_int_equal(record.notified[2], SEL4FT_OS_MAX_CHANNEL);
    assert_ptr_equal(record.context_seen, &record);

    /* Channels Microkit does not have are not delivered. */
    sel4ft_os_notify(SEL4FT_OS_MAX_CHANNEL + 1);
    sel4ft_os_notify(1000);
    sel4ft_os_notify(UINT32_MAX);
    assert_int_equal(record.notify_calls, 3);
}

static void test_notify_without_hook(void **state)
{
    (void)state;
    /* Installed, then removed: the old hook must not be called any more. */
    sel4ft_os_linux_set_hooks(&all_hooks);
    sel4ft_os_notify(1);
    assert_int_equal(record.notify_calls, 1);

    sel4ft_os_linux_set_hooks(NULL);
    sel4ft_os_notify(1);
    sel4ft_os_notify(SEL4FT_OS_MAX_CHANNEL);
    assert_int_equal(record.notify_calls, 1);
}

/* Protected procedure calls */

static void test_ppcall_without_hook(void **state)
{
    (void)state;
    sel4ft_os_mr_set(0, 55);
    sel4ft_msginfo_t answer = sel4ft_os_ppcall(3, (sel4ft_msginfo_t) { 0x1234, 1 });
    assert_int_equal(answer.label, 0);
    assert_int_equal(answer.count, 0);
    assert_int_equal(record.ppcall_calls, 0);
}

static void test_ppcall_hook(void **state)
{
    (void)state;
    sel4ft_os_mr_set(0, 41);
    sel4ft_msginfo_t answer = sel4ft_os_ppcall(9, (sel4ft_msginfo_t) { 0x5f401, 1 });

    assert_int_equal(record.ppcall_calls, 1);
    assert_int_equal(record.ppcall_channel, 9);
    assert_int_equal(record.ppcall_message.label, 0x5f401);
    assert_int_equal(record.ppcall_message.count, 1);
    assert_ptr_equal(record.context_seen, &record);
    /* The callee read the caller's register and the caller reads the callee's answer. */
    assert_int_equal(record.ppcall_mr0_seen, 41);
    assert_int_equal(answer.label, 0x5f402);
    assert_int_equal(answer.count, 2);
    assert_int_equal(sel4ft_os_mr_get(0), 42);
    assert_int_equal(sel4ft_os_mr_get(1), 0xfeed);
}

static void test_ppcall_rejected_before_hook(void **state)
{
    (void)state;
    /* A channel Microkit does not have. */
    sel4ft_msginfo_t answer = sel4ft_os_ppcall(SEL4FT_OS_MAX_CHANNEL + 1, (sel4ft_msginfo_t) { 1, 0 });
    assert_int_equal(answer.label, 0);
    assert_int_equal(answer.count, 0);
    /* More registers than a message has. */
    answer = sel4ft_os_ppcall(1, (sel4ft_msginfo_t) { 1, SEL4FT_OS_MAX_MRS + 1 });
    assert_int_equal(answer.label, 0);
    assert_int_equal(record.ppcall_calls, 0);

    /* The limits themselves are fine. */
    answer = sel4ft_os_ppcall(SEL4FT_OS_MAX_CHANNEL, (sel4ft_msginfo_t) { 1, SEL4FT_OS_MAX_MRS });
    assert_int_equal(answer.label, 2);
    assert_int_equal(record.ppcall_calls, 1);
}

/* Message tags */

static void test_msginfo(void **state)
{
    (void)state;
    sel4ft_msginfo_t tag = sel4ft_msginfo_new(0x5f21000000123ull, 2);
    assert_int_equal(sel4ft_msginfo_label(tag), 0x5f21000000123ull);
    assert_int_equal(sel4ft_msginfo_count(tag), 2);
    assert_true(sel4ft_msginfo_matches(tag, 0x5f21000000123ull, 2));
    /* Either field off by one is another tag. */
    assert_false(sel4ft_msginfo_matches(tag, 0x5f21000000124ull, 2));
    assert_false(sel4ft_msginfo_matches(tag, 0x5f21000000123ull, 3));
    assert_false(sel4ft_msginfo_matches(tag, 0x5f21000000123ull, 0));
    assert_true(sel4ft_msginfo_matches(sel4ft_msginfo_new(0, 0), 0, 0));

    /* The upper bits of the label: the fields below the shift do not count, the count does. */
    assert_true(sel4ft_msginfo_matches_upper(tag, 0x5f21, 36, 2));
    assert_true(sel4ft_msginfo_matches_upper(tag, 0x5f21000000123ull, 0, 2));
    assert_true(sel4ft_msginfo_matches_upper(sel4ft_msginfo_new(0x5f21fffffffffull, 2), 0x5f21, 36, 2));
    assert_false(sel4ft_msginfo_matches_upper(tag, 0x5f22, 36, 2));
    assert_false(sel4ft_msginfo_matches_upper(tag, 0x5f21, 36, 3));
    assert_false(sel4ft_msginfo_matches_upper(tag, 0x5f2, 36, 2));
    /* A label with bits above the 52 a seL4 tag holds (the Linux port carries 64) is another label. */
    assert_false(sel4ft_msginfo_matches_upper(sel4ft_msginfo_new(0x5f21000000123ull | (1ull << 60), 2), 0x5f21, 36,
                                              2));
}

/* Console */

static void test_console_hook(void **state)
{
    (void)state;
    sel4ft_os_console_write("hello", 5);
    assert_int_equal(record.console_calls, 1);
    assert_int_equal(record.console_length, 5);
    assert_memory_equal(record.console, "hello", 5);
    assert_ptr_equal(record.context_seen, &record);

    /* Bytes need not be NUL-terminated; only `length` of them go out. */
    const char text[] = { 'a', 'b', 'c', 'd' };
    sel4ft_os_console_write(text, 3);
    assert_int_equal(record.console_length, 8);
    assert_memory_equal(record.console, "helloabc", 8);

    /* Embedded NULs pass through. */
    sel4ft_os_console_write("x\0y", 3);
    assert_int_equal(record.console_length, 11);
    assert_memory_equal(record.console + 8, "x\0y", 3);
}

static void test_console_default_is_stderr(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fds[1], STDERR_FILENO) >= 0);

    sel4ft_os_console_write("to stderr\n", 10);

    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    close(fds[1]);
    char buffer[32];
    ssize_t n = read(fds[0], buffer, sizeof(buffer));
    close(fds[0]);
    assert_int_equal(n, 10);
    assert_memory_equal(buffer, "to stderr\n", 10);
    assert_int_equal(record.console_calls, 0);
}

static int fake_timer_set(void *context, uint64_t deadline_ticks)
{
    (void)context;
    (void)deadline_ticks;
    return 0;
}

static void test_timer_and_fault_arch(void **state)
{
    (void)state;
    /* No timer on Linux but a hook's, which needs no device. */
    assert_int_equal(sel4ft_os_timer_use_device(0x101000), -SEL4FT_ENOTSUP);
    assert_int_equal(sel4ft_os_timer_use_device(0), -SEL4FT_ENOTSUP);
    assert_int_equal(sel4ft_os_timer_set(12345), -SEL4FT_ENOTSUP);
    sel4ft_os_linux_hooks_t timer = { .timer_set = fake_timer_set };
    sel4ft_os_linux_set_hooks(&timer);
    assert_int_equal(sel4ft_os_timer_use_device(0), 0);
    assert_int_equal(sel4ft_os_timer_set(12345), 0);
    sel4ft_os_linux_set_hooks(NULL);
    /* The fault messages tests feed are aarch64's unless the hooks say otherwise. */
    assert_int_equal(sel4ft_os_fault_arch(), SEL4FT_FAULT_ARCH_AARCH64);
    sel4ft_os_linux_hooks_t hooks = { .fault_arch = SEL4FT_FAULT_ARCH_RISCV64 };
    sel4ft_os_linux_set_hooks(&hooks);
    assert_int_equal(sel4ft_os_fault_arch(), SEL4FT_FAULT_ARCH_RISCV64);
    sel4ft_os_linux_set_hooks(NULL);
    assert_int_equal(sel4ft_os_fault_arch(), SEL4FT_FAULT_ARCH_AARCH64);
}

static void test_console_use_uart(void **state)
{
    (void)state;
    assert_int_equal(sel4ft_os_console_use_uart(0x9000000), -SEL4FT_ENOTSUP);
    assert_int_equal(sel4ft_os_console_use_uart(0), -SEL4FT_ENOTSUP);

    /* Output still goes where it went before. */
    sel4ft_os_linux_set_hooks(&all_hooks);
    sel4ft_os_console_write("ok", 2);
    assert_int_equal(record.console_length, 2);
}

/* Child control */

static void test_child_control_without_hooks(void **state)
{
    (void)state;
    assert_int_equal(sel4ft_os_child_restart(1), -SEL4FT_ENOTSUP);
    assert_int_equal(sel4ft_os_child_stop(1), -SEL4FT_ENOTSUP);
    uint64_t waited = 7;
    assert_int_equal(sel4ft_os_child_waited(1, &waited), -SEL4FT_ENOTSUP);
    assert_int_equal(waited, 7);
    assert_int_equal(record.restart_calls, 0);
    assert_int_equal(record.stop_calls, 0);
}

static void test_child_control_with_hooks(void **state)
{
    (void)state;
    record.result = 0;
    assert_int_equal(sel4ft_os_child_restart(4), 0);
    assert_int_equal(record.restart_calls, 1);
    assert_int_equal(record.restart_child, 4);
    assert_ptr_equal(record.context_seen, &record);

    assert_int_equal(sel4ft_os_child_stop(6), 0);
    assert_int_equal(record.stop_calls, 1);
    assert_int_equal(record.stop_child, 6);

    uint64_t waited = 0;
    assert_int_equal(sel4ft_os_child_waited(3, &waited), 0);
    assert_int_equal(waited, 1003);

    /* The hooks' results come back unchanged. */
    record.result = -SEL4FT_EIO;
    assert_int_equal(sel4ft_os_child_restart(2), -SEL4FT_EIO);
    assert_int_equal(record.restart_child, 2);
    assert_int_equal(sel4ft_os_child_stop(3), -SEL4FT_EIO);
    record.result = -SEL4FT_EAGAIN;
    assert_int_equal(sel4ft_os_child_waited(3, &waited), -SEL4FT_EAGAIN);
    assert_int_equal(record.restart_calls, 2);
    assert_int_equal(record.stop_calls, 2);
}

static void test_hooks_are_copied(void **state)
{
    (void)state;
    sel4ft_os_linux_hooks_t hooks = { .child_stop = hook_child_stop, .context = &record };
    sel4ft_os_linux_set_hooks(&hooks);
    /* Changing the caller's struct afterwards changes nothing. */
    hooks.child_stop = NULL;
    hooks.context = NULL;
    record.result = 17;
    assert_int_equal(sel4ft_os_child_stop(5), 17);
    assert_ptr_equal(record.context_seen, &record);

    /* Hooks left NULL take their defaults. */
    assert_int_equal(sel4ft_os_child_restart(5), -SEL4FT_ENOTSUP);
    assert_int_equal(sel4ft_msginfo_label(sel4ft_os_ppcall(1, sel4ft_msginfo_new(1, 0))), 0);
}

static void test_one_hook_changed_in_place(void **state)
{
    (void)state;
    sel4ft_os_linux_hooks_t hooks = { .child_stop = hook_child_stop, .context = &record };
    sel4ft_os_linux_set_hooks(&hooks);
    /* The port's own copy: one hook added, the others kept. */
    sel4ft_os_linux_hooks()->child_restart = hook_child_restart;
    record.result = 5;
    assert_int_equal(sel4ft_os_child_restart(3), 5);
    assert_int_equal(record.restart_child, 3);
    assert_int_equal(sel4ft_os_child_stop(4), 5);
    assert_ptr_equal(record.context_seen, &record);
    sel4ft_os_linux_set_hooks(NULL);
    assert_null(sel4ft_os_linux_hooks()->child_restart);
    assert_int_equal(sel4ft_os_child_restart(3), -SEL4FT_ENOTSUP);
}

/* Name */

static void test_os_name(void **state)
{
    (void)state;
    assert_string_equal(sel4ft_os_name(), "host");

    static const char name[] = "server";
    sel4ft_os_linux_set_name(name);
    assert_ptr_equal(sel4ft_os_name(), name);
    assert_string_equal(sel4ft_os_name(), "server");

    sel4ft_os_linux_set_name("client");
    assert_string_equal(sel4ft_os_name(), "client");

    sel4ft_os_linux_set_name(NULL);
    assert_non_null(sel4ft_os_name());
    assert_string_equal(sel4ft_os_name(), "host");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_message_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_message_registers_out_of_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_message_registers_per_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tick_hz, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ticks_monotonic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tick_hook_and_its_rate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notify_hook, setup_with_hooks, teardown),
        cmocka_unit_test_setup_teardown(test_notify_without_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ppcall_without_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ppcall_hook, setup_with_hooks, teardown),
        cmocka_unit_test_setup_teardown(test_ppcall_rejected_before_hook, setup_with_hooks, teardown),
        cmocka_unit_test_setup_teardown(test_msginfo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_console_hook, setup_with_hooks, teardown),
        cmocka_unit_test_setup_teardown(test_console_default_is_stderr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_console_use_uart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_and_fault_arch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_child_control_without_hooks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_child_control_with_hooks, setup_with_hooks, teardown),
        cmocka_unit_test_setup_teardown(test_hooks_are_copied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_one_hook_changed_in_place, setup, teardown),
        cmocka_unit_test_setup_teardown(test_os_name, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
