/*
 * Copyright 2026, the sel4ft authors
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <sel4ft/error.h>
#include <sel4ft/log.h>
#include <sel4ft/os_linux.h>
#include <sel4ft/restart.h>

#include "console.h"

static int setup(void **state)
{
    (void)state;
    console_setup((sel4ft_os_linux_hooks_t){ 0 }, "pd");
    return 0;
}

static void test_without_a_ring_lines_go_to_the_console_with_the_prefix(void **state)
{
    (void)state;
    assert_null(sel4ft_log_ring());
    assert_int_equal(LOG_INFO("hello %d", 42), 0);
    assert_int_equal(LOG_WARN("careful"), 0);
    assert_int_equal(LOG_ERROR("broken: %s", "yes"), 0);
    assert_string_equal(console, "pd|INFO: hello 42\npd|WARN: careful\npd|ERROR: broken: yes\n");
}

static void test_a_bad_ring_is_refused_and_said_so(void **state)
{
    (void)state;
    static _Alignas(8) uint8_t tiny[64];
    assert_int_equal(sel4ft_log_init(tiny, sizeof(tiny), 1), -SEL4FT_EINVAL);
    assert_null(sel4ft_log_ring());
    assert_non_null(strstr(console, "pd|ERROR: log ring at"));
    assert_non_null(strstr(console, "logging to the console"));
}

static void test_with_a_ring_lines_go_into_it(void **state)
{
    (void)state;
    static _Alignas(8) uint8_t region[4096];
    memset(region, 0, sizeof(region));
    assert_int_equal(sel4ft_log_init(region, sizeof(region), 3), 0);
    assert_non_null(sel4ft_log_ring());
    assert_int_equal(LOG_INFO("into the ring %u", 7u), 0);
    assert_int_equal(console_length, 0);

    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, region, sizeof(region), "pd"), 0);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_int_equal(record.level, SEL4FT_LOG_INFO);
    assert_string_equal(record.text, "into the ring 7");

    char text[128];
    sel4ft_logfmt_t line;
    sel4ft_logfmt_begin(&line, text, sizeof(text), "thing");
    sel4ft_logfmt_u64(&line, "n", 3);
    assert_int_equal(sel4ft_log_event(SEL4FT_LOG_WARN, &line), 0);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_int_equal(record.level, SEL4FT_LOG_WARN);
    assert_string_equal(record.text, "thing n=3");

    /* Detached (NULL, 0): back to the console, silently; the ring gets nothing more. */
    assert_int_equal(sel4ft_log_init(NULL, 0, 3), 0);
    assert_null(sel4ft_log_ring());
    assert_int_equal(console_length, 0);
    assert_int_equal(LOG_INFO("on the console"), 0);
    assert_string_equal(console, "pd|INFO: on the console\n");
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EAGAIN);
}

/* A PD without a snapshot region starts as incarnation 1, its log on its ring. */
static void test_restart_begin_or_stop_without_a_snapshot(void **state)
{
    (void)state;
    static _Alignas(8) uint8_t ring[4096];
    memset(ring, 0, sizeof(ring));
    assert_int_equal(sel4ft_restart_begin_or_stop(NULL, 0, ring, sizeof(ring), 2), 1);
    assert_non_null(sel4ft_log_ring());
    assert_int_equal(sel4ft_log_ring()->channel, 2);
    assert_int_equal(console_length, 0);
    assert_int_equal(sel4ft_log_init(NULL, 0, 0), 0);
}

/* An image that cannot be restored (on Linux the port cannot name one at all): the reason goes into the log ring,
 * then the PD traps. Run in a child process, with the ring in memory both share. */
static void test_restart_begin_or_stop_stops_and_says_why(void **state)
{
    (void)state;
    const size_t ring_size = 4096;
    uint8_t *ring = mmap(NULL, ring_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(ring != MAP_FAILED);
    static _Alignas(8) uint8_t snapshot[8192];

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* cmocka catches these in its own process; the child must die of them. */
        signal(SIGILL, SIG_DFL);
        signal(SIGTRAP, SIG_DFL);
        sel4ft_restart_begin_or_stop(snapshot, sizeof(snapshot), ring, ring_size, 2);
        _exit(0); /* not reached, unless it returned */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && (WTERMSIG(status) == SIGILL || WTERMSIG(status) == SIGTRAP));

    sel4ft_logring_consumer_t consumer;
    sel4ft_log_record_t record;
    char why[SEL4FT_LOGRING_TEXT_MAX];
    char expected[SEL4FT_LOGRING_TEXT_MAX + 64];
    sel4ft_restart_explain(-SEL4FT_ENOTSUP, sizeof(snapshot), why, sizeof(why));
    snprintf(expected, sizeof(expected), "cannot restore a clean image: %s; stopping", why);
    expected[SEL4FT_LOGRING_TEXT_MAX] = '\0';
    assert_int_equal(sel4ft_logring_consumer_init(&consumer, ring, ring_size, "pd"), 0);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), 0);
    assert_int_equal(record.level, SEL4FT_LOG_ERROR);
    assert_string_equal(record.text, expected);
    assert_int_equal(sel4ft_logring_read(&consumer, &record), -SEL4FT_EAGAIN);
    munmap(ring, ring_size);
}

/* sel4ft_log_line_t: the line and room for the longest text a record holds; a longer line is cut there. */
static void test_log_line_holds_a_whole_record(void **state)
{
    (void)state;
    sel4ft_log_line_t event;
    sel4ft_logfmt_t *line = sel4ft_log_line_begin(&event, "thing");
    sel4ft_logfmt_u64(line, "n", 3);
    assert_string_equal(event.text, "thing n=3");
    assert_int_equal(sel4ft_log_event(SEL4FT_LOG_WARN, line), 0);
    assert_string_equal(console, "pd|WARN: thing n=3\n");

    char long_value[2 * SEL4FT_LOGRING_TEXT_MAX];
    memset(long_value, 'x', sizeof(long_value) - 1);
    long_value[sizeof(long_value) - 1] = '\0';
    line = sel4ft_log_line_begin(&event, "long");
    sel4ft_logfmt_str(line, "v", long_value);
    assert_int_equal(strlen(event.text), SEL4FT_LOGRING_TEXT_MAX);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    assert_int_equal(sel4ft_log_printf(SEL4FT_LOG_LEVEL_NUM, "x"), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_log_printf(SEL4FT_LOG_INFO, NULL), -SEL4FT_EINVAL);
    assert_int_equal(sel4ft_log_event(SEL4FT_LOG_INFO, NULL), -SEL4FT_EINVAL);
    assert_int_equal(console_length, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_without_a_ring_lines_go_to_the_console_with_the_prefix, setup, console_teardown),
        cmocka_unit_test_setup_teardown(test_a_bad_ring_is_refused_and_said_so, setup, console_teardown),
        cmocka_unit_test_setup_teardown(test_with_a_ring_lines_go_into_it, setup, console_teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, console_teardown),
        cmocka_unit_test_setup_teardown(test_log_line_holds_a_whole_record, setup, console_teardown),
        cmocka_unit_test_setup_teardown(test_restart_begin_or_stop_without_a_snapshot, setup, console_teardown),
        cmocka_unit_test_setup_teardown(test_restart_begin_or_stop_stops_and_says_why, setup, console_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
